/* kms_blob.c — seal and open KMS ciphertext blobs (AES-256-GCM, see kms_blob.h). */
#include "kms/kms_blob.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t kms_blob_magic[4] = {'S', 'K', 'B', '1'};

static int kms_blob_gcm(int enc, const uint8_t key[32], const uint8_t nonce[12], const char *aad,
                        const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c)
        return ERR_NOMEM;
    int n = 0, ok = EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce, enc) == 1;
    size_t alen = aad ? strlen(aad) : 0;
    if (ok && alen)
        ok = EVP_CipherUpdate(c, NULL, &n, (const uint8_t *)aad, (int)alen) == 1;
    if (ok && len)
        ok = EVP_CipherUpdate(c, out, &n, in, (int)len) == 1;
    if (ok && !enc)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1;
    if (ok)
        ok = EVP_CipherFinal_ex(c, out + (len ? n : 0), &n) == 1;
    if (ok && enc)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
    EVP_CIPHER_CTX_free(c);
    if (!ok) {
        err_set("kms: ciphertext does not open under this key and context");
        return ERR_INVALID;
    }
    return 0;
}

/* AAD = hex of the header before the tag (key id, version, nonce), then the context. */
static char *kms_blob_aad(const uint8_t *hdr, const char *aad)
{
    size_t h = KMS_BLOB_HDR - 16, alen = aad ? strlen(aad) : 0;
    char *full = malloc(2 * h + alen + 1);
    if (!full)
        return NULL;
    for (size_t i = 0; i < h; i++) {
        full[2 * i] = "0123456789abcdef"[hdr[i] >> 4];
        full[2 * i + 1] = "0123456789abcdef"[hdr[i] & 15];
    }
    memcpy(full + 2 * h, aad ? aad : "", alen + 1);
    return full;
}

int kms_blob_seal(const uint8_t material[32], const char *key_id, uint32_t version,
                  const uint8_t *plain, size_t plain_len, const char *aad, uint8_t **out,
                  size_t *out_len)
{
    if (strlen(key_id) != KMS_KEY_ID_LEN || plain_len > KMS_BLOB_MAX_PLAIN) {
        err_set("kms: bad key id or plaintext over %d bytes", KMS_BLOB_MAX_PLAIN);
        return ERR_INVALID;
    }
    uint8_t *b = malloc(KMS_BLOB_HDR + plain_len + 1);
    if (!b)
        return ERR_NOMEM;
    memcpy(b, kms_blob_magic, 4);
    memcpy(b + 4, key_id, KMS_KEY_ID_LEN);
    uint8_t *v = b + 4 + KMS_KEY_ID_LEN;
    v[0] = (uint8_t)(version >> 24), v[1] = (uint8_t)(version >> 16);
    v[2] = (uint8_t)(version >> 8), v[3] = (uint8_t)version;
    uint8_t *nonce = v + 4, *tag = nonce + 12;
    if (RAND_bytes(nonce, 12) != 1) {
        free(b);
        err_set("kms: no randomness");
        return ERR_IO;
    }
    char *full = kms_blob_aad(b, aad);
    if (!full) {
        free(b);
        return ERR_NOMEM;
    }
    int rc = kms_blob_gcm(1, material, nonce, full, plain, plain_len, b + KMS_BLOB_HDR, tag);
    free(full);
    if (rc) {
        free(b);
        return rc;
    }
    *out = b;
    *out_len = KMS_BLOB_HDR + plain_len;
    return 0;
}

int kms_blob_peek(const uint8_t *blob, size_t len, struct kms_blob_ref *ref)
{
    if (len < KMS_BLOB_HDR || len > KMS_BLOB_HDR + KMS_BLOB_MAX_PLAIN ||
        memcmp(blob, kms_blob_magic, 4)) {
        err_set("kms: not a ciphertext blob");
        return ERR_INVALID;
    }
    for (size_t i = 0; i < KMS_KEY_ID_LEN; i++) {
        uint8_t c = blob[4 + i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-')) {
            err_set("kms: not a ciphertext blob");
            return ERR_INVALID;
        }
        ref->key_id[i] = (char)c;
    }
    ref->key_id[KMS_KEY_ID_LEN] = 0;
    const uint8_t *v = blob + 4 + KMS_KEY_ID_LEN;
    ref->version = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
    return 0;
}

int kms_blob_open(const uint8_t material[32], const uint8_t *blob, size_t len, const char *aad,
                  uint8_t **plain, size_t *plain_len)
{
    struct kms_blob_ref ref;
    int rc = kms_blob_peek(blob, len, &ref);
    if (rc)
        return rc;
    size_t n = len - KMS_BLOB_HDR;
    uint8_t *p = malloc(n + 1);
    char *full = kms_blob_aad(blob, aad);
    if (!p || !full) {
        free(p);
        free(full);
        return ERR_NOMEM;
    }
    uint8_t tag[16];
    memcpy(tag, blob + KMS_BLOB_HDR - 16, 16);
    rc = kms_blob_gcm(0, material, blob + 4 + KMS_KEY_ID_LEN + 4, full, blob + KMS_BLOB_HDR, n, p,
                      tag);
    free(full);
    if (rc) {
        free(p);
        return rc;
    }
    *plain = p;
    *plain_len = n;
    return 0;
}
