/* test_aws_chunked.c — the aws-chunked decoder: framing, byte-at-a-time feeding, trailers,
 * and AWS's published chunk signatures (the 66560-byte example, fed through the decoder). */
#include <stdlib.h>

#include "core/buf.h"
#include "harness.h"
#include "s3/aws_chunked.h"
#include "s3/sigv4.h"

static int collect(void *payload, const char *data, size_t n)
{
    return buf_append(payload, data, n);
}

static int feed_all(const char *body, size_t n, int one_byte, const char *trailers, struct buf *out,
                    const struct aws_chunked_signing *sig, struct aws_chunked **keep)
{
    struct aws_chunked *c = aws_chunked_new(sig, trailers, collect, out);
    int r = AWSC_OK;
    if (one_byte) {
        for (size_t i = 0; i < n && r == AWSC_OK; i++)
            r = aws_chunked_feed(c, body + i, 1);
    } else {
        r = aws_chunked_feed(c, body, n);
    }
    if (r == AWSC_OK)
        r = aws_chunked_finish(c);
    if (keep)
        *keep = c;
    else
        aws_chunked_free(c);
    return r;
}

TEST(aws_chunked_unsigned_with_trailer)
{
    const char *body = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    for (int one = 0; one < 2; one++) {
        struct buf out;
        struct aws_chunked *c = NULL;
        buf_init(&out, BUF_UNLIMITED);
        CHECK(feed_all(body, strlen(body), one, "x-amz-checksum-crc32", &out, NULL, &c) == AWSC_OK);
        CHECK_STR(out.data, "hello world");
        CHECK_STR(aws_chunked_trailer(c, "X-Amz-Checksum-CRC32"), "DUoRhQ==");
        aws_chunked_free(c);
        buf_dispose(&out);
    }
}

TEST(aws_chunked_malformed)
{
    const char *bad[] = {"zz\r\nhello\r\n0\r\n\r\n",
                         "5\nhello\r\n0\r\n\r\n",
                         "5\r\nhello!\r\n0\r\n\r\n",
                         "5\r\nhel",
                         "5;chunk-signature=short\r\nhello\r\n",
                         "0\r\n\r\nextra"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct buf out;
        buf_init(&out, BUF_UNLIMITED);
        CHECK(feed_all(bad[i], strlen(bad[i]), 0, NULL, &out, NULL, NULL) == AWSC_MALFORMED);
        buf_dispose(&out);
    }
}

static char *aws_example_body(size_t *len, int tamper)
{
    /* AWS's example: 65536 and 1024 bytes of 'a', then the final chunk */
    static const char *sigs[] = {
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"};
    size_t sizes[] = {65536, 1024, 0};
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    for (int i = 0; i < 3; i++) {
        CHECK(buf_printf(&b, "%zx;chunk-signature=%s\r\n", sizes[i], sigs[i]) == 0);
        for (size_t k = 0; k < sizes[i]; k++)
            CHECK(buf_append(&b, (tamper && i == 1 && k == 7) ? "b" : "a", 1) == 0);
        CHECK(buf_puts(&b, "\r\n") == 0);
    }
    *len = b.len;
    return buf_detach(&b);
}

TEST(aws_chunked_signed_aws_example)
{
    struct aws_chunked_signing sig;
    sigv4_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3",
                      sig.key);
    snprintf(sig.amz_date, sizeof(sig.amz_date), "20130524T000000Z");
    snprintf(sig.scope, sizeof(sig.scope), "20130524/us-east-1/s3/aws4_request");
    snprintf(sig.seed_signature, sizeof(sig.seed_signature),
             "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
    size_t len;
    char *body = aws_example_body(&len, 0);
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(feed_all(body, len, 0, NULL, &out, &sig, NULL) == AWSC_OK);
    CHECK(out.len == 66560);
    buf_dispose(&out);
    free(body);
    body = aws_example_body(&len, 1);
    buf_init(&out, BUF_UNLIMITED);
    CHECK(feed_all(body, len, 0, NULL, &out, &sig, NULL) == AWSC_BAD_SIGNATURE);
    buf_dispose(&out);
    free(body);
}

/* The trailing headers must be exactly the ones x-amz-trailer announced, each once. */
TEST(aws_chunked_trailer_names_announced)
{
    static const struct {
        const char *body;
        const char *announced;
        int ok;
    } cases[] = {
        {"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", "x-amz-checksum-crc32", 1},
        {"0\r\nX-Amz-Checksum-CRC32:AAAAAA==\r\n\r\n", " X-Amz-Checksum-Crc32 ", 1},
        {"0\r\nx-amz-checksum-crc32c:AAAAAA==\r\n\r\n", "x-amz-checksum-crc32", 0},
        {"0\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-meta-evil:1\r\n\r\n", "x-amz-checksum-crc32",
         0},
        {"0\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n",
         "x-amz-checksum-crc32", 0},
        {"0\r\n\r\n", "x-amz-checksum-crc32", 0},
        {"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n", "x-amz-checksum-crc32", 1},
        {"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", "", 0},
        {"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", "x-amz-checksum-crc3", 0},
        {"0\r\n\r\n", "", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf out;
        buf_init(&out, BUF_UNLIMITED);
        int r =
            feed_all(cases[i].body, strlen(cases[i].body), 0, cases[i].announced, &out, NULL, NULL);
        CHECK((r == AWSC_OK) == cases[i].ok);
        buf_dispose(&out);
    }
}

/* A signed body with a valid trailer signature, then optionally one more trailer line. */
static char *signed_trailer_body(const struct aws_chunked_signing *sig, const char *after)
{
    uint8_t digest[SHA256_LEN];
    char s1[65], s0[65], st[65];
    hash_sha256("hello", 5, digest);
    sigv4_chunk_signature(sig->key, sig->amz_date, sig->scope, sig->seed_signature, digest, s1);
    hash_sha256("", 0, digest);
    sigv4_chunk_signature(sig->key, sig->amz_date, sig->scope, s1, digest, s0);
    const char *trailer = "x-amz-checksum-crc32:NhCmhg==\n";
    hash_sha256(trailer, strlen(trailer), digest);
    sigv4_trailer_signature(sig->key, sig->amz_date, sig->scope, s0, digest, st);
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(buf_printf(&b,
                     "5;chunk-signature=%s\r\nhello\r\n0;chunk-signature=%s\r\n"
                     "x-amz-checksum-crc32:NhCmhg==\r\nx-amz-trailer-signature:%s\r\n%s\r\n",
                     s1, s0, st, after) == 0);
    return buf_detach(&b);
}

TEST(aws_chunked_nothing_after_trailer_signature)
{
    struct aws_chunked_signing sig;
    memset(&sig, 0, sizeof(sig));
    sigv4_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3",
                      sig.key);
    snprintf(sig.amz_date, sizeof(sig.amz_date), "20130524T000000Z");
    snprintf(sig.scope, sizeof(sig.scope), "20130524/us-east-1/s3/aws4_request");
    memset(sig.seed_signature, 'a', 64);
    const char *after[] = {"", "x-amz-meta-evil:1\r\n", "x-amz-checksum-crc32:AAAAAA==\r\n"};
    for (size_t i = 0; i < 3; i++) {
        char *body = signed_trailer_body(&sig, after[i]);
        for (int one = 0; one < 2; one++) {
            struct buf out;
            struct aws_chunked *c = NULL;
            buf_init(&out, BUF_UNLIMITED);
            int r = feed_all(body, strlen(body), one, "x-amz-checksum-crc32", &out, &sig, &c);
            CHECK(i == 0 ? r == AWSC_OK : r == AWSC_MALFORMED);
            if (i == 0)
                CHECK_STR(aws_chunked_trailer(c, "x-amz-checksum-crc32"), "NhCmhg==");
            aws_chunked_free(c);
            buf_dispose(&out);
        }
        free(body);
    }
}
