/* s3_op_kms.c — the bridge from the S3 request pipeline to the key service's JSON API
 * (kms/kms.h): the signer's account is the caller, the buffered body the JSON request, and
 * the answer (success or an AWS JSON error) goes back as application/x-amz-json-1.1. Errors
 * raised before the operation (authentication, body limits) are answered in the same JSON
 * form, under the names AWS's JSON services use for them. */
#include <jansson.h>
#include <string.h>

#include "kms/kms.h"
#include "s3/s3_req.h"

enum s3_error s3_op_kms(struct s3_req *r)
{
    if (r->auth_deferred) {
        enum s3_error e = s3_auth_check_body(r);
        if (e)
            return e;
    }
    struct kms_caller c;
    memset(&c, 0, sizeof(c));
    c.meta = r->srv->meta;
    c.region = r->srv->region;
    if (r->anonymous)
        authz_principal_anonymous(&c.who);
    else
        authz_principal_account(&c.who, r->account.id, r->account.canonical_id);
    c.secure_transport = r->secure;
    c.source_ip = http_req_peer(r->http);
    int status = 500;
    char *out = NULL;
    kms_api_handle(&c, s3_req_header(r, "X-Amz-Target"), r->body.xml.data, r->body.xml.len, &status,
                   &out);
    if (!out)
        return S3E_INTERNAL_ERROR;
    struct http_response *resp = s3_response_new(r, status, out, strlen(out));
    http_response_header(resp, "Content-Type", "application/x-amz-json-1.1");
    http_req_respond(r->http, resp);
    return S3_OK;
}

int s3_req_is_kms(const struct s3_req *r)
{
    const char *target = s3_req_header(r, "X-Amz-Target");
    return target && strncmp(target, "TrentService.", 13) == 0 && !r->bucket &&
           strcmp(http_req_method(r->http), "POST") == 0;
}

static const char *s3_kms_error_type(enum s3_error e)
{
    switch (e) {
    case S3E_SIGNATURE_DOES_NOT_MATCH:
    case S3E_REQUEST_TIME_TOO_SKEWED:
        return "InvalidSignatureException";
    case S3E_INVALID_ACCESS_KEY_ID:
        return "UnrecognizedClientException";
    case S3E_AUTH_HEADER_MALFORMED:
        return "IncompleteSignatureException";
    case S3E_ACCESS_DENIED:
        return "AccessDeniedException";
    default:
        return s3_error_status(e) >= 500 ? "KMSInternalException" : "ValidationException";
    }
}

void s3_kms_respond_error(struct s3_req *r, enum s3_error e)
{
    int status = s3_error_status(e) >= 500 ? 500 : 400;
    json_t *o = json_object();
    json_object_set_new(o, "__type", json_string(s3_kms_error_type(e)));
    json_object_set_new(o, "message",
                        json_string(r->error_message ? r->error_message : s3_error_message(e)));
    char *out = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    struct http_response *resp = s3_response_new(r, status, out, out ? strlen(out) : 0);
    http_response_header(resp, "Content-Type", "application/x-amz-json-1.1");
    http_req_respond(r->http, resp);
}
