/* tier_worker.h — the Intelligent-Tiering worker inside `stocktake serve`: every tick (a
 * quarter of a lifecycle day, between 1 s and 1 h) it walks the INTELLIGENT_TIERING versions
 * of every bucket and moves each to the tier tier_decide names for it, with the bucket's
 * Intelligent-Tiering configurations for the archive tiers; an archived version whose restore
 * finished returns to FREQUENT_ACCESS (its s3:ObjectRestore:Completed). Each move is logged.
 * The same walk sweeps the GLACIER / DEEP_ARCHIVE restores: one that became ready, then one
 * whose copy expired, gets its notified mark and its s3:ObjectRestore:Completed, then
 * :Delete, in one transaction (tier.h's record). */
#ifndef STOCKTAKE_TIERING_TIER_WORKER_H
#define STOCKTAKE_TIERING_TIER_WORKER_H

#include <stdint.h>

#include "core/err.h"
#include "meta/meta.h"

struct tier_worker;

/* What one pass did. */
struct tier_pass_stats {
    int64_t scanned;
    int64_t moved;
    int64_t notified; /* restores whose Completed or Delete event was recorded */
};

/* One pass over every bucket at now_ms (the worker's tick; tests call it directly). */
int tier_worker_pass(struct meta_store *meta, int64_t now_ms, struct tier_pass_stats *out);

int tier_worker_start(struct tier_worker **out, struct meta_store *meta) WARN_UNUSED;
/* Stop and free; NULL is a no-op. */
void tier_worker_stop(struct tier_worker *w);

#endif
