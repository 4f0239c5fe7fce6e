/* test_tiering.c — Intelligent-Tiering and restores: tier_decide by idle days (30, 90, the
 * configured archive days, sticky archives), restore records and their states in time, the
 * retrieval durations, IntelligentTieringConfiguration parsing with AWS's limits, and one
 * worker pass over a real SQLite store moving versions between tiers. */
#include <stdlib.h>

#include "harness.h"

#include "lifecycle/lc_day.h"
#include "tiering/it_config.h"
#include "tiering/tier.h"
#include "tiering/tier_worker.h"

#define DAY LC_DAY_REAL_MS

static struct meta_object it_obj(const char *tier, int64_t last_access)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    snprintf(o.storage_class, sizeof(o.storage_class), "INTELLIGENT_TIERING");
    snprintf(o.tier, sizeof(o.tier), "%s", tier);
    o.last_access_ms = last_access;
    return o;
}

TEST(tier_decide_by_idle_days)
{
    struct tier_archive_days none = {0, 0}, both = {100, 200};
    struct meta_object o = it_obj(TIER_FREQUENT, DAY);
    CHECK_STR(tier_decide(&o, &none, DAY + 29 * DAY, DAY), TIER_FREQUENT);
    CHECK_STR(tier_decide(&o, &none, DAY + 30 * DAY, DAY), TIER_INFREQUENT);
    CHECK_STR(tier_decide(&o, &none, DAY + 90 * DAY, DAY), TIER_ARCHIVE_INSTANT);
    CHECK_STR(tier_decide(&o, &none, DAY + 1000 * DAY, DAY), TIER_ARCHIVE_INSTANT);
    CHECK_STR(tier_decide(&o, &both, DAY + 100 * DAY, DAY), TIER_ARCHIVE);
    CHECK_STR(tier_decide(&o, &both, DAY + 200 * DAY, DAY), TIER_DEEP_ARCHIVE);
    /* an archived version stays archived without its configuration; ARCHIVE may deepen */
    o = it_obj(TIER_ARCHIVE, DAY);
    CHECK_STR(tier_decide(&o, &none, DAY + 300 * DAY, DAY), TIER_ARCHIVE);
    CHECK_STR(tier_decide(&o, &both, DAY + 300 * DAY, DAY), TIER_DEEP_ARCHIVE);
    o = it_obj(TIER_DEEP_ARCHIVE, DAY);
    CHECK_STR(tier_decide(&o, &none, DAY, DAY), TIER_DEEP_ARCHIVE);
    CHECK(tier_is_archived(&o));
    CHECK_STR(tier_report_name(TIER_ARCHIVE_INSTANT), "ARCHIVE_INSTANT_ACCESS");
    CHECK_STR(tier_report_name(TIER_DEEP_ARCHIVE), "DEEP_ARCHIVE");
    CHECK_STR(tier_report_name(""), "FREQUENT");
}

TEST(tier_restore_records)
{
    struct restore_record r = {"Bulk", 1000, 2000, 5000, 0}, back;
    char s[128];
    restore_record_format(&r, s, sizeof(s));
    CHECK(restore_record_parse(s, &back) == 0);
    CHECK(memcmp(&r, &back, sizeof(r)) == 0);
    CHECK(restore_state_at(&r, 1500) == RESTORE_ONGOING);
    CHECK(restore_state_at(&r, 2000) == RESTORE_DONE);
    CHECK(restore_state_at(&r, 5000) == RESTORE_NONE);
    CHECK(restore_record_parse("", &back) == 0 && restore_state_at(&back, 1) == RESTORE_NONE);
    CHECK(restore_record_parse("1;Bulk;5;4;0", &back) == ERR_INVALID);
    CHECK(restore_record_parse("1;Bulk;1;2;3x", &back) == ERR_INVALID);
    /* the sweep's notified mark: absent is 0; 1 (Completed sent), 2 (Delete sent) */
    CHECK_STR(s, "1;Bulk;1000;2000;5000");
    CHECK(restore_notify_due(&r, 1999) == RESTORE_NOTIFIED_NONE);
    CHECK(restore_notify_due(&r, 2000) == RESTORE_NOTIFIED_COMPLETED);
    CHECK(restore_notify_due(&r, 6000) == RESTORE_NOTIFIED_COMPLETED); /* Completed first */
    r.notified = RESTORE_NOTIFIED_COMPLETED;
    CHECK(restore_notify_due(&r, 4999) == RESTORE_NOTIFIED_COMPLETED);
    CHECK(restore_notify_due(&r, 5000) == RESTORE_NOTIFIED_DELETE);
    restore_record_format(&r, s, sizeof(s));
    CHECK_STR(s, "1;Bulk;1000;2000;5000;1");
    CHECK(restore_record_parse(s, &back) == 0 && back.notified == 1);
    CHECK(restore_state_at(&back, 3000) == RESTORE_DONE);
    CHECK(restore_record_parse("1;Bulk;1;2;3;2", &back) == 0 && back.notified == 2);
    CHECK(restore_notify_due(&back, 10) == RESTORE_NOTIFIED_DELETE);
    CHECK(restore_record_parse("1;Bulk;1;2;3;3", &back) == ERR_INVALID);
    CHECK(restore_record_parse("1;Bulk;1;2;3;1x", &back) == ERR_INVALID);
    CHECK(restore_record_parse("1;Bulk;1;2;3;", &back) == ERR_INVALID);
    r.expiry_ms = 0; /* an IT restore: no copy to expire */
    CHECK(restore_notify_due(&r, 1000000) == RESTORE_NOTIFIED_COMPLETED);
    struct meta_object g;
    memset(&g, 0, sizeof(g));
    snprintf(g.storage_class, sizeof(g.storage_class), "GLACIER");
    CHECK(tier_is_archived(&g));
    CHECK(restore_duration_ms(&g, "Expedited", DAY, -1) == DAY / 288);
    CHECK(restore_duration_ms(&g, "Bulk", DAY, 2.5) == 5 * DAY / 2);
    CHECK(restore_tier_allowed(&g, "Expedited"));
    snprintf(g.storage_class, sizeof(g.storage_class), "DEEP_ARCHIVE");
    CHECK(!restore_tier_allowed(&g, "Expedited"));
    CHECK(restore_duration_ms(&g, "Bulk", DAY, -1) == 2 * DAY);
    snprintf(g.storage_class, sizeof(g.storage_class), "GLACIER_IR");
    CHECK(!tier_is_archived(&g));
}

static enum it_config_error it_parse(const char *doc, struct it_config *c)
{
    char msg[160];
    return it_config_parse(doc, strlen(doc), c, msg, sizeof(msg));
}

#define ITC(body)                                                                                  \
    "<IntelligentTieringConfiguration><Id>a</Id>" body "</IntelligentTieringConfiguration>"
#define TIERING(t, d) "<Tiering><AccessTier>" t "</AccessTier><Days>" d "</Days></Tiering>"

TEST(tier_config_parse_and_limits)
{
    struct it_config c;
    CHECK(it_parse(ITC("<Filter><And><Prefix>p/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag>"
                       "</And></Filter><Status>Enabled</Status>" TIERING("ARCHIVE_ACCESS", "90")
                           TIERING("DEEP_ARCHIVE_ACCESS", "180")),
                   &c) == IT_CONFIG_OK);
    CHECK(c.enabled && c.archive_days == 90 && c.deep_days == 180 && c.filter.ntags == 1);
    CHECK_STR(c.filter.prefix, "p/");
    struct it_configs l;
    memset(&l, 0, sizeof(l));
    CHECK(it_configs_put(&l, &c) == 0);
    struct tier_archive_days a;
    it_configs_archive_days(&l, "p/x", "k=v", &a);
    CHECK(a.archive == 90 && a.deep_archive == 180);
    it_configs_archive_days(&l, "p/x", "k=w", &a);
    CHECK(a.archive == 0 && a.deep_archive == 0);
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    CHECK(it_configs_render(&xml, &l) == 0);
    struct it_configs back;
    CHECK(it_configs_parse((const char *)xml.data, &back) == 0);
    CHECK(back.n == 1 && back.v[0].deep_days == 180);
    it_configs_dispose(&back);
    buf_dispose(&xml);
    it_configs_dispose(&l);

    CHECK(it_parse(ITC("<Status>Enabled</Status>" TIERING("ARCHIVE_ACCESS", "89")), &c) ==
          IT_CONFIG_INVALID_ARGUMENT);
    CHECK(it_parse(ITC("<Status>Enabled</Status>" TIERING("DEEP_ARCHIVE_ACCESS", "731")), &c) ==
          IT_CONFIG_INVALID_ARGUMENT);
    CHECK(it_parse(ITC("<Status>Enabled</Status>" TIERING("ARCHIVE_ACCESS", "200")
                           TIERING("DEEP_ARCHIVE_ACCESS", "190")),
                   &c) == IT_CONFIG_INVALID_ARGUMENT);
    CHECK(it_parse(ITC("<Status>Enabled</Status>"), &c) == IT_CONFIG_MALFORMED);
    CHECK(it_parse(ITC("<Status>On</Status>" TIERING("ARCHIVE_ACCESS", "90")), &c) ==
          IT_CONFIG_MALFORMED);
    CHECK(it_parse(ITC("<Status>Enabled</Status>" TIERING("GLACIER", "90")), &c) ==
          IT_CONFIG_MALFORMED);
}

struct tier_fixture {
    char dir[64];
    struct meta_store *m;
};

static void tier_put(struct meta_store *m, const char *key, const char *version, int64_t t)
{
    struct meta_object o = it_obj(TIER_FREQUENT, t);
    o.key = (char *)key;
    snprintf(o.version_id, sizeof(o.version_id), "%s", version);
    o.is_latest = 1;
    o.last_modified_ms = t;
    snprintf(o.etag, sizeof(o.etag), "\"x\"");
    snprintf(o.blob_id, sizeof(o.blob_id), "b-%s", key);
    CHECK(meta_object_put(m, "tb", &o) == 0);
}

static void tier_expect(struct meta_store *m, const char *key, const char *tier)
{
    struct meta_object o;
    CHECK(meta_object_get(m, "tb", key, NULL, &o) == 0);
    CHECK_STR(o.tier, tier);
    meta_object_dispose(&o);
}

TEST(tier_worker_pass_moves_versions)
{
    struct tier_fixture f;
    snprintf(f.dir, sizeof(f.dir), "/tmp/stocktake-tier-XXXXXX");
    CHECK(mkdtemp(f.dir) != NULL);
    struct meta_config cfg = {"sqlite", f.dir, 0, NULL};
    CHECK(meta_open(&f.m, &cfg) == 0);
    struct meta_bucket b;
    memset(&b, 0, sizeof(b));
    snprintf(b.name, sizeof(b.name), "tb");
    snprintf(b.owner_id, sizeof(b.owner_id), "111122223333");
    CHECK(meta_bucket_create(f.m, &b) == 0);
    int64_t t0 = 1000 * DAY;
    tier_put(f.m, "cold/a", "v1", t0);
    tier_put(f.m, "warm", "v2", t0 + 80 * DAY);
    const char *conf = "<IntelligentTieringConfigurations><IntelligentTieringConfiguration>"
                       "<Id>c</Id><Filter><Prefix>cold/</Prefix></Filter><Status>Enabled</Status>"
                       "<Tiering><Days>120</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering>"
                       "</IntelligentTieringConfiguration></IntelligentTieringConfigurations>";
    CHECK(meta_bucket_config_put(f.m, "tb", META_CONFIG_INTELLIGENT_TIERING, conf) == 0);
    struct tier_pass_stats st;
    CHECK(tier_worker_pass(f.m, t0 + 100 * DAY, &st) == 0);
    CHECK(st.scanned == 2 && st.moved == 1);
    tier_expect(f.m, "cold/a", TIER_ARCHIVE_INSTANT);
    tier_expect(f.m, "warm", TIER_FREQUENT);
    CHECK(tier_worker_pass(f.m, t0 + 125 * DAY, &st) == 0);
    tier_expect(f.m, "cold/a", TIER_ARCHIVE);
    tier_expect(f.m, "warm", TIER_INFREQUENT);
    /* a finished restore brings the archived version back to FREQUENT_ACCESS */
    struct restore_record r = {"Standard", t0 + 126 * DAY, t0 + 127 * DAY, 0, 0};
    char doc[128];
    restore_record_format(&r, doc, sizeof(doc));
    struct meta_tiering t = {NULL, -1, doc};
    CHECK(meta_object_set_tiering(f.m, "tb", "cold/a", "v1", &t, NULL, NULL) == 0);
    CHECK(tier_worker_pass(f.m, t0 + 126 * DAY + 1, &st) == 0);
    tier_expect(f.m, "cold/a", TIER_ARCHIVE); /* still restoring */
    CHECK(tier_worker_pass(f.m, t0 + 128 * DAY, &st) == 0);
    tier_expect(f.m, "cold/a", TIER_FREQUENT);
    struct meta_object o;
    CHECK(meta_object_get(f.m, "tb", "cold/a", NULL, &o) == 0);
    CHECK(o.last_access_ms == t0 + 128 * DAY && (!o.restore || !o.restore[0]));
    meta_object_dispose(&o);
    meta_close(f.m);
    char cmd[96];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f.dir);
    CHECK(system(cmd) == 0);
}

/* The sweep: a GLACIER version's restore gets its Completed mark once ready, its Delete mark once
 * the copy expired, once each (the events go with them, through the change hook). */
TEST(tier_worker_pass_marks_restores)
{
    struct tier_fixture f;
    snprintf(f.dir, sizeof(f.dir), "/tmp/stocktake-tier-XXXXXX");
    CHECK(mkdtemp(f.dir) != NULL);
    struct meta_config cfg = {"sqlite", f.dir, 0, NULL};
    CHECK(meta_open(&f.m, &cfg) == 0);
    struct meta_bucket b;
    memset(&b, 0, sizeof(b));
    snprintf(b.name, sizeof(b.name), "tb");
    snprintf(b.owner_id, sizeof(b.owner_id), "111122223333");
    CHECK(meta_bucket_create(f.m, &b) == 0);
    int64_t t0 = 1000 * DAY;
    struct meta_object o = it_obj("", t0);
    o.key = (char *)"g";
    snprintf(o.storage_class, sizeof(o.storage_class), "GLACIER");
    snprintf(o.version_id, sizeof(o.version_id), "v1");
    o.is_latest = 1;
    o.last_modified_ms = t0;
    snprintf(o.etag, sizeof(o.etag), "\"x\"");
    snprintf(o.blob_id, sizeof(o.blob_id), "b-g");
    CHECK(meta_object_put(f.m, "tb", &o) == 0);
    struct restore_record r = {"Standard", t0, t0 + DAY, t0 + 3 * DAY, 0};
    char doc[128];
    restore_record_format(&r, doc, sizeof(doc));
    struct meta_tiering t = {NULL, -1, doc};
    CHECK(meta_object_set_tiering(f.m, "tb", "g", "v1", &t, NULL, NULL) == 0);
    struct tier_pass_stats st;
    CHECK(tier_worker_pass(f.m, t0 + 1, &st) == 0 && st.notified == 0); /* restoring */
    CHECK(tier_worker_pass(f.m, t0 + DAY, &st) == 0 && st.notified == 1);
    CHECK(tier_worker_pass(f.m, t0 + 2 * DAY, &st) == 0 && st.notified == 0); /* once */
    struct meta_object got;
    CHECK(meta_object_get(f.m, "tb", "g", NULL, &got) == 0);
    CHECK(got.restore &&
          strcmp(got.restore, "1;Standard;86400000000;86486400000;86659200000;1") == 0);
    CHECK_STR(got.storage_class, "GLACIER");
    meta_object_dispose(&got);
    CHECK(tier_worker_pass(f.m, t0 + 3 * DAY, &st) == 0 && st.notified == 1);
    CHECK(tier_worker_pass(f.m, t0 + 4 * DAY, &st) == 0 && st.notified == 0);
    CHECK(meta_object_get(f.m, "tb", "g", NULL, &got) == 0);
    CHECK(got.restore && restore_record_parse(got.restore, &r) == 0 &&
          r.notified == RESTORE_NOTIFIED_DELETE);
    meta_object_dispose(&got);
    meta_close(f.m);
    char cmd[96];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f.dir);
    CHECK(system(cmd) == 0);
}
