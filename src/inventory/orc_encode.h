/* orc_encode.h — the ORC encodings the writer needs, from the ORC v1 specification: protobuf
 * fields (orc_proto.proto), ZLIB compression chunks, byte RLE, boolean RLE and integer RLE v2
 * (SHORT_REPEAT for repeats, DIRECT otherwise). Unit-tested against the spec's examples. */
#ifndef STOCKTAKE_INVENTORY_ORC_ENCODE_H
#define STOCKTAKE_INVENTORY_ORC_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* protobuf */
int orc_pb_varint(struct buf *b, uint64_t v) WARN_UNUSED;
int orc_pb_uint(struct buf *b, int field, uint64_t v) WARN_UNUSED;
int orc_pb_sint(struct buf *b, int field, int64_t v) WARN_UNUSED; /* zigzag (sint64) */
int orc_pb_bytes(struct buf *b, int field, const void *data, size_t len) WARN_UNUSED;

/* ZLIB compression chunks of at most block bytes: 3-byte little-endian header
 * (length << 1 | original), raw deflate, or the original bytes when that is smaller. */
int orc_compress(struct buf *out, const void *data, size_t len, size_t block) WARN_UNUSED;

/* Run-length encodings. */
int orc_byte_rle(struct buf *out, const uint8_t *v, size_t n) WARN_UNUSED;
int orc_bool_rle(struct buf *out, const uint8_t *bits, size_t n) WARN_UNUSED;
int orc_rle_v2(struct buf *out, const int64_t *v, size_t n, int is_signed) WARN_UNUSED;

#endif
