/* repl_worker.c — the replication worker (repl.h): a periodic pass over the queue's due
 * tasks, each applied to its destination (repl_copy.c); done: the task goes and the source
 * version is COMPLETED; refused: retried with a doubling backoff, and after
 * REPL_MAX_ATTEMPTS the task goes and the version is FAILED. Only the first task of a
 * (bucket, key) line is ever due, so a key's versions reach the destination in order. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/work_lease.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/periodic.h"
#include "notify/notify_ctx.h"
#include "replication/repl.h"

#define REPL_BATCH 32
#define REPL_TICK_MAX_MS 250

struct repl_worker {
    struct meta_store *meta;
    struct blob_store *bs;
    int64_t retry_ms;
    int legacy; /* --legacy-bucket-defaults */
    struct periodic *thread;
    struct work_lease *lease; /* one node of a cluster replicates */
    atomic_int stop;
};

struct repl_batch {
    struct meta_repl_task v[REPL_BATCH];
    size_t n;
};

static int repl_collect(void *payload, const struct meta_repl_task *t)
{
    struct repl_batch *b = payload;
    b->v[b->n] = *t;
    b->v[b->n].key = xstrdup(t->key ? t->key : "");
    b->n++;
    return b->n == REPL_BATCH;
}

static int64_t repl_backoff(int64_t retry_ms, int64_t attempts)
{
    int64_t d = retry_ms;
    for (int64_t i = 0; i < attempts && d < REPL_RETRY_CAP_MS; i++)
        d *= 2;
    return d < REPL_RETRY_CAP_MS ? d : REPL_RETRY_CAP_MS;
}

/* AWS's failure reason: the name why starts with ("DstBucketNotFound: …"), else by rc. */
static void repl_failure_reason(const char *why, int rc, char *out, size_t size)
{
    size_t n = 0;
    while ((why[n] >= 'A' && why[n] <= 'Z') || (why[n] >= 'a' && why[n] <= 'z'))
        n++;
    if (n > 3 && why[n] == ':' && n < size &&
        (strncmp(why, "Dst", 3) == 0 || strncmp(why, "Src", 3) == 0)) {
        memcpy(out, why, n);
        out[n] = '\0';
        return;
    }
    snprintf(out, size, "%s",
             rc == ERR_DENIED ? "DstPutObjectNotPermitted" : "DstServiceUnavailable");
}

static int repl_one(struct repl_worker *w, const struct meta_repl_task *t)
{
    struct meta_object src;
    memset(&src, 0, sizeof(src));
    int rc = meta_object_get(w->meta, t->bucket, t->key, t->version_id, &src);
    if (rc == ERR_NOTFOUND) /* the version went before it was replicated */
        return meta_repl_finish(w->meta, t->id, NULL);
    if (rc)
        return rc;
    char why[1024] = "";
    rc = repl_apply(w->meta, w->bs, w->legacy, t, &src, why, sizeof(why));
    meta_object_dispose(&src);
    if (!rc)
        return meta_repl_finish(w->meta, t->id, "COMPLETED");
    if (t->attempts + 1 >= REPL_MAX_ATTEMPTS) {
        log_warn("replication of %s/%s (%s) to %s FAILED after %lld attempts: %s", t->bucket,
                 t->key, t->version_id, t->dest_bucket, (long long)t->attempts + 1, why);
        char reason[64];
        repl_failure_reason(why, rc, reason, sizeof(reason));
        /* s3:Replication:OperationFailedReplication, in the transaction of the status */
        struct notify_ctx nc;
        notify_ctx_service(&nc, NOTIFY_SRC_REPLICATION);
        notify_ctx_enter(&nc);
        rc = meta_repl_fail(w->meta, t->id, reason);
        notify_ctx_leave();
        return rc;
    }
    log_warn("replication of %s/%s (%s) to %s not done (attempt %lld): %s", t->bucket, t->key,
             t->version_id, t->dest_bucket, (long long)t->attempts + 1, why);
    return meta_repl_retry(w->meta, t->id, clock_now_ms() + repl_backoff(w->retry_ms, t->attempts));
}

/* One batch; *more when it was full (more may be due). */
static int repl_batch_run(struct repl_worker *w, int *more)
{
    struct repl_batch b;
    b.n = 0;
    int rc = meta_repl_due(w->meta, clock_now_ms(), REPL_BATCH, repl_collect, &b);
    if (rc == 1)
        rc = 0; /* the batch is full */
    *more = b.n == REPL_BATCH;
    for (size_t i = 0; i < b.n; i++) {
        if (!rc && !atomic_load(&w->stop))
            rc = repl_one(w, &b.v[i]);
        free(b.v[i].key);
    }
    return rc;
}

static void repl_tick(void *arg)
{
    struct repl_worker *w = arg;
    if (!work_lease_hold(w->lease))
        return;
    int more = 1;
    for (int i = 0; more && i < 64 && !atomic_load(&w->stop); i++) {
        if (repl_batch_run(w, &more)) {
            log_warn("replication: %s", err_msg());
            break;
        }
    }
}

int repl_worker_start(struct repl_worker **out, struct meta_store *meta, struct blob_store *bs,
                      int64_t retry_ms, int legacy)
{
    struct repl_worker *w = xcalloc(1, sizeof(*w));
    w->legacy = legacy;
    w->meta = meta;
    w->bs = bs;
    w->retry_ms = retry_ms > 0 ? retry_ms : 1000;
    w->lease = work_lease_new(meta, "replication");
    atomic_init(&w->stop, 0);
    int64_t tick = w->retry_ms < REPL_TICK_MAX_MS ? w->retry_ms : REPL_TICK_MAX_MS;
    int rc = periodic_start(&w->thread, tick, repl_tick, w);
    if (rc) {
        work_lease_free(w->lease);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void repl_worker_stop(struct repl_worker *w)
{
    if (!w)
        return;
    atomic_store(&w->stop, 1);
    periodic_stop(w->thread);
    work_lease_free(w->lease);
    free(w);
}
