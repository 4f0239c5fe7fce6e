/* log_spool.h — the durable queue of server access log records, one batch per (source bucket,
 * target configuration), under DATA/logging/:
 *
 *   <batch>.spool    the open batch: a header line naming the source, its owner account and
 *                    region, the target bucket, prefix and key format, and the time the first
 *                    record came; then one record line per request, appended with one write()
 *                    each (O_APPEND). The worker fdatasyncs every open batch once a second
 *                    (group commit), so a killed process loses nothing written and a power
 *                    loss at most the last second.
 *   <batch>-<ms>-<n>.ready   a sealed batch waiting for delivery (rename, atomic): due when its
 *                    first record is flush_ms old, or when asked (the flush extension), or at
 *                    start (every .spool a previous process left is sealed).
 *
 * <batch> is the hex SHA-256 of the batch's identity, so records of another target
 * configuration go to another batch. Delivery (log_deliver.h) reads a .ready file and removes
 * it once its object is committed. Thread-safe. */
#ifndef STOCKTAKE_LOGGING_LOG_SPOOL_H
#define STOCKTAKE_LOGGING_LOG_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "logging/log_config.h"

/* A sealed batch grows no larger than this (it is sealed early). */
#define LOG_SPOOL_BATCH_MAX (16u * 1024 * 1024)

/* Where a batch goes: the source bucket and the target configuration in force when its
 * records were made. */
struct log_batch_id {
    char source[64];
    char source_account[13]; /* the source bucket's owner: SourceAccountId, aws:SourceAccount */
    char region[64];
    char target[64];
    char prefix[LOG_PREFIX_MAX + 1];
    enum log_key_format key_format;
    enum log_date_source date_source;
    int64_t first_ms; /* when its first record came (EventTime partitions) */
};

struct log_spool;

int log_spool_open(struct log_spool **out, const char *data_dir, int64_t flush_ms) WARN_UNUSED;
void log_spool_close(struct log_spool *s);

/* Append one record line (ending in '\n') to id's open batch. */
int log_spool_append(struct log_spool *s, const struct log_batch_id *id, const char *line,
                     size_t len) WARN_UNUSED;
/* fdatasync every batch written to since the last call (and the directory, when a batch was
 * created or sealed). */
int log_spool_sync(struct log_spool *s) WARN_UNUSED;
/* Seal the open batches that are due at now_ms, or (source not NULL) every open batch of
 * source whatever its age. */
int log_spool_seal(struct log_spool *s, const char *source, int64_t now_ms) WARN_UNUSED;
/* The sealed batches' paths (caller frees each and the array), oldest first; source not NULL:
 * only source's. */
int log_spool_ready(struct log_spool *s, const char *source, char ***paths, size_t *n) WARN_UNUSED;
/* Read a sealed batch: its identity and its complete record lines (*body, caller frees; a
 * torn last line of a crash is left out). ERR_INVALID for a file that is not a batch. */
int log_spool_read(const char *path, struct log_batch_id *id, char **body, size_t *len) WARN_UNUSED;

#endif
