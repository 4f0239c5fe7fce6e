/* test_keys.c — master keys and data-key records: wrap/unwrap round trip, a wrong master key,
 * a record bound to another object or edited, the key file created 0600 and read back, and the
 * data directory's key id check. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash.h"
#include "crypto/keys.h"
#include "harness.h"

static void keys_test_master(struct keys_master *k, char fill)
{
    char hex[2 * KEYS_LEN + 1];
    memset(hex, fill, 2 * KEYS_LEN);
    hex[2 * KEYS_LEN] = '\0';
    CHECK(keys_master_from_hex(hex, k) == 0);
}

TEST(keys_wrap_round_trip)
{
    struct keys_master k;
    keys_test_master(&k, 'a');
    uint8_t dk[KEYS_LEN], back[KEYS_LEN];
    keys_data_new(dk);
    char *rec = NULL;
    CHECK(keys_wrap(&k, "blob-1", dk, &rec) == 0);
    CHECK(rec && strncmp(rec, "1;AES256;", 9) == 0);
    CHECK(strstr(rec, k.id) != NULL);
    CHECK(keys_unwrap(&k, rec, "blob-1", back) == 0);
    CHECK(memcmp(dk, back, KEYS_LEN) == 0);
    CHECK(keys_unwrap(&k, rec, NULL, back) == 0);
    char mode[16];
    keys_record_mode(rec, mode, sizeof(mode));
    CHECK_STR(mode, "AES256");
    keys_record_mode(NULL, mode, sizeof(mode));
    CHECK_STR(mode, "");
    free(rec);
}

TEST(keys_wrap_is_randomized)
{
    struct keys_master k;
    keys_test_master(&k, '1');
    uint8_t dk[KEYS_LEN] = {0};
    char *a = NULL, *b = NULL;
    CHECK(keys_wrap(&k, "x", dk, &a) == 0);
    CHECK(keys_wrap(&k, "x", dk, &b) == 0);
    CHECK(a && b && strcmp(a, b) != 0);
    free(a);
    free(b);
}

TEST(keys_wrong_master_key)
{
    struct keys_master k, other;
    keys_test_master(&k, 'a');
    keys_test_master(&other, 'b');
    CHECK(strcmp(k.id, other.id) != 0);
    uint8_t dk[KEYS_LEN], back[KEYS_LEN];
    keys_data_new(dk);
    char *rec = NULL;
    CHECK(keys_wrap(&k, "blob-1", dk, &rec) == 0);
    CHECK(keys_unwrap(&other, rec, "blob-1", back) == ERR_INVALID);
    /* the same key id but other key bytes: authentication fails */
    memcpy(other.id, k.id, sizeof(k.id));
    CHECK(keys_unwrap(&other, rec, "blob-1", back) == ERR_INVALID);
    CHECK(keys_unwrap(NULL, rec, "blob-1", back) == ERR_INVALID);
    free(rec);
}

TEST(keys_tampered_or_moved_record)
{
    struct keys_master k;
    keys_test_master(&k, 'c');
    uint8_t dk[KEYS_LEN], back[KEYS_LEN];
    keys_data_new(dk);
    char *rec = NULL;
    CHECK(keys_wrap(&k, "blob-1", dk, &rec) == 0);
    CHECK(keys_unwrap(&k, rec, "blob-2", back) == ERR_INVALID);
    size_t n = strlen(rec);
    for (size_t i = 0; i < n; i++) {
        char *t = strdup(rec);
        t[i] = t[i] == '0' ? '1' : '0';
        CHECK(keys_unwrap(&k, t, NULL, back) != 0 || memcmp(back, dk, KEYS_LEN) != 0);
        free(t);
    }
    CHECK(keys_unwrap(&k, "", NULL, back) == ERR_INVALID);
    CHECK(keys_unwrap(&k, "1;AES256;x", NULL, back) == ERR_INVALID);
    CHECK(keys_unwrap(&k, "1;aws:kms;a;b;00", NULL, back) == ERR_INVALID);
    char *extra = malloc(n + 3);
    snprintf(extra, n + 3, "%s;0", rec);
    CHECK(keys_unwrap(&k, extra, NULL, back) == ERR_INVALID);
    free(extra);
    char *bad = NULL;
    CHECK(keys_wrap(&k, "a;b", dk, &bad) == ERR_INVALID);
    free(rec);
}

TEST(keys_master_hex)
{
    struct keys_master k;
    CHECK(keys_master_from_hex("abcd", &k) == ERR_INVALID);
    char hex[2 * KEYS_LEN + 4];
    memset(hex, 'g', 2 * KEYS_LEN);
    hex[2 * KEYS_LEN] = '\0';
    CHECK(keys_master_from_hex(hex, &k) == ERR_INVALID);
    memset(hex, 'F', 2 * KEYS_LEN);
    memcpy(hex + 2 * KEYS_LEN, " \n", 3);
    CHECK(keys_master_from_hex(hex, &k) == 0);
    CHECK(strlen(k.id) == KEYS_ID_LEN);
}

TEST(keys_master_file_created_and_reloaded)
{
    char dir[] = "/tmp/stocktake-keys-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    unsetenv(KEYS_ENV);
    struct keys_master a, b;
    int created = 0;
    CHECK(keys_master_load(NULL, dir, &a, &created) == 0);
    CHECK(created == 1);
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, KEYS_DEFAULT_FILE);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(keys_master_load(path, dir, &b, &created) == 0);
    CHECK(created == 0);
    CHECK(memcmp(a.key, b.key, KEYS_LEN) == 0 && strcmp(a.id, b.id) == 0);
    /* the directory remembers the first key's id and refuses another */
    CHECK(keys_master_check_dir(&a, dir) == 0);
    CHECK(keys_master_check_dir(&b, dir) == 0);
    struct keys_master other;
    keys_test_master(&other, 'd');
    CHECK(keys_master_check_dir(&other, dir) == ERR_INVALID);
    /* the environment wins over the file */
    setenv(KEYS_ENV, "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", 1);
    CHECK(keys_master_load(path, dir, &b, &created) == 0);
    CHECK(strcmp(b.id, other.id) == 0);
    setenv(KEYS_ENV, "short", 1);
    CHECK(keys_master_load(path, dir, &b, &created) == ERR_INVALID);
    unsetenv(KEYS_ENV);
    char idp[256];
    snprintf(idp, sizeof(idp), "%s/master-key.id", dir);
    unlink(idp);
    unlink(path);
    rmdir(dir);
}

TEST(keys_blob_keys_differ)
{
    uint8_t dk[KEYS_LEN] = {1}, a[KEYS_LEN], b[KEYS_LEN], a2[KEYS_LEN];
    keys_blob_key(dk, "blob-a", a);
    keys_blob_key(dk, "blob-b", b);
    keys_blob_key(dk, "blob-a", a2);
    CHECK(memcmp(a, b, KEYS_LEN) != 0);
    CHECK(memcmp(a, a2, KEYS_LEN) == 0);
}

TEST(keys_customer_wrap_verify)
{
    uint8_t ck[KEYS_LEN], other[KEYS_LEN], dk[KEYS_LEN], back[KEYS_LEN];
    for (int i = 0; i < KEYS_LEN; i++) {
        ck[i] = (uint8_t)(i + 1);
        other[i] = (uint8_t)(i + 2);
    }
    keys_data_new(dk);
    char *rec = NULL;
    CHECK(keys_wrap_customer(ck, "blob-c", dk, &rec) == 0);
    CHECK(rec && strncmp(rec, "1;SSE-C;", 8) == 0);
    char hex[2 * KEYS_LEN + 1];
    hash_hex(ck, KEYS_LEN, hex);
    CHECK(strstr(rec, hex) == NULL); /* the key is never stored */
    char mode[16];
    keys_record_mode(rec, mode, sizeof(mode));
    CHECK_STR(mode, KEYS_MODE_C);
    char bind[40];
    keys_record_bind(rec, bind, sizeof(bind));
    CHECK_STR(bind, "blob-c");
    keys_record_bind(rec, bind, 4); /* does not fit */
    CHECK_STR(bind, "");
    keys_record_bind("1;SSE-C;kid", bind, sizeof(bind));
    CHECK_STR(bind, "");
    keys_record_bind(NULL, bind, sizeof(bind));
    CHECK_STR(bind, "");
    CHECK(keys_customer_matches(ck, rec) == 1);
    CHECK(keys_customer_matches(other, rec) == 0);
    CHECK(keys_unwrap_customer(ck, rec, "blob-c", back) == 0 && memcmp(dk, back, KEYS_LEN) == 0);
    CHECK(keys_unwrap_customer(other, rec, "blob-c", back) == ERR_DENIED);
    CHECK(keys_unwrap_customer(ck, rec, "blob-d", back) == ERR_INVALID);
    struct keys_master k;
    keys_test_master(&k, 'a');
    CHECK(keys_unwrap(&k, rec, NULL, back) == ERR_INVALID);
    char *s3rec = NULL;
    CHECK(keys_wrap(&k, "blob-c", dk, &s3rec) == 0);
    CHECK(keys_customer_matches(ck, s3rec) == 0);
    char *a = NULL;
    CHECK(keys_wrap_customer(ck, "blob-c", dk, &a) == 0);
    CHECK(strcmp(a, rec) != 0); /* salted: the same key gives another verifier */
    free(a);
    free(s3rec);
    free(rec);
}

TEST(keys_rewrap_between_master_keys)
{
    struct keys_master a, b, c;
    keys_test_master(&a, 'a');
    keys_test_master(&b, 'b');
    keys_test_master(&c, 'c');
    uint8_t dk[KEYS_LEN], back[KEYS_LEN];
    keys_data_new(dk);
    char *rec = NULL, *out = NULL;
    CHECK(keys_wrap(&a, "blob-r", dk, &rec) == 0);
    CHECK(keys_rewrap(&a, &b, rec, &out) == 0 && out != NULL);
    CHECK(keys_unwrap(&b, out, "blob-r", back) == 0 && memcmp(dk, back, KEYS_LEN) == 0);
    CHECK(keys_unwrap(&a, out, "blob-r", back) == ERR_INVALID);
    char *again = NULL; /* already under the new key: kept */
    CHECK(keys_rewrap(&a, &b, out, &again) == 0 && again == NULL);
    CHECK(keys_rewrap(&c, &b, rec, &again) == ERR_INVALID); /* under neither key */
    uint8_t ck[KEYS_LEN] = {9};
    char *cust = NULL; /* SSE-C records are the customer's: kept */
    CHECK(keys_wrap_customer(ck, "blob-r", dk, &cust) == 0);
    CHECK(keys_rewrap(&a, &b, cust, &again) == 0 && again == NULL);
    CHECK(keys_rewrap(&a, &b, "garbage", &again) == ERR_INVALID);
    free(cust);
    free(out);
    free(rec);
}
