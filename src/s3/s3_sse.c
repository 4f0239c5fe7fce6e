/* s3_sse.c — SSE request headers, customer keys and the bucket default (s3_sse.h). */
#include "s3/s3_sse.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hash.h"
#include "crypto/keys.h"

static const char *s3_sse_hdr(struct s3_req *r, const char *prefix, const char *name)
{
    char h[128];
    snprintf(h, sizeof(h), "%sserver-side-encryption-customer-%s", prefix, name);
    return s3_req_header(r, h);
}

static enum s3_error s3_sse_customer_fields(struct s3_req *r, const struct s3_sse_fields *f,
                                            struct s3_sse_want *out, int *given);

static enum s3_error s3_sse_bad_key(struct s3_req *r, const char *msg)
{
    s3_req_set_message(r, "%s", msg);
    return S3E_INVALID_ARGUMENT;
}

enum s3_error s3_sse_customer(struct s3_req *r, const char *prefix, struct s3_sse_want *out,
                              int *given)
{
    const struct s3_sse_fields f = {NULL,
                                    s3_sse_hdr(r, prefix, "algorithm"),
                                    s3_sse_hdr(r, prefix, "key"),
                                    s3_sse_hdr(r, prefix, "key-MD5"),
                                    NULL,
                                    NULL,
                                    NULL};
    return s3_sse_customer_fields(r, &f, out, given);
}

/* The SSE-C key from the three values (headers or a POST form's fields). */
static enum s3_error s3_sse_customer_fields(struct s3_req *r, const struct s3_sse_fields *f,
                                            struct s3_sse_want *out, int *given)
{
    const char *alg = f->algorithm, *key = f->key, *md5 = f->key_md5;
    *given = alg || key || md5;
    if (!*given)
        return S3_OK;
    if (!r->secure && !r->srv->allow_insecure_sse_c) {
        s3_req_set_message(r, "Requests specifying Server Side Encryption with Customer provided "
                              "keys must be made over a secure connection.");
        return S3E_INVALID_REQUEST;
    }
    if (!alg)
        return s3_sse_bad_key(r, "Requests specifying Server Side Encryption with Customer "
                                 "provided keys must provide a valid encryption algorithm.");
    if (strcmp(alg, "AES256") != 0)
        return s3_sse_bad_key(r, "The encryption algorithm specified is not valid.");
    if (!key)
        return s3_sse_bad_key(r, "Requests specifying Server Side Encryption with Customer "
                                 "provided keys must provide an appropriate secret key.");
    uint8_t raw[64], digest[MD5_LEN];
    long n = strlen(key) <= 64 ? hash_unbase64(key, strlen(key), raw) : -1;
    if (n != 32) {
        OPENSSL_cleanse(raw, sizeof(raw));
        return s3_sse_bad_key(r, "The secret key was invalid for the specified algorithm.");
    }
    if (!md5)
        return s3_sse_bad_key(r, "Requests specifying Server Side Encryption with Customer "
                                 "provided keys must provide the client calculated MD5 of the "
                                 "secret key.");
    hash_md5(raw, 32, digest);
    char want[32];
    hash_base64(digest, MD5_LEN, want);
    if (strcmp(want, md5) != 0) {
        OPENSSL_cleanse(raw, sizeof(raw));
        return s3_sse_bad_key(r, "The calculated MD5 hash of the key did not match the hash that "
                                 "was provided.");
    }
    out->mode = OBJ_SSE_C;
    memcpy(out->key, raw, 32);
    snprintf(out->key_md5, sizeof(out->key_md5), "%s", want);
    OPENSSL_cleanse(raw, sizeof(raw));
    return S3_OK;
}

int s3_sse_bucket_config(struct s3_req *r, struct s3_sse_config *out)
{
    return s3_sse_config_load(r->srv->meta, r->bucket, r->srv->legacy_bucket_defaults, out);
}

/* SSE-C writes into a bucket whose encryption configuration blocks them: 403 AccessDenied. */
static enum s3_error s3_sse_check_blocked(struct s3_req *r)
{
    struct s3_sse_config c;
    int rc = s3_sse_bucket_config(r, &c);
    if (rc == ERR_NOTFOUND)
        return S3_OK;
    if (rc)
        return s3_error_from_rc(rc);
    if (c.blocked != S3_SSE_BLOCK_SSE_C)
        return S3_OK;
    s3_req_set_message(r, "Requests specifying Server Side Encryption with Customer provided keys "
                          "are blocked for this bucket (BlockedEncryptionTypes).");
    return S3E_ACCESS_DENIED;
}

static int s3_sse_is_kms(const char *v)
{
    return v && (strcmp(v, KEYS_MODE_KMS) == 0 || strcmp(v, KEYS_MODE_DSSE) == 0);
}

/* SSE-KMS with the given key id, context and bucket key (or the bucket default's). */
static enum s3_error s3_sse_kms_want(struct s3_req *r, const char *alg, const char *key_ref,
                                     const char *ctx, int bucket_key, struct s3_sse_want *out)
{
    enum s3_error e =
        s3_sse_kms_for_write(r, alg, key_ref, ctx, bucket_key, out->key, out->kms_record);
    if (e) {
        OPENSSL_cleanse(out, sizeof(*out));
        return e;
    }
    out->mode = OBJ_SSE_KMS;
    return S3_OK;
}

static int s3_sse_bucket_key_value(const char *v, int dflt)
{
    return v ? strcasecmp(v, "true") == 0 : dflt;
}

/* No header: the bucket's default (SSE-KMS / DSSE-KMS with its key and bucket key). */
static enum s3_error s3_sse_default(struct s3_req *r, const struct s3_sse_fields *f,
                                    struct s3_sse_want *out)
{
    struct s3_sse_config c;
    int rc = s3_sse_bucket_config(r, &c);
    if (rc == ERR_NOTFOUND) {
        out->mode = OBJ_SSE_NONE;
        return S3_OK;
    }
    if (rc)
        return s3_error_from_rc(rc);
    if (c.algorithm != S3_SSE_ALG_AES256)
        return s3_sse_kms_want(r, s3_sse_algorithm_name(c.algorithm),
                               c.kms_key_id[0] ? c.kms_key_id : NULL, NULL,
                               s3_sse_bucket_key_value(f->bucket_key, c.bucket_key_enabled), out);
    out->mode = OBJ_SSE_S3;
    return S3_OK;
}

enum s3_error s3_sse_for_write(struct s3_req *r, struct s3_sse_want *out)
{
    const struct s3_sse_fields f = {
        s3_req_header(r, "x-amz-server-side-encryption"),
        s3_sse_hdr(r, "x-amz-", "algorithm"),
        s3_sse_hdr(r, "x-amz-", "key"),
        s3_sse_hdr(r, "x-amz-", "key-MD5"),
        s3_req_header(r, "x-amz-server-side-encryption-aws-kms-key-id"),
        s3_req_header(r, "x-amz-server-side-encryption-context"),
        s3_req_header(r, "x-amz-server-side-encryption-bucket-key-enabled")};
    return s3_sse_for_fields(r, &f, out);
}

enum s3_error s3_sse_for_fields(struct s3_req *r, const struct s3_sse_fields *f,
                                struct s3_sse_want *out)
{
    memset(out, 0, sizeof(*out));
    int given = 0;
    enum s3_error e = s3_sse_customer_fields(r, f, out, &given);
    if (e || !given)
        return e ? e : s3_sse_choose(r, f, out);
    e = f->sse ? S3E_INVALID_ARGUMENT : s3_sse_check_blocked(r);
    if (e == S3E_INVALID_ARGUMENT)
        s3_req_set_message(r, "Server Side Encryption with Customer provided key is "
                              "incompatible with the encryption method specified");
    if (e)
        OPENSSL_cleanse(out, sizeof(*out)); /* no key outlives a refusal */
    return e;
}

enum s3_error s3_sse_choose(struct s3_req *r, const struct s3_sse_fields *f,
                            struct s3_sse_want *out)
{
    const char *v = f->sse;
    out->mode = OBJ_SSE_NONE;
    if (s3_sse_is_kms(v))
        return s3_sse_kms_want(r, v, f->kms_key_id && *f->kms_key_id ? f->kms_key_id : NULL,
                               f->context, s3_sse_bucket_key_value(f->bucket_key, 0), out);
    if (f->kms_key_id || f->context) {
        s3_req_set_message(r, "Server Side Encryption with AWS KMS managed key requires HTTP "
                              "header x-amz-server-side-encryption : aws:kms");
        return S3E_INVALID_ARGUMENT;
    }
    if (!v)
        return s3_sse_default(r, f, out);
    if (strcmp(v, "AES256") != 0) {
        s3_req_set_message(r, "The encryption method specified is not supported");
        s3_req_error_elem(r, "ArgumentName", "x-amz-server-side-encryption");
        s3_req_error_elem(r, "ArgumentValue", v);
        return S3E_INVALID_ARGUMENT;
    }
    out->mode = OBJ_SSE_S3;
    return S3_OK;
}

static enum s3_error s3_sse_key_for(struct s3_req *r, const char *prefix,
                                    const struct meta_object *o, int kms_data_key,
                                    struct s3_sse_want *k, const uint8_t **ck)
{
    int given = 0;
    memset(k, 0, sizeof(*k));
    *ck = NULL;
    enum s3_error e = s3_sse_customer(r, prefix, k, &given);
    if (e)
        return e;
    int sealed_c = !o->is_delete_marker && obj_sse_mode_of(o->sse) == OBJ_SSE_C;
    if (!given && !o->is_delete_marker && obj_sse_mode_of(o->sse) == OBJ_SSE_KMS) {
        if (!kms_data_key)
            return S3_OK;
        e = s3_sse_kms_data_key(r, o->sse, k->key);
        if (e)
            return e;
        *ck = k->key;
        return S3_OK;
    }
    if (!sealed_c && given) {
        s3_req_set_message(r, "The encryption parameters are not applicable to this object.");
        return S3E_INVALID_REQUEST;
    }
    if (!sealed_c)
        return S3_OK;
    if (!given) {
        s3_req_set_message(r, "The object was stored using a form of Server Side Encryption. "
                              "The correct parameters must be provided to retrieve the object.");
        return S3E_INVALID_REQUEST;
    }
    if (!keys_customer_matches(k->key, o->sse)) { /* 400, as s3-tests has it of AWS */
        s3_req_set_message(r, "The provided encryption parameters did not match the ones used "
                              "originally.");
        return S3E_INVALID_REQUEST;
    }
    *ck = k->key;
    return S3_OK;
}

enum s3_error s3_sse_read_key(struct s3_req *r, const char *prefix, const struct meta_object *o,
                              struct s3_sse_want *k, const uint8_t **ck)
{
    return s3_sse_key_for(r, prefix, o, 1, k, ck);
}

enum s3_error s3_sse_head_key(struct s3_req *r, const struct meta_object *o, struct s3_sse_want *k,
                              const uint8_t **ck)
{
    return s3_sse_key_for(r, "x-amz-", o, 0, k, ck);
}

enum s3_error s3_sse_part_key(struct s3_req *r, const struct meta_upload *u, struct s3_sse_want *k)
{
    int given = 0;
    memset(k, 0, sizeof(*k));
    enum s3_error e = s3_sse_customer(r, "x-amz-", k, &given);
    int sealed_c = obj_sse_mode_of(u->sse) == OBJ_SSE_C;
    if (!e && !given && obj_sse_mode_of(u->sse) == OBJ_SSE_KMS)
        e = s3_sse_kms_data_key(r, u->sse, k->key); /* kms:Decrypt, as AWS's UploadPart */
    else if (!e && given && !sealed_c) {
        s3_req_set_message(r, "The encryption parameters are not applicable to this upload.");
        e = S3E_INVALID_REQUEST;
    } else if (!e && sealed_c && !given) {
        s3_req_set_message(r, "The multipart upload initiate requested encryption. Subsequent "
                              "part requests must include the appropriate encryption "
                              "parameters.");
        e = S3E_INVALID_REQUEST;
    } else if (!e && sealed_c && !keys_customer_matches(k->key, u->sse)) {
        s3_req_set_message(r, "The provided encryption parameters did not match the ones used "
                              "originally.");
        e = S3E_INVALID_REQUEST;
    }
    if (e)
        OPENSSL_cleanse(k, sizeof(*k));
    return e;
}

void s3_sse_write_response_header(struct http_response *resp, const char *sse)
{
    if (obj_sse_mode_of(sse) == OBJ_SSE_KMS)
        s3_sse_kms_headers(resp, sse, 1);
    else
        s3_sse_response_header(resp, sse);
}

void s3_sse_response_header(struct http_response *resp, const char *sse)
{
    if (obj_sse_mode_of(sse) == OBJ_SSE_KMS)
        s3_sse_kms_headers(resp, sse, 0);
    if (obj_sse_mode_of(sse) == OBJ_SSE_S3)
        http_response_header(resp, "x-amz-server-side-encryption", "AES256");
}

void s3_sse_customer_headers(struct http_response *resp, const struct s3_sse_want *k)
{
    if (k->mode != OBJ_SSE_C)
        return;
    http_response_header(resp, "x-amz-server-side-encryption-customer-algorithm", "AES256");
    http_response_header(resp, "x-amz-server-side-encryption-customer-key-MD5", k->key_md5);
}
