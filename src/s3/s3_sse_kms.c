/* s3_sse_kms.c — data keys from the built-in KMS for SSE-KMS objects (s3_sse_kms.h). */
#include "s3/s3_sse_kms.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/hash.h"
#include "crypto/keys.h"
#include "kms/kms.h"
#include "object/object.h"

#define S3_SSE_KMS_DEFAULT_ALIAS "alias/aws/s3"
#define S3_SSE_KMS_CTX_MAX 1536

static void s3_sse_kms_caller(struct s3_req *r, struct kms_caller *c)
{
    memset(c, 0, sizeof(*c));
    c->meta = r->srv->meta;
    c->region = r->srv->region;
    if (r->anonymous)
        authz_principal_anonymous(&c->who);
    else
        authz_principal_account(&c->who, r->account.id, r->account.canonical_id);
    c->secure_transport = r->secure;
    c->source_ip = http_req_peer(r->http);
}

static enum s3_error s3_sse_kms_error(struct s3_req *r, enum kms_error ke, const char *ref)
{
    switch (ke) {
    case KMS_OK:
        return S3_OK;
    case KMS_E_DISABLED:
        s3_req_set_message(r, "%s is disabled.", ref ? ref : "The KMS key");
        return S3E_KMS_DISABLED;
    case KMS_E_NOT_FOUND:
    case KMS_E_INVALID:
        s3_req_set_message(r, "Invalid keyId %s", ref ? ref : "");
        return S3E_KMS_NOT_FOUND;
    case KMS_E_INVALID_STATE:
        s3_req_set_message(r, "%s is pending deletion.", ref ? ref : "The KMS key");
        return S3E_KMS_INVALID_STATE;
    case KMS_E_DENIED:
        s3_req_set_message(r, "User is not authorized to use the KMS key %s", ref ? ref : "");
        return S3E_ACCESS_DENIED;
    default:
        return S3E_INTERNAL_ERROR;
    }
}

/* The account's AWS-managed key for S3, created on first use as AWS does. */
static enum s3_error s3_sse_kms_default_key(struct s3_req *r, const struct kms_caller *c)
{
    struct meta_kms_key k;
    char msg[256];
    memset(&k, 0, sizeof(k));
    int rc = kms_key_find(c, S3_SSE_KMS_DEFAULT_ALIAS, &k, msg, sizeof(msg));
    meta_kms_key_clear(&k);
    if (rc != KMS_E_NOT_FOUND)
        return rc ? S3E_INTERNAL_ERROR : S3_OK;
    enum kms_error ke =
        kms_key_create(c, "Default key that protects my S3 objects when no other key is defined",
                       NULL, &k, msg, sizeof(msg));
    if (ke)
        return s3_sse_kms_error(r, ke, NULL);
    struct meta_kms_alias a;
    memset(&a, 0, sizeof(a));
    snprintf(a.account, sizeof(a.account), "%s", kms_caller_account(c));
    snprintf(a.alias, sizeof(a.alias), "%s", S3_SSE_KMS_DEFAULT_ALIAS);
    snprintf(a.key_id, sizeof(a.key_id), "%s", k.key_id);
    a.created_ms = clock_now_ms();
    meta_kms_key_clear(&k);
    rc = meta_kms_alias_create(c->meta, &a);
    return rc && rc != ERR_EXISTS ? S3E_INTERNAL_ERROR : S3_OK;
}

/* AWS's default encryption context: {"aws:s3:arn": "arn:aws:s3:::BUCKET/KEY"}, JSON-escaped. */
static int s3_sse_kms_default_ctx(struct s3_req *r, char *ctx, size_t size)
{
    char *arn = NULL;
    if (asprintf(&arn, "arn:aws:s3:::%s/%s", r->bucket, r->key) < 0)
        return -1;
    json_t *o = json_object();
    json_object_set_new(o, "aws:s3:arn", json_string(arn));
    free(arn);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    int rc = !s || strlen(s) >= size ? -1 : 0;
    if (!rc)
        memcpy(ctx, s, strlen(s) + 1);
    free(s);
    return rc;
}

/* AWS: GET and PUT requests of SSE-KMS objects fail unless made over TLS or with SigV4; POST
 * forms (not named by that rule; s3-tests signs them with SigV2) are let through. */
static int s3_sse_kms_sigv2_refused(const struct s3_req *r)
{
    return r->auth_sigv2 && !r->secure && r->auth_type != AUTHZ_AUTH_POST;
}

static enum s3_error s3_sse_kms_need_sigv4(struct s3_req *r)
{
    s3_req_set_message(r, "Requests specifying Server Side Encryption with AWS KMS managed keys "
                          "require AWS Signature Version 4.");
    return S3E_INVALID_ARGUMENT;
}

enum s3_error s3_sse_kms_for_write(struct s3_req *r, const char *alg, const char *key_ref,
                                   const char *ctx_b64, int bucket_key, uint8_t dk[32],
                                   char record[S3_SSE_KMS_RECORD_MAX])
{
    if (s3_sse_kms_sigv2_refused(r))
        return s3_sse_kms_need_sigv4(r);
    struct kms_caller c;
    s3_sse_kms_caller(r, &c);
    char ctx[S3_SSE_KMS_CTX_MAX + 1];
    if (ctx_b64) {
        size_t n = strlen(ctx_b64);
        long got =
            n <= (S3_SSE_KMS_CTX_MAX / 3) * 4 ? hash_unbase64(ctx_b64, n, (uint8_t *)ctx) : -1;
        char *canon = NULL;
        if (got < 0 || memchr(ctx, '\0', (size_t)got) || kms_ctx_canon(ctx, (size_t)got, &canon)) {
            s3_req_set_message(r, "The header 'x-amz-server-side-encryption-context' shall be "
                                  "Base64-encoded UTF-8 string holding JSON which represents a "
                                  "string-string map");
            return S3E_INVALID_ARGUMENT;
        }
        free(canon);
        ctx[got] = '\0';
    } else if (s3_sse_kms_default_ctx(r, ctx, sizeof(ctx))) {
        s3_req_set_message(r, "The object key is too long for its encryption context.");
        return S3E_KEY_TOO_LONG;
    }
    if (r->anonymous) { /* no account to name the key in, and no policy grants anonymous use */
        s3_req_set_message(r, "Anonymous requests cannot use AWS KMS keys.");
        return S3E_ACCESS_DENIED;
    }
    if (!key_ref || !*key_ref) {
        enum s3_error e = s3_sse_kms_default_key(r, &c);
        if (e)
            return e;
        key_ref = S3_SSE_KMS_DEFAULT_ALIAS;
    }
    enum kms_error ke =
        s3_sse_kms_generate(&c, alg, key_ref, ctx, ctx_b64 != NULL, bucket_key, dk, record);
    return s3_sse_kms_error(r, ke, key_ref);
}

enum kms_error s3_sse_kms_generate(const struct kms_caller *c, const char *alg, const char *key_ref,
                                   const char *ctx, int ctx_given, int bucket_key, uint8_t dk[32],
                                   char record[S3_SSE_KMS_RECORD_MAX])
{
    uint8_t *blob = NULL;
    size_t blob_len = 0;
    char arn[256];
    enum kms_error ke =
        kms_data_key_generate(c, key_ref, ctx, dk, &blob, &blob_len, arn, sizeof(arn));
    if (ke)
        return ke;
    char *hex = xmalloc(blob_len * 2 + 1), b64[S3_SSE_KMS_CTX_MAX * 2];
    hash_hex(blob, blob_len, hex);
    free(blob);
    int n = -1;
    if (strlen(ctx) <= S3_SSE_KMS_CTX_MAX) {
        hash_base64((const uint8_t *)ctx, strlen(ctx), b64);
        n = snprintf(record, S3_SSE_KMS_RECORD_MAX, "1;%s;%s;%d;%s;%d;%s",
                     strcmp(alg, KEYS_MODE_DSSE) == 0 ? KEYS_MODE_DSSE : KEYS_MODE_KMS, arn,
                     bucket_key ? 1 : 0, hex, ctx_given ? 1 : 0, b64);
    }
    free(hex);
    if (n < 0 || n >= S3_SSE_KMS_RECORD_MAX) { /* a context of at most 1536 bytes fits */
        OPENSSL_cleanse(dk, 32);
        err_set("SSE-KMS record too long");
        return KMS_E_INTERNAL;
    }
    return KMS_OK;
}

/* The record's seven fields, in copy (f[0..6]); -1 when malformed. */
static int s3_sse_kms_fields(char *copy, char *f[7])
{
    char *p = copy;
    for (int i = 0; i < 7; i++) {
        f[i] = p;
        char *semi = strchr(p, ';');
        if (i < 6 && !semi)
            return -1;
        if (semi && i < 6) {
            *semi = '\0';
            p = semi + 1;
        }
    }
    return 0;
}

enum kms_error s3_sse_kms_record_key(const struct kms_caller *c, const char *record, uint8_t dk[32])
{
    char *copy = xstrdup(record), *f[7];
    enum kms_error ke = KMS_E_INTERNAL;
    size_t hn = 0, cn = 0;
    uint8_t *blob = NULL;
    char *ctx = NULL;
    if (s3_sse_kms_fields(copy, f) == 0) {
        hn = strlen(f[4]);
        cn = strlen(f[6]);
        blob = xmalloc(hn / 2 + 1);
        ctx = xmalloc(cn + 1);
    }
    long got = ctx ? hash_unbase64(f[6], cn, (uint8_t *)ctx) : -1;
    if (blob && hn % 2 == 0 && hash_unhex(f[4], hn / 2, blob) == 0 && got >= 0) {
        ctx[got] = '\0';
        ke = kms_data_key_decrypt(c, blob, hn / 2, ctx, dk);
    } else {
        err_set("malformed SSE-KMS record");
    }
    free(blob);
    free(ctx);
    free(copy);
    return ke;
}

enum s3_error s3_sse_kms_data_key(struct s3_req *r, const char *record, uint8_t dk[32])
{
    if (s3_sse_kms_sigv2_refused(r))
        return s3_sse_kms_need_sigv4(r);
    struct kms_caller c;
    s3_sse_kms_caller(r, &c);
    enum kms_error ke = s3_sse_kms_record_key(&c, record, dk);
    /* the key's ARN, for the message of a refusal */
    char *copy = xstrdup(record), *f[7];
    enum s3_error e = s3_sse_kms_error(r, ke, s3_sse_kms_fields(copy, f) == 0 ? f[2] : NULL);
    free(copy);
    return e;
}

void s3_sse_kms_headers(struct http_response *resp, const char *record, int with_context)
{
    char *copy = xstrdup(record), *f[7];
    if (s3_sse_kms_fields(copy, f) == 0) {
        http_response_header(resp, "x-amz-server-side-encryption", f[1]);
        http_response_header(resp, "x-amz-server-side-encryption-aws-kms-key-id", f[2]);
        if (strcmp(f[3], "1") == 0)
            http_response_header(resp, "x-amz-server-side-encryption-bucket-key-enabled", "true");
        if (with_context && strcmp(f[5], "1") == 0)
            http_response_header(resp, "x-amz-server-side-encryption-context", f[6]);
    }
    free(copy);
}

void s3_sse_kms_etag(const uint8_t dk[32], char *etag, size_t size)
{
    static const char label[] = "stocktake-kms-etag|";
    char in[sizeof(label) + 64];
    uint8_t mac[32];
    int n = snprintf(in, sizeof(in), "%s%s", label, etag);
    hash_hmac_sha256(dk, 32, in, n > 0 ? (size_t)n : 0, mac);
    obj_etag_format(mac, etag, size); /* its first 16 bytes: an opaque, non-MD5 ETag */
    OPENSSL_cleanse(mac, sizeof(mac));
}
