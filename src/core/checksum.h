/* checksum.h — the S3 object checksums: CRC32, CRC32C, CRC64NVME, SHA1, SHA256, computed
 * incrementally and rendered as S3 sends them (base64 of the big-endian value or digest). */
#ifndef STOCKTAKE_CORE_CHECKSUM_H
#define STOCKTAKE_CORE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

enum checksum_algo {
    CHECKSUM_NONE = 0,
    CHECKSUM_CRC32,
    CHECKSUM_CRC32C,
    CHECKSUM_CRC64NVME,
    CHECKSUM_SHA1,
    CHECKSUM_SHA256
};

#define CHECKSUM_B64_MAX 48

struct checksum;

/* By S3 name, case-insensitive ("CRC32", "crc64nvme"); CHECKSUM_NONE when unknown. */
enum checksum_algo checksum_algo_from_name(const char *name);
/* "CRC32", …; "" for CHECKSUM_NONE. */
const char *checksum_algo_name(enum checksum_algo algo);
/* The header that carries it: "x-amz-checksum-crc32", … */
const char *checksum_algo_header(enum checksum_algo algo);
/* Length of the base64 form of a valid value. */
size_t checksum_b64_len(enum checksum_algo algo);

struct checksum *checksum_new(enum checksum_algo algo);
void checksum_update(struct checksum *c, const void *data, size_t n);
/* Base64 value into out (CHECKSUM_B64_MAX bytes); frees c. */
void checksum_finish(struct checksum *c, char *out);
void checksum_free(struct checksum *c);

/* One-shot raw CRCs, for tests. */
uint32_t checksum_crc32c(uint32_t crc, const void *data, size_t n);
uint64_t checksum_crc64nvme(uint64_t crc, const void *data, size_t n);

#endif
