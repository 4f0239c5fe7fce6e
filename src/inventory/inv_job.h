/* inv_job.h — one inventory run: the same code path for the scheduler and
 * `stocktake inventory run`.
 *
 *   load config → record run → check destination → snapshot scan of the source bucket
 *   → rows → format → data files (rolled at the size cap) → deliver data files as objects
 *   → hive/dt=…/symlink.txt → …/manifest.json → …/manifest.checksum LAST → record outcome
 *
 * A run killed anywhere before the last step leaves no manifest.checksum, the documented
 * completion signal; the next run of the config marks the killed one "interrupted". */
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
};

/* Run configuration config_id of bucket once. Returns 0 when the report was delivered; the
 * run record (outcome, counters, manifest key or error) is written to *out either way. */
int inv_job_run(struct meta_store *meta, struct blob_store *blobs, const char *bucket,
                const char *config_id, const struct inv_job_opts *opts,
                struct meta_inventory_run *out) WARN_UNUSED;

#endif
