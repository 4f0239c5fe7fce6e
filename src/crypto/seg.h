/* seg.h — the encrypted segment format for object data (SSE). A sealed blob is a 16-byte header
 * followed by segments; each segment is AES-256-GCM ciphertext of up to seg_size plaintext bytes
 * plus its 16-byte tag. The nonce is (part number, segment index); the AAD binds the header, the
 * object id, the part number, the segment index and a last-segment flag, so flipping, truncating,
 * reordering segments or swapping files between objects/parts fails authentication. An empty
 * plaintext still has one (empty, last) segment. See docs/internals/SSE.md.
 *
 * Header: "STSG" | version (1 byte, 1) | 3 zero bytes | seg_size (u32 BE) | 4 zero bytes. */
#ifndef STOCKTAKE_CRYPTO_SEG_H
#define STOCKTAKE_CRYPTO_SEG_H

#include <stddef.h>
#include <stdint.h>

#define SEG_KEY_LEN 32
#define SEG_TAG_LEN 16
#define SEG_HEADER_LEN 16
#define SEG_VERSION 1
#define SEG_DEFAULT_SIZE (64u * 1024u)
#define SEG_MAX_SIZE (16u * 1024u * 1024u)

/* What every segment of one blob is bound to. */
struct seg_ctx {
    uint8_t key[SEG_KEY_LEN]; /* the object's data key */
    const char *object_id;    /* stable id of the object version (bound into the AAD) */
    uint32_t part;            /* multipart part number; 0 for a single PUT */
    uint32_t seg_size;        /* plaintext bytes per segment (writer); read back from header */
};

enum seg_result {
    SEG_OK = 0,
    SEG_ERR_FORMAT = -1, /* header or length does not describe a valid blob */
    SEG_ERR_AUTH = -2,   /* a segment failed authentication: tampered or wrong key/binding */
    SEG_ERR_RANGE = -3,  /* requested range outside the plaintext */
    SEG_ERR_CRYPTO = -4, /* OpenSSL failure */
};

/* Size of the sealed form of plain_len bytes with the given segment size. */
size_t seg_sealed_size(size_t plain_len, uint32_t seg_size);

/* Encrypt plain[0..len) into out (seg_sealed_size bytes). */
enum seg_result seg_seal(const struct seg_ctx *c, const uint8_t *plain, size_t len, uint8_t *out);

/* Plaintext length of a sealed blob of sealed_len bytes whose header is hdr (>= 16 bytes). */
enum seg_result seg_plain_size(const uint8_t *hdr, size_t sealed_len, size_t *plain_len);

/* Decrypt plaintext bytes [off, off+n) of a sealed blob into out; only segments that overlap the
 * range are decrypted and authenticated. c->seg_size is ignored (taken from the header). */
enum seg_result seg_open_range(const struct seg_ctx *c, const uint8_t *sealed, size_t sealed_len,
                               size_t off, size_t n, uint8_t *out);

const char *seg_result_str(enum seg_result r);

/* ---- streaming (the object layer's writer and reader) ---- */

/* Write a blob header for seg_size into hdr (SEG_HEADER_LEN bytes). */
void seg_header_make(uint8_t *hdr, uint32_t seg_size);
/* Check a blob header and read its segment size. */
enum seg_result seg_header_parse(const uint8_t *hdr, uint32_t *seg_size);

/* Seal plain[0..len) as consecutive segments starting at index first (every one full but the
 * last, which is flagged last when final is set; a short one must be final). hdr is the blob's
 * header; out receives len + nseg * SEG_TAG_LEN bytes (seg_sealed_size minus the header).
 * len 0 seals one empty segment (final must be set). */
enum seg_result seg_seal_segments(const struct seg_ctx *c, const uint8_t *hdr, uint64_t first,
                                  const uint8_t *plain, size_t len, int final, uint8_t *out);

/* Where the segments overlapping plaintext [off, off+n) of a blob of plain_len bytes with
 * segment size s lie: the first one's index, and the byte offset and length of their sealed
 * form in the blob (header included in the offset). n 0 covers the segment holding off. */
void seg_span(size_t plain_len, uint32_t s, size_t off, size_t n, size_t *first, size_t *sealed_off,
              size_t *sealed_len);

/* Decrypt plaintext [off, off+n) of a blob of plain_len bytes whose header is hdr, given span,
 * the sealed bytes seg_span named (starting at segment first). As seg_open_range otherwise. */
enum seg_result seg_open_span(const struct seg_ctx *c, const uint8_t *hdr, size_t plain_len,
                              const uint8_t *span, size_t first, size_t off, size_t n,
                              uint8_t *out);

#endif
