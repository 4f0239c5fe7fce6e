/* s3_post_auth.c — the signature and policy of a browser-upload form (s3_post_auth.h).
 *
 * The string to sign is the base64 policy itself. SigV4 forms (x-amz-algorithm, -credential,
 * -date, -signature): hex(HMAC-SHA256(signing key of the credential's date/region/service,
 * policy)). SigV2 forms (AWSAccessKeyId, signature): base64(HMAC-SHA1(secret, policy)),
 * refused under serve --require-sigv4 as SigV2 headers and URLs are. Either way the policy's
 * expiration and conditions are then checked (post_policy.c). */
#include "s3/s3_post_auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/hash.h"
#include "s3/post_policy.h"
#include "s3/sigv2.h"
#include "s3/sigv4.h"

const char *s3_post_field(const struct kv_pair *fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(fields[i].name, name) == 0)
            return fields[i].value;
    }
    return NULL;
}

static enum s3_error s3_post_missing(struct s3_req *r, const char *name)
{
    s3_req_set_message(r,
                       "Bucket POST must contain a field named '%s'.  If it is specified, "
                       "please check the order of the fields.",
                       name);
    s3_req_error_elem(r, "ArgumentName", name);
    s3_req_error_elem(r, "ArgumentValue", "");
    return S3E_INVALID_ARGUMENT;
}

/* The form's signature matched (or not): the request is the key's account's, or
 * SignatureDoesNotMatch with what AWS shows of it. */
static enum s3_error s3_post_signed_by(struct s3_req *r, int match,
                                       const struct meta_access_key *key, const char *access_key,
                                       const char *policy, const char *given)
{
    if (!match) {
        s3_req_error_elem(r, "AWSAccessKeyId", access_key);
        s3_req_error_elem(r, "StringToSign", policy);
        s3_req_error_elem(r, "SignatureProvided", given);
        return S3E_SIGNATURE_DOES_NOT_MATCH;
    }
    if (meta_account_get(r->srv->meta, key->account_id, &r->account))
        return S3E_INVALID_ACCESS_KEY_ID;
    r->anonymous = 0;
    r->auth_type = AUTHZ_AUTH_POST;
    return S3_OK;
}

static enum s3_error s3_post_sigv4(struct s3_req *r, const struct kv_pair *f, size_t n,
                                   const char *policy)
{
    static const char *const need[] = {"x-amz-algorithm", "x-amz-credential", "x-amz-date",
                                       "x-amz-signature"};
    for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
        if (!s3_post_field(f, n, need[i]))
            return s3_post_missing(r, need[i]);
    }
    if (!policy)
        return s3_post_missing(r, "policy");
    if (strcmp(s3_post_field(f, n, "x-amz-algorithm"), "AWS4-HMAC-SHA256") != 0) {
        s3_req_set_message(r, "Only AWS4-HMAC-SHA256 is supported for x-amz-algorithm.");
        return S3E_INVALID_ARGUMENT;
    }
    struct sigv4_auth auth;
    memset(&auth, 0, sizeof(auth));
    if (sigv4_parse_credential(&auth, s3_post_field(f, n, "x-amz-credential")) ||
        strcmp(auth.region, r->srv->region) != 0 || strcmp(auth.service, "s3") != 0) {
        sigv4_auth_dispose(&auth);
        s3_req_set_message(r, "Error parsing the X-Amz-Credential field.");
        return S3E_INVALID_ARGUMENT;
    }
    struct meta_access_key key;
    int rc = meta_key_get(r->srv->meta, auth.access_key, &key);
    enum s3_error e = S3_OK;
    if (rc == ERR_NOTFOUND) {
        s3_req_error_elem(r, "AWSAccessKeyId", auth.access_key);
        e = S3E_INVALID_ACCESS_KEY_ID;
    } else if (rc) {
        e = s3_error_from_rc(rc);
    }
    if (e) {
        sigv4_auth_dispose(&auth);
        return e;
    }
    uint8_t signing_key[SHA256_LEN];
    char signature[65];
    sigv4_signing_key(key.secret, auth.date, auth.region, auth.service, signing_key);
    sigv4_sign(signing_key, policy, strlen(policy), signature);
    const char *given = s3_post_field(f, n, "x-amz-signature");
    e = s3_post_signed_by(r, strlen(given) == 64 && hash_equal_ct(signature, given), &key,
                          auth.access_key, policy, given);
    sigv4_auth_dispose(&auth);
    return e;
}

static enum s3_error s3_post_sigv2(struct s3_req *r, const struct kv_pair *f, size_t n,
                                   const char *policy)
{
    if (r->srv->require_sigv4) {
        s3_req_set_message(r, "The authorization mechanism you have provided is not supported. "
                              "Please use AWS4-HMAC-SHA256.");
        return S3E_INVALID_REQUEST;
    }
    const char *ak = s3_post_field(f, n, "AWSAccessKeyId");
    const char *given = s3_post_field(f, n, "signature");
    if (!ak)
        return s3_post_missing(r, "AWSAccessKeyId");
    if (!given)
        return s3_post_missing(r, "Signature");
    if (!policy)
        return s3_post_missing(r, "Policy");
    struct meta_access_key key;
    int rc = meta_key_get(r->srv->meta, ak, &key);
    if (rc == ERR_NOTFOUND) {
        s3_req_error_elem(r, "AWSAccessKeyId", ak);
        return S3E_INVALID_ACCESS_KEY_ID;
    }
    if (rc)
        return s3_error_from_rc(rc);
    char signature[SIGV2_SIGNATURE_SIZE];
    sigv2_sign(key.secret, policy, strlen(policy), signature);
    enum s3_error e =
        s3_post_signed_by(r, sigv2_signature_equal(signature, given), &key, ak, policy, given);
    if (!e)
        r->auth_sigv2 = 1;
    return e;
}

static enum s3_error s3_post_policy(struct s3_req *r, const struct kv_pair *f, size_t n,
                                    const char *b64, int *has_range, uint64_t *min, uint64_t *max)
{
    struct post_policy *p;
    char msg[512];
    if (post_policy_parse(b64, &p, msg, sizeof(msg))) {
        s3_req_set_message(r, "%s", msg);
        return S3E_INVALID_POLICY_DOCUMENT;
    }
    struct kv_pair *all = xcalloc(n + 1, sizeof(*all));
    memcpy(all, f, n * sizeof(*f));
    for (size_t i = 0; i < n; i++) {
        if (r->key && strcasecmp(all[i].name, "key") == 0)
            all[i].value = r->key; /* ${filename} replaced, as RGW and MinIO check it */
        else if (strcasecmp(all[i].name, "bucket") == 0)
            all[i].value = r->bucket; /* the bucket posted to, whatever a field claims */
    }
    all[n].name = "bucket";
    all[n].value = r->bucket;
    enum post_policy_result res =
        post_policy_check(p, all, n + 1, clock_now_ms(), msg, sizeof(msg));
    free(all);
    *has_range = post_policy_length_range(p, min, max);
    post_policy_free(p);
    if (res) {
        s3_req_set_message(r, "%s", msg);
        return S3E_ACCESS_DENIED;
    }
    return S3_OK;
}

enum s3_error s3_post_authenticate(struct s3_req *r, const struct kv_pair *fields, size_t n,
                                   int *has_range, uint64_t *min, uint64_t *max)
{
    *has_range = 0;
    const char *policy = s3_post_field(fields, n, "policy");
    int v2 = s3_post_field(fields, n, "AWSAccessKeyId") || s3_post_field(fields, n, "signature");
    int v4 =
        s3_post_field(fields, n, "x-amz-signature") || s3_post_field(fields, n, "x-amz-credential");
    if (!v2 && !v4)
        return S3_OK; /* anonymous: the authorization step decides */
    enum s3_error e =
        v4 ? s3_post_sigv4(r, fields, n, policy) : s3_post_sigv2(r, fields, n, policy);
    if (!e)
        e = s3_post_policy(r, fields, n, policy, has_range, min, max);
    return e;
}
