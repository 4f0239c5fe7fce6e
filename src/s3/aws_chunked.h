/* aws_chunked.h — decoder for the aws-chunked body encoding of streaming uploads.
 *
 *   <hex-size>[;chunk-signature=<sig>]\r\n <data> \r\n  …  0[;chunk-signature=<sig>]\r\n
 *   [<trailer-name>:<value>\r\n … [x-amz-trailer-signature:<sig>\r\n]] \r\n
 *
 * Signed mode (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) checks each chunk's signature,
 * chained from the seed signature of the Authorization header, and the trailer signature,
 * which must be the last trailer line. The trailing headers must be exactly the ones the
 * request's x-amz-trailer header announced, each once. Fed in arbitrary slices; decoded bytes
 * go to the sink as they arrive. */
#ifndef STOCKTAKE_S3_AWS_CHUNKED_H
#define STOCKTAKE_S3_AWS_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

#include "core/hash.h"

enum aws_chunked_result {
    AWSC_OK = 0,
    AWSC_MALFORMED = -1,     /* not aws-chunked framing */
    AWSC_BAD_SIGNATURE = -2, /* a chunk or trailer signature does not match */
    AWSC_SINK_FAILED = -3    /* the sink refused the data */
};

/* Receives decoded bytes; non-zero stops decoding with AWSC_SINK_FAILED. */
typedef int aws_chunked_sink(void *payload, const char *data, size_t n);

struct aws_chunked_signing {
    uint8_t key[SHA256_LEN];
    char amz_date[17];
    char scope[160];
    char seed_signature[65];
};

struct aws_chunked;

/* signing NULL: unsigned chunks. trailers NULL: no trailer section; otherwise a trailer
 * section follows the last chunk, holding the comma-separated header names of trailers (the
 * x-amz-trailer value, maybe "") and nothing else. */
struct aws_chunked *aws_chunked_new(const struct aws_chunked_signing *signing, const char *trailers,
                                    aws_chunked_sink *sink, void *payload);
enum aws_chunked_result aws_chunked_feed(struct aws_chunked *c, const char *data, size_t n);
/* After the last byte: AWSC_MALFORMED unless the final chunk (and trailer) were complete. */
enum aws_chunked_result aws_chunked_finish(struct aws_chunked *c);
/* The value of a trailing header (case-insensitive name), or NULL. Borrowed from c. */
const char *aws_chunked_trailer(const struct aws_chunked *c, const char *name);
void aws_chunked_free(struct aws_chunked *c);

#endif
