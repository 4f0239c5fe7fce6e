/* test_meta.c — the metadata backend conformance suite: every case runs through meta.h only,
 * on every backend in meta_test_backends; a new backend passes it before it is registered.
 * Covers accounts, access keys, buckets, bucket configuration documents, objects (put, get,
 * delete, null-version replacement, latest promotion) and scans. The SQLite-only part at the
 * end checks the schema version and migrations from older databases. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "meta/meta.h"
#include "meta/meta_sqlite_schema.h"

static const char *const meta_test_backends[] = {"sqlite"};
#define N_BACKENDS (sizeof(meta_test_backends) / sizeof(meta_test_backends[0]))

struct meta_fixture {
    char dir[64];
    struct meta_store *m;
};

static int fixture_open(struct meta_fixture *f, const char *backend);

/* 1 after opening a fresh store (a failure is recorded as a failed CHECK). */
static int fixture_start(struct meta_fixture *f, const char *backend)
{
    int rc = fixture_open(f, backend);
    CHECK(rc == 0);
    return 1;
}

static int fixture_open(struct meta_fixture *f, const char *backend)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/stocktake-meta-XXXXXX");
    f->m = NULL;
    if (!mkdtemp(f->dir))
        return -1;
    struct meta_config cfg = {backend, f->dir};
    return meta_open(&f->m, &cfg);
}

static void fixture_close(struct meta_fixture *f)
{
    meta_close(f->m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    CHECK(system(cmd) == 0);
}

static struct meta_bucket bucket_of(const char *name, const char *owner)
{
    struct meta_bucket b;
    memset(&b, 0, sizeof(b));
    snprintf(b.name, sizeof(b.name), "%s", name);
    snprintf(b.owner_id, sizeof(b.owner_id), "%s", owner);
    snprintf(b.region, sizeof(b.region), "us-east-1");
    b.created_ms = 1000;
    return b;
}

static struct meta_object object_of(const char *key, const char *version, const char *blob)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)key;
    snprintf(o.version_id, sizeof(o.version_id), "%s", version);
    snprintf(o.etag, sizeof(o.etag), "\"%s\"", blob);
    snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
    snprintf(o.owner_id, sizeof(o.owner_id), "111111111111");
    snprintf(o.blob_id, sizeof(o.blob_id), "%s", blob);
    o.size = (int64_t)strlen(blob);
    o.last_modified_ms = 2000;
    return o;
}

static int put_object(struct meta_store *m, const char *bucket, const char *key,
                      const char *version, const char *blob)
{
    struct meta_object o = object_of(key, version, blob);
    return meta_object_put(m, bucket, &o);
}

struct dead_probe {
    const char *blob;
    int seen;
};

static int dead_probe_cb(void *payload, const char *blob_id)
{
    struct dead_probe *d = payload;
    d->seen += strcmp(blob_id, d->blob) == 0;
    return 0;
}

/* Has a write or delete left blob to the collector (recorded dead)? */
static int blob_is_dead(struct meta_store *m, const char *blob)
{
    struct dead_probe d = {blob, 0};
    CHECK(meta_dead_blob_scan(m, INT64_MAX, 1000, dead_probe_cb, &d) == 0);
    return d.seen;
}

#define FOR_EACH_BACKEND(f)                                                                        \
    for (size_t bi_ = 0; bi_ < N_BACKENDS; bi_++)                                                  \
        for (int once_ = fixture_start(&(f), meta_test_backends[bi_]); once_;                      \
             once_ = 0, fixture_close(&(f)))

/* ---- accounts and keys ---- */

static int count_account(void *payload, const struct meta_account *a)
{
    (void)a;
    (*(int *)payload)++;
    return 0;
}

TEST(meta_conformance_accounts)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_account a = {"111111111111", "ab12", "alice", 5}, got;
        CHECK(meta_account_create(f.m, &a) == 0);
        CHECK(meta_account_create(f.m, &a) == ERR_EXISTS);
        CHECK(meta_account_get(f.m, "111111111111", &got) == 0);
        CHECK_STR(got.name, "alice");
        CHECK_STR(got.canonical_id, "ab12");
        CHECK(got.created_ms == 5);
        CHECK(meta_account_get(f.m, "999999999999", &got) == ERR_NOTFOUND);
        struct meta_account b = {"222222222222", "cd34", "bob", 6};
        CHECK(meta_account_create(f.m, &b) == 0);
        int n = 0;
        CHECK(meta_account_list(f.m, count_account, &n) == 0);
        CHECK(n == 2);
    }
}

static int count_key(void *payload, const struct meta_access_key *k)
{
    (void)k;
    (*(int *)payload)++;
    return 0;
}

TEST(meta_conformance_keys)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_account a = {"111111111111", "ab12", "alice", 5};
        CHECK(meta_account_create(f.m, &a) == 0);
        struct meta_access_key k, got;
        memset(&k, 0, sizeof(k));
        snprintf(k.access_key, sizeof(k.access_key), "AKIAEXAMPLE000001");
        snprintf(k.secret, sizeof(k.secret), "secret-secret-secret");
        snprintf(k.account_id, sizeof(k.account_id), "111111111111");
        CHECK(meta_key_create(f.m, &k) == 0);
        CHECK(meta_key_create(f.m, &k) == ERR_EXISTS);
        CHECK(meta_key_get(f.m, "AKIAEXAMPLE000001", &got) == 0);
        CHECK_STR(got.secret, "secret-secret-secret");
        CHECK_STR(got.account_id, "111111111111");
        CHECK(meta_key_get(f.m, "AKIANOSUCHKEY0000", &got) == ERR_NOTFOUND);
        int n = 0;
        CHECK(meta_key_list(f.m, count_key, &n) == 0);
        CHECK(n == 1);
    }
}

/* ---- buckets ---- */

struct names {
    char buf[256];
};

static int collect_bucket(void *payload, const struct meta_bucket *b)
{
    struct names *n = payload;
    size_t len = strlen(n->buf);
    snprintf(n->buf + len, sizeof(n->buf) - len, "%s|", b->name);
    return 0;
}

TEST(meta_conformance_buckets)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("beta", "111111111111"), got;
        CHECK(meta_bucket_create(f.m, &b) == 0);
        CHECK(meta_bucket_create(f.m, &b) == ERR_EXISTS);
        struct meta_bucket taken = bucket_of("beta", "222222222222");
        CHECK(meta_bucket_create(f.m, &taken) == ERR_EXISTS);
        struct meta_bucket a = bucket_of("alpha", "111111111111");
        struct meta_bucket c = bucket_of("gamma", "222222222222");
        CHECK(meta_bucket_create(f.m, &a) == 0);
        CHECK(meta_bucket_create(f.m, &c) == 0);
        CHECK(meta_bucket_get(f.m, "beta", &got) == 0);
        CHECK_STR(got.owner_id, "111111111111");
        CHECK_STR(got.region, "us-east-1");
        CHECK(got.versioning == META_UNVERSIONED);
        CHECK(meta_bucket_get(f.m, "nope", &got) == ERR_NOTFOUND);

        struct names all = {""}, mine = {""};
        CHECK(meta_bucket_list(f.m, NULL, collect_bucket, &all) == 0);
        CHECK_STR(all.buf, "alpha|beta|gamma|");
        CHECK(meta_bucket_list(f.m, "111111111111", collect_bucket, &mine) == 0);
        CHECK_STR(mine.buf, "alpha|beta|");

        CHECK(meta_bucket_set_versioning(f.m, "beta", META_VERSIONING_ENABLED) == 0);
        CHECK(meta_bucket_get(f.m, "beta", &got) == 0);
        CHECK(got.versioning == META_VERSIONING_ENABLED);
        CHECK(meta_bucket_set_versioning(f.m, "nope", META_VERSIONING_ENABLED) == ERR_NOTFOUND);

        CHECK(put_object(f.m, "beta", "k", "null", "blob1") == 0);
        CHECK(meta_bucket_delete(f.m, "beta") == ERR_NOTEMPTY);
        struct meta_object gone;
        CHECK(meta_object_delete_version(f.m, "beta", "k", "null", &gone) == 0);
        meta_object_dispose(&gone);
        CHECK(meta_bucket_delete(f.m, "beta") == 0);
        CHECK(meta_bucket_get(f.m, "beta", &got) == ERR_NOTFOUND);
        CHECK(meta_bucket_delete(f.m, "beta") == ERR_NOTFOUND);
    }
}

/* ---- bucket configuration documents ---- */

TEST(meta_conformance_config_docs)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("cfg", "111111111111");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        char *doc = NULL;
        CHECK(meta_bucket_config_get(f.m, "cfg", META_CONFIG_POLICY, &doc) == ERR_NOTFOUND);
        CHECK(meta_bucket_config_put(f.m, "cfg", META_CONFIG_POLICY, "{\"Version\":1}") == 0);
        CHECK(meta_bucket_config_put(f.m, "cfg", META_CONFIG_LIFECYCLE, "<Rule/>") == 0);
        CHECK(meta_bucket_config_get(f.m, "cfg", META_CONFIG_POLICY, &doc) == 0);
        CHECK_STR(doc, "{\"Version\":1}");
        free(doc);
        /* replace */
        CHECK(meta_bucket_config_put(f.m, "cfg", META_CONFIG_POLICY, "{\"Version\":2}") == 0);
        CHECK(meta_bucket_config_get(f.m, "cfg", META_CONFIG_POLICY, &doc) == 0);
        CHECK_STR(doc, "{\"Version\":2}");
        free(doc);
        /* kinds are independent */
        CHECK(meta_bucket_config_delete(f.m, "cfg", META_CONFIG_POLICY) == 0);
        CHECK(meta_bucket_config_delete(f.m, "cfg", META_CONFIG_POLICY) == ERR_NOTFOUND);
        CHECK(meta_bucket_config_get(f.m, "cfg", META_CONFIG_POLICY, &doc) == ERR_NOTFOUND);
        CHECK(meta_bucket_config_get(f.m, "cfg", META_CONFIG_LIFECYCLE, &doc) == 0);
        CHECK_STR(doc, "<Rule/>");
        free(doc);
        /* every kind has a name and round-trips; bad kinds and sizes are refused */
        for (int k = 0; k < META_CONFIG_KIND_COUNT; k++) {
            CHECK(meta_config_kind_name((enum meta_config_kind)k) != NULL);
            CHECK(meta_bucket_config_put(f.m, "cfg", (enum meta_config_kind)k, "x") == 0);
        }
        CHECK(meta_config_kind_name(META_CONFIG_KIND_COUNT) == NULL);
        CHECK(meta_bucket_config_put(f.m, "cfg", META_CONFIG_KIND_COUNT, "x") == ERR_INVALID);
        CHECK(meta_bucket_config_get(f.m, "cfg", (enum meta_config_kind) - 1, &doc) == ERR_INVALID);
        char *big = malloc(META_CONFIG_DOC_MAX + 2);
        memset(big, 'a', META_CONFIG_DOC_MAX + 1);
        big[META_CONFIG_DOC_MAX + 1] = '\0';
        CHECK(meta_bucket_config_put(f.m, "cfg", META_CONFIG_TAGGING, big) == ERR_TOOBIG);
        free(big);
        /* only on existing buckets */
        CHECK(meta_bucket_config_put(f.m, "nope", META_CONFIG_POLICY, "{}") == ERR_NOTFOUND);
        /* deleted with the bucket: a re-created bucket of the same name starts empty */
        CHECK(meta_bucket_delete(f.m, "cfg") == 0);
        struct meta_bucket again = bucket_of("cfg", "222222222222");
        CHECK(meta_bucket_create(f.m, &again) == 0);
        for (int k = 0; k < META_CONFIG_KIND_COUNT; k++)
            CHECK(meta_bucket_config_get(f.m, "cfg", (enum meta_config_kind)k, &doc) ==
                  ERR_NOTFOUND);
    }
}

/* ---- objects ---- */

TEST(meta_conformance_objects_put_get_delete)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("obj", "111111111111");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        struct meta_object got;
        CHECK(meta_object_get(f.m, "obj", "k", NULL, &got) == ERR_NOTFOUND);
        CHECK(put_object(f.m, "obj", "k", "null", "blob1") == 0);
        CHECK(!blob_is_dead(f.m, "blob1"));
        CHECK(meta_object_get(f.m, "obj", "k", NULL, &got) == 0);
        CHECK_STR(got.key, "k");
        CHECK_STR(got.blob_id, "blob1");
        CHECK_STR(got.etag, "\"blob1\"");
        CHECK(got.is_latest == 1);
        CHECK(got.size == 5);
        meta_object_dispose(&got);
        /* a new null version replaces the old one; the old blob is left to the collector */
        CHECK(put_object(f.m, "obj", "k", "null", "blob2") == 0);
        CHECK(blob_is_dead(f.m, "blob1"));
        /* versions stack; the newest is latest */
        CHECK(put_object(f.m, "obj", "k", "v1", "blob3") == 0);
        CHECK(!blob_is_dead(f.m, "blob2"));
        CHECK(meta_object_get(f.m, "obj", "k", NULL, &got) == 0);
        CHECK_STR(got.version_id, "v1");
        meta_object_dispose(&got);
        CHECK(meta_object_get(f.m, "obj", "k", "null", &got) == 0);
        CHECK_STR(got.blob_id, "blob2");
        CHECK(got.is_latest == 0);
        meta_object_dispose(&got);
        CHECK(meta_object_get(f.m, "obj", "k", "nope", &got) == ERR_NOTFOUND);
        /* deleting the latest promotes the newest remaining */
        CHECK(meta_object_delete_version(f.m, "obj", "k", "v1", &got) == 0);
        CHECK_STR(got.blob_id, "blob3");
        meta_object_dispose(&got);
        CHECK(blob_is_dead(f.m, "blob3"));
        CHECK(meta_object_get(f.m, "obj", "k", NULL, &got) == 0);
        CHECK_STR(got.version_id, "null");
        CHECK(got.is_latest == 1);
        meta_object_dispose(&got);
        CHECK(meta_object_delete_version(f.m, "obj", "k", "v1", &got) == ERR_NOTFOUND);
        /* a delete marker is the latest version */
        struct meta_object dm = object_of("k", "dm1", "");
        dm.is_delete_marker = 1;
        CHECK(meta_object_put(f.m, "obj", &dm) == 0);
        CHECK(!blob_is_dead(f.m, "blob2"));
        CHECK(meta_object_get(f.m, "obj", "k", NULL, &got) == 0);
        CHECK(got.is_delete_marker == 1);
        meta_object_dispose(&got);
    }
}

static int collect_object(void *payload, const struct meta_object *o)
{
    struct names *n = payload;
    size_t len = strlen(n->buf);
    snprintf(n->buf + len, sizeof(n->buf) - len, "%s%s%s|", o->key, o->version_id[0] ? ":" : "",
             o->version_id);
    return 0;
}

static int stop_at_two(void *payload, const struct meta_object *o)
{
    collect_object(payload, o);
    return strcmp(o->key, "b") == 0 ? 42 : 0;
}

TEST(meta_conformance_scans)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("scan", "111111111111");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        const char *keys[] = {"b", "a", "a/2", "a/1", "\xc3\xa9", "c"};
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
            CHECK(put_object(f.m, "scan", keys[i], "null", "x") == 0);
        CHECK(put_object(f.m, "scan", "b", "v2", "y") == 0);
        struct meta_object dm = object_of("c", "dm", "");
        dm.is_delete_marker = 1;
        CHECK(meta_object_put(f.m, "scan", &dm) == 0);
        CHECK(put_object(f.m, "other", "a/0", "null", "x") == 0);

        /* latest, not delete markers, UTF-8 byte order */
        struct names n = {""};
        CHECK(meta_object_scan(f.m, "scan", "", NULL, 0, 100, collect_object, &n) == 0);
        CHECK_STR(n.buf, "a:null|a/1:null|a/2:null|b:v2|\xc3\xa9:null|");
        struct names p = {""};
        CHECK(meta_object_scan(f.m, "scan", "a/", NULL, 0, 100, collect_object, &p) == 0);
        CHECK_STR(p.buf, "a/1:null|a/2:null|");
        struct names after = {""};
        CHECK(meta_object_scan(f.m, "scan", "", "a/1", 0, 2, collect_object, &after) == 0);
        CHECK_STR(after.buf, "a/2:null|b:v2|");
        struct names incl = {""};
        CHECK(meta_object_scan(f.m, "scan", "", "a/1", 1, 1, collect_object, &incl) == 0);
        CHECK_STR(incl.buf, "a/1:null|");
        struct names stop = {""};
        CHECK(meta_object_scan(f.m, "scan", "", NULL, 0, 100, stop_at_two, &stop) == 42);
        CHECK_STR(stop.buf, "a:null|a/1:null|a/2:null|b:v2|");

        /* every version and marker, newest first within a key */
        struct names v = {""};
        CHECK(meta_version_scan(f.m, "scan", "", NULL, -1, 100, collect_object, &v) == 0);
        CHECK_STR(v.buf, "a:null|a/1:null|a/2:null|b:v2|b:null|c:dm|c:null|\xc3\xa9:null|");
        struct names vp = {""};
        CHECK(meta_version_scan(f.m, "scan", "b", NULL, -1, 100, collect_object, &vp) == 0);
        CHECK_STR(vp.buf, "b:v2|b:null|");
        struct names skip = {""};
        CHECK(meta_version_scan(f.m, "scan", "", "b", 0, 2, collect_object, &skip) == 0);
        CHECK_STR(skip.buf, "c:dm|c:null|");

        /* inventory scans: one snapshot, current or all versions */
        struct names inv = {""};
        CHECK(meta_inventory_scan(f.m, "scan", "a", 0, collect_object, &inv) == 0);
        CHECK_STR(inv.buf, "a:null|a/1:null|a/2:null|");
        struct names inv_all = {""};
        CHECK(meta_inventory_scan(f.m, "scan", "c", 1, collect_object, &inv_all) == 0);
        CHECK_STR(inv_all.buf, "c:dm|c:null|");
    }
}

/* ---- SQLite schema versions and migrations ---- */

static sqlite3 *raw_db(const char *dir)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/meta.db", dir);
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static int raw_version(const char *dir)
{
    sqlite3 *db = raw_db(dir);
    int v = -1;
    if (db && meta_sqlite_schema_version(db, &v))
        v = -1;
    sqlite3_close(db);
    return v;
}

/* A database as an older binary left it: schema version `version` (0: before versions were
 * recorded), with one bucket. */
static int make_old_db(const char *dir, int version)
{
    sqlite3 *db = raw_db(dir);
    int rc = db ? meta_sqlite_schema_migrate(db, 1) : -1;
    if (!rc && version == 0)
        rc = sqlite3_exec(db, "PRAGMA user_version=0", NULL, NULL, NULL);
    if (!rc)
        rc = sqlite3_exec(db,
                          "INSERT INTO buckets VALUES ('old','111111111111','us-east-1',1,0);"
                          "INSERT INTO objects(bucket, key, version_id, is_latest,"
                          " is_delete_marker, size, last_modified_ms, etag, storage_class,"
                          " owner_id, headers, blob_id, multipart, checksum_algorithm,"
                          " checksum_value, checksum_type) VALUES ('old','k','null',1,0,1,1,"
                          "'\"e\"','STANDARD','111111111111','[]','b1',0,'','','')",
                          NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static void check_migrated(int from)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/stocktake-meta-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    CHECK(make_old_db(dir, from) == 0);
    CHECK(raw_version(dir) == from);
    struct meta_store *m = NULL;
    struct meta_config cfg = {"sqlite", dir};
    CHECK(meta_open(&m, &cfg) == 0);
    CHECK(raw_version(dir) == meta_sqlite_schema_latest());
    struct meta_bucket b;
    CHECK(meta_bucket_get(m, "old", &b) == 0);
    struct meta_object o;
    CHECK(meta_object_get(m, "old", "k", NULL, &o) == 0);
    CHECK_STR(o.blob_id, "b1");
    meta_object_dispose(&o);
    /* what the new versions added works on the migrated database */
    char *doc = NULL;
    CHECK(meta_bucket_config_put(m, "old", META_CONFIG_POLICY, "{}") == 0);
    CHECK(meta_bucket_config_get(m, "old", META_CONFIG_POLICY, &doc) == 0);
    free(doc);
    meta_close(m);
    /* opening again is a no-op */
    CHECK(meta_open(&m, &cfg) == 0);
    CHECK(meta_bucket_config_get(m, "old", META_CONFIG_POLICY, &doc) == 0);
    free(doc);
    meta_close(m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

TEST(meta_sqlite_schema_migrates_unversioned_database)
{
    check_migrated(0);
}

TEST(meta_sqlite_schema_migrates_version_1_database)
{
    check_migrated(1);
}

TEST(meta_sqlite_schema_refuses_newer_database)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/stocktake-meta-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    sqlite3 *db = raw_db(dir);
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", meta_sqlite_schema_latest() + 1);
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    struct meta_store *m = NULL;
    struct meta_config cfg = {"sqlite", dir};
    CHECK(meta_open(&m, &cfg) == ERR_INVALID);
    CHECK(strstr(err_msg(), "schema version") != NULL);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

TEST(meta_sqlite_busy_is_err_busy)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/stocktake-meta-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    struct meta_store *m = NULL;
    struct meta_config cfg = {"sqlite", dir};
    CHECK(meta_open(&m, &cfg) == 0);
    meta_sqlite_set_busy_timeout(m, 50);
    /* another connection holds the write lock past the busy timeout */
    sqlite3 *other = raw_db(dir);
    CHECK(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
    struct meta_bucket b = bucket_of("busy", "111111111111");
    CHECK(meta_bucket_create(m, &b) == ERR_BUSY);
    CHECK(put_object(m, "busy", "k", "null", "x") == ERR_BUSY);
    CHECK(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(other);
    CHECK(meta_bucket_create(m, &b) == 0);
    meta_close(m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}
