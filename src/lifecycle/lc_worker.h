/* lc_worker.h — the lifecycle worker inside `serve`: a thread that, every quarter of a
 * lifecycle day (at least a second), runs every bucket's lifecycle configuration over its
 * versions and uploads (lc_tick.c) and adds what it did to lifecycle_stats. */
#ifndef STOCKTAKE_LC_WORKER_H
#define STOCKTAKE_LC_WORKER_H

#include <stdint.h>

#include "blob/blob.h"
#include "meta/meta.h"

struct lc_worker;

int lc_worker_start(struct lc_worker **out, struct meta_store *m,
                    struct blob_store *bs) WARN_UNUSED;
/* Stop (the pass under way ends at its next page) and free; NULL is a no-op. */
void lc_worker_stop(struct lc_worker *w);

/* One pass over every bucket at now_ms (the worker's tick; tests call it directly). */
int lc_worker_run_all(struct meta_store *m, struct blob_store *bs, int64_t now_ms) WARN_UNUSED;

/* How often the worker looks: a quarter of lc_day_ms(), at least 1 s. */
int64_t lc_worker_interval_ms(void);

#endif
