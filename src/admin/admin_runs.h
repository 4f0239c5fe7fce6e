/* admin_runs.h — inventory runs started now by the admin API, in threads of the server.
 *
 * Each run is the scheduler's job (inv_job_run) in a thread of its own, under the same lease,
 * so it never overlaps a scheduled run, another run-now or `stocktake inventory run`.
 * admin_runs_start returns once the run is recorded (its run id known) or refused. */
#ifndef STOCKTAKE_ADMIN_RUNS_H
#define STOCKTAKE_ADMIN_RUNS_H

#include "blob/blob.h"
#include "inventory/inv_job.h"
#include "meta/meta.h"

struct admin_runs;

/* meta and blobs are borrowed and must outlive the registry; job is copied (the server's
 * report options: file size cap, legacy bucket defaults, progress log). */
struct admin_runs *admin_runs_new(struct meta_store *meta, struct blob_store *blobs,
                                  const struct inv_job_opts *job);
/* Wait for the runs still going, then free. NULL is a no-op. */
void admin_runs_free(struct admin_runs *a);

/* Start configuration id of bucket now. 0: recorded and running, *run its record (run_id,
 * started_ms, report_ms). ERR_CONFLICT: another run holds the lease (run->error names it).
 * Another error: it could not start (run->error says why, when the job got that far). */
int admin_runs_start(struct admin_runs *a, const char *bucket, const char *id,
                     struct meta_inventory_run *run) WARN_UNUSED;

#endif
