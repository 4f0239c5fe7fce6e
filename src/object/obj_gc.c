/* obj_gc.c — the blob collector. Two sources of garbage:
 *   dead blobs: recorded by the commit that replaced or deleted them; removed once the grace
 *     period has passed, so a GET that loaded the old row just before still reads its bytes;
 *   orphans: files in blobs/ that nothing names — a crash between a blob's rename and its
 *     metadata commit. A file is an orphan only when it is older than orphan_age (longer
 *     than any write takes from the blob's last byte to its commit) and the metadata names
 *     it in no object version, part or dead row (an indexed lookup per file). */
#include "object/object.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blob/blob_gc.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/periodic.h"

#define OBJ_GC_BATCH 1000

struct obj_gc_ids {
    char (*ids)[BLOB_ID_LEN + 1];
    size_t n;
};

static int obj_gc_collect(void *payload, const char *id)
{
    struct obj_gc_ids *l = payload;
    snprintf(l->ids[l->n++], BLOB_ID_LEN + 1, "%s", id);
    return 0;
}

/* One batch of dead blobs; *n how many were seen, *removed how many went. A file that cannot
 * be removed (EACCES, EIO) is logged and kept for a later pass; it never stops the others. */
static int obj_gc_dead_batch(struct meta_store *m, struct blob_store *bs, int64_t before,
                             struct obj_gc_stats *stats, size_t *n, size_t *removed)
{
    struct obj_gc_ids l = {xcalloc(OBJ_GC_BATCH, sizeof(*l.ids)), 0};
    int rc = meta_dead_blob_scan(m, before, OBJ_GC_BATCH, obj_gc_collect, &l);
    *removed = 0;
    for (size_t i = 0; i < l.n && !rc; i++) {
        if (blob_remove(bs, l.ids[i])) {
            log_warn("collector: cannot remove dead blob %s: %s", l.ids[i], err_msg());
            continue;
        }
        rc = meta_dead_blob_forget(m, l.ids[i]);
        if (!rc) {
            stats->dead_removed++;
            (*removed)++;
        }
    }
    *n = l.n;
    free(l.ids);
    return rc;
}

struct obj_gc_orphans {
    struct meta_store *m;
    struct blob_store *bs;
    struct obj_gc_stats *stats;
    int rc;
};

static int obj_gc_orphan_each(void *payload, const char *id)
{
    struct obj_gc_orphans *o = payload;
    int referenced = 1;
    o->rc = meta_blob_referenced(o->m, id, &referenced);
    if (!o->rc && !referenced) {
        if (blob_remove(o->bs, id) == 0) {
            o->stats->orphans_removed++;
            log_info("collector: removed orphan blob %s", id);
        } else {
            log_warn("collector: cannot remove orphan blob %s: %s", id, err_msg());
        }
    }
    return o->rc ? 1 : 0; /* a metadata failure ends the pass */
}

/* File times are wall-clock times, whatever clock the store runs on. */
static int64_t obj_gc_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int obj_gc_run(struct meta_store *m, struct blob_store *bs, const struct obj_gc_opts *opts,
               int orphans, struct obj_gc_stats *stats)
{
    memset(stats, 0, sizeof(*stats));
    int64_t now = clock_now_ms();
    size_t n = OBJ_GC_BATCH, removed = OBJ_GC_BATCH;
    int rc = 0;
    /* a full batch of which nothing could go would come back first again: stop there */
    while (!rc && n == OBJ_GC_BATCH && removed > 0)
        rc = obj_gc_dead_batch(m, bs, now - opts->grace_ms, stats, &n, &removed);
    if (!orphans)
        return rc;
    if (rc)
        log_warn("collector: dead blobs: %s", err_msg());
    int64_t age = opts->orphan_age_ms > opts->grace_ms ? opts->orphan_age_ms : opts->grace_ms;
    int64_t before = obj_gc_wall_ms() - age, live = 0;
    /* a running inventory report's finished data files are no objects yet: spare what is
     * younger than the oldest run still holding its lease */
    rc = meta_inventory_live_run_start(m, now, &live);
    if (rc)
        return rc;
    if (live > 0 && live < before)
        before = live;
    struct obj_gc_orphans o = {m, bs, stats, 0};
    rc = blob_scan(bs, before, obj_gc_orphan_each, &o);
    return rc == 1 ? o.rc : rc;
}

/* ---- the collector thread ---- */

struct obj_gc {
    struct meta_store *m;
    struct blob_store *bs;
    struct obj_gc_opts opts;
    int64_t last_orphan_scan_ms; /* 0: not yet */
    struct periodic *thread;
};

static void obj_gc_tick(void *arg)
{
    struct obj_gc *g = arg;
    int64_t now = obj_gc_wall_ms();
    int64_t every = g->opts.orphan_age_ms / 2;
    int orphans = !g->last_orphan_scan_ms || now - g->last_orphan_scan_ms >= every;
    struct obj_gc_stats st;
    if (obj_gc_run(g->m, g->bs, &g->opts, orphans, &st))
        log_warn("collector: %s", err_msg());
    if (orphans)
        g->last_orphan_scan_ms = now;
    if (st.dead_removed || st.orphans_removed)
        log_info("collector: removed %ld dead and %ld orphan blobs", st.dead_removed,
                 st.orphans_removed);
}

int obj_gc_start(struct obj_gc **out, struct meta_store *m, struct blob_store *bs,
                 const struct obj_gc_opts *opts)
{
    struct obj_gc *g = xcalloc(1, sizeof(*g));
    g->m = m;
    g->bs = bs;
    g->opts = *opts;
    int64_t interval = opts->grace_ms / 2;
    interval = interval < 500 ? 500 : interval > 60000 ? 60000 : interval;
    int rc = periodic_start(&g->thread, interval, obj_gc_tick, g);
    if (rc) {
        free(g);
        return rc;
    }
    *out = g;
    return 0;
}

void obj_gc_stop(struct obj_gc *g)
{
    if (!g)
        return;
    periodic_stop(g->thread);
    free(g);
}
