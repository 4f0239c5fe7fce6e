/* lc_worker.c — the lifecycle worker thread and its pass over every bucket (lc_worker.h). */
#include "lifecycle/lc_worker.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/work_lease.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/periodic.h"
#include "lifecycle/lc_day.h"
#include "lifecycle/lc_tick.h"
#include "notify/notify_ctx.h"

struct lc_worker {
    struct meta_store *meta;
    struct blob_store *blobs;
    struct periodic *thread;
    struct work_lease *lease; /* one node of a cluster applies the rules */
    atomic_int stop;
};

struct lc_bucket_list {
    struct meta_bucket *b;
    size_t n, cap;
};

static int lc_bucket_collect(void *payload, const struct meta_bucket *b)
{
    struct lc_bucket_list *l = payload;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 32;
        l->b = xrealloc(l->b, l->cap * sizeof(*l->b));
    }
    l->b[l->n++] = *b;
    return 0;
}

/* Record what a pass did, one row per action. */
static int lc_worker_record(struct lc_pass *p)
{
    int rc = 0;
    for (int a = 0; a < LC_ACT_COUNT && !rc; a++)
        if (p->counts[a])
            rc = meta_lifecycle_stat_add(p->meta, p->bucket->name, lc_action_name(a), p->counts[a],
                                         p->now_ms);
    return rc;
}

/* One bucket: its configuration (none: nothing to do), the pass, the counts. */
static int lc_worker_bucket(struct meta_store *m, struct blob_store *bs,
                            const struct meta_bucket *b, int64_t now_ms, const atomic_int *stop)
{
    struct lc_rules rules;
    int rc = lc_rules_load(m, b->name, &rules);
    if (rc)
        return rc == ERR_NOTFOUND ? 0 : rc;
    struct lc_pass p;
    memset(&p, 0, sizeof(p));
    p.meta = m;
    p.blobs = bs;
    p.bucket = b;
    p.rules = &rules;
    p.now_ms = now_ms;
    rc = lc_tick_bucket(&p, stop);
    int rec = lc_worker_record(&p);
    lc_rules_dispose(&rules);
    return rc ? rc : rec;
}

static int lc_worker_pass(struct meta_store *m, struct blob_store *bs, int64_t now_ms,
                          const atomic_int *stop)
{
    struct lc_bucket_list l = {NULL, 0, 0};
    int rc = meta_bucket_list(m, NULL, lc_bucket_collect, &l);
    int first = rc;
    struct notify_ctx nc; /* expirations notify as S3's own (issue 13) */
    notify_ctx_service(&nc, NOTIFY_SRC_LIFECYCLE);
    notify_ctx_enter(&nc);
    for (size_t i = 0; !rc && i < l.n && !atomic_load(stop); i++) {
        int one = lc_worker_bucket(m, bs, &l.b[i], now_ms, stop);
        if (one) { /* one bucket's trouble does not hold up the others */
            log_warn("lifecycle: bucket %s: %s", l.b[i].name, err_msg());
            first = first ? first : one;
        }
    }
    notify_ctx_leave();
    free(l.b);
    return first;
}

int lc_worker_run_all(struct meta_store *m, struct blob_store *bs, int64_t now_ms)
{
    atomic_int never = 0;
    return lc_worker_pass(m, bs, now_ms, &never);
}

static void lc_worker_tick(void *arg)
{
    struct lc_worker *w = arg;
    if (!work_lease_hold(w->lease))
        return;
    if (lc_worker_pass(w->meta, w->blobs, clock_now_ms(), &w->stop))
        log_warn("lifecycle: pass incomplete: %s", err_msg());
}

int64_t lc_worker_interval_ms(void)
{
    int64_t ms = lc_day_ms() / 4;
    return ms < 1000 ? 1000 : ms;
}

int lc_worker_start(struct lc_worker **out, struct meta_store *m, struct blob_store *bs)
{
    struct lc_worker *w = xcalloc(1, sizeof(*w));
    w->meta = m;
    w->blobs = bs;
    w->lease = work_lease_new(m, "lifecycle");
    atomic_init(&w->stop, 0);
    int rc = periodic_start(&w->thread, lc_worker_interval_ms(), lc_worker_tick, w);
    if (rc) {
        work_lease_free(w->lease);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void lc_worker_stop(struct lc_worker *w)
{
    if (!w)
        return;
    atomic_store(&w->stop, 1);
    periodic_stop(w->thread);
    work_lease_free(w->lease);
    free(w);
}
