/* test_lc_store.c — the lifecycle worker against a real (SQLite) store: a storage class
 * change only while the version holds its blob, the per-bucket counts, the conditional delete
 * marker, and a whole pass (lc_worker_run_all) that leaves versions Object Lock protects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "harness.h"
#include "inventory/inv_expiry.h"
#include "lifecycle/lc_day.h"
#include "lifecycle/lc_worker.h"
#include "object/object.h"
#include "tiering/tier.h"
#include "tiering/tier_worker.h"

struct lc_fixture {
    char dir[64];
    struct meta_store *m;
    struct blob_store *bs;
    struct meta_bucket b;
};

static int lc_fixture_open(struct lc_fixture *f, enum meta_versioning v)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/stocktake-lc-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    struct meta_config cfg = {"sqlite", f->dir, 0, NULL};
    if (blob_store_open(&f->bs, f->dir, 1) || meta_open(&f->m, &cfg))
        return -1;
    memset(&f->b, 0, sizeof(f->b));
    snprintf(f->b.name, sizeof(f->b.name), "bkt");
    snprintf(f->b.owner_id, sizeof(f->b.owner_id), "111111111111");
    snprintf(f->b.region, sizeof(f->b.region), "us-east-1");
    if (meta_bucket_create(f->m, &f->b) || meta_bucket_set_versioning(f->m, "bkt", v) ||
        meta_bucket_get(f->m, "bkt", &f->b))
        return -1;
    return 0;
}

static void lc_fixture_close(struct lc_fixture *f)
{
    meta_close(f->m);
    blob_store_close(f->bs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    CHECK(system(cmd) == 0);
}

static int lc_put(struct lc_fixture *f, const char *key, const char *vid, const char *blob,
                  int64_t lm, const char *lock_mode, int64_t until, int hold)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)key;
    snprintf(o.version_id, sizeof(o.version_id), "%s", vid);
    snprintf(o.etag, sizeof(o.etag), "\"e\"");
    snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
    snprintf(o.owner_id, sizeof(o.owner_id), "111111111111");
    snprintf(o.blob_id, sizeof(o.blob_id), "%s", blob);
    snprintf(o.lock_mode, sizeof(o.lock_mode), "%s", lock_mode);
    o.lock_until_ms = until;
    o.legal_hold = hold;
    o.size = 1;
    o.last_modified_ms = lm;
    return meta_object_put(f->m, "bkt", &o);
}

static int lc_stat_sum(void *payload, const struct meta_lifecycle_stat *st)
{
    char *out = payload;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%s:%s=%lld;", st->bucket, st->action, (long long)st->count);
    return 0;
}

static int lc_count_versions(struct lc_fixture *f, const char *key)
{
    static const char *const vids[] = {"v1", "v2", "v3"};
    int n = 0;
    for (size_t i = 0; i < 3; i++) {
        struct meta_object o;
        if (meta_object_get(f->m, "bkt", key, vids[i], &o) == 0) {
            n++;
            meta_object_dispose(&o);
        }
    }
    return n;
}

TEST(lc_store_storage_class_stats_and_conditional_marker)
{
    struct lc_fixture f;
    CHECK(lc_fixture_open(&f, META_VERSIONING_ENABLED) == 0);
    CHECK(lc_put(&f, "k", "v1", "b1", 1000, "", 0, 0) == 0);
    CHECK(meta_object_set_storage_class(f.m, "bkt", "k", "v1", "other", "GLACIER") == ERR_NOTFOUND);
    CHECK(meta_object_set_storage_class(f.m, "bkt", "k", "v1", "b1", "GLACIER") == 0);
    struct meta_object o;
    CHECK(meta_object_get(f.m, "bkt", "k", "v1", &o) == 0);
    CHECK_STR(o.storage_class, "GLACIER");
    meta_object_dispose(&o);
    CHECK(meta_lifecycle_stat_add(f.m, "bkt", "Expiration", 2, 10) == 0);
    CHECK(meta_lifecycle_stat_add(f.m, "bkt", "Expiration", 3, 20) == 0);
    CHECK(meta_lifecycle_stat_add(f.m, "a", "Transition", 1, 20) == 0);
    char sums[256] = "";
    CHECK(meta_lifecycle_stat_list(f.m, NULL, lc_stat_sum, sums) == 0);
    CHECK_STR(sums, "a:Transition=1;bkt:Expiration=5;");
    sums[0] = '\0';
    CHECK(meta_lifecycle_stat_list(f.m, "bkt", lc_stat_sum, sums) == 0);
    CHECK_STR(sums, "bkt:Expiration=5;");
    /* the marker only goes on while v1 is still the current version */
    char vid[64];
    CHECK(obj_delete_marker_add(f.m, "bkt", f.b.id, "k", META_VERSIONING_ENABLED, f.b.owner_id,
                                "v0", vid) == ERR_CONFLICT);
    CHECK(obj_delete_marker_add(f.m, "bkt", f.b.id, "k", META_VERSIONING_ENABLED, f.b.owner_id,
                                "v1", vid) == 0);
    CHECK(meta_object_get(f.m, "bkt", "k", NULL, &o) == 0);
    CHECK(o.is_delete_marker && strcmp(o.version_id, vid) == 0 && strlen(vid) == 32);
    meta_object_dispose(&o);
    CHECK(obj_delete_marker_add(f.m, "bkt", f.b.id, "k", META_VERSIONING_ENABLED, f.b.owner_id,
                                "v1", vid) == ERR_CONFLICT); /* a marker is current now */
    lc_fixture_close(&f);
}

TEST(lc_store_pass_leaves_locked_versions)
{
    lc_day_set_seconds(1);
    struct lc_fixture f;
    CHECK(lc_fixture_open(&f, META_VERSIONING_ENABLED) == 0);
    int64_t now = clock_now_ms();
    /* three versions of each key, long noncurrent: the two old ones are due */
    CHECK(lc_put(&f, "held", "v1", "h1", 1000, "", 0, 1) == 0); /* legal hold */
    CHECK(lc_put(&f, "held", "v2", "h2", 2000, "COMPLIANCE", now + 3600000, 0) == 0);
    CHECK(lc_put(&f, "held", "v3", "h3", 3000, "", 0, 0) == 0);
    CHECK(lc_put(&f, "free", "v1", "f1", 1000, "GOVERNANCE", 5000, 0) == 0); /* retention over */
    CHECK(lc_put(&f, "free", "v2", "f2", 2000, "", 0, 0) == 0);
    CHECK(lc_put(&f, "free", "v3", "f3", 3000, "", 0, 0) == 0);
    const char *doc = "<LifecycleConfiguration><Rule><ID>nc</ID><Status>Enabled</Status>"
                      "<Filter><Prefix></Prefix></Filter><NoncurrentVersionExpiration>"
                      "<NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>"
                      "</LifecycleConfiguration>";
    CHECK(meta_bucket_config_put(f.m, "bkt", META_CONFIG_LIFECYCLE, doc) == 0);
    CHECK(lc_worker_run_all(f.m, f.bs, now) == 0);
    CHECK(lc_count_versions(&f, "held") == 3);
    CHECK(lc_count_versions(&f, "free") == 1);
    char sums[256] = "";
    CHECK(meta_lifecycle_stat_list(f.m, "bkt", lc_stat_sum, sums) == 0);
    CHECK_STR(sums, "bkt:NoncurrentVersionExpiration=2;bkt:SkippedObjectLock=2;");
    lc_fixture_close(&f);
    lc_day_set_seconds(0);
}

/* A version transitioned to INTELLIGENT_TIERING starts in FREQUENT_ACCESS with its days
 * without access counted from the transition, not from its Last-Modified (AWS: objects
 * uploaded or transitioned to S3 Intelligent-Tiering are stored in Frequent Access). */
TEST(lc_store_transition_to_intelligent_tiering_starts_frequent)
{
    struct lc_fixture f;
    CHECK(lc_fixture_open(&f, META_UNVERSIONED) == 0);
    int64_t now = clock_now_ms(), day = LC_DAY_REAL_MS;
    CHECK(lc_put(&f, "old", "null", "o1", now - 100 * day, "", 0, 0) == 0);
    const char *doc = "<LifecycleConfiguration><Rule><ID>it</ID><Status>Enabled</Status>"
                      "<Filter><Prefix></Prefix></Filter><Transition><Days>31</Days>"
                      "<StorageClass>INTELLIGENT_TIERING</StorageClass></Transition></Rule>"
                      "</LifecycleConfiguration>";
    CHECK(meta_bucket_config_put(f.m, "bkt", META_CONFIG_LIFECYCLE, doc) == 0);
    CHECK(lc_worker_run_all(f.m, f.bs, now) == 0);
    struct tier_pass_stats st;
    CHECK(tier_worker_pass(f.m, now + day, &st) == 0);
    struct meta_object o;
    CHECK(meta_object_get(f.m, "bkt", "old", NULL, &o) == 0);
    CHECK_STR(o.storage_class, "INTELLIGENT_TIERING");
    CHECK_STR(o.tier, TIER_FREQUENT);
    CHECK(o.last_access_ms == now);
    meta_object_dispose(&o);
    CHECK(tier_worker_pass(f.m, now + 30 * day, &st) == 0 && st.moved == 1);
    CHECK(meta_object_get(f.m, "bkt", "old", NULL, &o) == 0);
    CHECK_STR(o.tier, TIER_INFREQUENT);
    meta_object_dispose(&o);
    lc_fixture_close(&f);
}

TEST(lc_store_inventory_expiry_of_current_and_noncurrent_rows)
{
    lc_day_set_seconds(10);
    struct lc_fixture f;
    CHECK(lc_fixture_open(&f, META_VERSIONING_ENABLED) == 0);
    const char *doc = "<LifecycleConfiguration><Rule><ID>e</ID><Status>Enabled</Status>"
                      "<Filter><Prefix>a</Prefix></Filter><Expiration><Days>3</Days></Expiration>"
                      "<NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays>"
                      "<NewerNoncurrentVersions>1</NewerNoncurrentVersions>"
                      "</NoncurrentVersionExpiration></Rule><Rule><ID>t</ID><Status>Enabled"
                      "</Status><Filter><Tag><Key>x</Key><Value>1</Value></Tag></Filter>"
                      "<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>";
    CHECK(meta_bucket_config_put(f.m, "bkt", META_CONFIG_LIFECYCLE, doc) == 0);
    CHECK(lc_put(&f, "tagged", "v1", "t1", 5000, "", 0, 0) == 0);
    CHECK(meta_object_set_tags(f.m, "bkt", "tagged", "v1", "x=1") == 0);
    struct inv_expiry e;
    CHECK(inv_expiry_load(&e, f.m, "bkt") == 0 && e.needs_tags);
    struct meta_object rows[5];
    memset(rows, 0, sizeof(rows));
    const char *keys[] = {"a", "a", "a", "b", "tagged"};
    const int64_t lm[] = {100000, 50000, 20000, 1000, 5000};
    for (int i = 0; i < 5; i++) {
        rows[i].key = (char *)keys[i];
        snprintf(rows[i].version_id, sizeof(rows[i].version_id), "v%d", 3 - i);
        rows[i].is_latest = i == 0 || i >= 3;
        rows[i].last_modified_ms = lm[i];
        rows[i].size = 1;
    }
    snprintf(rows[4].version_id, sizeof(rows[4].version_id), "v1");
    CHECK(inv_expiry_of(&e, &rows[0]) == 130000); /* 100 s + 3 days of 10 s */
    CHECK(inv_expiry_of(&e, &rows[1]) == 0);      /* the newest noncurrent version is kept */
    CHECK(inv_expiry_of(&e, &rows[2]) == 70000);  /* noncurrent since 50 s, + 2 days */
    CHECK(inv_expiry_of(&e, &rows[3]) == 0);      /* no rule for b */
    CHECK(inv_expiry_of(&e, &rows[4]) == 20000);  /* its stored tags match rule t */
    inv_expiry_dispose(&e);
    CHECK(meta_bucket_config_delete(f.m, "bkt", META_CONFIG_LIFECYCLE) == 0);
    CHECK(inv_expiry_load(&e, f.m, "bkt") == 0);
    CHECK(inv_expiry_of(&e, &rows[0]) == 0);
    inv_expiry_dispose(&e);
    lc_fixture_close(&f);
    lc_day_set_seconds(0);
}
