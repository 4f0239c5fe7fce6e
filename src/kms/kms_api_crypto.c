/* kms_api_crypto.c — the cryptographic operations of the JSON API: Encrypt, Decrypt,
 * GenerateDataKey and GenerateDataKeyWithoutPlaintext (symmetric keys; the encryption
 * context is the blob's AAD, kms_blob.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "kms/kms_api_int.h"

#define KMS_DATA_KEY_MAX 1024

static void kms_wipe_free(uint8_t *p, size_t n)
{
    if (p)
        memset(p, 0, n);
    free(p);
}

enum kms_error kms_op_encrypt(struct kms_call *k)
{
    const char *ref;
    uint8_t *plain = NULL, *blob = NULL;
    size_t plain_len = 0, blob_len = 0;
    char *ctx = NULL, arn[200];
    enum kms_error e = kms_arg_str(k, "KeyId", 1, &ref);
    if (!e)
        e = kms_arg_only(k, "EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    if (!e)
        e = kms_arg_blob(k, "Plaintext", KMS_BLOB_MAX_PLAIN, &plain, &plain_len);
    if (!e)
        e = kms_arg_ctx(k, &ctx);
    if (!e)
        e = kms_encrypt(k->c, ref, "kms:Encrypt", plain, plain_len, ctx, &blob, &blob_len, arn,
                        sizeof(arn), k->msg, sizeof(k->msg));
    if (!e) {
        kms_resp_blob(k, "CiphertextBlob", blob, blob_len);
        json_object_set_new(k->resp, "KeyId", json_string(arn));
        json_object_set_new(k->resp, "EncryptionAlgorithm", json_string("SYMMETRIC_DEFAULT"));
    }
    kms_wipe_free(plain, plain_len);
    free(blob);
    free(ctx);
    return e;
}

enum kms_error kms_op_decrypt(struct kms_call *k)
{
    const char *ref;
    uint8_t *plain = NULL, *blob = NULL;
    size_t plain_len = 0, blob_len = 0;
    char *ctx = NULL, arn[200];
    enum kms_error e = kms_arg_str(k, "KeyId", 0, &ref);
    if (!e)
        e = kms_arg_only(k, "EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    if (!e)
        e = kms_arg_blob(k, "CiphertextBlob", KMS_BLOB_HDR + KMS_BLOB_MAX_PLAIN, &blob, &blob_len);
    if (!e)
        e = kms_arg_ctx(k, &ctx);
    if (!e)
        e = kms_decrypt(k->c, ref, blob, blob_len, ctx, &plain, &plain_len, arn, sizeof(arn),
                        k->msg, sizeof(k->msg));
    if (!e) {
        json_object_set_new(k->resp, "KeyId", json_string(arn));
        kms_resp_blob(k, "Plaintext", plain, plain_len);
        json_object_set_new(k->resp, "EncryptionAlgorithm", json_string("SYMMETRIC_DEFAULT"));
    }
    kms_wipe_free(plain, plain_len);
    free(blob);
    free(ctx);
    return e;
}

/* KeySpec (AES_256 | AES_128) or NumberOfBytes (1..1024): exactly one. */
static enum kms_error kms_data_key_size(struct kms_call *k, size_t *out)
{
    const char *spec;
    long n = 0;
    int present;
    enum kms_error e = kms_arg_str(k, "KeySpec", 0, &spec);
    if (!e)
        e = kms_arg_int(k, "NumberOfBytes", 1, KMS_DATA_KEY_MAX, &n, &present);
    if (e)
        return e;
    if (!spec == !present) {
        snprintf(k->msg, sizeof(k->msg), "Please specify either number of bytes or key spec.");
        return KMS_E_INVALID;
    }
    if (spec && strcmp(spec, "AES_256") != 0 && strcmp(spec, "AES_128") != 0) {
        snprintf(k->msg, sizeof(k->msg),
                 "1 validation error detected: Value '%s' at 'keySpec' failed to satisfy "
                 "constraint: Member must satisfy enum value set: [AES_256, AES_128]",
                 spec);
        return KMS_E_INVALID;
    }
    *out = spec ? (strcmp(spec, "AES_256") == 0 ? 32 : 16) : (size_t)n;
    return KMS_OK;
}

static enum kms_error kms_data_key(struct kms_call *k, const char *action, int with_plain)
{
    const char *ref;
    size_t n = 0, blob_len = 0;
    uint8_t plain[KMS_DATA_KEY_MAX], *blob = NULL;
    char *ctx = NULL, arn[200];
    enum kms_error e = kms_arg_str(k, "KeyId", 1, &ref);
    if (!e)
        e = kms_data_key_size(k, &n);
    if (!e)
        e = kms_arg_ctx(k, &ctx);
    if (!e) {
        hash_random(plain, n);
        e = kms_encrypt(k->c, ref, action, plain, n, ctx, &blob, &blob_len, arn, sizeof(arn),
                        k->msg, sizeof(k->msg));
    }
    if (!e) {
        kms_resp_blob(k, "CiphertextBlob", blob, blob_len);
        if (with_plain)
            kms_resp_blob(k, "Plaintext", plain, n);
        json_object_set_new(k->resp, "KeyId", json_string(arn));
    }
    memset(plain, 0, sizeof(plain));
    free(blob);
    free(ctx);
    return e;
}

enum kms_error kms_op_generate_data_key(struct kms_call *k)
{
    return kms_data_key(k, "kms:GenerateDataKey", 1);
}

enum kms_error kms_op_generate_data_key_without_plaintext(struct kms_call *k)
{
    return kms_data_key(k, "kms:GenerateDataKeyWithoutPlaintext", 0);
}
