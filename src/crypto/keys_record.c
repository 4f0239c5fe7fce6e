/* keys_record.c — data-key records: wrapping under the master key (SSE-S3) or a customer's key
 * (SSE-C), unwrapping, and the per-blob segment key (see keys.h). */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "crypto/keys.h"

#define KEYS_NONCE_LEN 12
#define KEYS_TAG_LEN 16
#define KEYS_WRAPPED_LEN (KEYS_NONCE_LEN + KEYS_LEN + KEYS_TAG_LEN)
#define KEYS_SALT_LEN 16

/* AES-256-GCM of KEYS_LEN bytes with aad; enc 1 seals (tag written), 0 opens (tag checked). */
static int keys_gcm(int enc, const uint8_t *key, const uint8_t *nonce, const char *aad,
                    const uint8_t *in, uint8_t *out, uint8_t *tag)
{
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int outl = 0, ok = x != NULL;
    ok = ok && EVP_CipherInit_ex(x, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IVLEN, KEYS_NONCE_LEN, NULL) == 1;
    ok = ok && EVP_CipherInit_ex(x, NULL, NULL, key, nonce, enc) == 1;
    ok = ok && EVP_CipherUpdate(x, NULL, &outl, (const uint8_t *)aad, (int)strlen(aad)) == 1;
    ok = ok && EVP_CipherUpdate(x, out, &outl, in, KEYS_LEN) == 1;
    if (ok && !enc)
        ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, KEYS_TAG_LEN, tag) == 1;
    ok = ok && EVP_CipherFinal_ex(x, out + KEYS_LEN, &outl) == 1;
    if (ok && enc)
        ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, KEYS_TAG_LEN, tag) == 1;
    EVP_CIPHER_CTX_free(x);
    return ok ? 0 : ERR_INVALID;
}

/* "1;mode;key id;bind id;hex(nonce | wrapped | tag)", wrapped under wkey. */
static int keys_record_wrap(const char *mode, const char *kid, const uint8_t *wkey,
                            const char *bind_id, const uint8_t dk[KEYS_LEN], char **record)
{
    if (strchr(bind_id, ';')) {
        err_set("a key record's bind id has no ';'");
        return ERR_INVALID;
    }
    size_t alen = strlen(bind_id) + strlen(kid) + strlen(mode) + 8;
    char *aad = xmalloc(alen);
    snprintf(aad, alen, "1;%s;%s;%s", mode, kid, bind_id);
    uint8_t wrapped[KEYS_WRAPPED_LEN];
    hash_random(wrapped, KEYS_NONCE_LEN);
    int rc = keys_gcm(1, wkey, wrapped, aad, dk, wrapped + KEYS_NONCE_LEN,
                      wrapped + KEYS_NONCE_LEN + KEYS_LEN);
    if (rc) {
        err_set("could not wrap a data key");
        free(aad);
        return rc;
    }
    size_t n = strlen(aad) + 2 * KEYS_WRAPPED_LEN + 2;
    *record = xmalloc(n);
    size_t at = (size_t)snprintf(*record, n, "%s;", aad);
    hash_hex(wrapped, KEYS_WRAPPED_LEN, *record + at);
    free(aad);
    return 0;
}

int keys_wrap(const struct keys_master *k, const char *bind_id, const uint8_t dk[KEYS_LEN],
              char **record)
{
    return keys_record_wrap(KEYS_MODE_S3, k->id, k->key, bind_id, dk, record);
}

/* The SSE-C key id field: hex(salt) "." hex(HMAC-SHA256(customer key, label | salt)). */
static void keys_customer_verifier(const uint8_t ck[KEYS_LEN], const uint8_t salt[KEYS_SALT_LEN],
                                   char *out)
{
    uint8_t msg[32 + KEYS_SALT_LEN], mac[SHA256_LEN];
    static const char label[] = "stocktake-ssec-verifier-v1";
    memcpy(msg, label, sizeof(label) - 1);
    memcpy(msg + sizeof(label) - 1, salt, KEYS_SALT_LEN);
    hash_hmac_sha256(ck, KEYS_LEN, msg, sizeof(label) - 1 + KEYS_SALT_LEN, mac);
    hash_hex(salt, KEYS_SALT_LEN, out);
    out[2 * KEYS_SALT_LEN] = '.';
    hash_hex(mac, SHA256_LEN, out + 2 * KEYS_SALT_LEN + 1);
}

int keys_wrap_customer(const uint8_t ck[KEYS_LEN], const char *bind_id, const uint8_t dk[KEYS_LEN],
                       char **record)
{
    uint8_t salt[KEYS_SALT_LEN];
    char kid[2 * KEYS_SALT_LEN + 2 * SHA256_LEN + 2];
    hash_random(salt, sizeof(salt));
    keys_customer_verifier(ck, salt, kid);
    return keys_record_wrap(KEYS_MODE_C, kid, ck, bind_id, dk, record);
}

/* Split record into its five fields (in place in copy); ERR_INVALID when malformed. */
static int keys_record_split(char *copy, char *f[5])
{
    int n = 0;
    char *p = copy;
    for (; n < 5; n++) {
        f[n] = p;
        char *semi = strchr(p, ';');
        if (!semi)
            break;
        *semi = '\0';
        p = semi + 1;
    }
    if (n != 4 || strcmp(f[0], "1") != 0) {
        err_set("malformed encryption record");
        return ERR_INVALID;
    }
    return 0;
}

/* Split record (a copy of it, in place) and check its bind id. */
static int keys_record_open(char *copy, const char *bind_id, char *f[5])
{
    int rc = keys_record_split(copy, f);
    if (!rc && bind_id && strcmp(f[3], bind_id) != 0) {
        err_set("encryption record bound to another object");
        rc = ERR_INVALID;
    }
    return rc;
}

/* Unwrap the split record's data key with wkey (the AAD: the first four fields as stored). */
static int keys_record_unwrap(char *f[5], const uint8_t *wkey, uint8_t dk[KEYS_LEN])
{
    uint8_t wrapped[KEYS_WRAPPED_LEN];
    if (strlen(f[4]) != 2 * KEYS_WRAPPED_LEN || hash_unhex(f[4], KEYS_WRAPPED_LEN, wrapped)) {
        err_set("malformed wrapped data key");
        return ERR_INVALID;
    }
    f[4][-1] = '\0';
    for (int i = 1; i < 4; i++)
        f[i][-1] = ';';
    uint8_t out[KEYS_LEN + 16];
    int rc = keys_gcm(0, wkey, wrapped, f[0], wrapped + KEYS_NONCE_LEN, out,
                      wrapped + KEYS_NONCE_LEN + KEYS_LEN);
    if (rc)
        err_set("data key failed authentication (wrong key or tampered record)");
    else
        memcpy(dk, out, KEYS_LEN);
    OPENSSL_cleanse(out, sizeof(out));
    return rc;
}

int keys_unwrap(const struct keys_master *k, const char *record, const char *bind_id,
                uint8_t dk[KEYS_LEN])
{
    char *copy = xstrdup(record ? record : ""), *f[5];
    int rc = keys_record_open(copy, bind_id, f);
    if (!rc && strcmp(f[1], KEYS_MODE_S3) != 0) {
        err_set("encryption mode %s needs another key", f[1]);
        rc = ERR_INVALID;
    }
    if (!rc && !k) {
        err_set("no master key is loaded");
        rc = ERR_INVALID;
    }
    if (!rc && strcmp(f[2], k->id) != 0) {
        err_set("wrong master key: the data key is wrapped under master key %s, this server's "
                "is %s",
                f[2], k->id);
        rc = ERR_INVALID;
    }
    if (!rc)
        rc = keys_record_unwrap(f, k->key, dk);
    free(copy);
    return rc;
}

int keys_customer_matches(const uint8_t ck[KEYS_LEN], const char *record)
{
    char *copy = xstrdup(record ? record : ""), *f[5];
    uint8_t salt[KEYS_SALT_LEN];
    char want[2 * KEYS_SALT_LEN + 2 * SHA256_LEN + 2];
    int ok = keys_record_split(copy, f) == 0 && strcmp(f[1], KEYS_MODE_C) == 0 &&
             strlen(f[2]) == sizeof(want) - 1 && hash_unhex(f[2], KEYS_SALT_LEN, salt) == 0;
    if (ok) {
        keys_customer_verifier(ck, salt, want);
        ok = hash_equal_ct(want, f[2]);
    }
    free(copy);
    return ok;
}

int keys_unwrap_customer(const uint8_t ck[KEYS_LEN], const char *record, const char *bind_id,
                         uint8_t dk[KEYS_LEN])
{
    if (!keys_customer_matches(ck, record)) {
        err_set("the customer key does not match the object's");
        return ERR_DENIED;
    }
    char *copy = xstrdup(record), *f[5];
    int rc = keys_record_open(copy, bind_id, f);
    if (!rc)
        rc = keys_record_unwrap(f, ck, dk);
    free(copy);
    return rc;
}

int keys_rewrap(const struct keys_master *from, const struct keys_master *to, const char *record,
                char **out)
{
    *out = NULL;
    char mode[16];
    keys_record_mode(record, mode, sizeof(mode));
    if (strcmp(mode, KEYS_MODE_KMS) == 0 || strcmp(mode, KEYS_MODE_DSSE) == 0)
        return 0; /* SSE-KMS: the KMS key material, not the master key, protects it */
    char *copy = xstrdup(record ? record : ""), *f[5];
    int rc = keys_record_open(copy, NULL, f);
    if (rc || strcmp(f[1], KEYS_MODE_S3) != 0 || strcmp(f[2], to->id) == 0) {
        free(copy);
        return rc == ERR_INVALID && strcmp(record ? record : "", "") != 0 ? rc : 0;
    }
    uint8_t dk[KEYS_LEN];
    rc = keys_unwrap(from, record, NULL, dk);
    if (!rc)
        rc = keys_wrap(to, f[3], dk, out);
    OPENSSL_cleanse(dk, sizeof(dk));
    free(copy);
    return rc;
}

void keys_record_mode(const char *record, char *out, size_t size)
{
    out[0] = '\0';
    if (!record || strncmp(record, "1;", 2) != 0)
        return;
    size_t n = strcspn(record + 2, ";");
    if (record[2 + n] == ';' && n < size) {
        memcpy(out, record + 2, n);
        out[n] = '\0';
    }
}

void keys_record_bind(const char *record, char *out, size_t size)
{
    out[0] = '\0';
    if (!record || strncmp(record, "1;", 2) != 0)
        return;
    const char *p = record + 2;
    for (int field = 1; field < 3; field++) { /* past the mode and the key id */
        p = strchr(p, ';');
        if (!p)
            return;
        p++;
    }
    size_t n = strcspn(p, ";");
    if (p[n] == ';' && n < size) {
        memcpy(out, p, n);
        out[n] = '\0';
    }
}

void keys_blob_key(const uint8_t dk[KEYS_LEN], const char *blob_id, uint8_t out[KEYS_LEN])
{
    char msg[128];
    int n = snprintf(msg, sizeof(msg), "stocktake-seg-v1|%s", blob_id);
    hash_hmac_sha256(dk, KEYS_LEN, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1, out);
}
