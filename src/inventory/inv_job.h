/* inv_job.h — one inventory run: the same code path for the scheduler and
 * `stocktake inventory run`.
 *
 *   take the config's run lease → record run → remove objects of runs that did not complete
 *   → load config → check destination, key lengths, a free report minute
 *   → snapshot scan of the source bucket → rows → format → data files (rolled at the size cap)
 *   → deliver data files as objects → …/manifest.json → hive/dt=…/symlink.txt
 *   → …/manifest.checksum LAST → record outcome → release the lease
 *
 * A run killed anywhere before the last step leaves no manifest.checksum, the documented
 * completion signal; the next run of the config takes over its lease, marks it "interrupted"
 * and removes the objects it delivered (docs/internals/INVENTORY.md). */
#ifndef STOCKTAKE_INVENTORY_JOB_H
#define STOCKTAKE_INVENTORY_JOB_H

#include <stdint.h>

#include "blob/blob.h"
#include "meta/meta.h"

#define INV_DEFAULT_FILE_CAP (1000ull * 1000 * 1000) /* report bytes: ~100-250 MB gzipped */

struct inv_job_opts {
    uint64_t file_size_cap; /* roll to a new data file past this many bytes of report data */
    int64_t now_ms;         /* the report time T (floored to the minute); 0: the clock */
    int progress_log;       /* log progress every so many rows (0: never) */
    size_t row_group_rows;  /* Parquet/ORC row-group bound (0: the format's default) */
    /* a destination without an encryption configuration encrypts nothing (pre-2023 buckets,
     * serve --legacy-bucket-defaults) instead of SSE-S3 */
    int legacy_bucket_defaults;
    /* called once, from the run's thread, when the run is recorded (rc 0, run->run_id set) or
     * could not start (rc; run->outcome "busy" when another run holds the lease): the admin
     * API's run-now answers its caller then (NULL: nobody waits) */
    void (*on_begin)(void *ctx, int rc, const struct meta_inventory_run *run);
    void *on_begin_ctx;
};

/* Run configuration config_id of bucket once. Returns 0 when the report was delivered; the
 * run record (outcome, counters, manifest key or error) is written to *out either way.
 * ERR_CONFLICT with out->outcome "busy": another live run holds the lease (nothing recorded). */
int inv_job_run(struct meta_store *meta, struct blob_store *blobs, const char *bucket,
                const char *config_id, const struct inv_job_opts *opts,
                struct meta_inventory_run *out) WARN_UNUSED;

#endif
