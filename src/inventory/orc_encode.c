/* orc_encode.c — ORC encodings (see orc_encode.h). */
#include "inventory/orc_encode.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "inventory/inv_deflate.h"

int orc_pb_varint(struct buf *b, uint64_t v)
{
    return buf_varint(b, v);
}

int orc_pb_uint(struct buf *b, int field, uint64_t v)
{
    int rc = orc_pb_varint(b, (uint64_t)field << 3);
    return rc ? rc : orc_pb_varint(b, v);
}

int orc_pb_sint(struct buf *b, int field, int64_t v)
{
    return orc_pb_uint(b, field, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

int orc_pb_bytes(struct buf *b, int field, const void *data, size_t len)
{
    int rc = orc_pb_varint(b, (uint64_t)field << 3 | 2);
    if (!rc)
        rc = orc_pb_varint(b, len);
    return rc ? rc : buf_append(b, data, len);
}

static int orc_chunk_header(struct buf *out, size_t len, int original)
{
    uint32_t h = (uint32_t)(len << 1 | (size_t)(original != 0));
    uint8_t hdr[3] = {(uint8_t)h, (uint8_t)(h >> 8), (uint8_t)(h >> 16)};
    return buf_append(out, hdr, 3);
}

int orc_compress(struct buf *out, const void *data, size_t len, size_t block)
{
    const uint8_t *p = data;
    uint8_t *z = xmalloc(block + block / 10 + 64);
    int rc = 0;
    for (size_t off = 0; off < len && !rc; off += block) {
        size_t n = len - off < block ? len - off : block;
        size_t zn = inv_deflate_raw(p + off, n, z, block + block / 10 + 64);
        if (zn > 0 && zn < n) {
            rc = orc_chunk_header(out, zn, 0);
            if (!rc)
                rc = buf_append(out, z, zn);
        } else {
            rc = orc_chunk_header(out, n, 1);
            if (!rc)
                rc = buf_append(out, p + off, n);
        }
    }
    free(z);
    return rc;
}

int orc_byte_rle(struct buf *out, const uint8_t *v, size_t n)
{
    /* literal runs of up to 128 bytes, or runs of 3..130 repeats */
    size_t i = 0;
    int rc = 0;
    while (i < n && !rc) {
        size_t run = 1;
        while (i + run < n && run < 130 && v[i + run] == v[i])
            run++;
        if (run >= 3) {
            uint8_t hdr[2] = {(uint8_t)(run - 3), v[i]};
            rc = buf_append(out, hdr, 2);
            i += run;
            continue;
        }
        size_t lit = 0;
        while (i + lit < n && lit < 128) {
            if (i + lit + 2 < n && v[i + lit] == v[i + lit + 1] && v[i + lit] == v[i + lit + 2])
                break;
            lit++;
        }
        uint8_t hdr = (uint8_t)(256 - lit);
        rc = buf_append(out, &hdr, 1);
        if (!rc)
            rc = buf_append(out, v + i, lit);
        i += lit;
    }
    return rc;
}

int orc_bool_rle(struct buf *out, const uint8_t *bits, size_t n)
{
    size_t nb = (n + 7) / 8;
    uint8_t *bytes = xcalloc(nb ? nb : 1, 1);
    for (size_t i = 0; i < n; i++) {
        if (bits[i])
            bytes[i / 8] |= (uint8_t)(0x80 >> (i % 8));
    }
    int rc = orc_byte_rle(out, bytes, nb);
    free(bytes);
    return rc;
}

/* RLE v2 widths: the encodable bit widths and their 5-bit codes. */
static int orc_width_code(int bits, int *width)
{
    static const int widths[] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                 17, 18, 19, 20, 21, 22, 23, 24, 26, 28, 30, 32, 40, 48, 56, 64};
    for (int i = 0; i < 32; i++) {
        if (widths[i] >= bits) {
            *width = widths[i];
            return i;
        }
    }
    *width = 64;
    return 31;
}

static uint64_t orc_zz(int64_t v, int is_signed)
{
    return is_signed ? ((uint64_t)v << 1) ^ (uint64_t)(v >> 63) : (uint64_t)v;
}

static int orc_short_repeat(struct buf *out, uint64_t v, size_t count)
{
    int bytes = 1;
    while (bytes < 8 && (v >> (8 * bytes)))
        bytes++;
    uint8_t hdr[9];
    hdr[0] = (uint8_t)((bytes - 1) << 3 | (int)(count - 3));
    for (int i = 0; i < bytes; i++)
        hdr[1 + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    return buf_append(out, hdr, (size_t)bytes + 1);
}

static int orc_direct(struct buf *out, const int64_t *v, size_t n, int is_signed)
{
    uint64_t max = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t u = orc_zz(v[i], is_signed);
        if (u > max)
            max = u;
    }
    int bits = 1;
    while (bits < 64 && (max >> bits))
        bits++;
    int width;
    int code = orc_width_code(bits, &width);
    uint8_t hdr[2] = {(uint8_t)(1 << 6 | code << 1 | (int)((n - 1) >> 8)), (uint8_t)(n - 1)};
    int rc = buf_append(out, hdr, 2);
    /* big-endian bit packing, up to 32 bits at a time: at most 512 values of 64 bits */
    uint8_t packed[512 * 8];
    size_t np = 0;
    uint64_t acc = 0;
    int have = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t u = orc_zz(v[i], is_signed);
        for (int left = width; left > 0;) {
            int take = left > 32 ? 32 : left;
            acc = acc << take | ((u >> (left - take)) & ((1ull << take) - 1));
            have += take;
            left -= take;
            while (have >= 8) {
                packed[np++] = (uint8_t)(acc >> (have - 8));
                have -= 8;
            }
            acc &= (1ull << have) - 1;
        }
    }
    if (have)
        packed[np++] = (uint8_t)(acc << (8 - have));
    return rc ? rc : buf_append(out, packed, np);
}

int orc_rle_v2(struct buf *out, const int64_t *v, size_t n, int is_signed)
{
    size_t i = 0;
    int rc = 0;
    while (i < n && !rc) {
        size_t run = 1;
        while (i + run < n && run < 10 && v[i + run] == v[i])
            run++;
        if (run >= 3) {
            rc = orc_short_repeat(out, orc_zz(v[i], is_signed), run);
            i += run;
            continue;
        }
        /* DIRECT up to the next run of 3 repeats, at most 512 values */
        size_t len = 0;
        while (i + len < n && len < 512) {
            if (i + len + 2 < n && v[i + len] == v[i + len + 1] && v[i + len] == v[i + len + 2])
                break;
            len++;
        }
        rc = orc_direct(out, v + i, len, is_signed);
        i += len;
    }
    return rc;
}
