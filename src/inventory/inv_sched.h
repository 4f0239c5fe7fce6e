/* inv_sched.h — when inventory configurations run.
 *
 * A configuration's first report is due as soon as the scheduler sees it (not 48 hours
 * later); after that Daily ones are due once per UTC day at the configured hour (default
 * 01:00) and Weekly ones on Sundays at that hour; the extensions Hourly (at minute 0 of every
 * UTC hour) and Monthly (on the 1st of the month at that hour) likewise. Disabled or deleted
 * configurations never run. The decision is a pure function of the clock, so tests step through
 * days and weeks. */
#ifndef STOCKTAKE_INVENTORY_SCHED_H
#define STOCKTAKE_INVENTORY_SCHED_H

#include <stdint.h>

#include "blob/blob.h"
#include "inventory/inv_job.h"
#include "meta/meta.h"

/* The most recent scheduled instant at or before now_ms for the frequency ("Daily",
 * "Weekly", "Hourly", "Monthly") at hour_utc (Hourly ignores it). */
int64_t inv_sched_slot(const char *frequency, int64_t now_ms, int hour_utc);

/* Is a run due? last_report_ms: the report time of the configuration's last run (0: none). */
int inv_sched_due(int is_enabled, const char *frequency, int64_t last_report_ms, int64_t now_ms,
                  int hour_utc);

struct inv_sched_opts {
    int hour_utc;    /* default 1 */
    int64_t tick_ms; /* how often to look for due configurations */
    struct inv_job_opts job;
};

/* Run every configuration that is due now, one after another. Returns how many ran. */
long inv_sched_tick(struct meta_store *meta, struct blob_store *blobs,
                    const struct inv_sched_opts *opts);

/* A thread that ticks every opts->tick_ms until stopped. */
struct inv_sched;
int inv_sched_start(struct inv_sched **out, struct meta_store *meta, struct blob_store *blobs,
                    const struct inv_sched_opts *opts) WARN_UNUSED;
void inv_sched_stop(struct inv_sched *s);

#endif
