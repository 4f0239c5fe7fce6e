/* sigv4.h — AWS Signature Version 4 as pure functions.
 *
 * Nothing here sees a connection: callers pass the method, the path and query as sent, the
 * request headers, the payload hash and the time. Tested against AWS's published examples in
 * tests/unit/test_sigv4.c. The S3 flavour is used: the path is not normalised, and each segment
 * is encoded once. */
#ifndef STOCKTAKE_S3_SIGV4_H
#define STOCKTAKE_S3_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/hash.h"
#include "core/kv.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Query parameters are passed as sent (still percent-encoded); headers in any case, untrimmed. */

/* Longest access key id a Credential may carry (AWS: 16 to 128 characters of [A-Za-z0-9]). */
#define SIGV4_ACCESS_KEY_MAX 128

/* The parts of an Authorization header or of presigned query parameters. The credential
 * fields have the sizes AWS allows (a longer one is a parse error, never truncated); the
 * SignedHeaders list is allocated at its length. Release with sigv4_auth_dispose. */
struct sigv4_auth {
    char access_key[SIGV4_ACCESS_KEY_MAX + 1];
    char date[9]; /* yyyymmdd of the credential scope */
    char region[64];
    char service[32];
    char *signed_headers; /* "host;x-amz-date" as sent (compared case-insensitively), ';'-separated
                             (owned) */
    char signature[65];
};

/* Parse "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=hex". ERR_INVALID with err_msg() on a bad header.
 * out is initialised first, so dispose it whatever the result. */
int sigv4_parse_authorization(struct sigv4_auth *out, const char *header) WARN_UNUSED;

/* Parse "AK/20130524/us-east-1/s3/aws4_request" into out's credential fields. */
int sigv4_parse_credential(struct sigv4_auth *out, const char *credential) WARN_UNUSED;

/* Set out->signed_headers to list[0..n): non-empty names of header token characters
 * separated by single ';'. ERR_INVALID otherwise. */
int sigv4_set_signed_headers(struct sigv4_auth *out, const char *list, size_t n) WARN_UNUSED;

void sigv4_auth_dispose(struct sigv4_auth *a);

/* Is name (any case) one of the ';'-separated names of signed_headers? */
int sigv4_header_is_signed(const char *signed_headers, const char *name);

/* The request headers that must be signed but are not, as AWS lists them in HeadersNotSigned
 * ("host, x-amz-acl"): Host and every x-amz-* header except x-amz-content-sha256 (whose value
 * is the payload hash of the canonical request either way). Returns the number found; the
 * names go to out (lowercase, each once). */
size_t sigv4_unsigned_headers(struct buf *out, const struct kv_pair *headers, size_t n,
                              const char *signed_headers);

/* The canonical request. params: all query parameters as sent (callers leave out
 * X-Amz-Signature for presigned URLs); headers: all request headers. */
int sigv4_canonical_request(struct buf *out, const char *method, const char *raw_path,
                            const struct kv_pair *params, size_t n_params,
                            const struct kv_pair *headers, size_t n_headers,
                            const char *signed_headers, const char *payload_hash) WARN_UNUSED;

/* "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of canonical request>" */
int sigv4_string_to_sign(struct buf *out, const char *amz_date, const char *scope,
                         const char *canonical_request) WARN_UNUSED;

/* The signing key HMAC chain: "AWS4"+secret → date → region → service → "aws4_request". */
void sigv4_signing_key(const char *secret, const char *date, const char *region,
                       const char *service, uint8_t out[SHA256_LEN]);

/* Hex HMAC-SHA256 of string_to_sign under key (65 bytes with NUL). */
void sigv4_sign(const uint8_t key[SHA256_LEN], const char *string_to_sign, size_t len,
                char out[65]);

/* "<date>/<region>/<service>/aws4_request" */
void sigv4_scope(char *out, size_t size, const struct sigv4_auth *auth);

/* The signature of one aws-chunked chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD). */
void sigv4_chunk_signature(const uint8_t key[SHA256_LEN], const char *amz_date, const char *scope,
                           const char *prev_signature, const uint8_t chunk_sha256[SHA256_LEN],
                           char out[65]);

/* The signature of the trailing headers of an aws-chunked body (…-PAYLOAD-TRAILER). */
void sigv4_trailer_signature(const uint8_t key[SHA256_LEN], const char *amz_date, const char *scope,
                             const char *prev_signature, const uint8_t trailer_sha256[SHA256_LEN],
                             char out[65]);

#endif
