/* access_log.h — one line per request (serve --access-log FILE|-).
 *
 * Text lines are common-log-like:
 *   remote - accesskey [03/Dec/2026:14:37:39 +0000] "GET /b/k?x=1" 200 in out ms "agent" reqid Op
 * JSON lines are one object each: time, remote, requestId, operation, method, bucket, key,
 * status, bytesIn, bytesOut, durationMs, userAgent, accessKeyId. Neither ever holds a secret
 * key or a signature: a query's Signature, X-Amz-Signature and X-Amz-Security-Token values are
 * written as "REDACTED", and no header but User-Agent is logged. Each line is one write() on
 * a descriptor opened O_APPEND (the file is created 0600), so lines of concurrent requests
 * never interleave. */
#ifndef STOCKTAKE_CORE_ACCESS_LOG_H
#define STOCKTAKE_CORE_ACCESS_LOG_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

enum access_log_format { ACCESS_LOG_TEXT = 0, ACCESS_LOG_JSON };

struct access_log;

/* path "-": standard output. */
int access_log_open(struct access_log **out, const char *path,
                    enum access_log_format format) WARN_UNUSED;
void access_log_close(struct access_log *l);

/* "text" or "json" into *out; ERR_INVALID otherwise. */
int access_log_format_parse(const char *s, enum access_log_format *out) WARN_UNUSED;

struct access_log_entry {
    int64_t time_ms;        /* when the request ended (wall clock) */
    const char *remote;     /* client address */
    const char *request_id; /* x-amz-request-id */
    const char *operation;  /* "GetObject" */
    const char *method;
    const char *path;         /* raw, as sent */
    const char *query;        /* raw, as sent ("" when none) */
    const char *bucket, *key; /* decoded; NULL when none */
    int status;
    uint64_t bytes_in, bytes_out;
    double duration_ms;
    const char *user_agent; /* NULL when none */
    const char *access_key; /* the signer's access key id; NULL: anonymous */
};

/* Render e as one line (with its '\n') in format. */
int access_log_render(struct buf *out, enum access_log_format format,
                      const struct access_log_entry *e) WARN_UNUSED;
/* Render and write e; a failed write is logged once in a while, never fatal. */
void access_log_write(struct access_log *l, const struct access_log_entry *e);

#endif
