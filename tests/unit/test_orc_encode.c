/* test_orc_encode.c — ORC encodings against the ORC v1 specification's examples: integer RLE
 * v2 (SHORT_REPEAT, DIRECT), byte RLE, boolean RLE, compression chunk headers, and protobuf
 * varints. */
#include <stdlib.h>

#include "harness.h"
#include "inventory/orc_encode.h"

static int same(const struct buf *b, const unsigned char *want, size_t n)
{
    return b->len == n && memcmp(b->data, want, n) == 0;
}

TEST(orc_rle_v2_spec_examples)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    int64_t repeat[] = {10000, 10000, 10000, 10000, 10000};
    CHECK(orc_rle_v2(&b, repeat, 5, 0) == 0);
    const unsigned char short_repeat[] = {0x0a, 0x27, 0x10};
    CHECK(same(&b, short_repeat, sizeof(short_repeat)));
    buf_reset(&b);
    int64_t direct[] = {23713, 43806, 57005, 48879};
    CHECK(orc_rle_v2(&b, direct, 4, 0) == 0);
    const unsigned char want_direct[] = {0x5e, 0x03, 0x5c, 0xa1, 0xab,
                                         0x1e, 0xde, 0xad, 0xbe, 0xef};
    CHECK(same(&b, want_direct, sizeof(want_direct)));
    buf_reset(&b);
    int64_t negative[] = {-1, -1, -1}; /* signed: zigzag(-1) = 1 */
    CHECK(orc_rle_v2(&b, negative, 3, 1) == 0);
    const unsigned char want_negative[] = {0x00, 0x01};
    CHECK(same(&b, want_negative, sizeof(want_negative)));
    buf_dispose(&b);
}

TEST(orc_byte_and_boolean_rle)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    uint8_t zeros[100] = {0};
    CHECK(orc_byte_rle(&b, zeros, 100) == 0);
    const unsigned char want_zeros[] = {0x61, 0x00};
    CHECK(same(&b, want_zeros, sizeof(want_zeros)));
    buf_reset(&b);
    uint8_t lit[] = {0x44, 0x45};
    CHECK(orc_byte_rle(&b, lit, 2) == 0);
    const unsigned char want_lit[] = {0xfe, 0x44, 0x45};
    CHECK(same(&b, want_lit, sizeof(want_lit)));
    buf_reset(&b);
    uint8_t bits[] = {1, 0, 0, 0, 0, 0, 0, 0}; /* 0x80, one literal byte */
    CHECK(orc_bool_rle(&b, bits, 8) == 0);
    const unsigned char want_bits[] = {0xff, 0x80};
    CHECK(same(&b, want_bits, sizeof(want_bits)));
    buf_dispose(&b);
}

TEST(orc_compression_chunk_headers)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    /* 5 incompressible bytes stay original: header (5 << 1) | 1 = 0x0b */
    CHECK(orc_compress(&b, "abcde", 5, 65536) == 0);
    const unsigned char want[] = {0x0b, 0x00, 0x00, 'a', 'b', 'c', 'd', 'e'};
    CHECK(same(&b, want, sizeof(want)));
    buf_reset(&b);
    /* a compressible block: header (length << 1), little-endian, then raw deflate */
    char *zeros = calloc(200000, 1);
    CHECK(orc_compress(&b, zeros, 200000, 65536) == 0);
    size_t pos = 0, total = 0, chunks = 0;
    while (pos + 3 <= b.len) {
        unsigned h = (unsigned char)b.data[pos] | (unsigned char)b.data[pos + 1] << 8 |
                     (unsigned char)b.data[pos + 2] << 16;
        CHECK((h & 1) == 0);
        pos += 3 + (h >> 1);
        total += h >> 1;
        chunks++;
    }
    CHECK(pos == b.len);
    CHECK(chunks == 4); /* 200000 bytes in 65536-byte blocks */
    CHECK(total < 2000);
    free(zeros);
    buf_dispose(&b);
}

TEST(orc_protobuf_fields)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(orc_pb_uint(&b, 1, 150) == 0);          /* 08 96 01 */
    CHECK(orc_pb_sint(&b, 2, -1) == 0);           /* 10 01 */
    CHECK(orc_pb_bytes(&b, 8000, "ORC", 3) == 0); /* key 8000<<3|2 = 64002 = 82 f4 03 */
    const unsigned char want[] = {0x08, 0x96, 0x01, 0x10, 0x01, 0x82,
                                  0xf4, 0x03, 0x03, 'O',  'R',  'C'};
    CHECK(same(&b, want, sizeof(want)));
    buf_dispose(&b);
}
