/* fuzz_aws_chunked.c — the aws-chunked body decoder, unsigned and signed, with and without a
 * trailer, fed in irregular slices. The first byte picks the mode and slice size. */
#include <stdint.h>
#include <string.h>

#include "s3/aws_chunked.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* results are kept so the calls cannot be optimised away or ignored */
static volatile int fuzz_sink;

static int sink(void *payload, const char *p, size_t n)
{
    (void)p;
    *(size_t *)payload += n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    struct aws_chunked_signing sig;
    memset(&sig, 0, sizeof(sig));
    memcpy(sig.amz_date, "20130524T000000Z", 17);
    memcpy(sig.scope, "20130524/us-east-1/s3/aws4_request", 35);
    memset(sig.seed_signature, 'a', 64);
    size_t total = 0;
    struct aws_chunked *c = aws_chunked_new(
        (mode & 1) ? &sig : NULL, (mode & 2) ? "x-amz-checksum-crc32" : NULL, sink, &total);
    size_t step = (size_t)(mode >> 2) + 1;
    enum aws_chunked_result r = AWSC_OK;
    for (size_t off = 0; off < size && r == AWSC_OK; off += step) {
        size_t n = size - off < step ? size - off : step;
        r = aws_chunked_feed(c, (const char *)data + off, n);
    }
    if (r == AWSC_OK)
        fuzz_sink = aws_chunked_finish(c);
    (void)aws_chunked_trailer(c, "x-amz-checksum-crc32");
    aws_chunked_free(c);
    return 0;
}
