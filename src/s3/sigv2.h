/* sigv2.h — AWS Signature Version 2 (the "AWS AKID:signature" scheme) as pure functions.
 *
 * SigV2 signs a string built from the verb, Content-MD5, Content-Type, the Date (or, for a
 * presigned URL, Expires), the x-amz-* headers and the resource (the bucket and the path as
 * sent, plus the sub-resources S3 lists) with HMAC-SHA1 of the secret key, base64-encoded.
 * Nothing here sees a connection: callers pass the request's parts. Tested against the worked
 * examples of AWS's "Signing and authenticating REST requests" page in tests/unit/test_sigv2.c. */
#ifndef STOCKTAKE_S3_SIGV2_H
#define STOCKTAKE_S3_SIGV2_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/kv.h"

#define SIGV2_ALGORITHM "AWS"
/* Longest access key id and signature we keep (an HMAC-SHA1 in base64 is 28 characters; a
 * longer one cannot match, but is still echoed in SignatureDoesNotMatch). */
#define SIGV2_ACCESS_KEY_MAX 128
#define SIGV2_SIGNATURE_MAX 128
/* Bytes of a computed signature with its NUL. */
#define SIGV2_SIGNATURE_SIZE 29

/* The parts of "Authorization: AWS AKID:signature" or of the presigned query parameters. */
struct sigv2_auth {
    char access_key[SIGV2_ACCESS_KEY_MAX + 1];
    char signature[SIGV2_SIGNATURE_MAX + 1];
};

/* Parse "AWS AKID:signature". ERR_INVALID with err_msg() when the scheme is not "AWS ", the
 * key or the signature is empty or too long, or the colon is missing. */
int sigv2_parse_authorization(struct sigv2_auth *out, const char *header) WARN_UNUSED;

/* Fill out from presigned query values (decoded). A space in the signature is taken back to
 * the '+' a client left unencoded (base64 has no spaces). ERR_INVALID when too long. */
int sigv2_set_query(struct sigv2_auth *out, const char *access_key,
                    const char *signature) WARN_UNUSED;

/* What the string to sign is built from. */
struct sigv2_request {
    const char *method;
    const struct kv_pair *headers; /* all request headers, any case, values untrimmed */
    size_t n_headers;
    /* presigned: the Expires value, used in place of the Date line; NULL for header auth */
    const char *expires;
    /* the bucket named by a virtual-hosted-style Host, else NULL (the path names it) */
    const char *host_bucket;
    const char *raw_path;         /* as sent, still percent-encoded */
    const struct kv_pair *params; /* query parameters, decoded */
    size_t n_params;
    /* sign raw_path + "/": botocore signs a path-style bucket request "/bucket" as "/bucket/",
     * so a server checks that form too when the first does not match */
    int slash;
};

/* The StringToSign:
 *   VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n CanonicalizedAmzHeaders
 *   CanonicalizedResource
 * The Date line is empty when an x-amz-date header is sent (it is signed among the x-amz-*
 * headers instead). x-amz-* headers are lower-cased, sorted, their values trimmed and unfolded,
 * repeated ones joined with ','. The resource is "/bucket" (virtual-hosted) + the raw path, then
 * "?" and the sub-resources of sigv2_is_subresource in name order, "name=value" (decoded value)
 * or "name" when the value is empty. ERR_TOOBIG past out's maximum. */
int sigv2_string_to_sign(struct buf *out, const struct sigv2_request *req) WARN_UNUSED;

/* Is name a query parameter that is part of the canonicalized resource? AWS's list (acl, cors,
 * delete, lifecycle, location, logging, notification, partNumber, policy, requestPayment,
 * tagging, torrent, uploadId, uploads, versionId, versioning, versions, website, response-*)
 * and the ones SDKs sign too (accelerate, analytics, inventory, metrics, replication, restore,
 * select, select-type, object-lock, storageClass, defaultObjectAcl). */
int sigv2_is_subresource(const char *name);

/* base64(HMAC-SHA1(secret, data)) into out (28 characters + NUL). */
void sigv2_sign(const char *secret, const char *data, size_t len, char out[SIGV2_SIGNATURE_SIZE]);

/* 1 when given is the computed signature, compared in constant time. */
int sigv2_signature_equal(const char *computed, const char *given);

/* "47 45 54 0a …": the bytes of s in hex, as AWS's StringToSignBytes. */
int sigv2_hex_bytes(struct buf *out, const char *s, size_t len) WARN_UNUSED;

#endif
