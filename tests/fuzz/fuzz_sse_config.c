/* fuzz_sse_config.c — ServerSideEncryptionConfiguration bodies (PutBucketEncryption) through
 * the parser. A document that parses is rendered (the stored form and GetBucketEncryption's
 * answer) and parsed again, which must give the same configuration. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s3/s3_sse_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct s3_sse_config c, again;
    char msg[256];
    if (s3_sse_config_parse(&c, (const char *)data, size, msg, sizeof(msg)) != S3_OK)
        return 0;
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    if (s3_sse_config_render(&out, &c))
        abort();
    if (s3_sse_config_parse(&again, out.data, out.len, msg, sizeof(msg)) != S3_OK ||
        again.algorithm != c.algorithm || again.bucket_key_enabled != c.bucket_key_enabled ||
        again.blocked != c.blocked || strcmp(again.kms_key_id, c.kms_key_id) != 0)
        abort();
    buf_dispose(&out);
    return 0;
}
