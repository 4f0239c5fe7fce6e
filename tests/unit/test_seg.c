/* test_seg.c — the SSE segment format: round trips at segment boundaries, ranged reads, and every
 * tamper (bit flip, truncation, segment reorder, swapped object/part binding, wrong key). */
#include <stdlib.h>
#include <string.h>

#include "crypto/seg.h"
#include "harness.h"

static void seg_test_ctx(struct seg_ctx *c, uint32_t seg_size)
{
    memset(c, 0, sizeof(*c));
    for (int i = 0; i < SEG_KEY_LEN; i++)
        c->key[i] = (uint8_t)(i * 7 + 1);
    c->object_id = "bucket-1/obj-version-a";
    c->part = 0;
    c->seg_size = seg_size;
}

static uint8_t *seg_test_plain(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 31 + 5);
    return p;
}

static uint8_t *seg_test_seal(const struct seg_ctx *c, const uint8_t *p, size_t n, size_t *sl)
{
    *sl = seg_sealed_size(n, c->seg_size);
    uint8_t *s = malloc(*sl);
    CHECK(seg_seal(c, p, n, s) == SEG_OK);
    return s;
}

TEST(seg_round_trip_sizes)
{
    static const size_t sizes[] = {0, 1, 15, 16, 17, 63, 64, 65, 128, 1000};
    struct seg_ctx c;
    seg_test_ctx(&c, 64);
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k], sl, got = 99;
        uint8_t *p = seg_test_plain(n), *out = malloc(n + 1);
        uint8_t *s = seg_test_seal(&c, p, n, &sl);
        CHECK(seg_plain_size(s, sl, &got) == SEG_OK);
        CHECK(got == n);
        CHECK(seg_open_range(&c, s, sl, 0, n, out) == SEG_OK);
        CHECK(memcmp(out, p, n) == 0);
        CHECK(n < 8 || memmem(s, sl, p, 8) == NULL); /* no plaintext run in the sealed form */
        free(p), free(out), free(s);
    }
}

TEST(seg_ranges_every_offset)
{
    struct seg_ctx c;
    seg_test_ctx(&c, 16);
    size_t n = 100, sl;
    uint8_t *p = seg_test_plain(n), out[100];
    uint8_t *s = seg_test_seal(&c, p, n, &sl);
    for (size_t off = 0; off <= n; off += 3)
        for (size_t len = 0; off + len <= n; len += 5) {
            memset(out, 0, sizeof(out));
            CHECK(seg_open_range(&c, s, sl, off, len, out) == SEG_OK);
            CHECK(memcmp(out, p + off, len) == 0);
        }
    CHECK(seg_open_range(&c, s, sl, 90, 11, out) == SEG_ERR_RANGE);
    CHECK(seg_open_range(&c, s, sl, 101, 0, out) == SEG_ERR_RANGE);
    free(p), free(s);
}

TEST(seg_tamper_flip_every_byte)
{
    struct seg_ctx c;
    seg_test_ctx(&c, 16);
    size_t n = 40, sl;
    uint8_t *p = seg_test_plain(n), out[40];
    uint8_t *s = seg_test_seal(&c, p, n, &sl);
    for (size_t i = 0; i < sl; i++) {
        s[i] ^= 0x01;
        CHECK(seg_open_range(&c, s, sl, 0, n, out) != SEG_OK);
        s[i] ^= 0x01;
    }
    CHECK(seg_open_range(&c, s, sl, 0, n, out) == SEG_OK);
    free(p), free(s);
}

TEST(seg_tamper_truncate)
{
    struct seg_ctx c;
    seg_test_ctx(&c, 16);
    size_t n = 48, sl; /* exactly three full segments: dropping one leaves a valid length */
    uint8_t *p = seg_test_plain(n), out[48];
    uint8_t *s = seg_test_seal(&c, p, n, &sl);
    for (size_t cut = 1; cut < sl; cut++) {
        size_t got;
        if (seg_plain_size(s, sl - cut, &got) == SEG_OK)
            CHECK(seg_open_range(&c, s, sl - cut, 0, got, out) == SEG_ERR_AUTH);
    }
    free(p), free(s);
}

TEST(seg_tamper_reorder_segments)
{
    struct seg_ctx c;
    seg_test_ctx(&c, 16);
    size_t n = 48, sl, stride = 16 + SEG_TAG_LEN;
    uint8_t *p = seg_test_plain(n), out[48], tmp[32];
    uint8_t *s = seg_test_seal(&c, p, n, &sl);
    uint8_t *a = s + SEG_HEADER_LEN, *b = a + stride;
    memcpy(tmp, a, stride), memcpy(a, b, stride), memcpy(b, tmp, stride);
    CHECK(seg_open_range(&c, s, sl, 0, n, out) == SEG_ERR_AUTH);
    CHECK(seg_open_range(&c, s, sl, 0, 16, out) == SEG_ERR_AUTH);
    CHECK(seg_open_range(&c, s, sl, 32, 16, out) == SEG_OK); /* untouched segment still reads */
    free(p), free(s);
}

TEST(seg_tamper_swapped_binding_and_key)
{
    struct seg_ctx c, other;
    seg_test_ctx(&c, 16);
    size_t n = 20, sl;
    uint8_t *p = seg_test_plain(n), out[20];
    uint8_t *s = seg_test_seal(&c, p, n, &sl);
    other = c;
    other.object_id = "bucket-1/obj-version-b";
    CHECK(seg_open_range(&other, s, sl, 0, n, out) == SEG_ERR_AUTH);
    other = c;
    other.part = 2;
    CHECK(seg_open_range(&other, s, sl, 0, n, out) == SEG_ERR_AUTH);
    other = c;
    other.key[0] ^= 0x80;
    CHECK(seg_open_range(&other, s, sl, 0, n, out) == SEG_ERR_AUTH);
    free(p), free(s);
}

TEST(seg_bad_headers)
{
    uint8_t h[SEG_HEADER_LEN + SEG_TAG_LEN] = {'S', 'T', 'S', 'G', 1};
    size_t got;
    CHECK(seg_plain_size(h, sizeof(h), &got) == SEG_ERR_FORMAT); /* seg_size 0 */
    h[11] = 16;
    CHECK(seg_plain_size(h, sizeof(h), &got) == SEG_OK && got == 0);
    CHECK(seg_plain_size(h, SEG_HEADER_LEN + 5, &got) == SEG_ERR_FORMAT);
    h[4] = 2;
    CHECK(seg_plain_size(h, sizeof(h), &got) == SEG_ERR_FORMAT);
}
