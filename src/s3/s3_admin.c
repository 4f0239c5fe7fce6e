/* s3_admin.c — the admin API under /_stocktake/api/ and the metrics at /_stocktake/metrics
 * (docs/ADMIN-API.md).
 *
 * An admin request is authenticated by the S3 code (s3_auth_check: SigV4 or SigV2, header or
 * presigned query) and authorized by the one authorization step (s3_req_authorize_on) with the
 * endpoint's IAM action on the bucket the query names, so the bucket's owner and any principal
 * its policy allows may call it; anonymous callers get AccessDenied. Answers and errors are
 * JSON: {"error":"Code","message":"…"} with the S3 error's code and status. Requests carry no
 * body and are answered when their headers are in. The metrics need no signature unless the
 * server has a token (serve --metrics-token), then "Authorization: Bearer <token>". */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin/admin_inventory.h"
#include "admin/admin_metrics.h"
#include "admin/admin_runs.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "inventory/inv_config.h"
#include "s3/s3_admin.h"
#include "s3/s3_req.h"

#define S3_ADMIN_API_PREFIX "api/"

struct s3_admin_endpoint {
    const char *path; /* after /_stocktake/api/ */
    const char *method;
    const char *action;
    int needs_id;
    int metric_op;
};

static const struct s3_admin_endpoint s3_admin_endpoints[] = {
    {"inventory/run", "POST", "s3:PutInventoryConfiguration", 1, S3_METRIC_ADMIN_INVENTORY_RUN},
    {"inventory/status", "GET", "s3:GetInventoryConfiguration", 0,
     S3_METRIC_ADMIN_INVENTORY_STATUS},
    {"inventory/cancel", "POST", "s3:PutInventoryConfiguration", 1,
     S3_METRIC_ADMIN_INVENTORY_CANCEL},
};

int s3_admin_is_api(const struct s3_req *r)
{
    return r->bucket && strcmp(r->bucket, S3_RESERVED_PREFIX) == 0 && r->key &&
           strncmp(r->key, S3_ADMIN_API_PREFIX, strlen(S3_ADMIN_API_PREFIX)) == 0;
}

int s3_admin_is_metrics(const struct s3_req *r)
{
    return r->bucket && strcmp(r->bucket, S3_RESERVED_PREFIX) == 0 && r->key &&
           strcmp(r->key, "metrics") == 0;
}

static void s3_admin_respond_json(struct s3_req *r, int status, char *json)
{
    size_t len = json ? strlen(json) : 0;
    struct http_response *resp = http_response_new_buffer(status, json, len);
    http_response_header(resp, "Content-Type", "application/json");
    http_response_header(resp, "Cache-Control", "no-store");
    http_response_header(resp, "x-amz-request-id", r->request_id);
    http_response_header(resp, "x-amz-id-2", r->host_id);
    http_response_header(resp, "Server", "Stocktake");
    http_req_respond(r->http, resp);
}

static void s3_admin_error(struct s3_req *r, int status, const char *code, const char *message)
{
    json_t *o = json_object();
    json_object_set_new(o, "error", json_string(code));
    json_object_set_new(o, "message", json_string(message));
    json_object_set_new(o, "requestId", json_string(r->request_id));
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    s3_admin_respond_json(r, status, text);
}

/* An S3 error as JSON, with the detail message the request recorded (if any). */
static void s3_admin_s3_error(struct s3_req *r, enum s3_error e)
{
    if (s3_error_status(e) >= 500)
        log_error("request %s: %s: %s", r->request_id, s3_error_code(e), err_msg());
    s3_admin_error(r, s3_error_status(e), s3_error_code(e),
                   r->error_message ? r->error_message : s3_error_message(e));
}

static void s3_admin_respond_run(struct s3_req *r, int status, const struct meta_inventory_run *run)
{
    json_t *o = admin_inventory_run_json(r->srv->meta, run, clock_now_ms());
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    s3_admin_respond_json(r, status, text);
}

static void s3_admin_run(struct s3_req *r, const char *bucket, const char *id)
{
    if (!r->srv->admin_runs) {
        s3_admin_error(r, 501, "NotImplemented", "This server does not run inventory reports.");
        return;
    }
    struct meta_inventory_run run;
    int rc = admin_runs_start(r->srv->admin_runs, bucket, id, &run);
    if (rc == ERR_CONFLICT) {
        s3_admin_error(r, 409, "RunInProgress", run.error);
        return;
    }
    if (rc && !run.run_id) {
        log_warn("request %s: inventory %s/%s could not start: %s", r->request_id, bucket, id,
                 run.error);
        s3_admin_error(r, 500, "InternalError",
                       run.error[0] ? run.error : "The run did not start.");
        return;
    }
    /* recorded: it runs, or already ended (its record says how: read it again, so that a run
     * done by now is not taken for an interrupted one) */
    struct meta_inventory_run now;
    if (admin_inventory_latest(r->srv->meta, bucket, id, &now) == 0 && now.run_id == run.run_id)
        run = now;
    s3_admin_respond_run(r, 202, &run);
}

static void s3_admin_cancel(struct s3_req *r, const char *bucket, const char *id)
{
    int rc = meta_inventory_run_cancel(r->srv->meta, bucket, id);
    if (rc == ERR_NOTFOUND) {
        s3_admin_error(r, 409, "NoRunInProgress",
                       "No run of this inventory configuration is running.");
        return;
    }
    struct meta_inventory_run run;
    if (!rc)
        rc = admin_inventory_latest(r->srv->meta, bucket, id, &run);
    if (rc) {
        s3_admin_s3_error(r, s3_error_from_rc(rc));
        return;
    }
    s3_admin_respond_run(r, 200, &run);
}

static void s3_admin_status(struct s3_req *r, const char *bucket, const char *id, size_t limit)
{
    char *text = NULL;
    int rc = admin_inventory_status(r->srv->meta, bucket, id, limit, &text);
    if (rc) {
        s3_admin_s3_error(r, s3_error_from_rc(rc));
        return;
    }
    s3_admin_respond_json(r, 200, text);
}

/* The query's bucket, id and limit; an answer sent (0) or not. */
static int s3_admin_params(struct s3_req *r, const struct s3_admin_endpoint *ep,
                           const char **bucket, const char **id, size_t *limit)
{
    *bucket = s3_req_param(r, "bucket");
    *id = s3_req_param(r, "id");
    const char *lim = s3_req_param(r, "limit");
    int64_t n = ADMIN_STATUS_DEFAULT_LIMIT;
    if (!*bucket || !**bucket) {
        s3_admin_error(r, 400, "InvalidArgument", "The bucket parameter is required.");
        return 0;
    }
    if (*id && !**id)
        *id = NULL;
    if (ep->needs_id && !*id) {
        s3_admin_error(r, 400, "InvalidArgument", "The id parameter is required.");
        return 0;
    }
    if (*id && !inv_config_id_valid(*id)) {
        s3_admin_error(r, 400, "InvalidArgument",
                       "The id parameter is not a valid configuration id.");
        return 0;
    }
    if (lim && str_parse_i64(lim, 1, ADMIN_STATUS_MAX_LIMIT, &n)) {
        s3_admin_error(r, 400, "InvalidArgument", "The limit parameter must be 1 to 1000.");
        return 0;
    }
    *limit = (size_t)n;
    return 1;
}

static const struct s3_admin_endpoint *s3_admin_find(struct s3_req *r)
{
    const char *path = r->key + strlen(S3_ADMIN_API_PREFIX);
    for (size_t i = 0; i < sizeof(s3_admin_endpoints) / sizeof(s3_admin_endpoints[0]); i++) {
        if (strcmp(path, s3_admin_endpoints[i].path) == 0)
            return &s3_admin_endpoints[i];
    }
    return NULL;
}

/* A body would go unread and unchecked: the admin API takes none. */
static int s3_admin_has_body(struct s3_req *r)
{
    const char *cl = s3_req_header(r, "Content-Length");
    return s3_req_header(r, "Transfer-Encoding") || (cl && strcmp(cl, "0") != 0);
}

void s3_admin_api(struct s3_req *r)
{
    const struct s3_admin_endpoint *ep = s3_admin_find(r);
    r->metric_op = ep ? ep->metric_op : S3_METRIC_ADMIN_OTHER;
    if (!ep) {
        s3_admin_error(r, 404, "NoSuchEndpoint", "The admin API has no such endpoint.");
        return;
    }
    if (strcmp(http_req_method(r->http), ep->method) != 0) {
        s3_admin_error(r, 405, "MethodNotAllowed",
                       "The specified method is not allowed against this resource.");
        return;
    }
    if (s3_admin_has_body(r)) {
        s3_admin_error(r, 400, "InvalidRequest", "Admin API requests carry no body.");
        return;
    }
    enum s3_error e = s3_auth_check(r);
    if (!e && (r->anonymous || r->auth_deferred))
        e = S3E_ACCESS_DENIED; /* the admin API is for signed requests only */
    if (e) {
        s3_admin_s3_error(r, e);
        return;
    }
    const char *bucket, *id;
    size_t limit;
    if (!s3_admin_params(r, ep, &bucket, &id, &limit))
        return;
    struct meta_bucket b;
    int rc = meta_bucket_get(r->srv->meta, bucket, &b);
    if (rc) {
        s3_req_set_message(r, "The specified bucket does not exist");
        s3_admin_s3_error(r, s3_error_from_err(rc, S3E_NO_SUCH_BUCKET));
        return;
    }
    e = s3_req_authorize_on(r, ep->action, &b, NULL);
    if (e) {
        s3_admin_s3_error(r, e);
        return;
    }
    if (ep->needs_id) {
        char *stored = NULL;
        rc = meta_inventory_get(r->srv->meta, bucket, id, &stored);
        free(stored);
        if (rc) {
            s3_admin_s3_error(r, s3_error_from_err(rc, S3E_NO_SUCH_CONFIGURATION));
            return;
        }
    }
    if (ep->metric_op == S3_METRIC_ADMIN_INVENTORY_RUN)
        s3_admin_run(r, bucket, id);
    else if (ep->metric_op == S3_METRIC_ADMIN_INVENTORY_CANCEL)
        s3_admin_cancel(r, bucket, id);
    else
        s3_admin_status(r, bucket, id, limit);
}

/* "Bearer <token>", compared in constant time. */
static int s3_admin_token_ok(const struct s3_req *r)
{
    const char *want = r->srv->metrics_token;
    const char *h = s3_req_header(r, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return 0;
    h += 7;
    size_t n = strlen(want);
    return strlen(h) == n && CRYPTO_memcmp(h, want, n) == 0;
}

void s3_admin_metrics(struct s3_req *r)
{
    r->metric_op = S3_METRIC_METRICS;
    const char *method = http_req_method(r->http);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        s3_admin_error(r, 405, "MethodNotAllowed",
                       "The specified method is not allowed against this resource.");
        return;
    }
    if (r->srv->metrics_token && r->srv->metrics_token[0] && !s3_admin_token_ok(r)) {
        char *body = xstrdup("Unauthorized: the metrics need Authorization: Bearer <token>\n");
        struct http_response *resp = http_response_new_buffer(401, body, strlen(body));
        http_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
        http_response_header(resp, "WWW-Authenticate", "Bearer realm=\"stocktake-metrics\"");
        http_req_respond(r->http, resp);
        return;
    }
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    if (admin_metrics_render(r->srv->meta, &out)) {
        buf_dispose(&out);
        s3_admin_error(r, 500, "InternalError", "The metrics could not be rendered.");
        return;
    }
    size_t len = out.len;
    struct http_response *resp = http_response_new_buffer(200, buf_detach(&out), len);
    http_response_header(resp, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    http_response_header(resp, "Cache-Control", "no-store");
    http_req_respond(r->http, resp);
}
