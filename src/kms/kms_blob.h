/* kms_blob.h — the self-describing KMS ciphertext blob: magic "SKB1", the key id (36-char UUID),
 * the backing key version (u32 big-endian), a 12-byte nonce, the AES-256-GCM tag (16 bytes),
 * then the ciphertext. The caller's encryption context, canonicalised (kms_ctx.h), is the AAD, so
 * a wrong context fails to open (the API answers InvalidCiphertextException). */
#ifndef STOCKTAKE_KMS_BLOB_H
#define STOCKTAKE_KMS_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KMS_KEY_ID_LEN 36
#define KMS_BLOB_HDR (4 + KMS_KEY_ID_LEN + 4 + 12 + 16)
#define KMS_BLOB_MAX_PLAIN 4096

struct kms_blob_ref {
    char key_id[KMS_KEY_ID_LEN + 1];
    uint32_t version;
};

/* Seal plain under material[32] for key_id/version with aad; *out (malloc'd) gets the blob. */
int kms_blob_seal(const uint8_t material[32], const char *key_id, uint32_t version,
                  const uint8_t *plain, size_t plain_len, const char *aad, uint8_t **out,
                  size_t *out_len) WARN_UNUSED;

/* Read the key id and version from an untrusted blob without opening it. ERR_INVALID when
 * malformed. */
int kms_blob_peek(const uint8_t *blob, size_t len, struct kms_blob_ref *ref) WARN_UNUSED;

/* Open blob with material[32] and aad; *plain (malloc'd). ERR_INVALID on any mismatch. */
int kms_blob_open(const uint8_t material[32], const uint8_t *blob, size_t len, const char *aad,
                  uint8_t **plain, size_t *plain_len) WARN_UNUSED;

#endif
