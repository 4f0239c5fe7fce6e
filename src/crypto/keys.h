/* keys.h — the server's master key and the per-object data keys it wraps (SSE-S3).
 *
 * The master key (32 bytes) comes from STOCKTAKE_MASTER_KEY (64 hex characters), else from a
 * key file (serve --master-key-file PATH, default DATA/master.key), which is created 0600 with
 * a fresh random key on first start. Its id (16 hex characters, a keyed hash of the key, never
 * the key) is what records name. Every encrypted object version gets a random 32-byte data key,
 * wrapped with the master key by AES-256-GCM (SSE-C: with the customer's key, keys_record.c);
 * the wrapped form is a compact record kept in
 * meta_object.sse / meta_upload.sse:
 *
 *     1;AES256;<master key id>;<bind id>;<hex of nonce(12) | ciphertext(32) | tag(16)>
 *
 * version ; mode ; key id ; bind id ; wrapped blob. The AAD of the wrap is the record's first
 * four fields, so a record moved to another object (another bind id) or edited fails to
 * unwrap. A KMS mode fits the same shape later (mode "aws:kms", key id = the key ARN, the blob
 * = the KMS ciphertext). Keys are never logged. */
#ifndef STOCKTAKE_CRYPTO_KEYS_H
#define STOCKTAKE_CRYPTO_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KEYS_LEN 32
#define KEYS_ID_LEN 16
#define KEYS_ENV "STOCKTAKE_MASTER_KEY"
#define KEYS_DEFAULT_FILE "master.key"
#define KEYS_MODE_S3 "AES256"
#define KEYS_MODE_C "SSE-C"
#define KEYS_MODE_KMS "aws:kms"
#define KEYS_MODE_DSSE "aws:kms:dsse"

struct keys_master {
    uint8_t key[KEYS_LEN];
    char id[KEYS_ID_LEN + 1];
};

/* A master key from 64 hex characters (surrounding whitespace allowed). */
int keys_master_from_hex(const char *hex, struct keys_master *out) WARN_UNUSED;

/* The server's master key: $STOCKTAKE_MASTER_KEY, else the file at path (NULL: data_dir/
 * master.key), created 0600 with a random key when missing (*created set; the caller warns
 * that the key should live apart from the data). */
int keys_master_load(const char *path, const char *data_dir, struct keys_master *out,
                     int *created) WARN_UNUSED;

/* The key in the file at path, created 0600 with a random key when missing (*created set). */
int keys_master_file(const char *path, struct keys_master *out, int *created) WARN_UNUSED;

/* The data directory remembers the id of the master key it was first served with
 * (data_dir/master-key.id); a different key is refused (ERR_INVALID) so that a wrong key fails
 * at start, not on the first GET. */
int keys_master_check_dir(const struct keys_master *k, const char *data_dir) WARN_UNUSED;

/* Record k as the data directory's master key (after a rotation). */
int keys_master_record_dir(const struct keys_master *k, const char *data_dir) WARN_UNUSED;

/* The process-wide master key the object layer wraps and unwraps with (NULL: none loaded). */
void keys_master_install(const struct keys_master *k);
const struct keys_master *keys_master_current(void);

/* A fresh random data key. */
void keys_data_new(uint8_t dk[KEYS_LEN]);

/* Wrap dk with k for the object bound by bind_id; *record is malloc'd. */
int keys_wrap(const struct keys_master *k, const char *bind_id, const uint8_t dk[KEYS_LEN],
              char **record) WARN_UNUSED;

/* Unwrap record with k; bind_id (NULL: not checked) must be the one it was wrapped for.
 * ERR_INVALID for a malformed record, another master key or a failed authentication. */
int keys_unwrap(const struct keys_master *k, const char *record, const char *bind_id,
                uint8_t dk[KEYS_LEN]) WARN_UNUSED;

/* Master-key rotation: an SSE-S3 record under `from` re-wrapped under `to` (same data key,
 * same bind id) into *out; *out NULL for a record to keep (another mode, or already under
 * `to`); ERR_INVALID for one under neither key. */
int keys_rewrap(const struct keys_master *from, const struct keys_master *to, const char *record,
                char **out) WARN_UNUSED;

/* SSE-C: dk wrapped under the customer's key ck; the record's key id field is a salted HMAC
 * of ck (hex salt "." hex HMAC-SHA256(ck, label | salt)), which verifies the next key given
 * without storing ck:
 *     1;SSE-C;<salt>.<verifier>;<bind id>;<hex of nonce | wrapped key | tag> */
int keys_wrap_customer(const uint8_t ck[KEYS_LEN], const char *bind_id, const uint8_t dk[KEYS_LEN],
                       char **record) WARN_UNUSED;
/* 1 when ck is the key an SSE-C record was made with. */
int keys_customer_matches(const uint8_t ck[KEYS_LEN], const char *record);
/* Unwrap an SSE-C record: ERR_DENIED when ck is not its key, ERR_INVALID when malformed. */
int keys_unwrap_customer(const uint8_t ck[KEYS_LEN], const char *record, const char *bind_id,
                         uint8_t dk[KEYS_LEN]) WARN_UNUSED;

/* The record's mode ("AES256", "SSE-C"), into out; "" for a NULL/empty or malformed record. */
void keys_record_mode(const char *record, char *out, size_t size);
/* The id a record was sealed for (its fourth field: the blob or upload id), into out; ""
 * for a NULL/empty or malformed record or one that does not fit. */
void keys_record_bind(const char *record, char *out, size_t size);

/* A per-blob segment key: HMAC-SHA256(dk, "stocktake-seg-v1" | blob id), so that no two blobs
 * share a (key, nonce) pair even when they share a data key (the parts of one upload). */
void keys_blob_key(const uint8_t dk[KEYS_LEN], const char *blob_id, uint8_t out[KEYS_LEN]);

#endif
