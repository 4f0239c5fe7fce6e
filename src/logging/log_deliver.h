/* log_deliver.h — the worker in `serve` that delivers server access log batches
 * (log_spool.h) to their target buckets, as AWS's log delivery does:
 *
 *   every second: fdatasync the open batches; seal those whose first record is flush_ms old;
 *   deliver every sealed batch, oldest first, as one object
 *     TargetPrefix + YYYY-mm-DD-HH-MM-SS-UniqueString                      (SimplePrefix)
 *     TargetPrefix + SourceAccountId/SourceRegion/SourceBucket/YYYY/MM/DD/
 *                    YYYY-mm-DD-HH-MM-SS-UniqueString                       (PartitionedPrefix)
 *   written by the service principal logging.s3.amazonaws.com: the target's bucket policy
 *   decides (aws:SourceArn / aws:SourceAccount, inventory/inv_grant.h, the path inventory
 *   reports take) or, for a target whose ACLs are enabled, the log-delivery group's WRITE grant
 *   on its ACL. The object belongs to the target's owner, is encrypted with SSE-S3 (when a
 *   master key is loaded) and committed through the object layer (object/obj_deliver.h).
 *
 * A batch that cannot be delivered for good (the target is gone, or neither its policy nor
 * its ACL lets the service write) is dropped with a warning, as AWS drops such logs; one that
 * fails for a passing reason (a busy store) stays for the next tick. A batch is removed only
 * after its object is committed: a crash between the two delivers it twice, never zero times. */
#ifndef STOCKTAKE_LOGGING_LOG_DELIVER_H
#define STOCKTAKE_LOGGING_LOG_DELIVER_H

#include <stddef.h>

#include "blob/blob.h"
#include "core/err.h"
#include "logging/log_spool.h"
#include "meta/meta.h"

struct log_worker;

/* Start delivering spool's batches (spool, meta and blobs must outlive the worker). */
int log_worker_start(struct log_worker **out, struct log_spool *spool, struct meta_store *meta,
                     struct blob_store *blobs) WARN_UNUSED;
/* Stop, after one last delivery of what is sealed; NULL is a no-op. */
void log_worker_stop(struct log_worker *w);

/* Seal source's open batches and deliver its sealed ones now (the flush extension, RGW's
 * POST /bucket?logging). key (size bytes) gets the last object delivered, "" when there was
 * nothing to deliver. 0, or the error of a batch that stays for a later try. */
int log_worker_flush(struct log_worker *w, const char *source, char *key, size_t size) WARN_UNUSED;

/* The object key of a batch delivered at now_ms with unique (16 characters) as its
 * UniqueString; ERR_TOOBIG when longer than a key may be (out: size bytes). */
int log_deliver_key(const struct log_batch_id *id, int64_t now_ms, const char *unique, char *out,
                    size_t size) WARN_UNUSED;

#endif
