/* keys.c — master key loading and data-key wrapping (see keys.h). */
#include "crypto/keys.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fsperm.h"
#include "core/hash.h"

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
    char def[PATH_MAX];
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
    return keys_master_file(path, out, created);
}

int keys_master_file(const char *path, struct keys_master *out, int *created)
{
    char text[256];
    *created = 0;
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

int keys_master_record_dir(const struct keys_master *k, const char *data_dir)
{
    char path[PATH_MAX], line[KEYS_ID_LEN + 2];
    snprintf(path, sizeof(path), "%s/%s", data_dir, KEYS_ID_FILE);
    snprintf(line, sizeof(line), "%s\n", k->id);
    return keys_write_file(path, line);
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
