/* s3_body.c — the request body pipeline.
 *
 *   raw bytes ─┬─► sha256 (x-amz-content-sha256 = hex digest)
 *              └─► [aws-chunked decoder: chunk signatures, trailer] ─► decoded bytes
 *   decoded bytes ─► md5 (ETag, Content-MD5) ─► checksum (x-amz-checksum-*) ─► sink
 *   sink: nothing, the XML buffer, or the operation's op_data (PutObject's blob writer)
 *
 * Every check that needs the whole body happens in s3_body_finish, before the operation's
 * finish handler commits anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "core/xmlw.h"
#include "s3/s3_req.h"

void s3_body_init(struct s3_body *b)
{
    memset(b, 0, sizeof(*b));
    b->decoded_length = -1;
    buf_init(&b->xml, S3_XML_BODY_MAX);
}

void s3_body_dispose(struct s3_body *b)
{
    hash_stream_free(b->sha256);
    hash_stream_free(b->md5);
    aws_chunked_free(b->chunked);
    checksum_free(b->checksum);
    buf_dispose(&b->xml);
    b->sha256 = b->md5 = NULL;
    b->chunked = NULL;
    b->checksum = NULL;
}

static int s3_body_parse_u64(const char *s, uint64_t *out)
{
    return str_parse_u64(s, 10, UINT64_MAX, out) ? -1 : 0;
}

/* Decoded bytes: hashes, limits, then the sink. */
static enum s3_error s3_body_decoded(struct s3_req *r, const char *data, size_t n)
{
    struct s3_body *b = &r->body;
    b->received += n;
    if (b->decoded_length >= 0 && b->received > (uint64_t)b->decoded_length) {
        s3_req_set_message(r, "The body is longer than x-amz-decoded-content-length");
        return S3E_INVALID_REQUEST;
    }
    if (b->md5)
        hash_stream_update(b->md5, data, n);
    if (b->checksum)
        checksum_update(b->checksum, data, n);
    switch (r->op->body) {
    case S3_BODY_XML:
        return buf_append(&b->xml, data, n) ? S3E_MAX_MESSAGE_LENGTH_EXCEEDED : S3_OK;
    case S3_BODY_STREAM:
        if (b->received > S3_MAX_OBJECT_SIZE)
            return S3E_ENTITY_TOO_LARGE;
        return r->op_data ? (enum s3_error)r->op_data(r, data, n) : S3_OK;
    case S3_BODY_NONE:
        break;
    }
    return S3_OK;
}

struct s3_body_sink {
    struct s3_req *r;
    enum s3_error error;
};

static int s3_body_chunk_sink(void *payload, const char *data, size_t n)
{
    struct s3_req *r = payload;
    enum s3_error e = s3_body_decoded(r, data, n);
    if (e)
        r->body_error = e;
    return e != S3_OK;
}

static enum s3_error s3_body_content_md5(struct s3_req *r)
{
    const char *v = s3_req_header(r, "Content-MD5");
    if (!v)
        return S3_OK;
    uint8_t raw[24];
    size_t len = strlen(v);
    if (len != 24 || hash_unbase64(v, len, raw) != MD5_LEN)
        return S3E_INVALID_DIGEST;
    memcpy(r->body.content_md5, raw, MD5_LEN);
    r->body.have_content_md5 = 1;
    return S3_OK;
}

/* x-amz-checksum-<algo> headers, x-amz-trailer and x-amz-sdk-checksum-algorithm. */
static enum s3_error s3_body_checksum_setup(struct s3_req *r)
{
    struct s3_body *b = &r->body;
    enum checksum_algo algo = CHECKSUM_NONE;
    for (int a = CHECKSUM_CRC32; a <= CHECKSUM_SHA256; a++) {
        const char *v = s3_req_header(r, checksum_algo_header((enum checksum_algo)a));
        if (!v)
            continue;
        uint8_t raw[48];
        if (algo != CHECKSUM_NONE) {
            s3_req_set_message(r, "Expecting a single x-amz-checksum- header. Multiple checksum "
                                  "Types are not allowed.");
            return S3E_INVALID_REQUEST;
        }
        algo = (enum checksum_algo)a;
        if (strlen(v) != checksum_b64_len(algo) || hash_unbase64(v, strlen(v), raw) < 0) {
            s3_req_set_message(r, "Value for %s header is invalid.", checksum_algo_header(algo));
            return S3E_INVALID_REQUEST;
        }
        snprintf(b->checksum_expected, sizeof(b->checksum_expected), "%s", v);
    }
    const char *trailer = s3_req_header(r, "x-amz-trailer");
    if (trailer) {
        enum checksum_algo t = CHECKSUM_NONE;
        if (strncasecmp(trailer, "x-amz-checksum-", 15) == 0)
            t = checksum_algo_from_name(trailer + 15);
        if (t == CHECKSUM_NONE || !b->chunked_trailer || algo != CHECKSUM_NONE) {
            s3_req_set_message(r, "The value specified in the x-amz-trailer header is not "
                                  "supported");
            return S3E_INVALID_REQUEST;
        }
        algo = t;
    }
    const char *sdk = s3_req_header(r, "x-amz-sdk-checksum-algorithm");
    if (sdk && checksum_algo_from_name(sdk) == CHECKSUM_NONE) {
        s3_req_set_message(r, "Checksum algorithm provided is unsupported. Please try again with "
                              "any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
        return S3E_INVALID_REQUEST;
    }
    b->checksum_algo = algo;
    if (algo != CHECKSUM_NONE)
        b->checksum = checksum_new(algo);
    return S3_OK;
}

static enum s3_error s3_body_lengths(struct s3_req *r)
{
    struct s3_body *b = &r->body;
    uint64_t len = 0, decoded = 0;
    const char *cl = s3_req_header(r, "Content-Length");
    const char *te = s3_req_header(r, "Transfer-Encoding");
    const char *dl = s3_req_header(r, "x-amz-decoded-content-length");
    if (cl && s3_body_parse_u64(cl, &len))
        return S3E_INVALID_ARGUMENT;
    if (dl) {
        if (s3_body_parse_u64(dl, &decoded))
            return S3E_INVALID_ARGUMENT;
        b->decoded_length = (int64_t)decoded;
    }
    if (b->payload == S3_PAYLOAD_CHUNKED && !dl && r->op->body == S3_BODY_STREAM)
        return S3E_MISSING_CONTENT_LENGTH;
    if (r->op->body == S3_BODY_STREAM && !cl && !te)
        return S3E_MISSING_CONTENT_LENGTH;
    uint64_t size = b->payload == S3_PAYLOAD_CHUNKED ? decoded : len;
    if (r->op->body == S3_BODY_STREAM && size > S3_MAX_OBJECT_SIZE)
        return S3E_ENTITY_TOO_LARGE;
    if (r->op->body == S3_BODY_XML && size > S3_XML_BODY_MAX)
        return S3E_MAX_MESSAGE_LENGTH_EXCEEDED;
    return S3_OK;
}

enum s3_error s3_body_begin(struct s3_req *r)
{
    struct s3_body *b = &r->body;
    enum s3_error e = s3_body_lengths(r);
    if (!e)
        e = s3_body_content_md5(r);
    if (!e && r->op->body != S3_BODY_NONE)
        e = s3_body_checksum_setup(r);
    if (e)
        return e;
    if (b->payload == S3_PAYLOAD_SHA256)
        b->sha256 = hash_stream_new_sha256();
    const char *trailers = s3_req_header(r, "x-amz-trailer");
    if (b->payload == S3_PAYLOAD_CHUNKED)
        b->chunked = aws_chunked_new(b->chunked_signed ? &b->signing : NULL,
                                     b->chunked_trailer ? (trailers ? trailers : "") : NULL,
                                     s3_body_chunk_sink, r);
    if (r->op->body != S3_BODY_NONE)
        b->md5 = hash_stream_new_md5();
    return S3_OK;
}

enum s3_error s3_body_feed(struct s3_req *r, const char *data, size_t n)
{
    struct s3_body *b = &r->body;
    if (b->sha256)
        hash_stream_update(b->sha256, data, n);
    if (!b->chunked)
        return s3_body_decoded(r, data, n);
    switch (aws_chunked_feed(b->chunked, data, n)) {
    case AWSC_OK:
        return S3_OK;
    case AWSC_BAD_SIGNATURE:
        s3_req_set_message(r, "The request signature we calculated does not match the signature "
                              "you provided. Check your key and signing method.");
        return S3E_SIGNATURE_DOES_NOT_MATCH;
    case AWSC_SINK_FAILED:
        return r->body_error ? r->body_error : S3E_INTERNAL_ERROR;
    case AWSC_MALFORMED:
        break;
    }
    s3_req_set_message(r, "The request body is not valid aws-chunked encoding.");
    return S3E_INCOMPLETE_BODY;
}

static enum s3_error s3_body_check_sha256(struct s3_req *r)
{
    struct s3_body *b = &r->body;
    uint8_t digest[SHA256_LEN];
    char hex[2 * SHA256_LEN + 1];
    hash_stream_finish(b->sha256, digest);
    b->sha256 = NULL;
    hash_hex(digest, SHA256_LEN, hex);
    if (strcmp(hex, b->expected_sha256) == 0)
        return S3_OK;
    s3_req_error_elem(r, "ClientComputedContentSHA256", b->expected_sha256);
    s3_req_error_elem(r, "S3ComputedContentSHA256", hex);
    return S3E_CONTENT_SHA256_MISMATCH;
}

static enum s3_error s3_body_check_checksum(struct s3_req *r)
{
    struct s3_body *b = &r->body;
    checksum_finish(b->checksum, b->checksum_value);
    b->checksum = NULL;
    if (b->checksum_computed_only)
        return S3_OK;
    const char *expected = b->checksum_expected;
    if (!expected[0] && b->chunked)
        expected = aws_chunked_trailer(b->chunked, checksum_algo_header(b->checksum_algo));
    if (!expected || !expected[0]) {
        s3_req_set_message(r, "x-amz-trailer names %s but the body has no such trailer",
                           checksum_algo_header(b->checksum_algo));
        return S3E_INVALID_REQUEST;
    }
    if (strcmp(expected, b->checksum_value) == 0)
        return S3_OK;
    s3_req_set_message(r, "The %s you specified did not match the calculated checksum.",
                       checksum_algo_name(b->checksum_algo));
    return S3E_CHECKSUM_MISMATCH;
}

enum s3_error s3_body_finish(struct s3_req *r)
{
    struct s3_body *b = &r->body;
    if (b->chunked && aws_chunked_finish(b->chunked) != AWSC_OK) {
        s3_req_set_message(r, "The request body ended inside an aws-chunked chunk.");
        return S3E_INCOMPLETE_BODY;
    }
    if (b->sha256) {
        enum s3_error e = s3_body_check_sha256(r);
        if (e)
            return e;
    }
    if (b->decoded_length >= 0 && b->received != (uint64_t)b->decoded_length)
        return S3E_INCOMPLETE_BODY;
    if (b->md5) {
        hash_stream_finish(b->md5, b->md5_digest);
        b->md5 = NULL;
        if (b->have_content_md5 && memcmp(b->md5_digest, b->content_md5, MD5_LEN) != 0)
            return S3E_BAD_DIGEST;
    }
    return b->checksum ? s3_body_check_checksum(r) : S3_OK;
}

enum s3_error s3_body_require_integrity(struct s3_req *r)
{
    if (r->body.xml.len == 0)
        return S3E_MISSING_REQUEST_BODY;
    if (!r->body.have_content_md5 && r->body.checksum_algo == CHECKSUM_NONE) {
        s3_req_set_message(r, "Missing required header for this request: Content-MD5");
        return S3E_INVALID_REQUEST;
    }
    return S3_OK;
}
