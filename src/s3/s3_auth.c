/* s3_auth.c — who is asking: SigV4 in the Authorization header or in a presigned URL.
 *
 * A request with neither goes on as anonymous, for the authorization step to decide. The
 * signature is checked over the path and query as sent;
 * the payload mode named in x-amz-content-sha256 is handed to the body pipeline, which checks
 * the body's digest or chunk signatures as it arrives. As AWS, Host and every x-amz-* header
 * sent (but x-amz-content-sha256) must be among the signed headers: an unsigned one could
 * otherwise change what a signed request does (x-amz-copy-source, metadata, directives). */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/str.h"
#include "core/xmlw.h"
#include "s3/s3_req.h"
#include "s3/sigv4.h"

#define S3_AUTH_MAX_SKEW_SEC (15 * 60)
#define S3_AUTH_MAX_EXPIRES 604800

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

/* Credential scope: date matches the request date, region is ours, service is s3. */
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
    if (strcmp(a->auth.service, "s3") != 0) {
        s3_req_set_message(r, "%s; incorrect service \"%s\". This endpoint belongs to \"s3\".",
                           what, a->auth.service);
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
    if (strncmp(authz, "AWS ", 4) == 0) {
        s3_req_set_message(r, "The authorization mechanism you have provided is not supported. "
                              "Please use AWS4-HMAC-SHA256.");
        return S3E_INVALID_REQUEST;
    }
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

enum s3_error s3_auth_check(struct s3_req *r)
{
    struct s3_auth_ctx a;
    memset(&a, 0, sizeof(a));
    const char *authz = s3_req_header(r, "Authorization");
    enum s3_error e;
    if (authz) {
        e = s3_auth_header(r, authz, &a);
    } else if (s3_req_has_param(r, "X-Amz-Algorithm") || s3_req_has_param(r, "X-Amz-Credential")) {
        e = s3_auth_presigned(r, &a);
    } else if (s3_req_has_param(r, "AWSAccessKeyId")) {
        s3_req_set_message(r, "The authorization mechanism you have provided is not supported. "
                              "Please use AWS4-HMAC-SHA256.");
        e = S3E_INVALID_REQUEST;
    } else {
        r->anonymous = 1; /* unsigned: authorization decides (s3_authz.c) */
        r->body.payload = S3_PAYLOAD_UNSIGNED;
        return S3_OK;
    }
    if (!e)
        e = s3_auth_all_signed(r, &a);
    if (!e)
        e = s3_auth_payload_mode(r, a.payload_hash);
    if (!e)
        e = s3_auth_verify(r, &a);
    if (!e && a.presigned && r->body.chunked_signed) {
        s3_req_set_message(r, "Streaming signed payloads need an Authorization header");
        e = S3E_INVALID_REQUEST;
    }
    sigv4_auth_dispose(&a.auth);
    return e;
}
