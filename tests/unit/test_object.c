/* test_object.c — the object layer over a real SQLite store and blob directory: the write
 * stages' digests, the commit's preconditions (bucket identity, If-Match / If-None-Match, the
 * upload), dead blobs and the collector, ranges on the read path, and the bucket-id migration
 * of an older meta.db. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "blob/blob.h"
#include "core/clock.h"
#include "core/hash.h"
#include "harness.h"
#include "meta/meta.h"
#include "object/object.h"

struct fixture {
    char dir[64];
    struct meta_store *m;
    struct blob_store *bs;
    struct meta_bucket b;
};

static int fixture_open(struct fixture *f)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/stocktake-unit-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    struct meta_config cfg = {"sqlite", f->dir, 0, NULL};
    if (blob_store_open(&f->bs, f->dir, 1) || meta_open(&f->m, &cfg))
        return -1;
    memset(&f->b, 0, sizeof(f->b));
    snprintf(f->b.name, sizeof(f->b.name), "bkt");
    snprintf(f->b.owner_id, sizeof(f->b.owner_id), "111111111111");
    snprintf(f->b.region, sizeof(f->b.region), "us-east-1");
    if (meta_bucket_create(f->m, &f->b) || meta_bucket_get(f->m, "bkt", &f->b))
        return -1;
    return 0;
}

static void fixture_close(struct fixture *f)
{
    meta_close(f->m);
    blob_store_close(f->bs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    CHECK(system(cmd) == 0);
}

/* Write data through the layer (MD5 + CRC32) into *o, ready to commit as key. */
static int write_object(struct fixture *f, const char *key, const char *data, struct meta_object *o)
{
    struct obj_write_opts opts = {.md5 = 1, .checksum = CHECKSUM_CRC32};
    struct obj_writer *w = NULL;
    struct obj_written res;
    int rc = obj_writer_open(f->bs, &opts, &w);
    if (!rc)
        rc = obj_writer_write(w, data, strlen(data));
    if (rc) {
        obj_writer_abort(w);
        return rc;
    }
    rc = obj_writer_finish(w, &res);
    memset(o, 0, sizeof(*o));
    o->key = (char *)key;
    snprintf(o->version_id, sizeof(o->version_id), "null");
    o->size = (int64_t)res.size;
    o->last_modified_ms = clock_now_ms();
    snprintf(o->etag, sizeof(o->etag), "%s", res.etag);
    snprintf(o->storage_class, sizeof(o->storage_class), "STANDARD");
    snprintf(o->blob_id, sizeof(o->blob_id), "%s", res.blob_id);
    return rc;
}

static int put(struct fixture *f, const char *key, const char *data, const char *if_match,
               const char *if_none_match, enum obj_failure *why)
{
    struct meta_object o;
    int rc = write_object(f, key, data, &o);
    struct obj_commit c = {"bkt", f->b.id, &o, NULL, if_match, if_none_match};
    return rc ? rc : obj_commit(f->m, f->bs, &c, why);
}

static int blob_exists(struct fixture *f, const char *id)
{
    int fd = -1;
    if (blob_open_read(f->bs, id, &fd))
        return 0;
    close(fd);
    return 1;
}

TEST(object_write_stages_hash_the_bytes)
{
    struct fixture f;
    CHECK(fixture_open(&f) == 0);
    struct meta_object o;
    CHECK(write_object(&f, "k", "hello world", &o) == 0);
    CHECK_STR(o.etag, "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");
    CHECK(o.size == 11);
    struct obj_reader *rd = NULL;
    CHECK(obj_reader_open(f.bs, &o, 6, 5, &rd) == 0);
    char buf[16] = "";
    size_t got = 0;
    CHECK(obj_reader_read(rd, buf, sizeof(buf), &got) == 0 && got == 5);
    CHECK(memcmp(buf, "world", 5) == 0);
    CHECK(obj_reader_read(rd, buf, sizeof(buf), &got) == 0 && got == 0);
    obj_reader_close(rd);
    CHECK(obj_reader_open(f.bs, &o, 6, 6, &rd) == ERR_INVALID); /* past the end */
    CHECK(blob_remove(f.bs, o.blob_id) == 0);
    fixture_close(&f);
}

TEST(object_commit_preconditions)
{
    struct fixture f;
    enum obj_failure why;
    CHECK(fixture_open(&f) == 0);
    CHECK(put(&f, "k", "one", "*", NULL, &why) == ERR_NOTFOUND && why == OBJ_FAIL_NO_SUCH_KEY);
    CHECK(put(&f, "k", "one", NULL, "*", &why) == 0);
    CHECK(put(&f, "k", "two", NULL, "*", &why) != 0 && why == OBJ_FAIL_IF_NONE_MATCH);
    struct meta_object cur;
    CHECK(meta_object_get(f.m, "bkt", "k", NULL, &cur) == 0);
    CHECK(put(&f, "k", "two", "\"0000\"", NULL, &why) != 0 && why == OBJ_FAIL_IF_MATCH);
    CHECK(put(&f, "k", "two", cur.etag, NULL, &why) == 0);
    CHECK(put(&f, "k", "three", cur.etag, NULL, &why) != 0 && why == OBJ_FAIL_IF_MATCH);
    meta_object_dispose(&cur);
    fixture_close(&f);
}

TEST(object_commit_checks_the_bucket_identity)
{
    struct fixture f;
    enum obj_failure why;
    CHECK(fixture_open(&f) == 0);
    struct meta_object o;
    CHECK(write_object(&f, "k", "late", &o) == 0);
    char old_id[sizeof(f.b.id)];
    memcpy(old_id, f.b.id, sizeof(old_id));
    /* the bucket is deleted and re-created while the write streams */
    CHECK(meta_bucket_delete(f.m, "bkt") == 0);
    CHECK(meta_bucket_create(f.m, &f.b) == 0);
    CHECK(meta_bucket_get(f.m, "bkt", &f.b) == 0);
    CHECK(strcmp(old_id, f.b.id) != 0 && strlen(f.b.id) == 32);
    struct obj_commit c = {"bkt", old_id, &o, NULL, NULL, NULL};
    CHECK(obj_commit(f.m, f.bs, &c, &why) == ERR_NOTFOUND && why == OBJ_FAIL_NO_SUCH_BUCKET);
    CHECK(!blob_exists(&f, o.blob_id)); /* the never-visible blob went at once */
    struct meta_object cur;
    CHECK(meta_object_get(f.m, "bkt", "k", NULL, &cur) == ERR_NOTFOUND);
    fixture_close(&f);
}

struct count {
    int n;
};

static int count_dead(void *payload, const char *id)
{
    (void)id;
    ((struct count *)payload)->n++;
    return 0;
}

TEST(object_replaced_blobs_die_then_go)
{
    struct fixture f;
    enum obj_failure why;
    CHECK(fixture_open(&f) == 0);
    CHECK(put(&f, "k", "one", NULL, NULL, &why) == 0);
    struct meta_object first;
    CHECK(meta_object_get(f.m, "bkt", "k", NULL, &first) == 0);
    CHECK(put(&f, "k", "two", NULL, NULL, &why) == 0);
    /* the replaced blob is dead, not gone: a reader that loaded the old row still reads it */
    CHECK(blob_exists(&f, first.blob_id));
    int referenced = 0;
    CHECK(meta_blob_referenced(f.m, first.blob_id, &referenced) == 0 && referenced);
    struct count c = {0};
    CHECK(meta_dead_blob_scan(f.m, clock_now_ms() + 1, 100, count_dead, &c) == 0 && c.n == 1);
    /* within the grace period nothing is removed */
    struct obj_gc_opts opts = {60000, 3600000};
    struct obj_gc_stats st;
    CHECK(obj_gc_run(f.m, f.bs, &opts, 0, &st) == 0 && st.dead_removed == 0);
    CHECK(blob_exists(&f, first.blob_id));
    opts.grace_ms = -1000; /* as if the grace period were over */
    CHECK(obj_gc_run(f.m, f.bs, &opts, 0, &st) == 0 && st.dead_removed == 1);
    CHECK(!blob_exists(&f, first.blob_id));
    CHECK(meta_blob_referenced(f.m, first.blob_id, &referenced) == 0 && !referenced);
    /* a deleted version's blob dies the same way */
    struct meta_object gone;
    CHECK(meta_object_delete_version(f.m, "bkt", "k", "null", NULL, &gone) == 0);
    CHECK(blob_exists(&f, gone.blob_id));
    CHECK(obj_gc_run(f.m, f.bs, &opts, 0, &st) == 0 && st.dead_removed == 1);
    CHECK(!blob_exists(&f, gone.blob_id));
    meta_object_dispose(&gone);
    meta_object_dispose(&first);
    fixture_close(&f);
}

TEST(object_collector_reclaims_only_old_orphans)
{
    struct fixture f;
    enum obj_failure why;
    CHECK(fixture_open(&f) == 0);
    CHECK(put(&f, "kept", "referenced", NULL, NULL, &why) == 0);
    struct meta_object kept, orphan, young;
    CHECK(meta_object_get(f.m, "bkt", "kept", NULL, &kept) == 0);
    CHECK(write_object(&f, "never-committed", "crash", &orphan) == 0);
    CHECK(write_object(&f, "in-flight", "young", &young) == 0);
    char path[256];
    snprintf(path, sizeof(path), "%s/blobs/%.2s/%.2s/%s", f.dir, orphan.blob_id, orphan.blob_id + 2,
             orphan.blob_id);
    struct utimbuf old = {time(NULL) - 100, time(NULL) - 100};
    CHECK(utime(path, &old) == 0);
    snprintf(path, sizeof(path), "%s/blobs/%.2s/%.2s/%s", f.dir, kept.blob_id, kept.blob_id + 2,
             kept.blob_id);
    CHECK(utime(path, &old) == 0);
    struct obj_gc_opts opts = {1000, 50000};
    struct obj_gc_stats st;
    CHECK(obj_gc_run(f.m, f.bs, &opts, 1, &st) == 0 && st.orphans_removed == 1);
    CHECK(!blob_exists(&f, orphan.blob_id));
    CHECK(blob_exists(&f, kept.blob_id));
    CHECK(blob_exists(&f, young.blob_id)); /* younger than the orphan age: may be in flight */
    meta_object_dispose(&kept);
    fixture_close(&f);
}

TEST(object_complete_removes_the_upload_once)
{
    struct fixture f;
    enum obj_failure why;
    CHECK(fixture_open(&f) == 0);
    struct meta_upload u;
    memset(&u, 0, sizeof(u));
    snprintf(u.upload_id, sizeof(u.upload_id), "up1");
    snprintf(u.bucket, sizeof(u.bucket), "bkt");
    struct meta_bucket b;
    CHECK(meta_bucket_get(f.m, "bkt", &b) == 0);
    memcpy(u.bucket_id, b.id, sizeof(u.bucket_id));
    u.key = "mp";
    snprintf(u.owner_id, sizeof(u.owner_id), "111111111111");
    snprintf(u.storage_class, sizeof(u.storage_class), "STANDARD");
    CHECK(meta_upload_create(f.m, &u) == 0);
    struct meta_object part;
    CHECK(write_object(&f, "mp", "part one", &part) == 0);
    struct meta_part p;
    memset(&p, 0, sizeof(p));
    p.number = 1;
    snprintf(p.etag, sizeof(p.etag), "%s", part.etag);
    snprintf(p.blob_id, sizeof(p.blob_id), "%s", part.blob_id);
    CHECK(meta_part_put(f.m, "up1", &p) == 0);
    struct meta_object o;
    CHECK(write_object(&f, "mp", "part one", &o) == 0);
    struct obj_commit c = {"bkt", f.b.id, &o, "up1", NULL, NULL};
    CHECK(obj_commit(f.m, f.bs, &c, &why) == 0);
    char version[64];
    CHECK(meta_upload_completed(f.m, "bkt", "up1", version, sizeof(version)) == 0);
    CHECK_STR(version, "null");
    /* the part's blob is dead now; a second commit of the upload finds it gone */
    struct count n = {0};
    CHECK(meta_dead_blob_scan(f.m, clock_now_ms() + 1, 100, count_dead, &n) == 0 && n.n == 1);
    struct meta_object again;
    CHECK(write_object(&f, "mp", "part one", &again) == 0);
    c.object = &again;
    CHECK(obj_commit(f.m, f.bs, &c, &why) == ERR_NOTFOUND && why == OBJ_FAIL_NO_SUCH_UPLOAD);
    CHECK(meta_upload_completed(f.m, "bkt", "other", version, sizeof(version)) == ERR_NOTFOUND);
    fixture_close(&f);
}

TEST(object_bucket_ids_are_added_to_an_older_store)
{
    char dir[64], path[128];
    snprintf(dir, sizeof(dir), "/tmp/stocktake-unit-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/meta.db", dir);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db,
                       "CREATE TABLE buckets(name TEXT PRIMARY KEY, owner_id TEXT NOT NULL,"
                       " region TEXT NOT NULL, created_ms INTEGER NOT NULL,"
                       " versioning INTEGER NOT NULL DEFAULT 0);"
                       "INSERT INTO buckets VALUES('old','111111111111','us-east-1',1,0);",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    struct meta_store *m = NULL;
    struct meta_config cfg = {"sqlite", dir, 0, NULL};
    CHECK(meta_open(&m, &cfg) == 0);
    struct meta_bucket b;
    CHECK(m && meta_bucket_get(m, "old", &b) == 0 && strlen(b.id) == 32);
    meta_close(m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}
