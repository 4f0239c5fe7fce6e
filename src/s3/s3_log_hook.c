/* s3_log_hook.c — server access logging's one hook in the request path (s3_on_done): a
 * request to a bucket whose logging is enabled (PutBucketLogging) becomes one record in AWS's
 * format (logging/log_record.h), success or failure, signed or anonymous, appended to the
 * batch of its bucket and target configuration (logging/log_spool.h); the delivery worker
 * writes the batches into the target bucket (logging/log_deliver.h).
 *
 * Each bucket's logging configuration (and its owner's canonical id) is cached by bucket id
 * and config_gen, which every configuration change bumps, so a request costs no metadata read
 * once its bucket is loaded. Deliveries are not requests, so they are never logged. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "logging/log_config.h"
#include "logging/log_record.h"
#include "logging/log_spool.h"
#include "s3/s3_req.h"

#define S3_LOG_SLOTS 64

struct s3_log_slot {
    char bucket_id[33];
    int64_t gen;
    int enabled;
    char owner_canonical[65];
    struct log_batch_id target;
};

static pthread_mutex_t s3_log_mu = PTHREAD_MUTEX_INITIALIZER;
static struct s3_log_slot s3_log_cache[S3_LOG_SLOTS];

/* AWS's operation names ("REST.GET.OBJECT") for the operations whose name is not derived by
 * s3_log_operation's rule. */
static const char *const s3_log_names[][2] = {
    {"ListBuckets", "REST.GET.SERVICE"},
    {"ListObjects", "REST.GET.BUCKET"},
    {"ListObjectsV2", "REST.GET.BUCKET"},
    {"ListObjectVersions", "REST.GET.BUCKETVERSIONS"},
    {"ListMultipartUploads", "REST.GET.UPLOADS"},
    {"CreateBucket", "REST.PUT.BUCKET"},
    {"HeadBucket", "REST.HEAD.BUCKET"},
    {"DeleteBucket", "REST.DELETE.BUCKET"},
    {"DeleteObjects", "REST.POST.MULTI_OBJECT_DELETE"},
    {"PostObject", "REST.POST.OBJECT"},
    {"CreateMultipartUpload", "REST.POST.UPLOADS"},
    {"CompleteMultipartUpload", "REST.POST.UPLOAD"},
    {"UploadPartCopy", "REST.COPY.PART"},
    {"UploadPart", "REST.PUT.PART"},
    {"AbortMultipartUpload", "REST.DELETE.UPLOAD"},
    {"ListParts", "REST.GET.UPLOAD"},
    {"GetObjectAcl", "REST.GET.ACL"},
    {"PutObjectAcl", "REST.PUT.ACL"},
    {"GetBucketAcl", "REST.GET.ACL"},
    {"PutBucketAcl", "REST.PUT.ACL"},
    {"GetObjectTagging", "REST.GET.OBJECT_TAGGING"},
    {"PutObjectTagging", "REST.PUT.OBJECT_TAGGING"},
    {"DeleteObjectTagging", "REST.DELETE.OBJECT_TAGGING"},
    {"GetObjectAttributes", "REST.GET.OBJECT_ATTRIBUTES"},
    {"CopyObject", "REST.COPY.OBJECT"},
    {"PutObject", "REST.PUT.OBJECT"},
    {"GetObject", "REST.GET.OBJECT"},
    {"HeadObject", "REST.HEAD.OBJECT"},
    {"DeleteObject", "REST.DELETE.OBJECT"},
    {"GetBucketPolicy", "REST.GET.BUCKETPOLICY"},
    {"PutBucketPolicy", "REST.PUT.BUCKETPOLICY"},
    {"DeleteBucketPolicy", "REST.DELETE.BUCKETPOLICY"},
    {"GetBucketPolicyStatus", "REST.GET.POLICY_STATUS"},
    {"GetPublicAccessBlock", "REST.GET.PUBLIC_ACCESS_BLOCK"},
    {"PutPublicAccessBlock", "REST.PUT.PUBLIC_ACCESS_BLOCK"},
    {"DeletePublicAccessBlock", "REST.DELETE.PUBLIC_ACCESS_BLOCK"},
    {"GetBucketOwnershipControls", "REST.GET.OWNERSHIP_CONTROLS"},
    {"PutBucketOwnershipControls", "REST.PUT.OWNERSHIP_CONTROLS"},
    {"DeleteBucketOwnershipControls", "REST.DELETE.OWNERSHIP_CONTROLS"},
    {"GetBucketLifecycleConfiguration", "REST.GET.LIFECYCLE"},
    {"PutBucketLifecycleConfiguration", "REST.PUT.LIFECYCLE"},
    {"DeleteBucketLifecycle", "REST.DELETE.LIFECYCLE"},
    {"GetObjectLockConfiguration", "REST.GET.OBJECT_LOCK_CONFIGURATION"},
    {"PutObjectLockConfiguration", "REST.PUT.OBJECT_LOCK_CONFIGURATION"},
    {"GetObjectRetention", "REST.GET.RETENTION"},
    {"PutObjectRetention", "REST.PUT.RETENTION"},
    {"GetObjectLegalHold", "REST.GET.LEGAL_HOLD"},
    {"PutObjectLegalHold", "REST.PUT.LEGAL_HOLD"},
    {"RestoreObject", "REST.POST.RESTORE"},
    {"GetBucketIntelligentTieringConfiguration", "REST.GET.INTELLIGENT_TIERING"},
    {"ListBucketIntelligentTieringConfigurations", "REST.GET.INTELLIGENT_TIERING"},
    {"PutBucketIntelligentTieringConfiguration", "REST.PUT.INTELLIGENT_TIERING"},
    {"DeleteBucketIntelligentTieringConfiguration", "REST.DELETE.INTELLIGENT_TIERING"},
    {"GetBucketInventoryConfiguration", "REST.GET.INVENTORY"},
    {"ListBucketInventoryConfigurations", "REST.GET.INVENTORY"},
    {"PutBucketInventoryConfiguration", "REST.PUT.INVENTORY"},
    {"DeleteBucketInventoryConfiguration", "REST.DELETE.INVENTORY"},
    {"GetBucketNotificationConfiguration", "REST.GET.NOTIFICATION"},
    {"PutBucketNotificationConfiguration", "REST.PUT.NOTIFICATION"},
    {"GetBucketLogging", "REST.GET.LOGGING_STATUS"},
    {"PutBucketLogging", "REST.PUT.LOGGING_STATUS"},
    {"PostBucketLogging", "REST.POST.LOGGING_STATUS"},
    {"PreflightBucket", "REST.OPTIONS.PREFLIGHT"},
    {"PreflightObject", "REST.OPTIONS.PREFLIGHT"},
};

/* The record's operation: the table's name, else REST.<METHOD>.<SUBRESOURCE> from the
 * operation's name (GetBucketCors: REST.GET.CORS), else for an unrouted request
 * REST.<METHOD>.OBJECT or .BUCKET. */
static void s3_log_operation(const struct s3_req *r, char *out, size_t size)
{
    const char *method = http_req_method(r->http);
    if (r->op) {
        for (size_t i = 0; i < sizeof(s3_log_names) / sizeof(s3_log_names[0]); i++) {
            if (strcmp(s3_log_names[i][0], r->op->name) == 0) {
                snprintf(out, size, "%s", s3_log_names[i][1]);
                return;
            }
        }
        const char *n = r->op->name;
        static const char *const verbs[] = {"Get", "Put", "Delete", "List", "Head", "Post"};
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
            if (strncmp(n, verbs[i], strlen(verbs[i])) == 0) {
                n += strlen(verbs[i]);
                break;
            }
        }
        if (strncmp(n, "Bucket", 6) == 0 && n[6])
            n += 6;
        int w = snprintf(out, size, "REST.%s.", method);
        size_t j = w > 0 ? (size_t)w : 0;
        for (size_t i = 0; n[i] && j + 2 < size; i++) {
            char c = n[i];
            if (c >= 'A' && c <= 'Z' && i > 0 && j + 3 < size)
                out[j++] = '_';
            out[j++] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        }
        out[j] = '\0';
        return;
    }
    snprintf(out, size, "REST.%s.%s", method, r->key ? "OBJECT" : "BUCKET");
}

/* The bucket's logging target, from the cache or the metadata: 1 when logging is enabled. */
static int s3_log_target(struct s3_req *r, const char *bucket, struct log_batch_id *target,
                         char owner[65])
{
    struct meta_bucket b;
    if (r->bucket_info.id[0] && strcmp(r->bucket_info.name, bucket) == 0)
        b = r->bucket_info;
    else if (meta_bucket_get(r->srv->meta, bucket, &b))
        return 0; /* no such bucket: nothing to log to */
    size_t h = 5381;
    for (const char *p = b.id; *p; p++)
        h = h * 33 + (unsigned char)*p;
    struct s3_log_slot *slot = &s3_log_cache[h % S3_LOG_SLOTS];
    pthread_mutex_lock(&s3_log_mu);
    if (strcmp(slot->bucket_id, b.id) == 0 && slot->gen == b.config_gen) {
        int enabled = slot->enabled;
        *target = slot->target;
        memcpy(owner, slot->owner_canonical, 65);
        pthread_mutex_unlock(&s3_log_mu);
        return enabled;
    }
    pthread_mutex_unlock(&s3_log_mu);
    struct s3_log_slot fresh;
    memset(&fresh, 0, sizeof(fresh));
    snprintf(fresh.bucket_id, sizeof(fresh.bucket_id), "%s", b.id);
    fresh.gen = b.config_gen;
    char *doc = NULL;
    int rc = meta_bucket_config_get(r->srv->meta, b.name, META_CONFIG_LOGGING, &doc);
    if (rc && rc != ERR_NOTFOUND)
        return 0;
    if (!rc) {
        struct log_config *c = xcalloc(1, sizeof(*c));
        char msg[256];
        if (log_config_parse(c, doc, strlen(doc), msg, sizeof(msg)) == 0 && c->enabled) {
            struct meta_account owner_acct;
            fresh.enabled = 1;
            if (meta_account_get(r->srv->meta, b.owner_id, &owner_acct) == 0)
                snprintf(fresh.owner_canonical, sizeof(fresh.owner_canonical), "%s",
                         owner_acct.canonical_id);
            struct log_batch_id *t = &fresh.target;
            snprintf(t->source, sizeof(t->source), "%s", b.name);
            snprintf(t->source_account, sizeof(t->source_account), "%s", b.owner_id);
            snprintf(t->region, sizeof(t->region), "%s", b.region);
            snprintf(t->target, sizeof(t->target), "%s", c->target_bucket);
            memcpy(t->prefix, c->target_prefix, sizeof(t->prefix));
            t->key_format = c->key_format;
            t->date_source = c->date_source;
        }
        free(c);
        free(doc);
    }
    pthread_mutex_lock(&s3_log_mu);
    *slot = fresh;
    pthread_mutex_unlock(&s3_log_mu);
    *target = fresh.target;
    memcpy(owner, fresh.owner_canonical, 65);
    return fresh.enabled;
}

/* The object's size for the reads and writes of one object; -1 for the rest. */
static int64_t s3_log_object_size(const struct s3_req *r, int status)
{
    const char *name = r->op ? r->op->name : "";
    if (status < 200 || status >= 300)
        return -1;
    if (!strcmp(name, "GetObject") || !strcmp(name, "HeadObject")) {
        const char *cr = http_req_response_header(r->http, "Content-Range");
        const char *slash = cr ? strrchr(cr, '/') : NULL;
        int64_t total = 0;
        if (slash && str_parse_i64(slash + 1, 0, INT64_MAX, &total) == 0)
            return total;
        return http_req_response_size(r->http);
    }
    if (!strcmp(name, "PutObject") || !strcmp(name, "UploadPart") || !strcmp(name, "PostObject"))
        return (int64_t)r->body.received;
    return -1;
}

/* What one record says beyond the request's common fields. */
struct s3_log_what {
    const char *bucket;
    const char *operation;
    const char *key;
    int status;
    const char *error_code;
    int64_t bytes_sent;
    int64_t object_size;
    const char *version;
};

/* Append one record of r about w into the log of w->bucket, when it has logging enabled. */
static void s3_log_emit(struct s3_req *r, const struct s3_log_what *w, int64_t now)
{
    struct log_batch_id target;
    char owner[65];
    if (!s3_log_target(r, w->bucket, &target, owner))
        return;
    target.first_ms = now;
    const char *path = http_req_path(r->http), *query = http_req_query(r->http);
    struct buf uri;
    buf_init(&uri, BUF_UNLIMITED);
    int rc = buf_puts(&uri, path);
    if (!rc && query[0])
        rc = buf_printf(&uri, "?%s", query);
    int authenticated = !r->anonymous && r->account.canonical_id[0];
    char tls_version[16] = "", cipher[128] = "";
    if (http_req_tls(r->http, tls_version, sizeof(tls_version), cipher, sizeof(cipher)))
        tls_version[0] = cipher[0] = '\0';
    int64_t complete = r->log_complete_ms ? r->log_complete_ms : r->log_start_ms;
    int64_t answer = r->log_answer_ms ? r->log_answer_ms : now;
    struct log_record rec = {
        .bucket_owner = owner,
        .bucket = w->bucket,
        .time_ms = r->log_start_ms,
        .remote_ip = http_req_peer(r->http),
        .requester = authenticated ? r->account.canonical_id : NULL,
        .request_id = r->request_id,
        .operation = w->operation,
        .key = w->key,
        .method = http_req_method(r->http),
        .raw_uri = uri.data,
        .http_version = http_req_version(r->http),
        .status = w->status,
        .error_code = w->error_code,
        .bytes_sent = w->bytes_sent,
        .object_size = w->object_size,
        .total_ms = now - r->log_start_ms,
        .turnaround_ms = answer >= complete ? answer - complete : 0,
        .referrer = s3_req_header(r, "Referer"),
        .user_agent = s3_req_header(r, "User-Agent"),
        .version_id = w->version,
        .host_id = r->host_id,
        .signature_version = !authenticated  ? NULL
                             : r->auth_sigv2 ? "SigV2"
                                             : "SigV4",
        .auth_type = !authenticated                      ? NULL
                     : r->auth_type == AUTHZ_AUTH_HEADER ? "AuthHeader"
                     : r->auth_type == AUTHZ_AUTH_QUERY  ? "QueryString"
                                                         : NULL,
        .host_header = s3_req_header(r, "Host"),
        .cipher_suite = cipher,
        .tls_version = tls_version,
    };
    struct buf line;
    buf_init(&line, BUF_UNLIMITED);
    if (!rc)
        rc = log_record_format(&line, &rec);
    if (!rc)
        rc = log_spool_append(r->srv->access_logs, &target, line.data, line.len);
    if (rc)
        log_warn("access log record of request %s for bucket %s: %s", r->request_id, w->bucket,
                 err_msg());
    buf_dispose(&line);
    buf_dispose(&uri);
}

void s3_log_request(struct s3_req *r)
{
    if (!r->srv->access_logs || !r->bucket || !r->bucket[0] || strcmp(r->bucket, "_stocktake") == 0)
        return;
    int64_t now = clock_now_ms();
    char operation[96];
    s3_log_operation(r, operation, sizeof(operation));
    int status = http_req_status(r->http);
    const char *version = http_req_response_header(r->http, "x-amz-version-id");
    if (!version)
        version = s3_req_param(r, "versionId");
    struct s3_log_what w = {r->bucket,
                            operation,
                            r->key,
                            status,
                            r->log_error_code,
                            r->is_head ? -1 : http_req_response_size(r->http),
                            s3_log_object_size(r, status),
                            version};
    s3_log_emit(r, &w, now);
    /* AWS's derived records: each object a DeleteObjects removed (BATCH.DELETE.OBJECT), and
     * the copy source's read in its own bucket's log (REST.COPY.OBJECT_GET / PART_GET) */
    for (size_t off = 0; off < r->log_deleted.len;) {
        const char *key = r->log_deleted.data + off;
        struct s3_log_what d = {r->bucket, "BATCH.DELETE.OBJECT", key, 204, NULL, -1, -1, NULL};
        s3_log_emit(r, &d, now);
        off += strlen(key) + 1;
    }
    if (r->log_copy_bucket && r->log_copy_key && r->op) {
        int part = strcmp(r->op->name, "UploadPartCopy") == 0;
        struct s3_log_what c = {r->log_copy_bucket,
                                part ? "REST.COPY.PART_GET" : "REST.COPY.OBJECT_GET",
                                r->log_copy_key,
                                status,
                                r->log_error_code,
                                -1,
                                -1,
                                r->log_copy_version};
        s3_log_emit(r, &c, now);
    }
}
