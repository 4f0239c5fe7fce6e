/* test_inv_journal.c — the change journal of the SQLite backend (schema v14) through meta.h:
 * written only for buckets that are the source of a Changes configuration, in the change's
 * transaction (a failed change leaves none), the change scan's baseline and per-key versions
 * then and now, and pruning. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "harness.h"
#include "meta/meta.h"

static int64_t journal_count(const char *dir)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/meta.db", dir);
    sqlite3 *db = NULL;
    int64_t n = -1;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM change_journal", -1, &stmt, NULL) ==
            SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
}

static int put(struct meta_store *m, const char *key, const char *version)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)key;
    snprintf(o.version_id, sizeof(o.version_id), "%s", version);
    snprintf(o.etag, sizeof(o.etag), "\"e-%s\"", version);
    snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
    snprintf(o.owner_id, sizeof(o.owner_id), "111111111111");
    o.last_modified_ms = 2000;
    return meta_object_put(m, "src", &o);
}

static int del(struct meta_store *m, const char *key, const char *version)
{
    struct meta_object out;
    int rc = meta_object_delete_version(m, "src", key, version, NULL, &out);
    if (!rc)
        meta_object_dispose(&out);
    return rc;
}

struct seen {
    char text[512];
    int full;
};

static int on_full(void *payload, const struct meta_object *o)
{
    (void)o;
    ((struct seen *)payload)->full++;
    return 0;
}

static int on_key(void *payload, const struct meta_object *then, size_t n_then,
                  const struct meta_object *now, size_t n_now)
{
    struct seen *s = payload;
    size_t n = strlen(s->text);
    const char *key = n_now ? now[0].key : then[0].key;
    snprintf(s->text + n, sizeof(s->text) - n, "%s[", key);
    for (size_t i = 0; i < n_then; i++) {
        n = strlen(s->text);
        snprintf(s->text + n, sizeof(s->text) - n, "%s%s%s", i ? "," : "", then[i].version_id,
                 then[i].is_latest ? "*" : "");
    }
    n = strlen(s->text);
    snprintf(s->text + n, sizeof(s->text) - n, "|");
    for (size_t i = 0; i < n_now; i++) {
        n = strlen(s->text);
        snprintf(s->text + n, sizeof(s->text) - n, "%s%s%s%s", i ? "," : "", now[i].version_id,
                 now[i].is_latest ? "*" : "", now[i].acl ? "+acl" : "");
    }
    n = strlen(s->text);
    snprintf(s->text + n, sizeof(s->text) - n, "] ");
    return 0;
}

static void record_run(struct meta_store *m, int64_t position)
{
    struct meta_inventory_run r;
    memset(&r, 0, sizeof(r));
    snprintf(r.bucket, sizeof(r.bucket), "src");
    snprintf(r.config_id, sizeof(r.config_id), "c");
    r.started_ms = clock_now_ms() + 1000; /* after the configuration's update */
    CHECK(meta_inventory_run_begin(m, &r) == 0);
    snprintf(r.outcome, sizeof(r.outcome), "succeeded");
    r.has_journal_seq = 1;
    r.journal_seq = position;
    CHECK(meta_inventory_run_finish(m, &r) == 0);
}

TEST(inv_journal_changes)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/stocktake-journal-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    struct meta_store *m = NULL;
    struct meta_config cfg = {"sqlite", dir, 0, NULL};
    CHECK(meta_open(&m, &cfg) == 0);
    struct meta_bucket b;
    memset(&b, 0, sizeof(b));
    snprintf(b.name, sizeof(b.name), "src");
    snprintf(b.owner_id, sizeof(b.owner_id), "111111111111");
    snprintf(b.region, sizeof(b.region), "us-east-1");
    CHECK(meta_bucket_create(m, &b) == 0);
    CHECK(put(m, "a", "a1") == 0 && put(m, "b", "b1") == 0);
    CHECK(meta_inventory_put(m, "src", "full", "<Id>full</Id>", 10) == 0);
    CHECK(put(m, "a", "a0") == 0 && del(m, "a", "a0") == 0);
    CHECK(journal_count(dir) == 0); /* no Changes configuration: nothing journaled */
    CHECK(meta_inventory_put(m, "src", "c",
                             "<Id>c</Id><IsEnabled>false</IsEnabled>"
                             "<ReportType>Changes</ReportType>",
                             10) == 0);
    CHECK(put(m, "a", "a0") == 0 && del(m, "a", "a0") == 0);
    CHECK(journal_count(dir) == 0); /* disabled: not journaled */
    CHECK(meta_inventory_put(m, "src", "c",
                             "<Id>c</Id><IsEnabled>true</IsEnabled>"
                             "<ReportType>Changes</ReportType>",
                             10) == 0);
    struct seen s;
    memset(&s, 0, sizeof(s));
    struct meta_inventory_changes_pos pos;
    CHECK(meta_inventory_changes(m, "src", "c", "", 1, on_full, on_key, &s, &pos) == 0);
    CHECK(s.full == 2 && pos.since == -1 && strstr(pos.baseline, "first"));
    record_run(m, pos.position);
    /* a new version, an ACL, a removed version, a key created and removed again */
    CHECK(put(m, "a", "a2") == 0);
    CHECK(meta_object_set_acl(m, "src", "b", "b1", "acl") == 0);
    CHECK(put(m, "c", "c1") == 0 && del(m, "c", "c1") == 0);
    CHECK(del(m, "b", "b1") == 0);
    CHECK(journal_count(dir) == 5);
    /* a change that fails leaves no entry */
    CHECK(meta_object_set_acl(m, "src", "b", "nope", "acl") == ERR_NOTFOUND);
    CHECK(journal_count(dir) == 5);
    memset(&s, 0, sizeof(s));
    int64_t first = pos.position;
    CHECK(meta_inventory_changes(m, "src", "c", "", 1, on_full, on_key, &s, &pos) == 0);
    CHECK(pos.since == first && pos.position == first + 5 && !pos.baseline[0]);
    CHECK_STR(s.text, "a[a1*|a2*,a1] b[b1*|] ");
    memset(&s, 0, sizeof(s));
    CHECK(meta_inventory_changes(m, "src", "c", "b", 1, on_full, on_key, &s, &pos) == 0);
    CHECK_STR(s.text, "b[b1*|] "); /* the prefix */
    /* pruned up to the last position: the next run finds nothing, and an older position is
     * gone (a full baseline) */
    record_run(m, pos.position);
    CHECK(meta_inventory_journal_prune(m, "src", clock_now_ms(), META_JOURNAL_MAX_ENTRIES) == 0);
    CHECK(journal_count(dir) == 0);
    memset(&s, 0, sizeof(s));
    CHECK(meta_inventory_changes(m, "src", "c", "", 1, on_full, on_key, &s, &pos) == 0);
    CHECK(s.text[0] == '\0' && s.full == 0 && pos.since == first + 5);
    record_run(m, first);
    memset(&s, 0, sizeof(s));
    CHECK(meta_inventory_changes(m, "src", "c", "", 1, on_full, on_key, &s, &pos) == 0);
    CHECK(pos.since == -1 && strstr(pos.baseline, "no longer reaches") && s.full == 2);
    /* the hard bounds: the newest max_entries, and nothing older than the age cap */
    CHECK(put(m, "d", "d1") == 0 && put(m, "d", "d2") == 0 && put(m, "d", "d3") == 0);
    CHECK(journal_count(dir) == 3);
    CHECK(meta_inventory_journal_prune(m, "src", clock_now_ms(), 2) == 0);
    CHECK(journal_count(dir) == 2);
    CHECK(meta_inventory_journal_prune(m, "src", clock_now_ms(), 2) == 0);
    CHECK(journal_count(dir) == 2);
    CHECK(meta_inventory_journal_prune(m, "src", clock_now_ms() + META_JOURNAL_MAX_AGE_MS + 1000,
                                       META_JOURNAL_MAX_ENTRIES) == 0);
    CHECK(journal_count(dir) == 0);
    /* no Changes configuration any more: the entries go and none are written */
    CHECK(put(m, "d", "d4") == 0 && journal_count(dir) == 1);
    CHECK(meta_inventory_delete(m, "src", "c") == 0);
    CHECK(journal_count(dir) == 0);
    CHECK(put(m, "d", "d5") == 0 && journal_count(dir) == 0);
    meta_close(m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}
