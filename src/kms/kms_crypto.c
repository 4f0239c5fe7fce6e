/* kms_crypto.c — Encrypt / Decrypt under a key's backing versions, and the data-key C API for
 * SSE-KMS (kms.h). Ciphertexts are kms_blob.h blobs: they name their key id and version, so
 * a rotated key still opens its old ciphertexts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/keys.h"
#include "kms/kms.h"

enum kms_error kms_encrypt(const struct kms_caller *c, const char *ref, const char *action,
                           const uint8_t *plain, size_t plain_len, const char *ctx, uint8_t **blob,
                           size_t *blob_len, char *key_arn, size_t arn_size, char *msg,
                           size_t msg_size)
{
    struct meta_kms_key k;
    enum kms_error e = kms_key_open(c, ref, action, &k, msg, msg_size);
    if (e)
        return e;
    e = kms_key_usable(&k, msg, msg_size);
    if (!e)
        e = kms_rotation_apply_due(c, &k, msg, msg_size);
    uint8_t material[32];
    if (!e)
        e = kms_material_get(c, &k, k.current_version, material, msg, msg_size);
    if (!e && kms_blob_seal(material, k.key_id, k.current_version, plain, plain_len, ctx, blob,
                            blob_len)) {
        snprintf(msg, msg_size, "%s", err_msg());
        e = KMS_E_INTERNAL;
    }
    memset(material, 0, sizeof(material));
    if (!e && key_arn)
        snprintf(key_arn, arn_size, "%s", k.arn);
    meta_kms_key_clear(&k);
    return e;
}

/* The key a blob names, checked against ref (when given) and the caller's kms:Decrypt. */
static enum kms_error kms_decrypt_key(const struct kms_caller *c, const char *ref,
                                      const struct kms_blob_ref *br, struct meta_kms_key *k,
                                      char *msg, size_t msg_size)
{
    int rc = meta_kms_key_get(c->meta, br->key_id, k);
    if (!rc && kms_key_deleted(k)) {
        meta_kms_key_clear(k);
        rc = ERR_NOTFOUND;
    }
    if (rc == ERR_NOTFOUND) {
        snprintf(msg, msg_size, "The ciphertext refers to a key that does not exist");
        return KMS_E_INVALID_CIPHERTEXT;
    }
    if (rc) {
        snprintf(msg, msg_size, "%s", err_msg());
        return KMS_E_INTERNAL;
    }
    char arn[sizeof(k->arn)];
    snprintf(arn, sizeof(arn), "%s", k->arn);
    meta_kms_key_clear(k);
    enum kms_error e = kms_key_open(c, arn, "kms:Decrypt", k, msg, msg_size);
    if (e == KMS_E_NOT_FOUND) /* another account's key, named by id only */
        e = KMS_E_DENIED;
    if (e || !ref)
        return e;
    struct meta_kms_key named;
    e = (enum kms_error)kms_key_find(c, ref, &named, msg, msg_size);
    if (!e && strcmp(named.key_id, k->key_id) != 0) {
        snprintf(msg, msg_size,
                 "The key ID in the request does not identify the key the "
                 "ciphertext was encrypted under");
        e = KMS_E_INCORRECT_KEY;
    }
    meta_kms_key_clear(&named);
    if (e)
        meta_kms_key_clear(k);
    return e;
}

enum kms_error kms_decrypt(const struct kms_caller *c, const char *ref, const uint8_t *blob,
                           size_t blob_len, const char *ctx, uint8_t **plain, size_t *plain_len,
                           char *key_arn, size_t arn_size, char *msg, size_t msg_size)
{
    struct kms_blob_ref br;
    if (kms_blob_peek(blob, blob_len, &br)) {
        snprintf(msg, msg_size, "The ciphertext is not a valid ciphertext blob");
        return KMS_E_INVALID_CIPHERTEXT;
    }
    struct meta_kms_key k;
    enum kms_error e = kms_decrypt_key(c, ref, &br, &k, msg, msg_size);
    if (e)
        return e;
    e = kms_key_usable(&k, msg, msg_size);
    uint8_t material[32];
    if (!e)
        e = kms_material_get(c, &k, br.version, material, msg, msg_size);
    if (!e && kms_blob_open(material, blob, blob_len, ctx, plain, plain_len)) {
        snprintf(msg, msg_size,
                 "The ciphertext does not open under this key and encryption "
                 "context");
        e = KMS_E_INVALID_CIPHERTEXT;
    }
    memset(material, 0, sizeof(material));
    if (!e && key_arn)
        snprintf(key_arn, arn_size, "%s", k.arn);
    meta_kms_key_clear(&k);
    return e;
}

enum kms_error kms_data_key_generate(const struct kms_caller *c, const char *ref,
                                     const char *context_json, uint8_t plain[32], uint8_t **blob,
                                     size_t *blob_len, char *key_arn, size_t arn_size)
{
    char msg[512], *ctx = NULL;
    if (kms_ctx_canon(context_json, context_json ? strlen(context_json) : 0, &ctx))
        return KMS_E_INVALID;
    keys_data_new(plain);
    enum kms_error e = kms_encrypt(c, ref, "kms:GenerateDataKey", plain, 32, ctx, blob, blob_len,
                                   key_arn, arn_size, msg, sizeof(msg));
    free(ctx);
    if (e) {
        memset(plain, 0, 32);
        err_set("%s", msg);
    }
    return e;
}

enum kms_error kms_data_key_decrypt(const struct kms_caller *c, const uint8_t *blob,
                                    size_t blob_len, const char *context_json, uint8_t plain[32])
{
    char msg[512], *ctx = NULL;
    if (kms_ctx_canon(context_json, context_json ? strlen(context_json) : 0, &ctx))
        return KMS_E_INVALID;
    uint8_t *p = NULL;
    size_t n = 0;
    enum kms_error e = kms_decrypt(c, NULL, blob, blob_len, ctx, &p, &n, NULL, 0, msg, sizeof(msg));
    free(ctx);
    if (!e && n != 32) {
        snprintf(msg, sizeof(msg), "The ciphertext does not hold a 256-bit data key");
        e = KMS_E_INVALID_CIPHERTEXT;
    }
    if (!e)
        memcpy(plain, p, 32);
    if (p) {
        memset(p, 0, n);
        free(p);
    }
    if (e)
        err_set("%s", msg);
    return e;
}
