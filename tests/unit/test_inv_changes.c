/* test_inv_changes.c — the change-report classification of one key (inv_changes.c) and the
 * ReportType extension of the configuration. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "harness.h"
#include "inventory/inv_changes.h"
#include "inventory/inv_config.h"

/* a version: id v, row id seq, latest?, delete marker?, etag (a row difference) */
static struct meta_object ver(const char *v, int64_t seq, int latest, int dm, const char *etag)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)"k";
    snprintf(o.version_id, sizeof(o.version_id), "%s", v);
    o.seq = seq;
    o.is_latest = latest;
    o.is_delete_marker = dm;
    snprintf(o.etag, sizeof(o.etag), "%s", etag);
    return o;
}

struct got {
    char out[512];
    int exclude_seq; /* in(): a version with this row id is filtered out */
};

static int t_in(void *arg, const struct meta_object *o)
{
    return o->seq != ((struct got *)arg)->exclude_seq;
}

static int t_differ(void *arg, const struct meta_object *a, const struct meta_object *b)
{
    (void)arg;
    return strcmp(a->etag, b->etag) != 0 || a->is_latest != b->is_latest;
}

static int t_emit(void *arg, const struct meta_object *o, enum inv_change_event e)
{
    struct got *g = arg;
    size_t n = strlen(g->out);
    snprintf(g->out + n, sizeof(g->out) - n, "%s%s:%lld:%s", n ? " " : "", o->version_id,
             (long long)o->seq, inv_change_event_name(e));
    return 0;
}

static const struct inv_changes_ops ops = {t_in, t_differ, t_emit};

static const char *run(int all, const struct meta_object *a, size_t na, const struct meta_object *b,
                       size_t nb, int exclude, struct got *g)
{
    memset(g, 0, sizeof(*g));
    g->exclude_seq = exclude;
    CHECK(inv_changes_key(all, a, na, b, nb, &ops, g) == 0);
    return g->out;
}

TEST(inv_changes_current)
{
    struct got g;
    struct meta_object v1 = ver("v1", 1, 1, 0, "e1"), v1old = ver("v1", 1, 0, 0, "e1");
    struct meta_object v2 = ver("v2", 2, 1, 0, "e2"), dm = ver("d", 3, 1, 1, "");
    struct meta_object n5 = ver("null", 5, 1, 0, "a"), n9 = ver("null", 9, 1, 0, "b");
    struct meta_object v1tag = ver("v1", 1, 1, 0, "e1x");
    CHECK_STR(run(0, NULL, 0, &v1, 1, 0, &g), "v1:1:Created");
    CHECK_STR(run(0, &v1, 1, NULL, 0, 0, &g), "v1:1:Deleted");
    struct meta_object now2[] = {v2, v1old};
    CHECK_STR(run(0, &v1, 1, now2, 2, 0, &g), "v2:2:Overwritten");
    CHECK_STR(run(0, &n5, 1, &n9, 1, 0, &g), "null:9:Overwritten"); /* unversioned overwrite */
    CHECK_STR(run(0, &v1, 1, &v1tag, 1, 0, &g), "v1:1:Modified");
    CHECK_STR(run(0, &v1, 1, &v1, 1, 0, &g), "");
    /* a delete marker current: no row in a Current report */
    struct meta_object now3[] = {dm, v1old};
    CHECK_STR(run(0, &v1, 1, now3, 2, 0, &g), "v1:1:Deleted");
    CHECK_STR(run(0, now3, 2, &v1, 1, 0, &g), "v1:1:Created");
    CHECK_STR(run(0, NULL, 0, &dm, 1, 0, &g), "");
    /* created and removed between the two positions: nothing */
    CHECK_STR(run(0, NULL, 0, NULL, 0, 0, &g), "");
    /* the filter: out of the report then or now */
    CHECK_STR(run(0, &v1, 1, &v1tag, 1, 1, &g), "");
    CHECK_STR(run(0, &v1, 1, now2, 2, 2, &g), "v1:1:Deleted");
}

TEST(inv_changes_all_versions)
{
    struct got g;
    struct meta_object v1 = ver("v1", 1, 1, 0, "e1"), v1old = ver("v1", 1, 0, 0, "e1");
    struct meta_object v2 = ver("v2", 2, 1, 0, "e2"), dm = ver("d", 3, 1, 1, "");
    struct meta_object v2old = ver("v2", 2, 0, 0, "e2");
    /* a new version: Created, the old one no longer latest: Modified */
    struct meta_object now2[] = {v2, v1old};
    CHECK_STR(run(1, &v1, 1, now2, 2, 0, &g), "v2:2:Created v1:1:Modified");
    /* a delete marker on top */
    struct meta_object now3[] = {dm, v2old, v1old};
    CHECK_STR(run(1, now2, 2, now3, 3, 0, &g), "d:3:Created v2:2:Modified");
    /* the latest version removed: the one before becomes latest again */
    CHECK_STR(run(1, now2, 2, &v1, 1, 0, &g), "v1:1:Modified v2:2:Deleted");
    /* every version gone */
    CHECK_STR(run(1, now3, 3, NULL, 0, 0, &g), "d:3:Deleted v2:2:Deleted v1:1:Deleted");
    /* the null version replaced */
    struct meta_object n5 = ver("null", 5, 1, 0, "a"), n9 = ver("null", 9, 1, 0, "b");
    CHECK_STR(run(1, &n5, 1, &n9, 1, 0, &g), "null:9:Overwritten");
    /* filtered out */
    CHECK_STR(run(1, &v1, 1, now2, 2, 2, &g), "v1:1:Modified");
}

static const char *const changes_xml =
    "<InventoryConfiguration><Id>c</Id><IsEnabled>true</IsEnabled><Destination>"
    "<S3BucketDestination><Bucket>arn:aws:s3:::d</Bucket><Format>CSV</Format>"
    "</S3BucketDestination></Destination><Schedule><Frequency>Daily</Frequency></Schedule>"
    "<IncludedObjectVersions>All</IncludedObjectVersions><ReportType>%s</ReportType>"
    "</InventoryConfiguration>";

TEST(inv_config_report_type)
{
    char xml[1024];
    struct inv_config c;
    struct buf out;
    snprintf(xml, sizeof(xml), changes_xml, "Changes");
    CHECK(inv_config_parse(&c, xml, strlen(xml)) == 0);
    CHECK(c.report_changes && c.has_report_type);
    buf_init(&out, BUF_UNLIMITED);
    CHECK(inv_config_render(&c, &out) == 0);
    CHECK(out.data &&
          strstr(out.data, "</IncludedObjectVersions><ReportType>Changes</ReportType>"));
    buf_dispose(&out);
    inv_config_dispose(&c);
    snprintf(xml, sizeof(xml), changes_xml, "Full");
    CHECK(inv_config_parse(&c, xml, strlen(xml)) == 0);
    CHECK(!c.report_changes && c.has_report_type);
    buf_init(&out, BUF_UNLIMITED);
    CHECK(inv_config_render(&c, &out) == 0);
    CHECK(out.data && strstr(out.data, "<ReportType>Full</ReportType>"));
    buf_dispose(&out);
    inv_config_dispose(&c);
    const char *bad[] = {"changes", "Delta", "", "<X/>"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(xml, sizeof(xml), changes_xml, bad[i]);
        CHECK(inv_config_parse(&c, xml, strlen(xml)) == ERR_INVALID);
    }
    /* absent: Full, and nothing rendered */
    const char *plain = "<InventoryConfiguration><Id>c</Id><IsEnabled>true</IsEnabled>"
                        "<Destination><S3BucketDestination><Bucket>arn:aws:s3:::d</Bucket>"
                        "<Format>CSV</Format></S3BucketDestination></Destination><Schedule>"
                        "<Frequency>Daily</Frequency></Schedule><IncludedObjectVersions>Current"
                        "</IncludedObjectVersions></InventoryConfiguration>";
    CHECK(inv_config_parse(&c, plain, strlen(plain)) == 0);
    CHECK(!c.report_changes && !c.has_report_type);
    buf_init(&out, BUF_UNLIMITED);
    CHECK(inv_config_render(&c, &out) == 0);
    CHECK(out.data && !strstr(out.data, "ReportType"));
    buf_dispose(&out);
    inv_config_dispose(&c);
}
