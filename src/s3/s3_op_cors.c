/* s3_op_cors.c — CORS over HTTP: Put/Get/DeleteBucketCors, the OPTIONS preflight, and the
 * Access-Control-* headers of real requests.
 *
 * The configuration is stored as the canonical document s3_cors_render makes of what
 * PutBucketCors accepted (META_CONFIG_CORS), so GetBucketCors answers it as stored and every
 * reader parses a document known to be valid.
 *
 * The preflight is answered for anyone, signed or not, from the bucket's CORS rules alone:
 * browsers send it without credentials, and AWS does not authorize it (its row in s3_ops.def
 * has the resource kind S3_RES_NONE, and the router does not authenticate OPTIONS).
 *
 * A real request that carries Origin, on a bucket with CORS rules, gets the headers of the
 * first rule that allows its origin and method, whatever the answer: success or error,
 * signed, presigned or anonymous (s3_response.c calls s3_cors_response_headers for every
 * response). The method matched is Access-Control-Request-Method when the request has one,
 * else the request's own, and Access-Control-Request-Headers, when sent, must be allowed: S3
 * answers so (recorded against it), as RGW does and the ceph/s3-tests expect. */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "s3/s3_cors.h"
#include "s3/s3_bucket_doc.h"
#include "s3/s3_req.h"

/* The bucket's CORS rules into *out (caller disposes; empty on error); *found 0 when it has
 * none. */
static int s3_cors_load(struct s3_req *r, struct s3_cors_config *out, int *found)
{
    memset(out, 0, sizeof(*out));
    *found = 0;
    char *doc = NULL;
    int rc = meta_bucket_config_get(r->srv->meta, r->bucket, META_CONFIG_CORS, &doc);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    char msg[256];
    enum s3_error e = s3_cors_parse(out, doc, strlen(doc), msg, sizeof(msg));
    free(doc);
    if (e) {
        s3_cors_config_dispose(out);
        err_set("the stored CORS configuration of bucket %s does not parse", r->bucket);
        return ERR_BACKEND;
    }
    *found = 1;
    return 0;
}

static void s3_cors_add_header(void *ctx, const char *name, const char *value)
{
    http_response_header(ctx, name, value);
}

enum s3_error s3_op_put_bucket_cors(struct s3_req *r)
{
    enum s3_error e = s3_bucket_doc_put_begin(r, S3_CORS_DOC_MAX);
    if (e)
        return e;
    struct s3_cors_config c;
    char msg[1200];
    e = s3_cors_parse(&c, r->body.xml.data, r->body.xml.len, msg, sizeof(msg));
    if (e && msg[0])
        s3_req_set_message(r, "%s", msg);
    struct buf doc;
    buf_init(&doc, BUF_UNLIMITED);
    if (!e && s3_cors_render(&doc, &c))
        e = S3E_INTERNAL_ERROR;
    s3_cors_config_dispose(&c);
    int rc = e ? 0 : meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_CORS, doc.data);
    buf_dispose(&doc);
    if (!e && rc)
        e = s3_error_from_rc(rc);
    if (!e)
        s3_respond_empty(r, 200);
    return e;
}

enum s3_error s3_op_get_bucket_cors(struct s3_req *r)
{
    return s3_bucket_doc_get(r, META_CONFIG_CORS, S3E_NO_SUCH_CORS_CONFIGURATION);
}

enum s3_error s3_op_delete_bucket_cors(struct s3_req *r)
{
    return s3_bucket_doc_delete(r, META_CONFIG_CORS);
}

/* 403 AccessForbidden naming the method asked for and the resource the rules were evaluated
 * for: S3 says BUCKET when there were no rules to evaluate, whatever the URL. */
static enum s3_error s3_cors_forbidden(struct s3_req *r, const char *method, const char *message,
                                       const char *resource_type)
{
    if (message)
        s3_req_set_message(r, "%s", message);
    s3_req_error_elem(r, "Method", method ? method : "OPTIONS");
    s3_req_error_elem(r, "ResourceType", resource_type);
    return S3E_ACCESS_FORBIDDEN;
}

/* The answer once the bucket's rules are loaded: 400 for a method no rule can allow, 403 when
 * no rule allows the request, else 200 with the rule's headers. */
static enum s3_error s3_cors_preflight_answer(struct s3_req *r, const struct s3_cors_config *c)
{
    const char *origin = s3_req_header(r, "Origin");
    const char *method = s3_req_header(r, "Access-Control-Request-Method");
    const char *headers = s3_req_header(r, "Access-Control-Request-Headers");
    if (!s3_cors_method_bit(method)) {
        s3_req_set_message(r, "Invalid Access-Control-Request-Method: %s",
                           method ? method : "null");
        return S3E_BAD_REQUEST;
    }
    const struct s3_cors_rule *rule = s3_cors_match(c, origin, method, headers);
    if (!rule)
        return s3_cors_forbidden(r, method, NULL, r->key ? "OBJECT" : "BUCKET");
    struct http_response *resp = s3_response_new(r, 200, NULL, 0);
    s3_cors_headers(rule, origin, headers, s3_cors_add_header, resp);
    http_req_respond(r->http, resp);
    return S3_OK;
}

enum s3_error s3_op_cors_preflight(struct s3_req *r)
{
    if (!s3_req_header(r, "Origin")) {
        s3_req_set_message(r, "Insufficient information. Origin request header needed.");
        return S3E_BAD_REQUEST;
    }
    const char *method = s3_req_header(r, "Access-Control-Request-Method");
    struct meta_bucket b;
    int rc = meta_bucket_get(r->srv->meta, r->bucket, &b);
    if (rc == ERR_NOTFOUND)
        return s3_cors_forbidden(r, method, "CORSResponse: Bucket not found", "BUCKET");
    struct s3_cors_config c;
    int found = 0;
    if (!rc)
        rc = s3_cors_load(r, &c, &found);
    if (rc)
        return s3_error_from_rc(rc);
    enum s3_error e =
        found ? s3_cors_preflight_answer(r, &c)
              : s3_cors_forbidden(r, method, "CORSResponse: CORS is not enabled for this bucket.",
                                  "BUCKET");
    s3_cors_config_dispose(&c);
    return e;
}

void s3_cors_response_headers(struct s3_req *r, struct http_response *resp)
{
    const char *origin = s3_req_header(r, "Origin");
    const char *method = http_req_method(r->http);
    if (!origin || !r->bucket || strcmp(method, "OPTIONS") == 0)
        return; /* not a cross-origin request, or a preflight (it sets its own) */
    struct s3_cors_config c;
    int found = 0;
    if (s3_cors_load(r, &c, &found)) {
        log_warn("request %s: the CORS rules of bucket %s: %s", r->request_id, r->bucket,
                 err_msg());
        return;
    }
    if (found) {
        /* the Access-Control-Request-* headers decide when the request carries them (S3 does
         * so); the headers the request really carries are not checked */
        const char *asked = s3_req_header(r, "Access-Control-Request-Method");
        const char *asked_headers = s3_req_header(r, "Access-Control-Request-Headers");
        const struct s3_cors_rule *rule =
            s3_cors_match(&c, origin, asked ? asked : method, asked_headers);
        s3_cors_headers(rule, origin, NULL, s3_cors_add_header, resp);
    }
    s3_cors_config_dispose(&c);
}
