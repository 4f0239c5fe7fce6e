/* s3_op_kms.c — the bridge from the S3 request pipeline to the key service's JSON API
 * (kms/kms.h): the signer's account is the caller, the buffered body the JSON request, and
 * the answer (success or an AWS JSON error) goes back as application/x-amz-json-1.1. */
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
