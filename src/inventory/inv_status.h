/* inv_status.h — what a recorded inventory run is now, for `stocktake inventory status` and
 * the admin API's status: its state (a run recorded as running whose lease is gone, taken over
 * or stale was killed: "interrupted") and, while it runs, its progress — rows so far, the rate
 * since it started and an estimate of the rows it will list and of the time left. */
#ifndef STOCKTAKE_INVENTORY_STATUS_H
#define STOCKTAKE_INVENTORY_STATUS_H

#include <stdint.h>

#include "meta/meta.h"

struct inv_status {
    const char *state;  /* running, cancelling, succeeded, failed, cancelled, interrupted */
    int live;           /* running or cancelling, its lease held */
    int64_t rows_total; /* live: the versions its scan covers now (filter prefix and included
                           versions; extension filters not applied); -1 unknown */
    double rate;        /* rows per second since it started (finished runs: over their time) */
    int64_t eta_s;      /* live: seconds left at that rate; -1 unknown */
};

/* The state of r seen at now_ms, and its progress when live (reads the lease, the
 * configuration and, to estimate the total, the bucket's listing). */
void inv_status_of(struct meta_store *meta, const struct meta_inventory_run *r, int64_t now_ms,
                   struct inv_status *out);

#endif
