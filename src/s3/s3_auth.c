/* s3_auth.c — who is asking: SigV4 or SigV2, in the Authorization header or in a presigned URL.
 *
 * s3_auth_check picks the scheme: "AWS4-HMAC-SHA256 …" or X-Amz-Algorithm is SigV4, "AWS …" or
 * AWSAccessKeyId/Signature is SigV2 (refused under serve --require-sigv4), one of them at most.
 * A request with neither goes on as anonymous, for the authorization step to decide, unless
 * it carries the web console's X-Stocktake-Console header: then its session cookie must
 * authenticate it (s3_console_auth.c).
 *
 * SigV4: the signature is checked over the path and query as sent; the payload mode named in
 * x-amz-content-sha256 is handed to the body pipeline, which checks the body's digest or chunk
 * signatures as it arrives. As AWS, Host and every x-amz-* header sent (but
 * x-amz-content-sha256) must be among the signed headers: an unsigned one could otherwise
 * change what a signed request does (x-amz-copy-source, metadata, directives).
 *
 * SigV2 (sigv2.h) signs every x-amz-* header by construction, but not the body: it travels
 * unsigned (Content-MD5, when sent, is signed and checked by the body pipeline as always). */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/str.h"
#include "core/xmlw.h"
#include "s3/console_token.h"
#include "s3/s3_req.h"
#include "s3/sigv2.h"
#include "s3/sigv4.h"

#define S3_AUTH_MAX_SKEW_SEC (15 * 60)
#define S3_AUTH_MAX_EXPIRES 604800
#define S3_AUTH_V2_REFUSED                                                                         \
    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."

struct s3_auth_ctx {
    struct sigv4_auth auth;
    const char *amz_date;
    const char *payload_hash;
    int presigned;
};

/* The raw (still encoded) query parameters, as SigV4 signs them, pointing into storage (a
 * copy of q). Returns the count; *out is allocated (caller frees). */
static size_t s3_auth_raw_params(char *storage, struct kv_pair **out, int presigned)
{
    size_t cap = 1;
    for (const char *c = storage; *c; c++)
        cap += *c == '&';
    struct kv_pair *params = xcalloc(cap, sizeof(*params));
    size_t n = 0;
    char *p = storage;
    while (*p) {
        char *amp = strchr(p, '&');
        if (amp)
            *amp = '\0';
        char *eq = strchr(p, '=');
        if (eq)
            *eq = '\0';
        if (*p && !(presigned && strcmp(p, "X-Amz-Signature") == 0)) {
            params[n].name = p;
            params[n].value = eq ? eq + 1 : NULL;
            n++;
        }
        if (!amp)
            break;
        p = amp + 1;
    }
    *out = params;
    return n;
}

static enum s3_error s3_auth_mismatch(struct s3_req *r, const struct s3_auth_ctx *a,
                                      const char *sts, const char *creq)
{
    s3_req_error_elem(r, "AWSAccessKeyId", a->auth.access_key);
    s3_req_error_elem(r, "StringToSign", sts);
    s3_req_error_elem(r, "SignatureProvided", a->auth.signature);
    s3_req_error_elem(r, "CanonicalRequest", creq);
    return S3E_SIGNATURE_DOES_NOT_MATCH;
}

/* Check the signature; on success fill r->account and the body's signing state. */
static enum s3_error s3_auth_verify(struct s3_req *r, struct s3_auth_ctx *a)
{
    struct meta_access_key key;
    snprintf(r->access_key, sizeof(r->access_key), "%s", a->auth.access_key);
    int rc = meta_key_get(r->srv->meta, a->auth.access_key, &key);
    if (rc == ERR_NOTFOUND) {
        s3_req_error_elem(r, "AWSAccessKeyId", a->auth.access_key);
        return S3E_INVALID_ACCESS_KEY_ID;
    }
    if (rc)
        return s3_error_from_rc(rc);
    char *storage = xstrdup(http_req_query(r->http));
    struct kv_pair *params = NULL;
    size_t n_params = s3_auth_raw_params(storage, &params, a->presigned);
    const struct kv_pair *headers;
    size_t n_headers = http_req_headers(r->http, &headers);
    struct buf creq, sts;
    buf_init(&creq, 1u << 20);
    buf_init(&sts, 1u << 20);
    char scope[sizeof(r->body.signing.scope)];
    sigv4_scope(scope, sizeof(scope), &a->auth);
    rc = sigv4_canonical_request(&creq, http_req_method(r->http), http_req_path(r->http), params,
                                 n_params, headers, n_headers, a->auth.signed_headers,
                                 a->payload_hash);
    free(params);
    free(storage);
    if (!rc)
        rc = sigv4_string_to_sign(&sts, a->amz_date, scope, creq.data);
    enum s3_error e = S3_OK;
    if (rc) {
        e = a->presigned ? S3E_AUTH_QUERY_MALFORMED : S3E_AUTH_HEADER_MALFORMED;
        s3_req_set_message(r, "%s", err_msg());
        goto out;
    }
    uint8_t signing_key[SHA256_LEN];
    char signature[65];
    sigv4_signing_key(key.secret, a->auth.date, a->auth.region, a->auth.service, signing_key);
    sigv4_sign(signing_key, sts.data, sts.len, signature);
    if (!hash_equal_ct(signature, a->auth.signature))
        e = s3_auth_mismatch(r, a, sts.data, creq.data);
    else if (meta_account_get(r->srv->meta, key.account_id, &r->account))
        e = S3E_INVALID_ACCESS_KEY_ID;
    if (e) {
        OPENSSL_cleanse(signing_key, sizeof(signing_key));
        goto out;
    }
    struct aws_chunked_signing *sg = &r->body.signing;
    memcpy(sg->key, signing_key, SHA256_LEN);
    OPENSSL_cleanse(signing_key, sizeof(signing_key)); /* the copy for chunk signatures stays */
    snprintf(sg->amz_date, sizeof(sg->amz_date), "%s", a->amz_date);
    snprintf(sg->scope, sizeof(sg->scope), "%s", scope);
    memcpy(sg->seed_signature, signature, sizeof(signature));
out:
    buf_dispose(&creq);
    buf_dispose(&sts);
    return e;
}

/* Credential scope: date matches the request date, region is ours, service is s3 (kms for
 * the key service's requests). */
static enum s3_error s3_auth_check_scope(struct s3_req *r, const struct s3_auth_ctx *a)
{
    enum s3_error bad = a->presigned ? S3E_AUTH_QUERY_MALFORMED : S3E_AUTH_HEADER_MALFORMED;
    const char *what = a->presigned ? "Error parsing the X-Amz-Credential parameter"
                                    : "The authorization header is malformed";
    if (strcmp(a->auth.region, r->srv->region) != 0) {
        s3_req_set_message(r, "%s; the region '%s' is wrong; expecting '%s'", what, a->auth.region,
                           r->srv->region);
        s3_req_error_elem(r, "Region", r->srv->region);
        return bad;
    }
    /* the key service's JSON API (s3_op_kms.c) is signed for "kms", everything else for "s3" */
    const char *service = s3_req_is_kms(r) ? "kms" : "s3";
    if (strcmp(a->auth.service, service) != 0) {
        s3_req_set_message(r, "%s; incorrect service \"%s\". This endpoint belongs to \"%s\".",
                           what, a->auth.service, service);
        return bad;
    }
    if (strncmp(a->auth.date, a->amz_date, 8) != 0) {
        s3_req_set_message(r,
                           "%s; Invalid credential date \"%s\". This date is not the same as "
                           "X-Amz-Date: \"%.8s\".",
                           what, a->auth.date, a->amz_date);
        return bad;
    }
    return S3_OK;
}

static enum s3_error s3_auth_skew(struct s3_req *r, int64_t t)
{
    int64_t now = clock_now_ms() / 1000;
    if (t > now + S3_AUTH_MAX_SKEW_SEC || t < now - S3_AUTH_MAX_SKEW_SEC) {
        char req_time[32], server_time[32];
        clock_format_iso8601(req_time, sizeof(req_time), t * 1000);
        clock_format_iso8601(server_time, sizeof(server_time), now * 1000);
        s3_req_error_elem(r, "RequestTime", req_time);
        s3_req_error_elem(r, "ServerTime", server_time);
        s3_req_error_elem(r, "MaxAllowedSkewMilliseconds", "900000");
        return S3E_REQUEST_TIME_TOO_SKEWED;
    }
    return S3_OK;
}

static enum s3_error s3_auth_header(struct s3_req *r, const char *authz, struct s3_auth_ctx *a)
{
    if (sigv4_parse_authorization(&a->auth, authz)) {
        s3_req_set_message(r, "The authorization header is malformed; %s", err_msg());
        return S3E_AUTH_HEADER_MALFORMED;
    }
    a->amz_date = s3_req_header(r, "x-amz-date");
    int64_t t;
    if (a->amz_date) {
        if (clock_parse_amz(a->amz_date, &t))
            return S3E_ACCESS_DENIED;
    } else {
        /* SigV4 signs with x-amz-date; a Date header alone cannot give the ISO form */
        s3_req_set_message(r, "AWS authentication requires a valid Date or x-amz-date header");
        return S3E_ACCESS_DENIED;
    }
    enum s3_error e = s3_auth_skew(r, t);
    if (e)
        return e;
    a->payload_hash = s3_req_header(r, "x-amz-content-sha256");
    if (!a->payload_hash && s3_req_is_kms(r)) {
        r->auth_deferred = 1; /* the body's digest is the payload hash: s3_auth_check_body */
        return s3_auth_check_scope(r, a);
    }
    if (!a->payload_hash) {
        s3_req_set_message(r, "Missing required header for this request: x-amz-content-sha256");
        return S3E_INVALID_REQUEST;
    }
    return s3_auth_check_scope(r, a);
}

/* X-Amz-Expires: decimal seconds, 0 to a week (0 is valid and already expired, as on AWS). */
static enum s3_error s3_auth_expires(struct s3_req *r, const char *v, int64_t *out)
{
    const char *p = v[0] == '-' ? v + 1 : v;
    int64_t n = 0;
    if (!*p)
        goto nan;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            goto nan;
        if (n <= S3_AUTH_MAX_EXPIRES)
            n = n * 10 + (*p - '0');
    }
    if (v[0] == '-' && n > 0) {
        s3_req_set_message(r, "X-Amz-Expires must be non-negative");
        return S3E_AUTH_QUERY_MALFORMED;
    }
    if (n > S3_AUTH_MAX_EXPIRES) {
        s3_req_set_message(r, "X-Amz-Expires must be less than a week (in seconds); that is, the "
                              "given X-Amz-Expires must be less than 604800 seconds");
        return S3E_AUTH_QUERY_MALFORMED;
    }
    *out = n;
    return S3_OK;
nan:
    s3_req_set_message(r, "X-Amz-Expires should be a number");
    return S3E_AUTH_QUERY_MALFORMED;
}

/* A presigned request is valid from X-Amz-Date (within the clock skew) until
 * X-Amz-Date + X-Amz-Expires, that instant excluded. */
static enum s3_error s3_auth_presigned_window(struct s3_req *r, int64_t t, int64_t expires)
{
    int64_t now = clock_now_ms() / 1000;
    if (now >= t + expires) {
        char exp_s[24], exp_at[32], server_time[32];
        snprintf(exp_s, sizeof(exp_s), "%lld", (long long)expires);
        clock_format_iso8601(exp_at, sizeof(exp_at), (t + expires) * 1000);
        clock_format_iso8601(server_time, sizeof(server_time), now * 1000);
        s3_req_error_elem(r, "X-Amz-Expires", exp_s);
        s3_req_error_elem(r, "Expires", exp_at);
        s3_req_error_elem(r, "ServerTime", server_time);
        return S3E_EXPIRED_TOKEN;
    }
    if (t > now + S3_AUTH_MAX_SKEW_SEC) {
        s3_req_set_message(r, "Request is not valid yet");
        return S3E_ACCESS_DENIED;
    }
    return S3_OK;
}

static enum s3_error s3_auth_presigned(struct s3_req *r, struct s3_auth_ctx *a)
{
    const char *alg = s3_req_param(r, "X-Amz-Algorithm");
    const char *cred = s3_req_param(r, "X-Amz-Credential");
    const char *sh = s3_req_param(r, "X-Amz-SignedHeaders");
    const char *sig = s3_req_param(r, "X-Amz-Signature");
    const char *expires = s3_req_param(r, "X-Amz-Expires");
    a->presigned = 1;
    a->amz_date = s3_req_param(r, "X-Amz-Date");
    if (!alg || strcmp(alg, SIGV4_ALGORITHM) != 0) {
        s3_req_set_message(r, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        return S3E_AUTH_QUERY_MALFORMED;
    }
    if (!cred || !sh || !sig || !a->amz_date || !expires || strlen(sig) != 64) {
        s3_req_set_message(r, "Query-string authentication version 4 requires the "
                              "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, "
                              "X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        return S3E_AUTH_QUERY_MALFORMED;
    }
    if (sigv4_parse_credential(&a->auth, cred))
        return S3E_AUTH_QUERY_MALFORMED;
    if (sigv4_set_signed_headers(&a->auth, sh, strlen(sh))) {
        s3_req_set_message(r, "Error parsing the X-Amz-SignedHeaders parameter");
        return S3E_AUTH_QUERY_MALFORMED;
    }
    memcpy(a->auth.signature, sig, 65);
    int64_t exp = 0, t;
    enum s3_error e = s3_auth_expires(r, expires, &exp);
    if (e)
        return e;
    if (clock_parse_amz(a->amz_date, &t)) {
        s3_req_set_message(r, "X-Amz-Date must be in the ISO8601 Long Format "
                              "\"yyyyMMdd'T'HHmmss'Z'\"");
        return S3E_AUTH_QUERY_MALFORMED;
    }
    e = s3_auth_presigned_window(r, t, exp);
    if (e)
        return e;
    a->payload_hash = s3_req_header(r, "x-amz-content-sha256");
    if (!a->payload_hash)
        a->payload_hash = "UNSIGNED-PAYLOAD";
    return s3_auth_check_scope(r, a);
}

/* 403 AccessDenied when Host or an x-amz-* header of the request is not signed. */
static enum s3_error s3_auth_all_signed(struct s3_req *r, const struct s3_auth_ctx *a)
{
    const struct kv_pair *headers;
    size_t n_headers = http_req_headers(r->http, &headers);
    struct buf names;
    buf_init(&names, 64 * 1024);
    size_t n = sigv4_unsigned_headers(&names, headers, n_headers, a->auth.signed_headers);
    if (n) {
        s3_req_set_message(r, "There were headers present in the request which were not signed");
        s3_req_error_elem(r, "HeadersNotSigned", names.data);
    }
    buf_dispose(&names);
    return n ? S3E_ACCESS_DENIED : S3_OK;
}

static int s3_auth_is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (const char *p = s; *p; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
            return 0;
    }
    return 1;
}

/* The payload mode named by the (signed) payload hash. */
static enum s3_error s3_auth_payload_mode(struct s3_req *r, const char *ph)
{
    struct s3_body *b = &r->body;
    if (strcmp(ph, "UNSIGNED-PAYLOAD") == 0) {
        b->payload = S3_PAYLOAD_UNSIGNED;
    } else if (s3_auth_is_hex64(ph)) {
        b->payload = S3_PAYLOAD_SHA256;
        for (int i = 0; i < 65; i++)
            b->expected_sha256[i] = (char)((ph[i] >= 'A' && ph[i] <= 'F') ? ph[i] + 32 : ph[i]);
    } else if (strcmp(ph, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") == 0) {
        b->payload = S3_PAYLOAD_CHUNKED;
        b->chunked_signed = 1;
    } else if (strcmp(ph, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") == 0) {
        b->payload = S3_PAYLOAD_CHUNKED;
        b->chunked_signed = 1;
        b->chunked_trailer = 1;
    } else if (strcmp(ph, "STREAMING-UNSIGNED-PAYLOAD-TRAILER") == 0) {
        b->payload = S3_PAYLOAD_CHUNKED;
        b->chunked_trailer = 1;
    } else if (strncmp(ph, "STREAMING-AWS4-ECDSA-P256-SHA256", 32) == 0) {
        s3_req_set_message(r, "SigV4a (ECDSA) streaming payloads are not implemented");
        return S3E_NOT_IMPLEMENTED;
    } else {
        s3_req_set_message(r, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                              "STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                              "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                              "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 "
                              "value.");
        return S3E_INVALID_ARGUMENT;
    }
    return S3_OK;
}

/* SigV4 in the Authorization header or a presigned URL. */
static enum s3_error s3_auth_v4(struct s3_req *r, const char *authz)
{
    struct s3_auth_ctx a;
    memset(&a, 0, sizeof(a));
    enum s3_error e = authz ? s3_auth_header(r, authz, &a) : s3_auth_presigned(r, &a);
    if (!e)
        e = s3_auth_all_signed(r, &a);
    if (!e && r->auth_deferred) {
        r->body.payload = S3_PAYLOAD_UNSIGNED; /* checked as part of the signature */
        r->auth_type = AUTHZ_AUTH_HEADER;
        sigv4_auth_dispose(&a.auth);
        return S3_OK;
    }
    if (!e)
        e = s3_auth_payload_mode(r, a.payload_hash);
    if (!e)
        e = s3_auth_verify(r, &a);
    if (!e && a.presigned && r->body.chunked_signed) {
        s3_req_set_message(r, "Streaming signed payloads need an Authorization header");
        e = S3E_INVALID_REQUEST;
    }
    r->auth_type = a.presigned ? AUTHZ_AUTH_QUERY : AUTHZ_AUTH_HEADER;
    sigv4_auth_dispose(&a.auth);
    return e;
}

enum s3_error s3_auth_check_body(struct s3_req *r)
{
    uint8_t digest[SHA256_LEN];
    char hex[2 * SHA256_LEN + 1];
    hash_sha256(r->body.xml.data ? r->body.xml.data : "", r->body.xml.len, digest);
    hash_hex(digest, SHA256_LEN, hex);
    struct s3_auth_ctx a;
    memset(&a, 0, sizeof(a));
    enum s3_error e = s3_auth_header(r, s3_req_header(r, "Authorization"), &a);
    if (!e)
        e = s3_auth_all_signed(r, &a);
    a.payload_hash = hex;
    if (!e)
        e = s3_auth_verify(r, &a);
    sigv4_auth_dispose(&a.auth);
    r->auth_deferred = 0;
    return e;
}

/* A SigV2 Date or x-amz-date: an HTTP date; AWS's own examples write the zone "+0000". */
static int s3_auth_v2_parse_date(const char *v, int64_t *t)
{
    if (clock_parse_http(v, t) == 0)
        return 0;
    char gmt[64];
    size_t n = strlen(v);
    if (n > 6 && n < sizeof(gmt) - 4 && strcmp(v + n - 6, " +0000") == 0) {
        snprintf(gmt, sizeof(gmt), "%.*s GMT", (int)(n - 6), v);
        return clock_parse_http(gmt, t);
    }
    return ERR_INVALID;
}

/* Header auth: the request time (x-amz-date over Date) within 15 minutes of ours. */
static enum s3_error s3_auth_v2_date(struct s3_req *r)
{
    const char *v = s3_req_header(r, "x-amz-date");
    if (!v)
        v = s3_req_header(r, "Date");
    int64_t t;
    if (!v || s3_auth_v2_parse_date(v, &t)) {
        s3_req_set_message(r, "AWS authentication requires a valid Date or x-amz-date header");
        return S3E_ACCESS_DENIED;
    }
    return s3_auth_skew(r, t);
}

/* Presigned: AWSAccessKeyId, Signature and Expires (epoch seconds, not yet reached). */
static enum s3_error s3_auth_v2_query(struct s3_req *r, struct sigv2_auth *a, const char **exp)
{
    const char *ak = s3_req_param(r, "AWSAccessKeyId");
    const char *sig = s3_req_param(r, "Signature");
    *exp = s3_req_param(r, "Expires");
    if (!ak || !sig || !*exp || !ak[0] || !sig[0]) {
        s3_req_set_message(r, "Query-string authentication requires the Signature, Expires and "
                              "AWSAccessKeyId parameters");
        return S3E_ACCESS_DENIED;
    }
    int64_t expires;
    if (str_parse_i64(*exp, 0, INT64_MAX / 1000, &expires)) {
        s3_req_set_message(r, "Invalid date (should be seconds since epoch): %s", *exp);
        return S3E_ACCESS_DENIED;
    }
    int64_t now = clock_now_ms() / 1000;
    if (now >= expires) {
        char exp_at[32], server_time[32];
        clock_format_iso8601(exp_at, sizeof(exp_at), expires * 1000);
        clock_format_iso8601(server_time, sizeof(server_time), now * 1000);
        s3_req_error_elem(r, "Expires", exp_at);
        s3_req_error_elem(r, "ServerTime", server_time);
        return S3E_EXPIRED_TOKEN;
    }
    if (sigv2_set_query(a, ak, sig)) { /* longer than any access key id or signature */
        s3_req_error_elem(r, "AWSAccessKeyId", ak);
        return strlen(ak) > SIGV2_ACCESS_KEY_MAX ? S3E_INVALID_ACCESS_KEY_ID
                                                 : S3E_SIGNATURE_DOES_NOT_MATCH;
    }
    return S3_OK;
}

static enum s3_error s3_auth_v2_mismatch(struct s3_req *r, const struct sigv2_auth *a,
                                         const struct buf *sts)
{
    struct buf bytes;
    buf_init(&bytes, 3 * sts->len + 1);
    s3_req_error_elem(r, "AWSAccessKeyId", a->access_key);
    s3_req_error_elem(r, "StringToSign", sts->data);
    s3_req_error_elem(r, "SignatureProvided", a->signature);
    if (sigv2_hex_bytes(&bytes, sts->data, sts->len) == 0)
        s3_req_error_elem(r, "StringToSignBytes", bytes.data);
    buf_dispose(&bytes);
    return S3E_SIGNATURE_DOES_NOT_MATCH;
}

/* Build the string to sign into sts and say whether given is its signature. */
static int s3_auth_v2_matches(struct buf *sts, const struct sigv2_request *req, const char *secret,
                              const char *given, int *match)
{
    int rc = sigv2_string_to_sign(sts, req);
    if (rc)
        return rc;
    char signature[SIGV2_SIGNATURE_SIZE];
    sigv2_sign(secret, sts->data, sts->len, signature);
    *match = sigv2_signature_equal(signature, given);
    return 0;
}

/* Check a SigV2 signature (expires: the presigned Expires, NULL for header auth); on success
 * fill r->account. */
static enum s3_error s3_auth_v2_verify(struct s3_req *r, const struct sigv2_auth *a,
                                       const char *expires)
{
    struct meta_access_key key;
    snprintf(r->access_key, sizeof(r->access_key), "%s", a->access_key);
    int rc = meta_key_get(r->srv->meta, a->access_key, &key);
    if (rc == ERR_NOTFOUND) {
        s3_req_error_elem(r, "AWSAccessKeyId", a->access_key);
        return S3E_INVALID_ACCESS_KEY_ID;
    }
    if (rc)
        return s3_error_from_rc(rc);
    struct sigv2_request req = {
        .method = http_req_method(r->http),
        .expires = expires,
        .host_bucket = r->host_style ? r->bucket : NULL,
        .raw_path = http_req_path(r->http),
        .params = r->params,
        .n_params = r->n_params,
    };
    req.n_headers = http_req_headers(r->http, &req.headers);
    size_t plen = strlen(req.raw_path);
    /* a path-style bucket request may be signed "/bucket" (AWS's rule) or "/bucket/" */
    int slash_too = r->bucket && !r->key && !r->host_style && plen && req.raw_path[plen - 1] != '/';
    struct buf sts;
    buf_init(&sts, 1u << 20);
    int match = 0;
    rc = s3_auth_v2_matches(&sts, &req, key.secret, a->signature, &match);
    if (!rc && !match && slash_too) {
        struct buf alt;
        buf_init(&alt, 1u << 20);
        req.slash = 1;
        rc = s3_auth_v2_matches(&alt, &req, key.secret, a->signature, &match);
        buf_dispose(&alt);
    }
    enum s3_error e = S3_OK;
    if (rc) {
        s3_req_set_message(r, "%s", err_msg());
        e = S3E_INVALID_REQUEST;
    } else if (!match) {
        e = s3_auth_v2_mismatch(r, a, &sts);
    } else if (meta_account_get(r->srv->meta, key.account_id, &r->account)) {
        e = S3E_INVALID_ACCESS_KEY_ID;
    }
    OPENSSL_cleanse(&key, sizeof(key));
    buf_dispose(&sts);
    return e;
}

/* SigV2 in the Authorization header (authz) or in a presigned URL (authz NULL). */
static enum s3_error s3_auth_v2(struct s3_req *r, const char *authz)
{
    /* a sub-resource SigV2 does not sign would let a signature for one operation be used for
     * another (a presigned GET turned into GetPublicAccessBlock): those need SigV4 */
    if (r->srv->require_sigv4 || s3_req_subresource_unsigned_v2(r)) {
        s3_req_set_message(r, "%s", S3_AUTH_V2_REFUSED);
        return S3E_INVALID_REQUEST;
    }
    struct sigv2_auth a;
    const char *expires = NULL;
    enum s3_error e;
    if (authz) {
        if (sigv2_parse_authorization(&a, authz)) {
            s3_req_set_message(r, "AWS authorization header is invalid.  Expected "
                                  "AwsAccessKeyId:signature");
            s3_req_error_elem(r, "ArgumentName", "Authorization");
            s3_req_error_elem(r, "ArgumentValue", authz);
            return S3E_INVALID_ARGUMENT;
        }
        e = s3_auth_v2_date(r);
    } else {
        e = s3_auth_v2_query(r, &a, &expires);
    }
    if (!e)
        e = s3_auth_v2_verify(r, &a, expires);
    if (e)
        return e;
    r->auth_type = authz ? AUTHZ_AUTH_HEADER : AUTHZ_AUTH_QUERY;
    r->auth_sigv2 = 1;
    /* SigV2 does not sign the body; an x-amz-content-sha256 sent (signed, as every x-amz-*
     * header) names its mode all the same: a digest is held to, an unsigned aws-chunked body
     * decoded. Chunk signatures need a SigV4 signing key. */
    const char *ph = s3_req_header(r, "x-amz-content-sha256");
    r->body.payload = S3_PAYLOAD_UNSIGNED;
    e = ph ? s3_auth_payload_mode(r, ph) : S3_OK;
    if (!e && r->body.chunked_signed) {
        s3_req_set_message(r, "Streaming signed payloads need an AWS4-HMAC-SHA256 Authorization "
                              "header");
        e = S3E_INVALID_REQUEST;
    }
    return e;
}

enum s3_error s3_auth_check(struct s3_req *r)
{
    const char *authz = s3_req_header(r, "Authorization");
    int v4_query =
        s3_req_has_param(r, "X-Amz-Algorithm") || s3_req_has_param(r, "X-Amz-Credential");
    int v2_query = s3_req_has_param(r, "AWSAccessKeyId") || s3_req_has_param(r, "Signature");
    if ((authz != NULL) + v4_query + v2_query > 1) {
        s3_req_set_message(r, "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                              "parameter, Signature query string parameter or the Authorization "
                              "header should be specified");
        s3_req_error_elem(r, "ArgumentName", "Authorization");
        s3_req_error_elem(r, "ArgumentValue", authz ? authz : "");
        return S3E_INVALID_ARGUMENT;
    }
    if (authz && strncmp(authz, "AWS ", 4) == 0)
        return s3_auth_v2(r, authz);
    if (authz || v4_query)
        return s3_auth_v4(r, authz);
    if (v2_query)
        return s3_auth_v2(r, NULL);
    if (s3_req_header(r, CONSOLE_HEADER)) {
        char ak[CONSOLE_TOKEN_AK_MAX];
        int64_t expires;
        return s3_console_auth(r, ak, &expires); /* a console session (s3_console_auth.c) */
    }
    r->anonymous = 1; /* unsigned: authorization decides (s3_authz.c) */
    r->body.payload = S3_PAYLOAD_UNSIGNED;
    return S3_OK;
}
