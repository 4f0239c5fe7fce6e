/* s3_router.c — from an HTTP request to one S3 operation.
 *
 * on_headers: name the bucket and key (path-style or virtual-hosted-style), authenticate
 * (an unsigned request goes on as anonymous), pick the operation from s3_ops.def, authorize
 * its action (s3_authz.c), prepare the body pipeline and call the operation's begin handler.
 * on_body feeds the pipeline; on_complete checks it and calls the finish handler; on_done frees the
 * request whatever happened. Errors become S3 error responses in s3_respond_error, nowhere else. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/uri.h"
#include "core/utf8.h"
#include "core/xmlw.h"
#include "core/metrics.h"
#include "s3/s3_admin.h"
#include "s3/s3_req.h"
#include "s3/sigv2.h"

#define S3_MAX_PARAMS 64

static const struct s3_op_info s3_ops[S3_OP_COUNT] = {
#define S3_OP(name, opname, method, level, sub, hdr, body, begin, finish, action, vaction, res)    \
    [S3_OP_##name] = {opname, method, level, sub, hdr, body, begin, finish, action, vaction, res},
#include "s3/s3_ops.def"
#undef S3_OP
};

/* Query keys that select a sub-resource operation. A request naming one that no op in the
 * table takes is answered NotImplemented rather than served as the plain operation. */
static const char *const s3_subresources[] = {"accelerate",
                                              "acl",
                                              "analytics",
                                              "attributes",
                                              "cors",
                                              "delete",
                                              "encryption",
                                              "intelligent-tiering",
                                              "inventory",
                                              "legal-hold",
                                              "lifecycle",
                                              "location",
                                              "logging",
                                              "metadataConfiguration",
                                              "metrics",
                                              "notification",
                                              "object-lock",
                                              "ownershipControls",
                                              "policy",
                                              "policyStatus",
                                              "publicAccessBlock",
                                              "replication",
                                              "requestPayment",
                                              "restore",
                                              "retention",
                                              "select",
                                              "session",
                                              "tagging",
                                              "torrent",
                                              "uploadId",
                                              "uploads",
                                              "versioning",
                                              "versions",
                                              "website",
                                              "renameObject"};

const char *s3_req_param(const struct s3_req *r, const char *name)
{
    for (size_t i = 0; i < r->n_params; i++) {
        if (strcmp(r->params[i].name, name) == 0)
            return r->params[i].value ? r->params[i].value : "";
    }
    return NULL;
}

int s3_req_has_param(const struct s3_req *r, const char *name)
{
    return s3_req_param(r, name) != NULL;
}

const char *s3_req_header(const struct s3_req *r, const char *name)
{
    return http_req_header(r->http, name);
}

void s3_req_set_message(struct s3_req *r, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    free(r->error_message);
    r->error_message = xstrdup(msg);
}

void s3_req_error_elem(struct s3_req *r, const char *name, const char *value)
{
    size_t before = r->error_extra.len;
    if (xmlw_elem(&r->error_extra, name, value)) {
        r->error_extra.len = before;
        r->error_extra.data[before] = '\0';
    }
}

void s3_req_error_header(struct s3_req *r, const char *name, const char *value)
{
    if (r->n_error_headers == sizeof(r->error_headers) / sizeof(r->error_headers[0]))
        return;
    r->error_headers[r->n_error_headers][0] = xstrdup(name);
    r->error_headers[r->n_error_headers][1] = xstrdup(value);
    r->n_error_headers++;
}

/* Split the raw query into decoded parameters. */
static enum s3_error s3_req_parse_query(struct s3_req *r)
{
    const char *q = http_req_query(r->http);
    r->params = xcalloc(S3_MAX_PARAMS, sizeof(*r->params));
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', len);
        size_t nlen = eq ? (size_t)(eq - q) : len;
        char *name = NULL, *value = NULL;
        if (len > 0) {
            if (r->n_params == S3_MAX_PARAMS)
                return S3E_INVALID_ARGUMENT;
            if (uri_decode(&name, NULL, q, nlen, 1) ||
                (eq && uri_decode(&value, NULL, eq + 1, len - nlen - 1, 1)) ||
                !utf8_valid(name, strlen(name)) || (value && !utf8_valid(value, strlen(value)))) {
                free(name);
                free(value);
                return S3E_INVALID_URI; /* prefixes, markers … come back in XML: UTF-8 only */
            }
            r->params[r->n_params].name = name;
            r->params[r->n_params].value = value;
            r->n_params++;
        }
        q += len + (amp ? 1 : 0);
    }
    return S3_OK;
}

/* The bucket from a virtual-hosted-style Host header, or NULL (caller frees). */
static char *s3_req_host_bucket(const struct s3_req *r)
{
    const char *host = s3_req_header(r, "Host");
    const char *domain = r->srv->domain;
    if (!host || !domain[0])
        return NULL;
    size_t hlen = strcspn(host, ":");
    if (host[0] == '[')
        return NULL;
    size_t dlen = strlen(domain);
    if (hlen <= dlen + 1 || host[hlen - dlen - 1] != '.' ||
        strncasecmp(host + hlen - dlen, domain, dlen) != 0)
        return NULL;
    return xstrndup(host, hlen - dlen - 1);
}

static enum s3_error s3_req_parse_target(struct s3_req *r)
{
    const char *path = http_req_path(r->http);
    if (path[0] != '/')
        return S3E_INVALID_URI;
    char *host_bucket = s3_req_host_bucket(r);
    const char *rest = path + 1;
    if (host_bucket) {
        r->bucket = host_bucket;
        r->host_style = 1;
    } else {
        const char *slash = strchr(rest, '/');
        size_t blen = slash ? (size_t)(slash - rest) : strlen(rest);
        if (blen > 0 && uri_decode(&r->bucket, NULL, rest, blen, 0))
            return S3E_INVALID_URI;
        rest = slash ? slash + 1 : rest + blen;
    }
    if (*rest) {
        size_t klen = 0;
        if (uri_decode(&r->key, &klen, rest, strlen(rest), 0))
            return S3E_INVALID_URI;
        if (klen != strlen(r->key) || !utf8_valid(r->key, klen))
            return S3E_INVALID_URI; /* NUL or invalid UTF-8 in a key (as AWS) */
    }
    if (r->bucket && !utf8_valid(r->bucket, strlen(r->bucket)))
        return S3E_INVALID_URI; /* echoed in NoSuchBucket's XML before any name check */
    return S3_OK;
}

/* Are all the '&'-separated query keys of selector present? */
static int s3_req_has_params(const struct s3_req *r, const char *selector)
{
    char key[64];
    for (const char *p = selector; *p;) {
        size_t n = strcspn(p, "&");
        if (n >= sizeof(key))
            return 0;
        memcpy(key, p, n);
        key[n] = '\0';
        if (!s3_req_has_param(r, key))
            return 0;
        p += n + (p[n] == '&');
    }
    return 1;
}

const char *s3_req_subresource_unsigned_v2(const struct s3_req *r)
{
    for (size_t i = 0; i < sizeof(s3_subresources) / sizeof(s3_subresources[0]); i++) {
        if (s3_req_has_param(r, s3_subresources[i]) && !sigv2_is_subresource(s3_subresources[i]))
            return s3_subresources[i];
    }
    return NULL;
}

static int s3_req_names_subresource(const struct s3_req *r)
{
    for (size_t i = 0; i < sizeof(s3_subresources) / sizeof(s3_subresources[0]); i++) {
        if (s3_req_has_param(r, s3_subresources[i]))
            return 1;
    }
    return 0;
}

static enum s3_error s3_req_route(struct s3_req *r)
{
    enum s3_level level = !r->bucket ? S3_LEVEL_SERVICE
                          : !r->key  ? S3_LEVEL_BUCKET
                                     : S3_LEVEL_OBJECT;
    const char *method = http_req_method(r->http);
    int names_sub = s3_req_names_subresource(r);
    for (int i = 0; i < S3_OP_COUNT; i++) {
        const struct s3_op_info *op = &s3_ops[i];
        if (op->level != level || strcmp(op->method, method) != 0)
            continue;
        if (op->selector ? !s3_req_has_params(r, op->selector) : names_sub)
            continue;
        if (op->header_selector && !s3_req_header(r, op->header_selector))
            continue;
        r->op = op;
        return S3_OK;
    }
    static const char *const methods[] = {"GET", "PUT", "POST", "DELETE", "HEAD"};
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (strcmp(method, methods[i]) == 0) {
            s3_req_set_message(r, "This operation is not implemented by Stocktake yet.");
            return S3E_NOT_IMPLEMENTED;
        }
    }
    return S3E_METHOD_NOT_ALLOWED;
}

static struct s3_req *s3_req_new(struct http_request *http, struct s3_server *srv)
{
    struct s3_req *r = xcalloc(1, sizeof(*r));
    r->http = http;
    r->srv = srv;
    r->is_head = strcmp(http_req_method(http), "HEAD") == 0;
    r->log_start_ms = clock_now_ms();
    r->secure = http_req_secure(http);
    r->metric_op = -1;
    uint8_t id[8], host[24];
    hash_random(id, sizeof(id));
    hash_random(host, sizeof(host));
    hash_hex(id, sizeof(id), r->request_id);
    for (char *p = r->request_id; *p; p++) {
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    }
    r->host_id[hash_base64(host, sizeof(host), r->host_id)] = '\0';
    s3_body_init(&r->body);
    buf_init(&r->error_extra, 64 * 1024);
    buf_init(&r->log_deleted, BUF_UNLIMITED);
    return r;
}

static void s3_req_free(struct s3_req *r)
{
    if (r->op_free)
        r->op_free(r);
    s3_body_dispose(&r->body);
    for (size_t i = 0; i < r->n_params; i++) {
        free((char *)r->params[i].name);
        free((char *)r->params[i].value);
    }
    free(r->params);
    free(r->bucket);
    free(r->key);
    free(r->body_error_message);
    free(r->error_message);
    buf_dispose(&r->error_extra);
    buf_dispose(&r->log_deleted);
    free(r->log_copy_bucket);
    free(r->log_copy_key);
    free(r->log_copy_version);
    for (size_t i = 0; i < r->n_error_headers; i++) {
        free(r->error_headers[i][0]);
        free(r->error_headers[i][1]);
    }
    free(r);
}

static int s3_req_is_health(const struct s3_req *r)
{
    return r->bucket && strcmp(r->bucket, S3_RESERVED_PREFIX) == 0 && r->key &&
           strcmp(r->key, "health") == 0;
}

/* The kind of object changes op makes, for their events (notify_ctx.h). */
static enum notify_source s3_req_notify_source(const struct s3_op_info *op)
{
    switch ((enum s3_op)(op - s3_ops)) {
    case S3_OP_PUT_OBJECT:
        return NOTIFY_SRC_PUT;
    case S3_OP_POST_OBJECT:
        return NOTIFY_SRC_POST;
    case S3_OP_COPY_OBJECT:
        return NOTIFY_SRC_COPY;
    case S3_OP_COMPLETE_MULTIPART_UPLOAD:
        return NOTIFY_SRC_COMPLETE;
    case S3_OP_DELETE_OBJECT:
    case S3_OP_DELETE_OBJECTS:
        return NOTIFY_SRC_DELETE;
    case S3_OP_PUT_OBJECT_TAGGING:
        return NOTIFY_SRC_TAGGING_PUT;
    case S3_OP_DELETE_OBJECT_TAGGING:
        return NOTIFY_SRC_TAGGING_DELETE;
    case S3_OP_PUT_OBJECT_ACL:
        return NOTIFY_SRC_ACL_PUT;
    case S3_OP_RESTORE_OBJECT:
        return NOTIFY_SRC_RESTORE;
    default:
        return NOTIFY_SRC_NONE;
    }
}

/* The thread's notification context becomes r's (once it is routed and authenticated). */
static void s3_req_notify_enter(struct s3_req *r)
{
    if (!r->op || r->console)
        return;
    struct notify_ctx *n = &r->notify;
    if (!n->source) {
        n->source = s3_req_notify_source(r->op);
        snprintf(n->principal, sizeof(n->principal), "%s",
                 r->anonymous ? "anonymous" : r->account.id);
        snprintf(n->source_ip, sizeof(n->source_ip), "%s", http_req_peer(r->http));
        snprintf(n->request_id, sizeof(n->request_id), "%s", r->request_id);
        snprintf(n->host_id, sizeof(n->host_id), "%s", r->host_id);
    }
    if (n->source)
        notify_ctx_enter(n);
}

static enum s3_error s3_req_start(struct s3_req *r)
{
    enum s3_error e = s3_req_parse_query(r);
    if (!e)
        e = s3_req_parse_target(r);
    if (e)
        return e;
    if (s3_admin_is_metrics(r)) {
        s3_admin_metrics(r);
        return S3_OK;
    }
    if (s3_admin_is_api(r)) {
        s3_admin_api(r);
        return S3_OK;
    }
    if (s3_req_is_health(r)) {
        r->metric_op = S3_METRIC_HEALTH;
        char *ok = xstrdup("ok\n");
        struct http_response *resp = s3_response_new(r, 200, ok, strlen(ok));
        http_response_header(resp, "Content-Type", "text/plain");
        http_req_respond(r->http, resp);
        return S3_OK;
    }
    if (s3_console_is_path(r))
        return s3_console_begin(r); /* the web console's files and session (s3_console.c) */
    /* Browsers send a CORS preflight without credentials, whatever the URL carries (a presigned
     * one's query signs the real request, not the OPTIONS): AWS does not authenticate it. */
    if (strcmp(http_req_method(r->http), "OPTIONS") == 0) {
        r->anonymous = 1;
        r->body.payload = S3_PAYLOAD_UNSIGNED;
    } else {
        e = s3_auth_check(r);
    }
    if (!e)
        e = s3_req_route(r);
    if (e)
        return e;
    if (r->bucket && strcmp(r->bucket, S3_RESERVED_PREFIX) == 0)
        return S3E_NO_SUCH_BUCKET;
    if (r->key && strlen(r->key) > S3_MAX_KEY_BYTES)
        return S3E_KEY_TOO_LONG;
    /* POST Object decides once its form is read, PutObjectTagging once it has the tags */
    if (r->op->resource != S3_RES_FORM && r->op->resource != S3_RES_OBJECT_BODY)
        e = s3_req_authorize(r);
    if (!e)
        e = s3_body_begin(r);
    if (!e && r->op->begin) {
        s3_req_notify_enter(r);
        e = r->op->begin(r);
        notify_ctx_leave();
    }
    return e;
}

static void s3_on_headers(struct http_request *http)
{
    struct s3_req *r = s3_req_new(http, http_req_app(http));
    http_req_set_ctx(http, r);
    enum s3_error e = s3_req_start(r);
    if (e)
        s3_respond_error(r, e);
    if (http_req_has_response(http))
        r->log_answer_ms = clock_now_ms();
}

static void s3_on_body(struct http_request *http, const char *data, size_t n)
{
    struct s3_req *r = http_req_ctx(http);
    if (r->body_error)
        return; /* read and drop the rest; the error is answered at the end */
    r->body_error = s3_body_feed(r, data, n);
    if (r->body_error && r->error_message) {
        r->body_error_message = r->error_message;
        r->error_message = NULL;
    }
}

static void s3_on_complete(struct http_request *http)
{
    struct s3_req *r = http_req_ctx(http);
    r->log_complete_ms = clock_now_ms();
    enum s3_error e = r->body_error;
    if (e && r->body_error_message) {
        free(r->error_message);
        r->error_message = r->body_error_message;
        r->body_error_message = NULL;
    }
    if (!e)
        e = s3_body_finish(r);
    if (!e) {
        s3_req_notify_enter(r);
        e = r->op->finish(r);
        notify_ctx_leave();
    }
    if (e)
        s3_respond_error(r, e);
    r->log_answer_ms = clock_now_ms();
}

static void s3_on_done(struct http_request *http, int completed)
{
    struct s3_req *r = http_req_ctx(http);
    if (!r)
        return;
    if (!completed && r->op)
        log_info("request %s (%s) ended before it completed", r->request_id, r->op->name);
    s3_log_request(r); /* server access logging: the one hook */
    if (r->metric_op < 0)
        r->metric_op = r->op ? (int)(r->op - s3_ops) : S3_METRIC_UNKNOWN;
    s3_observe_request(r);
    s3_req_free(r);
}

static const char *const s3_metric_extra_names[] = {
    [S3_METRIC_UNKNOWN - S3_OP_COUNT] = "Unknown",
    [S3_METRIC_HEALTH - S3_OP_COUNT] = "Health",
    [S3_METRIC_METRICS - S3_OP_COUNT] = "Metrics",
    [S3_METRIC_ADMIN_INVENTORY_RUN - S3_OP_COUNT] = "AdminInventoryRun",
    [S3_METRIC_ADMIN_INVENTORY_STATUS - S3_OP_COUNT] = "AdminInventoryStatus",
    [S3_METRIC_ADMIN_INVENTORY_CANCEL - S3_OP_COUNT] = "AdminInventoryCancel",
    [S3_METRIC_ADMIN_OTHER - S3_OP_COUNT] = "AdminOther",
};

const char *s3_metric_op_name(int op)
{
    if (op >= 0 && op < S3_OP_COUNT)
        return s3_ops[op].name;
    if (op >= S3_OP_COUNT && op < S3_METRIC_COUNT)
        return s3_metric_extra_names[op - S3_OP_COUNT];
    return "Unknown";
}

void s3_handler_init(struct http_handler *out, struct s3_server *srv)
{
    static const char *names[S3_METRIC_COUNT];
    for (int i = 0; i < S3_METRIC_COUNT; i++)
        names[i] = s3_metric_op_name(i);
    metrics_set_operations(names, S3_METRIC_COUNT);
    out->on_headers = s3_on_headers;
    out->on_body = s3_on_body;
    out->on_complete = s3_on_complete;
    out->on_done = s3_on_done;
    out->app = srv;
}
