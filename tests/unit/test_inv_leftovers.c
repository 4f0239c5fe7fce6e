/* test_inv_leftovers.c — removing the objects of inventory runs that did not complete (issue 9
 * defect 7): exactly the recorded versions whose blob is still the run's go, with their blobs;
 * a key overwritten since is left alone; the records are forgotten. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "harness.h"
#include "blob/blob.h"
#include "inventory/inv_leftovers.h"

static void put(struct meta_store *m, struct blob_store *bs, const char *key, char *blob_out)
{
    struct blob_writer *w = NULL;
    CHECK(blob_writer_open(bs, &w) == 0);
    CHECK(blob_writer_write(w, key, strlen(key)) == 0);
    CHECK(blob_writer_commit(w, blob_out) == 0);
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)key;
    snprintf(o.version_id, sizeof(o.version_id), "null");
    o.is_latest = 1;
    o.last_modified_ms = clock_now_ms();
    snprintf(o.etag, sizeof(o.etag), "\"x\"");
    snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
    o.headers = (char *)"[]";
    snprintf(o.blob_id, sizeof(o.blob_id), "%s", blob_out);
    CHECK(meta_object_put(m, "dst", &o) == 0);
}

struct dead_seen {
    const char *blob;
    int seen;
};

static int dead_blob_seen(void *payload, const char *blob_id)
{
    struct dead_seen *d = payload;
    d->seen += strcmp(blob_id, d->blob) == 0;
    return 0;
}

static void record(struct meta_store *m, int64_t run, const char *key, const char *blob)
{
    struct meta_inventory_run_object ro;
    memset(&ro, 0, sizeof(ro));
    ro.run_id = run;
    snprintf(ro.dest_bucket, sizeof(ro.dest_bucket), "dst");
    ro.key = (char *)key;
    snprintf(ro.version_id, sizeof(ro.version_id), "null");
    snprintf(ro.blob_id, sizeof(ro.blob_id), "%s", blob);
    CHECK(meta_inventory_run_object_add(m, "src", "cfg", &ro) == 0);
}

static int count(void *payload, const struct meta_inventory_run_object *o)
{
    (void)o;
    (*(int *)payload)++;
    return 0;
}

struct left_fixture {
    char dir[64];
    struct meta_store *m;
    struct blob_store *bs;
};

static int left_fixture_open(struct left_fixture *f)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/stocktake-left-XXXXXX");
    CHECK(mkdtemp(f->dir) != NULL);
    struct meta_config cfg = {"sqlite", f->dir, 0, NULL};
    CHECK(meta_open(&f->m, &cfg) == 0 && blob_store_open(&f->bs, f->dir, 1) == 0);
    return f->m && f->bs ? 0 : -1;
}

static void left_fixture_close(struct left_fixture *f)
{
    blob_store_close(f->bs);
    meta_close(f->m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    CHECK(system(cmd) == 0);
}

TEST(inv_leftovers_remove_only_what_the_run_wrote)
{
    struct left_fixture f;
    if (left_fixture_open(&f))
        return;
    struct meta_store *m = f.m;
    struct blob_store *bs = f.bs;
    char a[BLOB_ID_LEN + 1], b[BLOB_ID_LEN + 1], c[BLOB_ID_LEN + 1], keep[BLOB_ID_LEN + 1];
    put(m, bs, "r/data/one.csv.gz", a);
    put(m, bs, "r/data/two.csv.gz", b);
    put(m, bs, "unrelated", keep);
    record(m, 5, "r/data/one.csv.gz", a);
    record(m, 5, "r/data/two.csv.gz", b);
    record(m, 6, "r/never-written", "nope"); /* recorded, then killed before the write */
    put(m, bs, "r/data/two.csv.gz", c);      /* overwritten since by someone else */
    CHECK(inv_leftovers_remove(m, "src", "cfg") == 1);
    struct meta_object o;
    CHECK(meta_object_get(m, "dst", "r/data/one.csv.gz", NULL, &o) == ERR_NOTFOUND);
    struct dead_seen dead = {a, 0};
    CHECK(meta_dead_blob_scan(m, INT64_MAX, 100, dead_blob_seen, &dead) == 0);
    CHECK(dead.seen == 1); /* the removed version's blob is the collector's now */
    CHECK(meta_object_get(m, "dst", "r/data/two.csv.gz", NULL, &o) == 0);
    CHECK_STR(o.blob_id, c);
    meta_object_dispose(&o);
    CHECK(meta_object_get(m, "dst", "unrelated", NULL, &o) == 0);
    meta_object_dispose(&o);
    int n = 0;
    CHECK(meta_inventory_run_object_list(m, "src", "cfg", count, &n) == 0);
    CHECK(n == 0);
    CHECK(inv_leftovers_remove(m, "src", "cfg") == 0);
    left_fixture_close(&f);
}

TEST(inv_leftovers_keep_a_run_that_delivered_its_checksum)
{
    struct left_fixture f;
    if (left_fixture_open(&f))
        return;
    struct meta_store *m = f.m;
    struct blob_store *bs = f.bs;
    /* killed after manifest.checksum, before it forgot its records: the report is complete */
    char a[BLOB_ID_LEN + 1], c[BLOB_ID_LEN + 1];
    put(m, bs, "r/data/one.csv.gz", a);
    put(m, bs, "r/2026-01-01T00-00Z/manifest.checksum", c);
    record(m, 7, "r/data/one.csv.gz", a);
    record(m, 7, "r/2026-01-01T00-00Z/manifest.checksum", c);
    CHECK(inv_leftovers_remove(m, "src", "cfg") == 0);
    struct meta_object o;
    CHECK(meta_object_get(m, "dst", "r/data/one.csv.gz", NULL, &o) == 0);
    meta_object_dispose(&o);
    int n = 0;
    CHECK(meta_inventory_run_object_list(m, "src", "cfg", count, &n) == 0);
    CHECK(n == 0); /* forgotten */
    left_fixture_close(&f);
}
