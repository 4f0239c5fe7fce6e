/* keys.c — master key loading and data-key wrapping (see keys.h). */
#include "crypto/keys.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/fsperm.h"
#include "core/hash.h"

#define KEYS_NONCE_LEN 12
#define KEYS_TAG_LEN 16
#define KEYS_WRAPPED_LEN (KEYS_NONCE_LEN + KEYS_LEN + KEYS_TAG_LEN)
#define KEYS_ID_FILE "master-key.id"

static struct keys_master keys_installed;
static int keys_have_installed;

static void keys_master_set_id(struct keys_master *k)
{
    static const char label[] = "stocktake master key id";
    uint8_t mac[SHA256_LEN];
    hash_hmac_sha256(k->key, KEYS_LEN, label, sizeof(label) - 1, mac);
    hash_hex(mac, KEYS_ID_LEN / 2, k->id);
}

int keys_master_from_hex(const char *hex, struct keys_master *out)
{
    while (isspace((unsigned char)*hex))
        hex++;
    size_t n = strlen(hex);
    while (n && isspace((unsigned char)hex[n - 1]))
        n--;
    if (n != 2 * KEYS_LEN || hash_unhex(hex, KEYS_LEN, out->key)) {
        err_set("a master key is %d hex characters", 2 * KEYS_LEN);
        return ERR_INVALID;
    }
    keys_master_set_id(out);
    return 0;
}

static int keys_fsync_dir_of(const char *path)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof(copy), "%s", path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ERR_IO;
    int rc = fsync(fd) ? ERR_IO : 0;
    close(fd);
    return rc;
}

/* Write text to path durably (temp 0600, fsync, rename, fsync the folder). */
static int keys_write_file(const char *path, const char *text)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, FSPERM_FILE_MODE);
    if (fd < 0) {
        err_set("cannot create %s: %s", tmp, strerror(errno));
        return ERR_IO;
    }
    size_t len = strlen(text);
    int ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0 || keys_fsync_dir_of(path)) {
        err_set("cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return ERR_IO;
    }
    return 0;
}

static int keys_read_file(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
    size_t n = fread(buf, 1, size - 1, f);
    int bad = ferror(f);
    fclose(f);
    buf[n] = '\0';
    if (bad) {
        err_set("cannot read %s", path);
        return ERR_IO;
    }
    return 0;
}

static int keys_master_create(const char *path, struct keys_master *out)
{
    char hex[2 * KEYS_LEN + 2];
    hash_random(out->key, KEYS_LEN);
    hash_hex(out->key, KEYS_LEN, hex);
    hex[2 * KEYS_LEN] = '\n';
    hex[2 * KEYS_LEN + 1] = '\0';
    int rc = keys_write_file(path, hex);
    OPENSSL_cleanse(hex, sizeof(hex));
    if (!rc)
        keys_master_set_id(out);
    return rc;
}

int keys_master_load(const char *path, const char *data_dir, struct keys_master *out, int *created)
{
    char def[PATH_MAX], text[256];
    *created = 0;
    const char *env = getenv(KEYS_ENV);
    if (env && *env) {
        int rc = keys_master_from_hex(env, out);
        if (rc)
            err_set("%s: a master key is %d hex characters", KEYS_ENV, 2 * KEYS_LEN);
        return rc;
    }
    if (!path) {
        snprintf(def, sizeof(def), "%s/%s", data_dir, KEYS_DEFAULT_FILE);
        path = def;
    }
    int rc = keys_read_file(path, text, sizeof(text));
    if (rc == ERR_NOTFOUND) {
        *created = 1;
        return keys_master_create(path, out);
    }
    if (rc)
        return rc;
    rc = keys_master_from_hex(text, out);
    OPENSSL_cleanse(text, sizeof(text));
    if (rc)
        err_set("%s: a master key file holds %d hex characters", path, 2 * KEYS_LEN);
    else if (fsperm_file(path, 0))
        rc = ERR_IO;
    return rc;
}

int keys_master_check_dir(const struct keys_master *k, const char *data_dir)
{
    char path[PATH_MAX], text[64], line[KEYS_ID_LEN + 2];
    snprintf(path, sizeof(path), "%s/%s", data_dir, KEYS_ID_FILE);
    int rc = keys_read_file(path, text, sizeof(text));
    if (rc == ERR_NOTFOUND) {
        snprintf(line, sizeof(line), "%s\n", k->id);
        return keys_write_file(path, line);
    }
    if (rc)
        return rc;
    text[strcspn(text, "\r\n")] = '\0';
    if (strcmp(text, k->id) != 0) {
        err_set("wrong master key: this data directory's objects are encrypted under master key "
                "%s, the key given has id %s",
                text, k->id);
        return ERR_INVALID;
    }
    return 0;
}

void keys_master_install(const struct keys_master *k)
{
    if (k)
        keys_installed = *k;
    else
        OPENSSL_cleanse(&keys_installed, sizeof(keys_installed));
    keys_have_installed = k != NULL;
}

const struct keys_master *keys_master_current(void)
{
    return keys_have_installed ? &keys_installed : NULL;
}

void keys_data_new(uint8_t dk[KEYS_LEN])
{
    hash_random(dk, KEYS_LEN);
}

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

int keys_wrap(const struct keys_master *k, const char *bind_id, const uint8_t dk[KEYS_LEN],
              char **record)
{
    if (strchr(bind_id, ';')) {
        err_set("a key record's bind id has no ';'");
        return ERR_INVALID;
    }
    size_t alen = strlen(bind_id) + 64;
    char *aad = xmalloc(alen);
    snprintf(aad, alen, "1;%s;%s;%s", KEYS_MODE_S3, k->id, bind_id);
    uint8_t wrapped[KEYS_WRAPPED_LEN];
    hash_random(wrapped, KEYS_NONCE_LEN);
    int rc = keys_gcm(1, k->key, wrapped, aad, dk, wrapped + KEYS_NONCE_LEN,
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

int keys_unwrap(const struct keys_master *k, const char *record, const char *bind_id,
                uint8_t dk[KEYS_LEN])
{
    char *copy = xstrdup(record ? record : ""), *f[5];
    int rc = keys_record_split(copy, f);
    if (!rc && strcmp(f[1], KEYS_MODE_S3) != 0) {
        err_set("encryption mode %s is not supported", f[1]);
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
    if (!rc && bind_id && strcmp(f[3], bind_id) != 0) {
        err_set("encryption record bound to another object");
        rc = ERR_INVALID;
    }
    uint8_t wrapped[KEYS_WRAPPED_LEN];
    if (!rc &&
        (strlen(f[4]) != 2 * KEYS_WRAPPED_LEN || hash_unhex(f[4], KEYS_WRAPPED_LEN, wrapped))) {
        err_set("malformed wrapped data key");
        rc = ERR_INVALID;
    }
    if (!rc) {
        f[4][-1] = '\0';
        for (int i = 1; i < 4; i++)
            f[i][-1] = ';'; /* the AAD: the first four fields as stored */
        uint8_t out[KEYS_LEN + 16];
        rc = keys_gcm(0, k->key, wrapped, copy, wrapped + KEYS_NONCE_LEN, out,
                      wrapped + KEYS_NONCE_LEN + KEYS_LEN);
        if (rc)
            err_set("data key failed authentication (wrong master key or tampered record)");
        else
            memcpy(dk, out, KEYS_LEN);
        OPENSSL_cleanse(out, sizeof(out));
    }
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

void keys_blob_key(const uint8_t dk[KEYS_LEN], const char *blob_id, uint8_t out[KEYS_LEN])
{
    char msg[128];
    int n = snprintf(msg, sizeof(msg), "stocktake-seg-v1|%s", blob_id);
    hash_hmac_sha256(dk, KEYS_LEN, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1, out);
}
