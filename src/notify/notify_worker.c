/* notify_worker.c — the delivery worker (notify.h): a periodic pass over the outbox's due
 * events, each delivered to its target (notify_deliver.c), forgotten when delivered, retried
 * with a doubling backoff when not. Only the first event of a (bucket, key, target) line is
 * ever due, so a key's events reach a target in sequencer order; a pass delivers what is due
 * until nothing is, then waits for the next tick. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/work_lease.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/periodic.h"
#include "notify/notify.h"
#include "notify/notify_deliver.h"

#define NOTIFY_BATCH 32
#define NOTIFY_TICK_MAX_MS 250

struct notify_worker {
    struct meta_store *meta;
    int64_t retry_ms;
    struct periodic *thread;
    struct work_lease *lease; /* one node of a cluster delivers */
    atomic_int stop;
};

struct notify_pending_event {
    int64_t id;
    int64_t attempts;
    char target[256];
    char *event;
};

struct notify_batch {
    struct notify_pending_event v[NOTIFY_BATCH];
    size_t n;
};

static int notify_collect(void *payload, const struct meta_notify_event *e)
{
    struct notify_batch *b = payload;
    struct notify_pending_event *p = &b->v[b->n++];
    p->id = e->id;
    p->attempts = e->attempts;
    memcpy(p->target, e->target, sizeof(p->target));
    p->event = xstrdup(e->event ? e->event : "");
    return b->n == NOTIFY_BATCH;
}

static int64_t notify_backoff(int64_t retry_ms, int64_t attempts)
{
    int64_t d = retry_ms;
    for (int64_t i = 0; i < attempts && d < NOTIFY_RETRY_CAP_MS; i++)
        d *= 2;
    return d < NOTIFY_RETRY_CAP_MS ? d : NOTIFY_RETRY_CAP_MS;
}

static int notify_one(struct notify_worker *w, const struct notify_pending_event *p)
{
    struct meta_notify_target t;
    int rc = meta_notify_target_get(w->meta, p->target, &t);
    if (!rc)
        rc = notify_deliver(&t, p->event);
    memset(t.auth_token, 0, sizeof(t.auth_token));
    if (!rc)
        return meta_notify_delivered(w->meta, p->id);
    if (p->attempts < 3 || p->attempts % 20 == 0)
        log_warn("notification %lld to %s not delivered (attempt %lld): %s", (long long)p->id,
                 p->target, (long long)p->attempts + 1, err_msg());
    return meta_notify_retry(w->meta, p->id,
                             clock_now_ms() + notify_backoff(w->retry_ms, p->attempts));
}

/* One batch; *more when it was full (more may be due). */
static int notify_batch_run(struct notify_worker *w, int *more)
{
    struct notify_batch b;
    b.n = 0;
    int rc = meta_notify_due(w->meta, clock_now_ms(), NOTIFY_BATCH, notify_collect, &b);
    if (rc == 1)
        rc = 0; /* the batch is full */
    *more = b.n == NOTIFY_BATCH;
    for (size_t i = 0; i < b.n; i++) {
        if (!rc && !atomic_load(&w->stop))
            rc = notify_one(w, &b.v[i]);
        free(b.v[i].event);
    }
    return rc;
}

static void notify_tick(void *arg)
{
    struct notify_worker *w = arg;
    if (!work_lease_hold(w->lease))
        return;
    int more = 1;
    for (int i = 0; more && i < 64 && !atomic_load(&w->stop); i++) {
        if (notify_batch_run(w, &more)) {
            log_warn("notifications: %s", err_msg());
            break;
        }
    }
}

int notify_worker_start(struct notify_worker **out, struct meta_store *meta, int64_t retry_ms)
{
    int rc = notify_deliver_init();
    if (rc)
        return rc;
    struct notify_worker *w = xcalloc(1, sizeof(*w));
    w->meta = meta;
    w->retry_ms = retry_ms > 0 ? retry_ms : 1000;
    w->lease = work_lease_new(meta, "notifications");
    atomic_init(&w->stop, 0);
    int64_t tick = w->retry_ms < NOTIFY_TICK_MAX_MS ? w->retry_ms : NOTIFY_TICK_MAX_MS;
    rc = periodic_start(&w->thread, tick, notify_tick, w);
    if (rc) {
        work_lease_free(w->lease);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void notify_worker_stop(struct notify_worker *w)
{
    if (!w)
        return;
    atomic_store(&w->stop, 1);
    periodic_stop(w->thread);
    work_lease_free(w->lease);
    free(w);
}
