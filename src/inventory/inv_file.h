/* inv_file.h — one report data file being written, as a chain of byte streams:
 *
 *     format bytes ─► [gzip, one member] ─► the object layer's writer (MD5, CRC64NVME,
 *                                            blob: temp file, fsync, rename)
 *
 * The job never knows which format feeds it. The MD5 and size are of the bytes as stored,
 * which is what manifest.json lists. */
#ifndef STOCKTAKE_INVENTORY_FILE_H
#define STOCKTAKE_INVENTORY_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "blob/blob.h"
#include "core/checksum.h"

/* The checksum every report file is stored with (AWS's default for new objects). */
#define INV_FILE_CHECKSUM CHECKSUM_CRC64NVME
#include "core/err.h"
#include "object/object.h"

struct inv_file;

struct inv_file_result {
    char blob_id[BLOB_ID_LEN + 1];
    uint64_t size;
    char md5_hex[33];
    char checksum[CHECKSUM_B64_MAX]; /* INV_FILE_CHECKSUM, base64 */
    char *sse; /* sealed: the object's encryption record (the caller frees); NULL: plain */
};

/* sse: OBJ_SSE_S3 seals the stored bytes (the report's SSE-S3 encryption), else OBJ_SSE_NONE. */
int inv_file_open(struct inv_file **out, struct blob_store *bs, int gzip,
                  enum obj_sse_mode sse) WARN_UNUSED;
/* The same with OBJ_SSE_KMS: sealed under the KMS data key, whose record (inventory/inv_kms.h)
 * comes back in the result. */
int inv_file_open_kms(struct inv_file **out, struct blob_store *bs, int gzip, enum obj_sse_mode sse,
                      const uint8_t *data_key, const char *record) WARN_UNUSED;
int inv_file_write(struct inv_file *f, const void *data, size_t n) WARN_UNUSED;
/* Bytes the format has written so far (before compression), for the file-size cap: the
 * compressor buffers, so stored bytes lag and would make small caps meaningless. */
uint64_t inv_file_written(const struct inv_file *f);
/* Finish the stream and commit the blob; frees f whatever the outcome. */
int inv_file_close(struct inv_file *f, struct inv_file_result *out) WARN_UNUSED;
/* Drop the temp file; frees f. NULL is a no-op. */
void inv_file_abort(struct inv_file *f);

#endif
