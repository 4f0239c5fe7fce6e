/* s3.h — the S3 endpoint: turns HTTP requests into S3 operations on the metadata and blob
 * stores. main.c builds one s3_server and hands s3_handler() to the HTTP server. */
#ifndef STOCKTAKE_S3_H
#define STOCKTAKE_S3_H

#include "blob/blob.h"
#include "http/http.h"
#include "meta/meta.h"

struct log_spool;
struct log_worker;
struct admin_runs; /* admin/admin_runs.h */
struct access_log; /* core/access_log.h */

struct s3_server {
    struct meta_store *meta;  /* borrowed */
    struct blob_store *blobs; /* borrowed */
    char region[64];
    /* Virtual-hosted-style requests: Host "<bucket>.<domain>[:port]". */
    char domain[256];
    /* New buckets get no Object Ownership controls (ObjectWriter) instead of AWS's current
     * default BucketOwnerEnforced (serve --legacy-bucket-defaults). */
    int legacy_bucket_defaults;
    /* Refuse Signature Version 2 (headers, presigned URLs, POST forms), as AWS regions opened
     * since 2014 do (serve --require-sigv4). */
    int require_sigv4;
    /* How many lifecycle days every archive restore takes (serve --restore-days); < 0: AWS's
     * typical time per retrieval tier (tiering/tier.h). */
    double restore_days;
    /* SSE (issue 11): accept SSE-C customer keys over plain HTTP (serve --allow-insecure-sse-c);
     * AWS refuses them without TLS. */
    int allow_insecure_sse_c;
    /* Server access logging (issue 17, src/logging/): where records of buckets with logging
     * enabled are spooled, and the worker that delivers them (NULL: no logging, as in tools). */
    struct log_spool *access_logs;
    struct log_worker *access_log_worker;
    /* The admin API's run-now (NULL: it answers NotImplemented); borrowed. */
    struct admin_runs *admin_runs;
    /* GET /_stocktake/metrics needs "Authorization: Bearer <token>" (serve --metrics-token);
     * NULL: it is open, as scrapers expect. */
    const char *metrics_token;
    /* One line per request (serve --access-log); NULL: none. Borrowed. */
    struct access_log *access_log;
    /* The web console's sessions (docs/internals/CONSOLE.md): how long one lasts (serve
     * --console-session-ttl) and the key their tokens are signed with (console_token.h). */
    int64_t console_session_ttl_s;
    uint8_t console_key[32];
};

/* The handler table for http_server_start, bound to srv (which must outlive the server). */
void s3_handler_init(struct http_handler *out, struct s3_server *srv);

/* Abort a multipart upload: remove it and its parts' blobs. 0, ERR_NOTFOUND or an error. */
int s3_upload_abort(struct s3_server *srv, const char *bucket, const char *upload_id);

/* Abort every upload of bucket (NULL: of any bucket) initiated before before_ms (0: any
 * time). Returns how many were aborted, or a negative ERR_* code. */
long s3_uploads_abort_all(struct s3_server *srv, const char *bucket, int64_t before_ms);

#endif
