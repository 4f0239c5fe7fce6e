/* seg.c — AES-256-GCM segment format writer and range reader (see seg.h). */
#include "crypto/seg.h"

#include <openssl/evp.h>
#include <string.h>

static const uint8_t seg_magic[4] = {'S', 'T', 'S', 'G'};

static void seg_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t seg_get_u32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void seg_put_u64(uint8_t *p, uint64_t v)
{
    seg_put_u32(p, (uint32_t)(v >> 32));
    seg_put_u32(p + 4, (uint32_t)v);
}

static void seg_header_write(uint8_t *h, uint32_t seg_size)
{
    memset(h, 0, SEG_HEADER_LEN);
    memcpy(h, seg_magic, 4);
    h[4] = SEG_VERSION;
    seg_put_u32(h + 8, seg_size);
}

static enum seg_result seg_header_read(const uint8_t *h, uint32_t *seg_size)
{
    static const uint8_t zero[4] = {0};
    if (memcmp(h, seg_magic, 4) != 0 || h[4] != SEG_VERSION || memcmp(h + 5, zero, 3) != 0 ||
        memcmp(h + 12, zero, 4) != 0)
        return SEG_ERR_FORMAT;
    *seg_size = seg_get_u32(h + 8);
    if (*seg_size == 0 || *seg_size > SEG_MAX_SIZE)
        return SEG_ERR_FORMAT;
    return SEG_OK;
}

size_t seg_sealed_size(size_t plain_len, uint32_t seg_size)
{
    size_t nseg = plain_len == 0 ? 1 : (plain_len + seg_size - 1) / seg_size;
    return SEG_HEADER_LEN + plain_len + nseg * SEG_TAG_LEN;
}

enum seg_result seg_plain_size(const uint8_t *hdr, size_t sealed_len, size_t *plain_len)
{
    uint32_t s;
    if (sealed_len < SEG_HEADER_LEN + SEG_TAG_LEN || seg_header_read(hdr, &s) != SEG_OK)
        return SEG_ERR_FORMAT;
    size_t body = sealed_len - SEG_HEADER_LEN, full = body / ((size_t)s + SEG_TAG_LEN);
    size_t rem = body % ((size_t)s + SEG_TAG_LEN);
    if (rem == 0) {
        *plain_len = full * s;
        return SEG_OK;
    }
    if (rem < SEG_TAG_LEN || (rem == SEG_TAG_LEN && full > 0))
        return SEG_ERR_FORMAT; /* an empty segment only stands alone */
    *plain_len = full * s + (rem - SEG_TAG_LEN);
    return SEG_OK;
}

/* Nonce = part (u32 BE) | index (u64 BE); AAD = header | len(id) | id | part | index | last. */
static enum seg_result seg_one(EVP_CIPHER_CTX *x, int enc, const struct seg_ctx *c,
                               const uint8_t *hdr, uint64_t idx, int last, const uint8_t *in,
                               size_t len, uint8_t *out, uint8_t *tag)
{
    uint8_t nonce[12], tail[4 + 8 + 1], idlen[4];
    size_t idn = c->object_id ? strlen(c->object_id) : 0;
    int outl = 0;
    seg_put_u32(nonce, c->part);
    seg_put_u64(nonce + 4, idx);
    seg_put_u32(idlen, (uint32_t)idn);
    seg_put_u32(tail, c->part);
    seg_put_u64(tail + 4, idx);
    tail[12] = (uint8_t)(last ? 1 : 0);
    if (EVP_CipherInit_ex(x, NULL, NULL, c->key, nonce, enc) != 1 ||
        EVP_CipherUpdate(x, NULL, &outl, hdr, SEG_HEADER_LEN) != 1 ||
        EVP_CipherUpdate(x, NULL, &outl, idlen, 4) != 1 ||
        (idn && EVP_CipherUpdate(x, NULL, &outl, (const uint8_t *)c->object_id, (int)idn) != 1) ||
        EVP_CipherUpdate(x, NULL, &outl, tail, sizeof(tail)) != 1)
        return SEG_ERR_CRYPTO;
    if (len && EVP_CipherUpdate(x, out, &outl, in, (int)len) != 1)
        return SEG_ERR_CRYPTO;
    if (!enc && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, SEG_TAG_LEN, tag) != 1)
        return SEG_ERR_CRYPTO;
    if (EVP_CipherFinal_ex(x, out + len, &outl) != 1)
        return enc ? SEG_ERR_CRYPTO : SEG_ERR_AUTH;
    if (enc && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, SEG_TAG_LEN, tag) != 1)
        return SEG_ERR_CRYPTO;
    return SEG_OK;
}

static EVP_CIPHER_CTX *seg_cipher_new(void)
{
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    if (x && EVP_CipherInit_ex(x, EVP_aes_256_gcm(), NULL, NULL, NULL, -1) != 1) {
        EVP_CIPHER_CTX_free(x);
        return NULL;
    }
    return x;
}

void seg_header_make(uint8_t *hdr, uint32_t seg_size)
{
    seg_header_write(hdr, seg_size);
}

enum seg_result seg_header_parse(const uint8_t *hdr, uint32_t *seg_size)
{
    return seg_header_read(hdr, seg_size);
}

enum seg_result seg_seal_segments(const struct seg_ctx *c, const uint8_t *hdr, uint64_t first,
                                  const uint8_t *plain, size_t len, int final, uint8_t *out)
{
    uint32_t s;
    if (seg_header_read(hdr, &s) != SEG_OK || (!final && (len == 0 || len % s != 0)))
        return SEG_ERR_FORMAT;
    EVP_CIPHER_CTX *x = seg_cipher_new();
    if (!x)
        return SEG_ERR_CRYPTO;
    size_t nseg = len == 0 ? 1 : (len + s - 1) / s;
    enum seg_result rc = SEG_OK;
    for (size_t i = 0; i < nseg && rc == SEG_OK; i++) {
        size_t n = i + 1 < nseg ? s : len - i * (size_t)s;
        rc = seg_one(x, 1, c, hdr, first + i, final && i + 1 == nseg, plain + i * (size_t)s, n, out,
                     out + n);
        out += n + SEG_TAG_LEN;
    }
    EVP_CIPHER_CTX_free(x);
    return rc;
}

enum seg_result seg_seal(const struct seg_ctx *c, const uint8_t *plain, size_t len, uint8_t *out)
{
    uint32_t s = c->seg_size;
    if (s == 0 || s > SEG_MAX_SIZE)
        return SEG_ERR_FORMAT;
    seg_header_write(out, s);
    return seg_seal_segments(c, out, 0, plain, len, 1, out + SEG_HEADER_LEN);
}

void seg_span(size_t plain_len, uint32_t s, size_t off, size_t n, size_t *first, size_t *sealed_off,
              size_t *sealed_len)
{
    size_t nseg = plain_len == 0 ? 1 : (plain_len + s - 1) / s;
    size_t a = off / s, b = n ? (off + n - 1) / s + 1 : a + 1;
    if (a >= nseg)
        a = nseg - 1;
    if (b > nseg)
        b = nseg;
    size_t stride = (size_t)s + SEG_TAG_LEN;
    size_t end =
        b == nseg ? SEG_HEADER_LEN + plain_len + nseg * SEG_TAG_LEN : SEG_HEADER_LEN + b * stride;
    *first = a;
    *sealed_off = SEG_HEADER_LEN + a * stride;
    *sealed_len = end - *sealed_off;
}

enum seg_result seg_open_span(const struct seg_ctx *c, const uint8_t *hdr, size_t plain_len,
                              const uint8_t *span, size_t first, size_t off, size_t n, uint8_t *out)
{
    uint32_t s;
    enum seg_result rc = seg_header_read(hdr, &s);
    if (rc != SEG_OK)
        return rc;
    if (off > plain_len || n > plain_len - off || off / s < first)
        return SEG_ERR_RANGE;
    size_t nseg = plain_len == 0 ? 1 : (plain_len + s - 1) / s;
    size_t begin = off / s, end = n ? (off + n - 1) / s + 1 : begin + (plain_len == 0);
    EVP_CIPHER_CTX *x = seg_cipher_new();
    uint8_t *tmp = NULL;
    if (!x)
        return SEG_ERR_CRYPTO;
    for (size_t i = begin; i < end && rc == SEG_OK; i++) {
        size_t pstart = i * (size_t)s, plen = i + 1 < nseg ? s : plain_len - pstart;
        const uint8_t *ct = span + (i - first) * ((size_t)s + SEG_TAG_LEN);
        size_t lo = off > pstart ? off - pstart : 0;
        size_t hi = off + n < pstart + plen ? off + n - pstart : plen;
        uint8_t *dst = out + (pstart + lo - off);
        if (lo != 0 || hi != plen) { /* partial segment: decrypt into a scratch buffer */
            if (!tmp && !(tmp = OPENSSL_malloc((size_t)s + 16))) {
                rc = SEG_ERR_CRYPTO;
                break;
            }
            dst = tmp;
        }
        uint8_t tag[SEG_TAG_LEN];
        memcpy(tag, ct + plen, SEG_TAG_LEN);
        rc = seg_one(x, 0, c, hdr, i, i + 1 == nseg, ct, plen, dst, tag);
        if (rc == SEG_OK && dst == tmp)
            memcpy(out + (pstart + lo - off), tmp + lo, hi - lo);
    }
    OPENSSL_clear_free(tmp, tmp ? (size_t)s + 16 : 0);
    EVP_CIPHER_CTX_free(x);
    return rc;
}

enum seg_result seg_open_range(const struct seg_ctx *c, const uint8_t *sealed, size_t sealed_len,
                               size_t off, size_t n, uint8_t *out)
{
    size_t plain;
    enum seg_result rc = seg_plain_size(sealed, sealed_len, &plain);
    if (rc != SEG_OK)
        return rc;
    if (off > plain || n > plain - off)
        return SEG_ERR_RANGE;
    return seg_open_span(c, sealed, plain, sealed + SEG_HEADER_LEN, 0, off, n, out);
}

const char *seg_result_str(enum seg_result r)
{
    switch (r) {
    case SEG_OK:
        return "ok";
    case SEG_ERR_FORMAT:
        return "malformed encrypted blob";
    case SEG_ERR_AUTH:
        return "encrypted segment failed authentication";
    case SEG_ERR_RANGE:
        return "range outside plaintext";
    case SEG_ERR_CRYPTO:
        return "cipher failure";
    }
    return "unknown";
}
