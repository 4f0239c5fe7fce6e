/* test_meta.c — the metadata backend conformance suite: every case runs through meta.h only,
 * on every backend in meta_test_backends; a new backend passes it before it is registered.
 * Covers accounts, access keys, buckets and their ids, bucket configuration documents, objects
 * (put, get, delete, null-version replacement, latest promotion), scans, the object commit
 * (bucket identity, upload, check), completed uploads, dead blobs and blob references, and
 * inventory run leases and run objects. The SQLite-only part at the
 * end checks the schema version and migrations from older databases. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "meta_test_pg.h"
#include "meta/meta.h"
#include "meta/meta_sqlite_schema.h"

static const char *const meta_test_backends[] = {"sqlite", "postgres"};
#define N_BACKENDS (sizeof(meta_test_backends) / sizeof(meta_test_backends[0]))

struct meta_fixture {
    char dir[64];
    struct meta_store *m;
    char pg_name[48]; /* postgres: the case's database */
    char conninfo[512];
};

static int fixture_open(struct meta_fixture *f, const char *backend);

/* 1 after opening a fresh store (a failure is recorded as a failed CHECK). */
static int fixture_start(struct meta_fixture *f, const char *backend)
{
    if (strcmp(backend, "postgres") == 0 && !meta_test_pg_enabled())
        return 0; /* no server (STOCKTAKE_TEST_PG_URI): the case runs on SQLite only */
    int rc = fixture_open(f, backend);
    CHECK(rc == 0);
    return rc == 0;
}

static int fixture_open(struct meta_fixture *f, const char *backend)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/stocktake-meta-XXXXXX");
    f->m = NULL;
    if (!mkdtemp(f->dir))
        return -1;
    struct meta_config cfg = {backend, f->dir, 0, NULL};
    f->pg_name[0] = '\0';
    if (strcmp(backend, "postgres") == 0) {
        if (meta_test_pg_create(f->conninfo, sizeof(f->conninfo), f->pg_name, sizeof(f->pg_name)) !=
            0)
            return -1;
        cfg.conninfo = f->conninfo;
    }
    return meta_open(&f->m, &cfg);
}

static void fixture_close(struct meta_fixture *f)
{
    meta_close(f->m);
    f->m = NULL;
    if (f->pg_name[0])
        meta_test_pg_drop(f->pg_name);
    f->pg_name[0] = '\0';
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

struct account_names {
    int n;
    char v[4][65];
};

static int name_account(void *payload, const struct meta_account *a)
{
    struct account_names *l = payload;
    if (l->n < 4)
        snprintf(l->v[l->n++], sizeof(l->v[0]), "%s", a->name);
    return 0;
}

TEST(meta_conformance_accounts)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_account a = {"111111111111", "ab12", "alice", 5, "alice@example.com"}, got;
        CHECK(meta_account_create(f.m, &a) == 0);
        CHECK(meta_account_create(f.m, &a) == ERR_EXISTS);
        CHECK(meta_account_get(f.m, "111111111111", &got) == 0);
        CHECK_STR(got.name, "alice");
        CHECK_STR(got.canonical_id, "ab12");
        CHECK(got.created_ms == 5);
        CHECK_STR(got.email, "alice@example.com");
        CHECK(meta_account_get(f.m, "999999999999", &got) == ERR_NOTFOUND);
        /* an address names one account, whatever its case */
        struct meta_account dup = {"333333333333", "ef56", "carol", 7, "ALICE@example.com"};
        CHECK(meta_account_create(f.m, &dup) == ERR_EXISTS);
        /* listed in creation order, not by id (admin list shows the root account first) */
        struct meta_account b = {"000000000002", "cd34", "bob", 6, ""};
        CHECK(meta_account_create(f.m, &b) == 0);
        int n = 0;
        CHECK(meta_account_list(f.m, count_account, &n) == 0);
        CHECK(n == 2);
        struct account_names names = {0, {""}};
        CHECK(meta_account_list(f.m, name_account, &names) == 0);
        CHECK_STR(names.v[0], "alice");
        CHECK_STR(names.v[1], "bob");
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
        struct meta_account a = {"111111111111", "ab12", "alice", 5, ""};
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
        CHECK(meta_object_delete_version(f.m, "beta", "k", "null", NULL, &gone) == 0);
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
        /* every change moves the bucket's configuration generation on; a failed one does not */
        struct meta_bucket seen;
        CHECK(meta_bucket_get(f.m, "cfg", &seen) == 0);
        int64_t gen = seen.config_gen;
        CHECK(gen >= 3);
        /* kinds are independent */
        CHECK(meta_bucket_config_delete(f.m, "cfg", META_CONFIG_POLICY) == 0);
        CHECK(meta_bucket_get(f.m, "cfg", &seen) == 0);
        CHECK(seen.config_gen == gen + 1);
        CHECK(meta_bucket_config_delete(f.m, "cfg", META_CONFIG_POLICY) == ERR_NOTFOUND);
        CHECK(meta_bucket_get(f.m, "cfg", &seen) == 0);
        CHECK(seen.config_gen == gen + 1);
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
        CHECK(meta_object_delete_version(f.m, "obj", "k", "v1", NULL, &got) == 0);
        CHECK_STR(got.blob_id, "blob3");
        meta_object_dispose(&got);
        CHECK(blob_is_dead(f.m, "blob3"));
        CHECK(meta_object_get(f.m, "obj", "k", NULL, &got) == 0);
        CHECK_STR(got.version_id, "null");
        CHECK(got.is_latest == 1);
        meta_object_dispose(&got);
        CHECK(meta_object_delete_version(f.m, "obj", "k", "v1", NULL, &got) == ERR_NOTFOUND);
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

/* ---- bucket identity ---- */

static int is_hex_id(const char *id)
{
    size_t n = strlen(id);
    return n >= 16 && strspn(id, "0123456789abcdef") == n;
}

TEST(meta_conformance_bucket_ids)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("ids", "111111111111"), other = bucket_of("ids2", "1");
        struct meta_bucket got, got2;
        CHECK(meta_bucket_create(f.m, &b) == 0);
        CHECK(meta_bucket_create(f.m, &other) == 0);
        CHECK(meta_bucket_get(f.m, "ids", &got) == 0);
        CHECK(meta_bucket_get(f.m, "ids2", &got2) == 0);
        CHECK(is_hex_id(got.id));
        CHECK(strcmp(got.id, got2.id) != 0);
        /* stable while the bucket lives */
        CHECK(meta_bucket_set_versioning(f.m, "ids", META_VERSIONING_ENABLED) == 0);
        CHECK(meta_bucket_get(f.m, "ids", &got2) == 0);
        CHECK_STR(got2.id, got.id);
        /* a re-created bucket of the same name is another bucket */
        CHECK(meta_bucket_delete(f.m, "ids") == 0);
        CHECK(meta_bucket_create(f.m, &b) == 0);
        CHECK(meta_bucket_get(f.m, "ids", &got2) == 0);
        CHECK(is_hex_id(got2.id));
        CHECK(strcmp(got2.id, got.id) != 0);
    }
}

/* ---- object commit ---- */

/* A check callback: records what it was shown, answers rc. */
struct commit_probe {
    int rc;
    int calls;
    int saw_current;
    char saw_blob[64];
};

static int commit_probe_check(void *arg, const struct meta_object *current)
{
    struct commit_probe *p = arg;
    p->calls++;
    p->saw_current = current != NULL;
    snprintf(p->saw_blob, sizeof(p->saw_blob), "%s", current ? current->blob_id : "");
    return p->rc;
}

static int bucket_id_of(struct meta_store *m, const char *name, char *id, size_t size)
{
    struct meta_bucket b;
    int rc = meta_bucket_get(m, name, &b);
    snprintf(id, size, "%s", rc ? "" : b.id);
    return rc;
}

static int referenced(struct meta_store *m, const char *blob)
{
    int out = -1;
    CHECK(meta_blob_referenced(m, blob, &out) == 0);
    return out;
}

TEST(meta_conformance_commit_bucket_identity)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("cb", "111111111111");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        char id[33];
        CHECK(bucket_id_of(f.m, "cb", id, sizeof(id)) == 0);
        struct meta_object o = object_of("k", "null", "blob1");
        struct meta_commit c = {"cb", id, &o, NULL, NULL, NULL, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c) == 0);
        CHECK(c.failure == META_COMMIT_OK);
        struct meta_object got;
        CHECK(meta_object_get(f.m, "cb", "k", NULL, &got) == 0);
        CHECK_STR(got.blob_id, "blob1");
        meta_object_dispose(&got);
        /* the bucket is deleted and re-created (by another account) while a write runs */
        CHECK(meta_object_delete_version(f.m, "cb", "k", "null", NULL, &got) == 0);
        meta_object_dispose(&got);
        CHECK(meta_bucket_delete(f.m, "cb") == 0);
        struct meta_bucket again = bucket_of("cb", "222222222222");
        CHECK(meta_bucket_create(f.m, &again) == 0);
        struct meta_object late = object_of("k", "null", "blob2");
        struct meta_commit c2 = {"cb", id, &late, NULL, NULL, NULL, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c2) == ERR_NOTFOUND);
        CHECK(c2.failure == META_COMMIT_BUCKET_GONE);
        CHECK(meta_object_get(f.m, "cb", "k", NULL, &got) == ERR_NOTFOUND);
        CHECK(referenced(f.m, "blob2") == 0);
        /* a bucket that is gone altogether */
        struct meta_commit c3 = {"nope", id, &late, NULL, NULL, NULL, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c3) == ERR_NOTFOUND);
        CHECK(c3.failure == META_COMMIT_BUCKET_GONE);
        /* the new bucket's own id commits */
        char id2[33];
        CHECK(bucket_id_of(f.m, "cb", id2, sizeof(id2)) == 0);
        struct meta_commit c4 = {"cb", id2, &late, NULL, NULL, NULL, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c4) == 0);
        CHECK(c4.failure == META_COMMIT_OK);
        CHECK(referenced(f.m, "blob2") == 1);
    }
}

TEST(meta_conformance_commit_check)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("ck", "111111111111");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        char id[33];
        CHECK(bucket_id_of(f.m, "ck", id, sizeof(id)) == 0);
        /* no current version: check sees NULL */
        struct commit_probe p = {0, 0, -1, ""};
        struct meta_object o1 = object_of("k", "null", "blob1");
        struct meta_commit c = {"ck", id, &o1, NULL, commit_probe_check, &p, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c) == 0);
        CHECK(p.calls == 1);
        CHECK(p.saw_current == 0);
        /* a refusing check: its code comes back, nothing changed */
        struct commit_probe no = {ERR_CONFLICT, 0, -1, ""};
        struct meta_object o2 = object_of("k", "null", "blob2");
        struct meta_commit c2 = {"ck", id, &o2, NULL, commit_probe_check, &no, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c2) == ERR_CONFLICT);
        CHECK(c2.failure == META_COMMIT_CHECK);
        CHECK(no.calls == 1);
        CHECK(no.saw_current == 1);
        CHECK_STR(no.saw_blob, "blob1");
        struct meta_object got;
        CHECK(meta_object_get(f.m, "ck", "k", NULL, &got) == 0);
        CHECK_STR(got.blob_id, "blob1");
        meta_object_dispose(&got);
        CHECK(!blob_is_dead(f.m, "blob1"));
        CHECK(referenced(f.m, "blob2") == 0);
        /* an accepting check: stored as put does, the replaced null version's blob is dead */
        struct commit_probe yes = {0, 0, -1, ""};
        struct meta_commit c3 = {"ck", id, &o2, NULL, commit_probe_check, &yes, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c3) == 0);
        CHECK(c3.failure == META_COMMIT_OK);
        CHECK_STR(yes.saw_blob, "blob1");
        CHECK(meta_object_get(f.m, "ck", "k", NULL, &got) == 0);
        CHECK_STR(got.blob_id, "blob2");
        meta_object_dispose(&got);
        CHECK(blob_is_dead(f.m, "blob1"));
        /* the check sees the latest version, a delete marker included */
        struct meta_object dm = object_of("k", "dm1", "");
        dm.is_delete_marker = 1;
        CHECK(meta_object_put(f.m, "ck", &dm) == 0);
        struct commit_probe seen = {0, 0, -1, "x"};
        struct meta_object o3 = object_of("k", "v3", "blob3");
        struct meta_commit c4 = {"ck", id, &o3, NULL, commit_probe_check, &seen, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c4) == 0);
        CHECK(seen.saw_current == 1);
        CHECK_STR(seen.saw_blob, "");
    }
}

/* An upload into bucket as it is now (its id, as a request that loaded it would name). */
static struct meta_upload upload_of(struct meta_store *m, const char *bucket, const char *id,
                                    const char *key)
{
    struct meta_upload u;
    memset(&u, 0, sizeof(u));
    snprintf(u.upload_id, sizeof(u.upload_id), "%s", id);
    snprintf(u.bucket, sizeof(u.bucket), "%s", bucket);
    if (bucket_id_of(m, bucket, u.bucket_id, sizeof(u.bucket_id)))
        u.bucket_id[0] = '\0';
    u.key = (char *)key;
    u.initiated_ms = 1500;
    snprintf(u.owner_id, sizeof(u.owner_id), "111111111111");
    snprintf(u.storage_class, sizeof(u.storage_class), "STANDARD");
    return u;
}

static int put_part(struct meta_store *m, const char *upload_id, int number, const char *blob)
{
    struct meta_part p;
    memset(&p, 0, sizeof(p));
    p.number = number;
    snprintf(p.etag, sizeof(p.etag), "\"%s\"", blob);
    p.size = 5;
    p.last_modified_ms = 1600;
    snprintf(p.blob_id, sizeof(p.blob_id), "%s", blob);
    return meta_part_put(m, upload_id, &p);
}

TEST(meta_conformance_commit_upload)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("mp", "111111111111"), b2 = bucket_of("mp2", "1");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        CHECK(meta_bucket_create(f.m, &b2) == 0);
        char id[33];
        CHECK(bucket_id_of(f.m, "mp", id, sizeof(id)) == 0);
        struct meta_upload u = upload_of(f.m, "mp", "up1", "big");
        CHECK(meta_upload_create(f.m, &u) == 0);
        CHECK(put_part(f.m, "up1", 1, "part1") == 0);
        CHECK(put_part(f.m, "up1", 2, "part2") == 0);
        char version[64] = "";
        CHECK(meta_upload_completed(f.m, "mp", "up1", version, sizeof(version)) == ERR_NOTFOUND);
        struct meta_object o = object_of("big", "v1", "whole");
        o.multipart = 1;
        /* a refusing check rolls everything back: the upload and its parts stay */
        struct commit_probe no = {ERR_CONFLICT, 0, -1, ""};
        struct meta_commit c0 = {"mp", id, &o, "up1", commit_probe_check, &no, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c0) == ERR_CONFLICT);
        CHECK(c0.failure == META_COMMIT_CHECK);
        struct meta_upload got;
        CHECK(meta_upload_get(f.m, "mp", "up1", &got) == 0);
        meta_upload_dispose(&got);
        CHECK(!blob_is_dead(f.m, "part1"));
        CHECK(meta_upload_completed(f.m, "mp", "up1", version, sizeof(version)) == ERR_NOTFOUND);
        /* the commit removes the upload, its parts' blobs become dead, the upload is remembered */
        struct meta_commit c = {"mp", id, &o, "up1", NULL, NULL, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c) == 0);
        CHECK(c.failure == META_COMMIT_OK);
        CHECK(meta_upload_get(f.m, "mp", "up1", &got) == ERR_NOTFOUND);
        CHECK(blob_is_dead(f.m, "part1"));
        CHECK(blob_is_dead(f.m, "part2"));
        CHECK(!blob_is_dead(f.m, "whole"));
        CHECK(meta_upload_completed(f.m, "mp", "up1", version, sizeof(version)) == 0);
        CHECK_STR(version, "v1");
        CHECK(meta_upload_completed(f.m, "mp2", "up1", version, sizeof(version)) == ERR_NOTFOUND);
        CHECK(meta_upload_completed(f.m, "mp", "nope", version, sizeof(version)) == ERR_NOTFOUND);
        /* a second commit of the same upload: the upload is gone, nothing changes */
        struct meta_object again = object_of("big", "v2", "whole2");
        struct meta_commit c2 = {"mp", id, &again, "up1", NULL, NULL, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c2) == ERR_NOTFOUND);
        CHECK(c2.failure == META_COMMIT_UPLOAD_GONE);
        struct meta_object cur;
        CHECK(meta_object_get(f.m, "mp", "big", NULL, &cur) == 0);
        CHECK_STR(cur.version_id, "v1");
        meta_object_dispose(&cur);
        /* an upload of another bucket does not complete here */
        struct meta_upload u2 = upload_of(f.m, "mp2", "up2", "big");
        CHECK(meta_upload_create(f.m, &u2) == 0);
        struct meta_commit c3 = {"mp", id, &again, "up2", NULL, NULL, META_COMMIT_OK};
        CHECK(meta_object_commit(f.m, &c3) == ERR_NOTFOUND);
        CHECK(c3.failure == META_COMMIT_UPLOAD_GONE);
        CHECK(meta_upload_get(f.m, "mp2", "up2", &got) == 0);
        meta_upload_dispose(&got);
    }
}

/* ---- dead blobs ---- */

struct dead_list {
    char buf[256];
    int stop_after;
    int n;
};

static int dead_list_cb(void *payload, const char *blob_id)
{
    struct dead_list *d = payload;
    size_t used = strlen(d->buf);
    snprintf(d->buf + used, sizeof(d->buf) - used, "%s|", blob_id);
    d->n++;
    return d->stop_after && d->n >= d->stop_after ? 7 : 0;
}

TEST(meta_conformance_dead_blobs)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("db", "111111111111");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        CHECK(put_object(f.m, "db", "k", "null", "old1") == 0);
        CHECK(referenced(f.m, "old1") == 1);
        CHECK(referenced(f.m, "never") == 0);
        CHECK(put_object(f.m, "db", "k", "null", "old2") == 0);
        CHECK(put_object(f.m, "db", "k", "null", "cur") == 0);
        /* replaced null versions' blobs are dead; a dead row still counts as a reference */
        CHECK(blob_is_dead(f.m, "old1"));
        CHECK(blob_is_dead(f.m, "old2"));
        CHECK(!blob_is_dead(f.m, "cur"));
        CHECK(referenced(f.m, "old1") == 1);
        CHECK(referenced(f.m, "cur") == 1);
        /* only those dead before the cut-off, at most limit, cb's stop returned */
        struct dead_list none = {"", 0, 0};
        CHECK(meta_dead_blob_scan(f.m, 0, 100, dead_list_cb, &none) == 0);
        CHECK(none.n == 0);
        struct dead_list one = {"", 0, 0};
        CHECK(meta_dead_blob_scan(f.m, INT64_MAX, 1, dead_list_cb, &one) == 0);
        CHECK(one.n == 1);
        struct dead_list stop = {"", 1, 0};
        CHECK(meta_dead_blob_scan(f.m, INT64_MAX, 100, dead_list_cb, &stop) == 7);
        CHECK(stop.n == 1);
        struct dead_list all = {"", 0, 0};
        CHECK(meta_dead_blob_scan(f.m, INT64_MAX, 100, dead_list_cb, &all) == 0);
        CHECK(all.n == 2);
        CHECK(strstr(all.buf, "old1|") != NULL);
        CHECK(strstr(all.buf, "old2|") != NULL);
        /* forget: the collector removed it; no longer dead nor referenced */
        CHECK(meta_dead_blob_forget(f.m, "old1") == 0);
        CHECK(!blob_is_dead(f.m, "old1"));
        CHECK(referenced(f.m, "old1") == 0);
        CHECK(blob_is_dead(f.m, "old2"));
        CHECK(meta_dead_blob_forget(f.m, "never") == 0);
        /* a part's blob is referenced */
        struct meta_upload u = upload_of(f.m, "db", "up", "m");
        CHECK(meta_upload_create(f.m, &u) == 0);
        CHECK(put_part(f.m, "up", 1, "pblob") == 0);
        CHECK(referenced(f.m, "pblob") == 1);
        CHECK(!blob_is_dead(f.m, "pblob"));
        /* a replaced part's blob is dead; an aborted upload's parts too */
        CHECK(put_part(f.m, "up", 1, "pblob2") == 0);
        CHECK(blob_is_dead(f.m, "pblob"));
        CHECK(meta_upload_delete(f.m, "db", "up") == 0);
        CHECK(blob_is_dead(f.m, "pblob2"));
    }
}

/* ---- inventory run leases and run objects ---- */

static struct meta_inventory_lease lease_of(const char *config, const char *token, int64_t pid)
{
    struct meta_inventory_lease l;
    memset(&l, 0, sizeof(l));
    snprintf(l.bucket, sizeof(l.bucket), "src");
    snprintf(l.config_id, sizeof(l.config_id), "%s", config);
    snprintf(l.token, sizeof(l.token), "%s", token);
    snprintf(l.host, sizeof(l.host), "host-a");
    snprintf(l.boot_id, sizeof(l.boot_id), "boot-1");
    l.pid = pid;
    l.pid_start = pid * 10;
    l.expires_ms = 5000;
    return l;
}

TEST(meta_conformance_inventory_live_run_start)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        int64_t start = -1;
        CHECK(meta_inventory_live_run_start(f.m, 1000, &start) == 0 && start == 0);
        struct meta_inventory_run run;
        memset(&run, 0, sizeof(run));
        snprintf(run.bucket, sizeof(run.bucket), "src");
        snprintf(run.config_id, sizeof(run.config_id), "c1");
        run.started_ms = 700;
        run.report_ms = 700;
        CHECK(meta_inventory_run_begin(f.m, &run) == 0);
        struct meta_inventory_lease l = lease_of("c1", "aaaa", 100); /* expires at 5000 */
        l.run_id = run.run_id;
        CHECK(meta_inventory_lease_take(f.m, &l, NULL) == 0);
        /* held: its run's start; expired: none */
        CHECK(meta_inventory_live_run_start(f.m, 1000, &start) == 0 && start == 700);
        CHECK(meta_inventory_live_run_start(f.m, 6000, &start) == 0 && start == 0);
        CHECK(meta_inventory_lease_release(f.m, "src", "c1", "aaaa") == 0);
        CHECK(meta_inventory_live_run_start(f.m, 1000, &start) == 0 && start == 0);
    }
}

TEST(meta_conformance_inventory_leases)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_inventory_lease got;
        CHECK(meta_inventory_lease_get(f.m, "src", "c1", &got) == ERR_NOTFOUND);
        struct meta_inventory_lease a = lease_of("c1", "aaaa", 100);
        CHECK(meta_inventory_lease_take(f.m, &a, NULL) == 0);
        CHECK(meta_inventory_lease_get(f.m, "src", "c1", &got) == 0);
        CHECK_STR(got.bucket, "src");
        CHECK_STR(got.config_id, "c1");
        CHECK_STR(got.token, "aaaa");
        CHECK_STR(got.host, "host-a");
        CHECK_STR(got.boot_id, "boot-1");
        CHECK(got.pid == 100);
        CHECK(got.pid_start == 1000);
        CHECK(got.expires_ms == 5000);
        CHECK(got.run_id == 0);
        /* held: a second take fails, with no token or a wrong one */
        struct meta_inventory_lease b = lease_of("c1", "bbbb", 200);
        CHECK(meta_inventory_lease_take(f.m, &b, NULL) == ERR_CONFLICT);
        CHECK(meta_inventory_lease_take(f.m, &b, "wrong") == ERR_CONFLICT);
        CHECK(meta_inventory_lease_take(f.m, &a, NULL) == ERR_CONFLICT);
        /* leases are per configuration */
        struct meta_inventory_lease other = lease_of("c2", "cccc", 300);
        CHECK(meta_inventory_lease_take(f.m, &other, NULL) == 0);
        /* renew: expiry and run id of the holder's lease */
        a.expires_ms = 9000;
        a.run_id = 42;
        CHECK(meta_inventory_lease_renew(f.m, &a) == 0);
        CHECK(meta_inventory_lease_get(f.m, "src", "c1", &got) == 0);
        CHECK(got.expires_ms == 9000);
        CHECK(got.run_id == 42);
        CHECK_STR(got.token, "aaaa");
        /* take-over of a stale lease names the token it replaces */
        CHECK(meta_inventory_lease_take(f.m, &b, "aaaa") == 0);
        CHECK(meta_inventory_lease_get(f.m, "src", "c1", &got) == 0);
        CHECK_STR(got.token, "bbbb");
        CHECK(got.pid == 200);
        /* the old holder has lost it: renew says so, release leaves the new lease alone */
        CHECK(meta_inventory_lease_renew(f.m, &a) == ERR_NOTFOUND);
        CHECK(meta_inventory_lease_release(f.m, "src", "c1", "aaaa") == 0);
        CHECK(meta_inventory_lease_get(f.m, "src", "c1", &got) == 0);
        CHECK_STR(got.token, "bbbb");
        /* released: free for anyone */
        CHECK(meta_inventory_lease_release(f.m, "src", "c1", "bbbb") == 0);
        CHECK(meta_inventory_lease_get(f.m, "src", "c1", &got) == ERR_NOTFOUND);
        CHECK(meta_inventory_lease_take(f.m, &a, NULL) == 0);
        CHECK(meta_inventory_lease_get(f.m, "src", "c2", &got) == 0);
        CHECK_STR(got.token, "cccc");
    }
}

static int collect_run_object(void *payload, const struct meta_inventory_run_object *o)
{
    struct names *n = payload;
    size_t used = strlen(n->buf);
    snprintf(n->buf + used, sizeof(n->buf) - used, "%lld:%s/%s@%s#%s|", (long long)o->run_id,
             o->dest_bucket, o->key, o->version_id, o->blob_id);
    return 0;
}

static struct meta_inventory_run_object run_object_of(int64_t run_id, const char *key,
                                                      const char *blob)
{
    struct meta_inventory_run_object o;
    memset(&o, 0, sizeof(o));
    o.run_id = run_id;
    snprintf(o.dest_bucket, sizeof(o.dest_bucket), "dst");
    o.key = (char *)key;
    snprintf(o.version_id, sizeof(o.version_id), "null");
    snprintf(o.blob_id, sizeof(o.blob_id), "%s", blob);
    return o;
}

TEST(meta_conformance_inventory_run_objects)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct names none = {""};
        CHECK(meta_inventory_run_object_list(f.m, "src", "c1", collect_run_object, &none) == 0);
        CHECK_STR(none.buf, "");
        struct meta_inventory_run_object o1 = run_object_of(2, "r/b.csv.gz", "b2");
        struct meta_inventory_run_object o2 = run_object_of(1, "r/a.csv.gz", "b1");
        struct meta_inventory_run_object o3 = run_object_of(2, "r/c.csv.gz", "b3");
        struct meta_inventory_run_object o4 = run_object_of(3, "r/x.csv.gz", "b4");
        CHECK(meta_inventory_run_object_add(f.m, "src", "c1", &o1) == 0);
        CHECK(meta_inventory_run_object_add(f.m, "src", "c1", &o2) == 0);
        CHECK(meta_inventory_run_object_add(f.m, "src", "c1", &o3) == 0);
        CHECK(meta_inventory_run_object_add(f.m, "src", "c2", &o4) == 0);
        /* by run, in the order recorded; only the config's */
        struct names all = {""};
        CHECK(meta_inventory_run_object_list(f.m, "src", "c1", collect_run_object, &all) == 0);
        CHECK_STR(all.buf, "1:dst/r/a.csv.gz@null#b1|2:dst/r/b.csv.gz@null#b2|"
                           "2:dst/r/c.csv.gz@null#b3|");
        /* clear forgets one run's records */
        CHECK(meta_inventory_run_object_clear(f.m, 2) == 0);
        struct names left = {""};
        CHECK(meta_inventory_run_object_list(f.m, "src", "c1", collect_run_object, &left) == 0);
        CHECK_STR(left.buf, "1:dst/r/a.csv.gz@null#b1|");
        struct names c2 = {""};
        CHECK(meta_inventory_run_object_list(f.m, "src", "c2", collect_run_object, &c2) == 0);
        CHECK_STR(c2.buf, "3:dst/r/x.csv.gz@null#b4|");
        CHECK(meta_inventory_run_object_clear(f.m, 99) == 0);
    }
}

/* ---- object ACLs ---- */

static int collect_acl(void *payload, const struct meta_object *o)
{
    struct names *n = payload;
    size_t len = strlen(n->buf);
    snprintf(n->buf + len, sizeof(n->buf) - len, "%s=%s|", o->key, o->acl ? o->acl : "-");
    return 0;
}

TEST(meta_conformance_object_acls)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("acl", "111111111111");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        /* stored with the version, the owner alongside */
        struct meta_object o = object_of("k", "v1", "blob1");
        o.acl = "{\"grants\":1}";
        snprintf(o.owner_id, sizeof(o.owner_id), "222222222222");
        CHECK(meta_object_put(f.m, "acl", &o) == 0);
        CHECK(put_object(f.m, "acl", "k", "v2", "blob2") == 0);
        struct meta_object got;
        CHECK(meta_object_get(f.m, "acl", "k", "v1", &got) == 0);
        CHECK_STR(got.acl, "{\"grants\":1}");
        CHECK_STR(got.owner_id, "222222222222");
        meta_object_dispose(&got);
        CHECK(meta_object_get(f.m, "acl", "k", NULL, &got) == 0);
        CHECK(got.acl == NULL); /* none given: the default */
        meta_object_dispose(&got);
        /* replaced per version; NULL goes back to the default */
        CHECK(meta_object_set_acl(f.m, "acl", "k", NULL, "latest") == 0);
        CHECK(meta_object_set_acl(f.m, "acl", "k", "v1", NULL) == 0);
        CHECK(meta_object_get(f.m, "acl", "k", "v1", &got) == 0);
        CHECK(got.acl == NULL);
        meta_object_dispose(&got);
        CHECK(meta_object_set_acl(f.m, "acl", "k", "nope", "x") == ERR_NOTFOUND);
        CHECK(meta_object_set_acl(f.m, "acl", "missing", NULL, "x") == ERR_NOTFOUND);
        /* scans carry it, the inventory scan too */
        struct names all = {""}, inv = {""};
        CHECK(meta_version_scan(f.m, "acl", "", NULL, 0, 10, collect_acl, &all) == 0);
        CHECK_STR(all.buf, "k=latest|k=-|");
        CHECK(meta_inventory_scan(f.m, "acl", "", 1, collect_acl, &inv) == 0);
        CHECK_STR(inv.buf, "k=latest|k=-|");
        /* an upload keeps the ACL given at create */
        struct meta_upload u = upload_of(f.m, "acl", "up1", "m");
        u.acl = "upload-acl";
        CHECK(meta_upload_create(f.m, &u) == 0);
        struct meta_upload ug;
        CHECK(meta_upload_get(f.m, "acl", "up1", &ug) == 0);
        CHECK_STR(ug.acl, "upload-acl");
        meta_upload_dispose(&ug);
        struct meta_upload u2 = upload_of(f.m, "acl", "up2", "m");
        CHECK(meta_upload_create(f.m, &u2) == 0);
        CHECK(meta_upload_get(f.m, "acl", "up2", &ug) == 0);
        CHECK(ug.acl == NULL);
        meta_upload_dispose(&ug);
    }
}

static int collect_tags(void *payload, const struct meta_object *o)
{
    struct names *n = payload;
    size_t len = strlen(n->buf);
    snprintf(n->buf + len, sizeof(n->buf) - len, "%s=%s|", o->version_id, o->tags ? o->tags : "-");
    return 0;
}

TEST(meta_conformance_object_tags)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("tags", "111111111111");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        /* stored with the version */
        struct meta_object o = object_of("k", "v1", "blob1");
        o.tags = "a=1&b=2";
        CHECK(meta_object_put(f.m, "tags", &o) == 0);
        CHECK(put_object(f.m, "tags", "k", "v2", "blob2") == 0);
        struct meta_object got;
        CHECK(meta_object_get(f.m, "tags", "k", "v1", &got) == 0);
        CHECK_STR(got.tags, "a=1&b=2");
        meta_object_dispose(&got);
        CHECK(meta_object_get(f.m, "tags", "k", NULL, &got) == 0);
        CHECK(got.tags == NULL); /* none given */
        meta_object_dispose(&got);
        /* replaced per version (NULL: the latest); NULL or "" removes them */
        CHECK(meta_object_set_tags(f.m, "tags", "k", NULL, "latest=1") == 0);
        CHECK(meta_object_set_tags(f.m, "tags", "k", "v1", "") == 0);
        struct names all = {""};
        CHECK(meta_version_scan(f.m, "tags", "", NULL, 0, 10, collect_tags, &all) == 0);
        CHECK_STR(all.buf, "v2=latest=1|v1=-|");
        CHECK(meta_object_set_tags(f.m, "tags", "k", "nope", "x=1") == ERR_NOTFOUND);
        CHECK(meta_object_set_tags(f.m, "tags", "missing", NULL, "x=1") == ERR_NOTFOUND);
        /* a delete takes them with the version; the newest remaining keeps its own */
        CHECK(meta_object_set_tags(f.m, "tags", "k", "v1", "old=1") == 0);
        struct meta_object gone;
        CHECK(meta_object_delete_version(f.m, "tags", "k", "v2", NULL, &gone) == 0);
        CHECK_STR(gone.tags, "latest=1");
        meta_object_dispose(&gone);
        CHECK(meta_object_get(f.m, "tags", "k", NULL, &got) == 0);
        CHECK_STR(got.version_id, "v1");
        CHECK_STR(got.tags, "old=1");
        meta_object_dispose(&got);
        /* an upload keeps the tags given at create */
        struct meta_upload u = upload_of(f.m, "tags", "up1", "m");
        u.tags = "t=1";
        CHECK(meta_upload_create(f.m, &u) == 0);
        struct meta_upload ug;
        CHECK(meta_upload_get(f.m, "tags", "up1", &ug) == 0);
        CHECK_STR(ug.tags, "t=1");
        meta_upload_dispose(&ug);
        struct meta_upload u2 = upload_of(f.m, "tags", "up2", "m");
        CHECK(meta_upload_create(f.m, &u2) == 0);
        CHECK(meta_upload_get(f.m, "tags", "up2", &ug) == 0);
        CHECK(ug.tags == NULL);
        meta_upload_dispose(&ug);
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
                          "'\"e\"','STANDARD','999999999999','[]','b1',0,'','','')",
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
    struct meta_config cfg = {"sqlite", dir, 0, NULL};
    CHECK(meta_open(&m, &cfg) == 0);
    CHECK(raw_version(dir) == meta_sqlite_schema_latest());
    struct meta_bucket b;
    CHECK(meta_bucket_get(m, "old", &b) == 0);
    struct meta_object o;
    CHECK(meta_object_get(m, "old", "k", NULL, &o) == 0);
    CHECK_STR(o.blob_id, "b1");
    /* v5: existing objects are the bucket owner's, with the default (private) ACL */
    CHECK_STR(o.owner_id, "111111111111");
    CHECK(o.acl == NULL);
    meta_object_dispose(&o);
    CHECK(meta_object_set_acl(m, "old", "k", "null", "doc") == 0);
    /* v6: existing objects have no tags, and take them */
    CHECK(meta_object_get(m, "old", "k", NULL, &o) == 0);
    CHECK(o.tags == NULL);
    meta_object_dispose(&o);
    CHECK(meta_object_set_tags(m, "old", "k", "null", "a=1") == 0);
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
    struct meta_config cfg = {"sqlite", dir, 0, NULL};
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
    struct meta_config cfg = {"sqlite", dir, 0, NULL};
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

TEST(meta_conformance_delete_version_expecting_a_blob)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("exp", "111111111111");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        CHECK(put_object(f.m, "exp", "k", "null", "blob1") == 0);
        CHECK(put_object(f.m, "exp", "k", "null", "blob2") == 0); /* rewritten since */
        struct meta_object got;
        CHECK(meta_object_delete_version(f.m, "exp", "k", "null", "blob1", &got) == ERR_NOTFOUND);
        CHECK(meta_object_get(f.m, "exp", "k", NULL, &got) == 0);
        CHECK_STR(got.blob_id, "blob2");
        meta_object_dispose(&got);
        CHECK(meta_object_delete_version(f.m, "exp", "k", "null", "blob2", &got) == 0);
        CHECK_STR(got.blob_id, "blob2");
        meta_object_dispose(&got);
        CHECK(meta_object_get(f.m, "exp", "k", NULL, &got) == ERR_NOTFOUND);
    }
}

TEST(meta_conformance_uploads_belong_to_one_bucket_incarnation)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("inc", "111111111111");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        struct meta_upload u = upload_of(f.m, "inc", "up1", "k");
        CHECK(meta_upload_create(f.m, &u) == 0);
        CHECK(put_part(f.m, "up1", 1, "pblob") == 0);
        /* the bucket goes (its uploads with it, their parts' blobs dead) and comes back */
        CHECK(meta_bucket_delete(f.m, "inc") == 0);
        struct meta_upload got;
        CHECK(meta_upload_get(f.m, "inc", "up1", &got) == ERR_NOTFOUND);
        CHECK(blob_is_dead(f.m, "pblob"));
        struct meta_bucket again = bucket_of("inc", "222222222222");
        CHECK(meta_bucket_create(f.m, &again) == 0);
        /* an upload begun against the old bucket cannot land in the new one */
        struct meta_upload late = u;
        snprintf(late.upload_id, sizeof(late.upload_id), "up2");
        CHECK(meta_upload_create(f.m, &late) == ERR_NOTFOUND);
        CHECK(meta_upload_get(f.m, "inc", "up2", &got) == ERR_NOTFOUND);
    }
}

static int collect_state(void *payload, const struct meta_object *o)
{
    struct names *n = payload;
    size_t len = strlen(n->buf);
    snprintf(n->buf + len, sizeof(n->buf) - len, "%s:%s,%lld,%d,%s,%s|", o->version_id,
             o->lock_mode, (long long)o->lock_until_ms, o->legal_hold, o->sse ? o->sse : "-",
             o->tier);
    return 0;
}

TEST(meta_conformance_object_version_state)
{
    struct meta_fixture f;
    FOR_EACH_BACKEND(f)
    {
        struct meta_bucket b = bucket_of("state", "111111111111");
        CHECK(meta_bucket_create(f.m, &b) == 0);
        struct meta_object o = object_of("k", "v1", "blob1");
        snprintf(o.lock_mode, sizeof(o.lock_mode), "COMPLIANCE");
        o.lock_until_ms = 1893456000000;
        o.legal_hold = 1;
        o.sse = "{\"mode\":\"AES256\"}";
        snprintf(o.tier, sizeof(o.tier), "FREQUENT_ACCESS");
        o.last_access_ms = 1700000000000;
        o.restore = "{\"until\":1}";
        CHECK(meta_object_put(f.m, "state", &o) == 0);
        CHECK(put_object(f.m, "state", "k", "v2", "blob2") == 0);
        struct meta_object got;
        CHECK(meta_object_get(f.m, "state", "k", "v1", &got) == 0);
        CHECK_STR(got.lock_mode, "COMPLIANCE");
        CHECK(got.lock_until_ms == 1893456000000);
        CHECK(got.legal_hold == 1);
        CHECK_STR(got.sse, "{\"mode\":\"AES256\"}");
        CHECK_STR(got.tier, "FREQUENT_ACCESS");
        CHECK(got.last_access_ms == 1700000000000);
        CHECK_STR(got.restore, "{\"until\":1}");
        meta_object_dispose(&got);
        CHECK(meta_object_get(f.m, "state", "k", NULL, &got) == 0);
        CHECK(got.lock_mode[0] == '\0' && got.lock_until_ms == 0 && !got.legal_hold);
        CHECK(got.sse == NULL && got.restore == NULL && got.tier[0] == '\0');
        meta_object_dispose(&got);
        /* the inventory scan carries the lock, encryption and tier of every version */
        struct names all = {""};
        CHECK(meta_inventory_scan(f.m, "state", "", 1, collect_state, &all) == 0);
        CHECK_STR(all.buf, "v2:,0,0,-,|v1:COMPLIANCE,1893456000000,1,{\"mode\":\"AES256\"},"
                           "FREQUENT_ACCESS|");
        /* an upload keeps the lock and encryption its object will take */
        struct meta_upload u = upload_of(f.m, "state", "up1", "m");
        snprintf(u.lock_mode, sizeof(u.lock_mode), "GOVERNANCE");
        u.lock_until_ms = 42;
        u.legal_hold = 1;
        u.sse = "{\"mode\":\"aws:kms\"}";
        CHECK(meta_upload_create(f.m, &u) == 0);
        struct meta_upload ug;
        CHECK(meta_upload_get(f.m, "state", "up1", &ug) == 0);
        CHECK_STR(ug.lock_mode, "GOVERNANCE");
        CHECK(ug.lock_until_ms == 42 && ug.legal_hold == 1);
        CHECK_STR(ug.sse, "{\"mode\":\"aws:kms\"}");
        meta_upload_dispose(&ug);
    }
}
