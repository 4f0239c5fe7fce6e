/* log_record.h — one server access log record in AWS's format ("Amazon S3 server access log
 * format"): space-separated fields, "-" for none, the time in brackets, the request line,
 * referrer and user agent in double quotes:
 *
 *   owner bucket [06/Feb/2019:00:00:38 +0000] ip requester request-id operation key
 *   "GET /bucket/key HTTP/1.1" status error-code bytes-sent object-size total-ms turn-around-ms
 *   "referrer" "user-agent" version-id host-id signature-version cipher-suite auth-type
 *   host-header tls-version access-point-arn acl-required
 *
 * Pure: no I/O. */
#ifndef STOCKTAKE_LOGGING_LOG_RECORD_H
#define STOCKTAKE_LOGGING_LOG_RECORD_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* Every string may be NULL or "" for "-". Numbers < 0 are "-". */
struct log_record {
    const char *bucket_owner; /* canonical user id of the source bucket's owner */
    const char *bucket;
    int64_t time_ms; /* when the request was received */
    const char *remote_ip;
    const char *requester; /* canonical user id; NULL: anonymous */
    const char *request_id;
    const char *operation; /* REST.GET.OBJECT … */
    const char *key;       /* decoded: written URL-encoded */
    const char *method;
    const char *raw_uri;      /* the request target as sent (path and query) */
    const char *http_version; /* "HTTP/1.1" */
    int status;
    const char *error_code;
    int64_t bytes_sent; /* 0 is written "-", as AWS does */
    int64_t object_size;
    int64_t total_ms;
    int64_t turnaround_ms;
    const char *referrer;
    const char *user_agent;
    const char *version_id;
    const char *host_id;
    const char *signature_version; /* SigV2, SigV4 */
    const char *cipher_suite;
    const char *auth_type; /* AuthHeader, QueryString */
    const char *host_header;
    const char *tls_version;
    const char *access_point_arn;
    int acl_required;
};

/* Append r as one line (with its '\n'). */
int log_record_format(struct buf *out, const struct log_record *r) WARN_UNUSED;

/* "[06/Feb/2019:00:00:38 +0000]" of ms (out: 32 bytes). */
void log_record_time(char *out, size_t size, int64_t ms);

#endif
