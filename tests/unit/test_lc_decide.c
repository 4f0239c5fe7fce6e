/* test_lc_decide.c — the lifecycle decisions for one key's versions and for uploads: day
 * boundaries, current expiry vs. transition, expired delete markers, noncurrent ages counted
 * from the successor and NewerNoncurrentVersions, disabled rules, the expiry date reported. */
#include <string.h>

#include "harness.h"
#include "lifecycle/lc_day.h"
#include "lifecycle/lc_decide.h"

#define LC(rules) "<LifecycleConfiguration>" rules "</LifecycleConfiguration>"
#define S 1000 /* one second in ms; the tests use a 10 s lifecycle day */

static void parse(const char *xml, struct lc_rules *out)
{
    CHECK(lc_rules_parse(xml, strlen(xml), out) == 0);
}

static struct meta_object version(const char *key, const char *vid, int64_t lm, int latest,
                                  int marker)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)key;
    snprintf(o.version_id, sizeof(o.version_id), "%s", vid);
    o.last_modified_ms = lm;
    o.is_latest = latest;
    o.is_delete_marker = marker;
    o.size = marker ? 0 : 100;
    snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
    return o;
}

TEST(lc_decide_current_expiry_waits_for_the_day_boundary)
{
    lc_day_set_seconds(10);
    struct lc_rules r;
    parse(LC("<Rule><ID>e</ID><Status>Enabled</Status><Filter><Prefix>a/</Prefix></Filter>"
             "<Expiration><Days>2</Days></Expiration><Transition><Days>1</Days>"
             "<StorageClass>STANDARD_IA</StorageClass></Transition></Rule>"),
          &r);
    struct meta_object v = version("a/k", "null", 103 * S, 1, 0);
    struct lc_decision d[1];
    /* written at 103 s: 2 days later is 123 s, the next boundary 130 s */
    CHECK(lc_decide_key(&r, &v, 1, 113 * S, d) == 0);
    CHECK(lc_decide_key(&r, &v, 1, 120 * S, d) == 1 && d[0].action == LC_ACT_TRANSITION);
    CHECK_STR(d[0].storage_class, "STANDARD_IA");
    CHECK(lc_decide_key(&r, &v, 1, 129 * S, d) == 1 && d[0].action == LC_ACT_TRANSITION);
    CHECK(lc_decide_key(&r, &v, 1, 130 * S, d) == 1 && d[0].action == LC_ACT_EXPIRE);
    CHECK_STR(d[0].rule->id, "e");
    /* already in the class: nothing to do before the expiry */
    snprintf(v.storage_class, sizeof(v.storage_class), "STANDARD_IA");
    CHECK(lc_decide_key(&r, &v, 1, 125 * S, d) == 0);
    /* outside the prefix: nothing */
    v.key = "b/k";
    CHECK(lc_decide_key(&r, &v, 1, 500 * S, d) == 0);
    int64_t at = 0;
    CHECK(lc_decide_expiry(&r, "a/k", NULL, 1, 103 * S, &at) == &r.rules[0] && at == 130 * S);
    CHECK(lc_decide_expiry(&r, "b/k", NULL, 1, 103 * S, &at) == NULL);
    lc_rules_dispose(&r);
    lc_day_set_seconds(0);
}

TEST(lc_decide_latest_of_several_transitions_and_earliest_expiry)
{
    lc_day_set_seconds(10);
    struct lc_rules r;
    parse(LC("<Rule><ID>t</ID><Status>Enabled</Status><Filter/>"
             "<Transition><Days>1</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
             "<Transition><Days>3</Days><StorageClass>GLACIER</StorageClass></Transition>"
             "</Rule><Rule><ID>late</ID><Status>Enabled</Status><Filter/><Expiration><Days>9"
             "</Days></Expiration></Rule><Rule><ID>soon</ID><Status>Enabled</Status><Filter/>"
             "<Expiration><Date>2020-01-01T00:00:00Z</Date></Expiration></Rule>"
             "<Rule><ID>off</ID><Status>Disabled</Status><Filter/><Expiration><Days>1</Days>"
             "</Expiration></Rule>"),
          &r);
    const int64_t t0 = (int64_t)1600000000 * S; /* 2020-09-13, a day boundary */
    struct meta_object v = version("k", "null", t0, 1, 0);
    struct lc_decision d[1];
    int64_t at = 0;
    /* the Date rule (2020-01-01, already past) is earliest; the disabled one is not looked at */
    CHECK(lc_decide_expiry(&r, "k", NULL, 1, t0, &at) == &r.rules[2]);
    CHECK(at == (int64_t)1577836800 * 1000);
    CHECK(lc_decide_key(&r, &v, 1, t0, d) == 1 && d[0].action == LC_ACT_EXPIRE);
    r.rules[2].enabled = 0;
    CHECK(lc_decide_expiry(&r, "k", NULL, 1, t0, &at) == &r.rules[1] && at == t0 + 90 * S);
    CHECK(lc_decide_key(&r, &v, 1, t0 + 15 * S, d) == 1 && d[0].action == LC_ACT_TRANSITION);
    CHECK_STR(d[0].storage_class, "STANDARD_IA");
    CHECK(lc_decide_key(&r, &v, 1, t0 + 35 * S, d) == 1);
    CHECK_STR(d[0].storage_class, "GLACIER");
    CHECK(lc_decide_key(&r, &v, 1, t0 + 90 * S, d) == 1 && d[0].action == LC_ACT_EXPIRE);
    lc_rules_dispose(&r);
    lc_day_set_seconds(0);
}

TEST(lc_decide_noncurrent_age_from_successor_and_newer_versions_kept)
{
    lc_day_set_seconds(10);
    struct lc_rules r;
    parse(LC("<Rule><ID>nc</ID><Status>Enabled</Status><Filter><Prefix></Prefix></Filter>"
             "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays>"
             "<NewerNoncurrentVersions>1</NewerNoncurrentVersions>"
             "</NoncurrentVersionExpiration></Rule>"),
          &r);
    /* newest first: current v4 (at 100 s), then v3 (50 s), v2 (20 s), v1 (0 s) */
    struct meta_object v[4] = {version("k", "v4", 100 * S, 1, 0), version("k", "v3", 50 * S, 0, 0),
                               version("k", "v2", 20 * S, 0, 0), version("k", "v1", 0, 0, 0)};
    struct lc_decision d[4];
    /* v1 noncurrent since 20 s (due 30 s), v2 since 50 s (due 60 s), v3 since 100 s (due
     * 110 s) but v3 is the newest noncurrent version and is kept */
    CHECK(lc_decide_key(&r, v, 4, 29 * S, d) == 0);
    CHECK(lc_decide_key(&r, v, 4, 30 * S, d) == 1 && d[0].index == 3);
    CHECK(d[0].action == LC_ACT_NONCURRENT_EXPIRE);
    CHECK(lc_decide_key(&r, v, 4, 60 * S, d) == 2 && d[0].index == 2 && d[1].index == 3);
    CHECK(lc_decide_key(&r, v, 4, 1000 * S, d) == 2);
    r.rules[0].newer_noncurrent = 0;
    CHECK(lc_decide_key(&r, v, 4, 1000 * S, d) == 3 && d[0].index == 1);
    lc_rules_dispose(&r);
    lc_day_set_seconds(0);
}

TEST(lc_decide_expired_delete_markers)
{
    lc_day_set_seconds(10);
    struct lc_rules r;
    parse(LC("<Rule><ID>dm</ID><Status>Enabled</Status><Filter><Prefix>m/</Prefix></Filter>"
             "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>"
             "</Expiration></Rule><Rule><ID>days</ID><Status>Enabled</Status><Filter><Prefix>"
             "d/</Prefix></Filter><Expiration><Days>2</Days></Expiration></Rule>"),
          &r);
    struct meta_object sole = version("m/k", "dm1", 5 * S, 1, 1);
    struct meta_object two[2] = {version("m/k", "dm1", 5 * S, 1, 1), version("m/k", "v1", 0, 0, 0)};
    struct lc_decision d[2];
    CHECK(lc_decide_key(&r, &sole, 1, 6 * S, d) == 1 && d[0].action == LC_ACT_DELETE_MARKER);
    CHECK(lc_decide_key(&r, two, 2, 1000 * S, d) == 0); /* a version remains: not expired */
    /* Expiration Days removes a sole marker once the marker is old enough */
    sole.key = "d/k";
    CHECK(lc_decide_key(&r, &sole, 1, 20 * S, d) == 0);
    CHECK(lc_decide_key(&r, &sole, 1, 30 * S, d) == 1 && d[0].action == LC_ACT_DELETE_MARKER);
    CHECK_STR(d[0].rule->id, "days");
    lc_rules_dispose(&r);
    lc_day_set_seconds(0);
}

TEST(lc_decide_uploads_and_noncurrent_transitions)
{
    lc_day_set_seconds(10);
    struct lc_rules r;
    parse(LC("<Rule><ID>u</ID><Status>Enabled</Status><Filter><Prefix>tmp/</Prefix></Filter>"
             "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
             "</AbortIncompleteMultipartUpload><NoncurrentVersionTransition><NoncurrentDays>1"
             "</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>"
             "</Rule>"),
          &r);
    CHECK(lc_decide_upload(&r, "tmp/x", 5 * S, 19 * S) == NULL);
    CHECK(lc_decide_upload(&r, "tmp/x", 5 * S, 20 * S) == &r.rules[0]);
    CHECK(lc_decide_upload(&r, "keep/x", 5 * S, 999 * S) == NULL);
    struct meta_object v[2] = {version("tmp/k", "v2", 12 * S, 1, 0),
                               version("tmp/k", "v1", 0, 0, 0)};
    struct lc_decision d[2];
    CHECK(lc_decide_key(&r, v, 2, 29 * S, d) == 0);
    CHECK(lc_decide_key(&r, v, 2, 30 * S, d) == 1 && d[0].index == 1);
    CHECK(d[0].action == LC_ACT_NONCURRENT_TRANSITION);
    CHECK_STR(d[0].storage_class, "GLACIER");
    CHECK_STR(lc_action_name(d[0].action), "NoncurrentVersionTransition");
    lc_rules_dispose(&r);
    lc_day_set_seconds(0);
}

TEST(lc_decide_real_days_round_to_the_next_midnight_utc)
{
    lc_day_set_seconds(0);
    CHECK(lc_day_ms() == LC_DAY_REAL_MS);
    /* 2026-12-03T13:00:00Z (1796302800) + 1 day = 2026-12-04T13:00Z -> 2026-12-05T00:00Z */
    int64_t written = (int64_t)1796302800 * 1000;
    int64_t dec5 = (int64_t)1796428800 * 1000;
    CHECK(lc_day_eligible_ms(written, 1) == dec5);
    /* written exactly at a midnight: due exactly N days later */
    CHECK(lc_day_eligible_ms(dec5, 30) == dec5 + 30 * LC_DAY_REAL_MS);
    /* one millisecond past midnight waits for the following one */
    CHECK(lc_day_eligible_ms(dec5 + 1, 1) == dec5 + 2 * LC_DAY_REAL_MS);
    CHECK(lc_day_floor_ms(written) == dec5 - 2 * LC_DAY_REAL_MS);
    struct lc_rules r;
    parse(LC("<Rule><ID>d</ID><Status>Enabled</Status><Filter><Prefix></Prefix></Filter>"
             "<Expiration><Days>1</Days></Expiration></Rule>"),
          &r);
    struct meta_object v = version("k", "null", written, 1, 0);
    struct lc_decision d[1];
    CHECK(lc_decide_key(&r, &v, 1, written + LC_DAY_REAL_MS, d) == 0);
    CHECK(lc_decide_key(&r, &v, 1, dec5 - 1, d) == 0);
    CHECK(lc_decide_key(&r, &v, 1, dec5, d) == 1 && d[0].action == LC_ACT_EXPIRE);
    int64_t at = 0;
    CHECK(lc_decide_expiry(&r, "k", NULL, 1, written, &at) == &r.rules[0] && at == dec5);
    lc_rules_dispose(&r);
}
