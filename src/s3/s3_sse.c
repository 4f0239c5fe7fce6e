/* s3_sse.c — SSE request headers and the bucket default (s3_sse.h). */
#include "s3/s3_sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum s3_error s3_sse_not_implemented(struct s3_req *r, const char *what)
{
    s3_req_set_message(r, "%s is not implemented by Stocktake yet.", what);
    return S3E_NOT_IMPLEMENTED;
}

static enum s3_error s3_sse_check_customer(struct s3_req *r, const char *prefix)
{
    static const char *const names[] = {"algorithm", "key", "key-MD5"};
    char h[128];
    for (size_t i = 0; i < 3; i++) {
        snprintf(h, sizeof(h), "%sserver-side-encryption-customer-%s", prefix, names[i]);
        if (s3_req_header(r, h))
            return s3_sse_not_implemented(r, "Server-side encryption with customer keys (SSE-C)");
    }
    return S3_OK;
}

int s3_sse_bucket_config(struct s3_req *r, struct s3_sse_config *out)
{
    char *doc = NULL;
    int rc = meta_bucket_config_get(r->srv->meta, r->bucket, META_CONFIG_ENCRYPTION, &doc);
    if (rc == ERR_NOTFOUND && !r->srv->legacy_bucket_defaults) {
        s3_sse_config_default(out);
        return 0;
    }
    if (rc)
        return rc;
    char msg[256];
    enum s3_error e = s3_sse_config_parse(out, doc, strlen(doc), msg, sizeof(msg));
    free(doc);
    if (e) {
        err_set("stored encryption configuration of %s does not parse", r->bucket);
        return ERR_INVALID;
    }
    return 0;
}

/* No header: the bucket's default. */
static enum s3_error s3_sse_default(struct s3_req *r, enum obj_sse_mode *out)
{
    struct s3_sse_config c;
    int rc = s3_sse_bucket_config(r, &c);
    if (rc == ERR_NOTFOUND) {
        *out = OBJ_SSE_NONE;
        return S3_OK;
    }
    if (rc)
        return s3_error_from_rc(rc);
    if (c.algorithm != S3_SSE_ALG_AES256)
        return s3_sse_not_implemented(r, "Server-side encryption with KMS keys");
    *out = OBJ_SSE_S3;
    return S3_OK;
}

enum s3_error s3_sse_for_write(struct s3_req *r, enum obj_sse_mode *out)
{
    *out = OBJ_SSE_NONE;
    enum s3_error e = s3_sse_check_customer(r, "x-amz-");
    return e ? e : s3_sse_choose(r, s3_req_header(r, "x-amz-server-side-encryption"), out);
}

enum s3_error s3_sse_choose(struct s3_req *r, const char *v, enum obj_sse_mode *out)
{
    *out = OBJ_SSE_NONE;
    int kms = v && (strcmp(v, "aws:kms") == 0 || strcmp(v, "aws:kms:dsse") == 0);
    if (kms)
        return s3_sse_not_implemented(r, "Server-side encryption with KMS keys (SSE-KMS)");
    if (s3_req_header(r, "x-amz-server-side-encryption-aws-kms-key-id") ||
        s3_req_header(r, "x-amz-server-side-encryption-context")) {
        s3_req_set_message(r, "Server Side Encryption with AWS KMS managed key requires HTTP "
                              "header x-amz-server-side-encryption : aws:kms");
        return S3E_INVALID_ARGUMENT;
    }
    if (!v)
        return s3_sse_default(r, out);
    if (strcmp(v, "AES256") != 0) {
        s3_req_set_message(r, "The encryption method specified is not supported");
        s3_req_error_elem(r, "ArgumentName", "x-amz-server-side-encryption");
        s3_req_error_elem(r, "ArgumentValue", v);
        return S3E_INVALID_ARGUMENT;
    }
    *out = OBJ_SSE_S3;
    return S3_OK;
}

enum s3_error s3_sse_check_part_headers(struct s3_req *r)
{
    return s3_sse_check_customer(r, "x-amz-");
}

enum s3_error s3_sse_check_copy_source(struct s3_req *r)
{
    return s3_sse_check_customer(r, "x-amz-copy-source-");
}

void s3_sse_response_header(struct http_response *resp, const char *sse)
{
    if (obj_sse_mode_of(sse) == OBJ_SSE_S3)
        http_response_header(resp, "x-amz-server-side-encryption", "AES256");
}
