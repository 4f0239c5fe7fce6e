/* test_inv_report.c — report pieces against the research spec: the scheduler's clock rules
 * (first run at once, Daily at the hour, Weekly on Sundays, never when disabled),
 * manifest.json bytes in Jackson's pretty format, manifest.checksum, CSV rows and columns. */
#include <stdlib.h>

#include "core/clock.h"
#include "core/hash.h"
#include "harness.h"
#include "inventory/inv_format.h"
#include "inventory/inv_manifest.h"
#include "inventory/inv_row.h"
#include "inventory/inv_sched.h"

static int64_t at(const char *iso)
{
    int64_t s = 0;
    CHECK(clock_parse_iso8601(iso, &s) == 0);
    return s * 1000;
}

TEST(inv_sched_daily)
{
    /* 2026-11-23 is a Monday */
    CHECK(inv_sched_due(1, "Daily", 0, at("2026-11-23T00:30:00Z"), 1)); /* first report */
    int64_t first = at("2026-11-23T00:30:00Z");
    CHECK(!inv_sched_due(1, "Daily", first, at("2026-11-23T00:59:00Z"), 1));
    CHECK(inv_sched_due(1, "Daily", first, at("2026-11-23T01:00:00Z"), 1));
    int64_t second = at("2026-11-23T01:00:00Z");
    CHECK(!inv_sched_due(1, "Daily", second, at("2026-11-23T23:59:00Z"), 1));
    CHECK(!inv_sched_due(1, "Daily", second, at("2026-11-24T00:59:59Z"), 1));
    CHECK(inv_sched_due(1, "Daily", second, at("2026-11-24T01:00:00Z"), 1));
    CHECK(inv_sched_due(1, "Daily", second, at("2026-11-30T05:00:00Z"), 1)); /* missed days */
    CHECK(!inv_sched_due(0, "Daily", 0, at("2026-11-24T01:00:00Z"), 1));     /* disabled */
    CHECK(!inv_sched_due(0, "Daily", second, at("2026-11-25T01:00:00Z"), 1));
    CHECK(inv_sched_slot("Daily", at("2026-11-24T00:10:00Z"), 1) == at("2026-11-23T01:00:00Z"));
    CHECK(inv_sched_slot("Daily", at("2026-11-24T05:10:00Z"), 3) == at("2026-11-24T03:00:00Z"));
}

TEST(inv_sched_weekly_on_sundays)
{
    int64_t first = at("2026-11-23T10:00:00Z"); /* Monday */
    for (int day = 24; day <= 28; day++) {      /* Tuesday … Saturday */
        char iso[32];
        snprintf(iso, sizeof(iso), "2026-11-%02dT12:00:00Z", day);
        CHECK(!inv_sched_due(1, "Weekly", first, at(iso), 1));
    }
    CHECK(!inv_sched_due(1, "Weekly", first, at("2026-11-29T00:59:00Z"), 1));
    CHECK(inv_sched_due(1, "Weekly", first, at("2026-11-29T01:00:00Z"), 1)); /* Sunday */
    int64_t sunday = at("2026-11-29T01:00:00Z");
    CHECK(!inv_sched_due(1, "Weekly", sunday, at("2026-12-05T23:00:00Z"), 1));
    CHECK(inv_sched_due(1, "Weekly", sunday, at("2026-12-06T01:00:00Z"), 1));
    CHECK(inv_sched_slot("Weekly", at("2026-12-02T08:00:00Z"), 1) == at("2026-11-29T01:00:00Z"));
    CHECK(inv_sched_slot("Weekly", at("2026-11-29T00:30:00Z"), 1) == at("2026-11-22T01:00:00Z"));
}

TEST(inv_sched_hourly_at_minute_zero)
{
    CHECK(inv_sched_slot("Hourly", at("2026-11-24T05:59:59Z"), 1) == at("2026-11-24T05:00:00Z"));
    CHECK(inv_sched_slot("Hourly", at("2026-11-24T06:00:00Z"), 1) == at("2026-11-24T06:00:00Z"));
    int64_t last = at("2026-11-24T05:00:00Z");
    CHECK(!inv_sched_due(1, "Hourly", last, at("2026-11-24T05:59:00Z"), 1));
    CHECK(inv_sched_due(1, "Hourly", last, at("2026-11-24T06:00:00Z"), 1));
    CHECK(inv_sched_due(1, "Hourly", at("2026-11-24T05:20:00Z"), at("2026-11-24T06:00:01Z"), 1));
    CHECK(!inv_sched_due(0, "Hourly", last, at("2026-11-24T09:00:00Z"), 1));
}

TEST(inv_sched_monthly_on_the_first)
{
    CHECK(inv_sched_slot("Monthly", at("2026-11-24T05:00:00Z"), 1) == at("2026-11-01T01:00:00Z"));
    CHECK(inv_sched_slot("Monthly", at("2026-12-01T00:59:00Z"), 1) == at("2026-11-01T01:00:00Z"));
    CHECK(inv_sched_slot("Monthly", at("2026-12-01T01:00:00Z"), 1) == at("2026-12-01T01:00:00Z"));
    CHECK(inv_sched_slot("Monthly", at("2027-01-01T00:10:00Z"), 1) == at("2026-12-01T01:00:00Z"));
    CHECK(inv_sched_slot("Monthly", at("2028-03-01T00:10:00Z"), 2) == at("2028-02-01T02:00:00Z"));
    CHECK(inv_sched_slot("Monthly", at("2028-02-29T23:00:00Z"), 1) == at("2028-02-01T01:00:00Z"));
    int64_t last = at("2026-11-01T01:00:00Z");
    CHECK(!inv_sched_due(1, "Monthly", last, at("2026-11-30T23:59:59Z"), 1));
    CHECK(inv_sched_due(1, "Monthly", last, at("2026-12-01T01:00:00Z"), 1));
}

TEST(inv_manifest_jackson_format)
{
    struct inv_manifest_file files[2] = {
        {(char *)"p/src/id/data/a.csv.gz", 176058964, "55bf7c536ac7b6de3c79ff4520a0fa7d"},
        {(char *)"p/src/id/data/b.csv.gz", 5, "dadc5596c0efc4863ac2eec86cbab1f0"}};
    struct inv_manifest m = {
        "src", "arn:aws:s3:::dst", 1748826000000, "CSV", "Bucket, Key, Size", files, 2};
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(inv_manifest_render(&m, &b) == 0);
    CHECK_STR(b.data, "{\n"
                      "  \"sourceBucket\" : \"src\",\n"
                      "  \"destinationBucket\" : \"arn:aws:s3:::dst\",\n"
                      "  \"version\" : \"2016-11-30\",\n"
                      "  \"creationTimestamp\" : \"1748826000000\",\n"
                      "  \"fileFormat\" : \"CSV\",\n"
                      "  \"fileSchema\" : \"Bucket, Key, Size\",\n"
                      "  \"files\" : [ {\n"
                      "    \"key\" : \"p/src/id/data/a.csv.gz\",\n"
                      "    \"size\" : 176058964,\n"
                      "    \"MD5checksum\" : \"55bf7c536ac7b6de3c79ff4520a0fa7d\"\n"
                      "  }, {\n"
                      "    \"key\" : \"p/src/id/data/b.csv.gz\",\n"
                      "    \"size\" : 5,\n"
                      "    \"MD5checksum\" : \"dadc5596c0efc4863ac2eec86cbab1f0\"\n"
                      "  } ]\n"
                      "}");
    char sum[34];
    inv_manifest_checksum("abc", 3, sum);
    CHECK_STR(sum, "900150983cd24fb0d6963f7d28e17f72\n");
    buf_reset(&b);
    m.n_files = 0;
    CHECK(inv_manifest_render(&m, &b) == 0);
    CHECK(strstr(b.data, "  \"files\" : [ ]\n}") != NULL);
    buf_dispose(&b);
}

TEST(inv_columns_canonical_order_and_versions)
{
    struct inv_config c;
    memset(&c, 0, sizeof(c));
    snprintf(c.included_versions, sizeof(c.included_versions), "All");
    enum inv_field asked[] = {INV_FIELD_OBJECT_OWNER, INV_FIELD_SIZE, INV_FIELD_ETAG,
                              INV_FIELD_SIZE};
    memcpy(c.fields, asked, sizeof(asked));
    c.n_fields = 4;
    struct inv_columns cols;
    inv_columns_build(&c, &cols);
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(inv_format_csv.schema(&cols, &b) == 0);
    CHECK_STR(b.data, "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, ETag, ObjectOwner");
    buf_reset(&b);
    for (int f = 0; f < INV_FIELD_AWS_COUNT; f++)
        c.fields[f] = (enum inv_field)f;
    c.n_fields = INV_FIELD_AWS_COUNT;
    inv_columns_build(&c, &cols);
    CHECK(inv_format_csv.schema(&cols, &b) == 0);
    CHECK_STR(b.data, "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, "
                      "ETag, StorageClass, IsMultipartUploaded, ReplicationStatus, "
                      "EncryptionStatus, ObjectLockRetainUntilDate, ObjectLockMode, "
                      "ObjectLockLegalHoldStatus, IntelligentTieringAccessTier, BucketKeyStatus, "
                      "ChecksumAlgorithm, ObjectAccessControlList, ObjectOwner, "
                      "LifecycleExpirationDate");
    /* Stocktake's extension fields: after all of AWS's, always Tags, UserMetadata, ContentType */
    buf_reset(&b);
    enum inv_field ext[] = {INV_FIELD_CONTENT_TYPE, INV_FIELD_SIZE,          INV_FIELD_TAGS,
                            INV_FIELD_OBJECT_OWNER, INV_FIELD_USER_METADATA, INV_FIELD_TAGS};
    memcpy(c.fields, ext, sizeof(ext));
    c.n_fields = 6;
    inv_columns_build(&c, &cols);
    CHECK(inv_format_csv.schema(&cols, &b) == 0);
    CHECK_STR(b.data, "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, ObjectOwner, Tags, "
                      "UserMetadata, ContentType");
    CHECK_STR(inv_column_snake_name(cols.cols[7]), "tags");
    CHECK_STR(inv_column_snake_name(cols.cols[8]), "user_metadata");
    CHECK_STR(inv_column_snake_name(cols.cols[9]), "content_type");
    buf_dispose(&b);
}

static size_t col_of(const struct inv_columns *cols, enum inv_field f)
{
    for (size_t i = 0; i < cols->n; i++) {
        if (cols->cols[i] == INV_COL_FIELD0 + (int)f)
            return i;
    }
    return 0;
}

TEST(inv_row_acl_and_delete_marker_values)
{
    struct inv_config c;
    memset(&c, 0, sizeof(c));
    snprintf(c.included_versions, sizeof(c.included_versions), "All");
    for (int f = 0; f < INV_FIELD_COUNT; f++)
        c.fields[c.n_fields++] = (enum inv_field)f;
    struct inv_columns cols;
    inv_columns_build(&c, &cols);
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)"k";
    snprintf(o.version_id, sizeof(o.version_id), "null");
    snprintf(o.etag, sizeof(o.etag), "\"d41d8cd98f00b204e9800998ecf8427e\"");
    snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
    o.is_latest = 1;
    const char *owner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
    struct {
        struct inv_row row;
        char canary[16];
    } r;
    memcpy(r.canary, "canary-canary-c", 16);
    inv_row_init(&r.row);
    r.row.lifecycle_expiration_ms = 0; /* no lifecycle rule expires it (inv_expiry.h) */
    CHECK(inv_row_fill(&r.row, &cols, "b", &o, owner) == 0);
    CHECK(memcmp(r.canary, "canary-canary-c", 16) == 0);
    const char *acl = r.row.v[col_of(&cols, INV_FIELD_OBJECT_ACCESS_CONTROL_LIST)].s;
    uint8_t json[400];
    long n = hash_unbase64(acl, strlen(acl), json);
    CHECK(n > 0);
    json[n > 0 ? n : 0] = '\0';
    CHECK_STR((char *)json, "{\"version\":\"2022-11-10\",\"status\":\"AVAILABLE\",\"grants\":[{"
                            "\"permission\":\"FULL_CONTROL\",\"type\":\"CanonicalUser\","
                            "\"canonicalId\":\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8"
                            "d5218e7cd47ef2be\"}]}");
    CHECK(r.row.v[2].kind == INV_STRING && strcmp(r.row.v[2].s, "") == 0); /* null version */
    CHECK_STR(r.row.v[col_of(&cols, INV_FIELD_ETAG)].s, "d41d8cd98f00b204e9800998ecf8427e");
    /* no tags, no metadata, no Content-Type stored: empty maps and S3's default type */
    CHECK(r.row.v[col_of(&cols, INV_FIELD_TAGS)].kind == INV_MAP);
    CHECK(r.row.v[col_of(&cols, INV_FIELD_TAGS)].n_pairs == 0);
    CHECK(r.row.v[col_of(&cols, INV_FIELD_USER_METADATA)].n_pairs == 0);
    CHECK_STR(r.row.v[col_of(&cols, INV_FIELD_CONTENT_TYPE)].s, "binary/octet-stream");
    o.is_delete_marker = 1;
    CHECK(inv_row_fill(&r.row, &cols, "b", &o, owner) == 0);
    CHECK(r.row.v[col_of(&cols, INV_FIELD_TAGS)].kind == INV_NULL);
    CHECK(r.row.v[col_of(&cols, INV_FIELD_CONTENT_TYPE)].kind == INV_NULL);
    CHECK(r.row.v[col_of(&cols, INV_FIELD_SIZE)].kind == INV_NULL);
    CHECK(r.row.v[col_of(&cols, INV_FIELD_ETAG)].kind == INV_NULL);
    CHECK(r.row.v[col_of(&cols, INV_FIELD_LAST_MODIFIED_DATE)].kind == INV_TIMESTAMP);
    CHECK_STR(r.row.v[col_of(&cols, INV_FIELD_OBJECT_OWNER)].s, owner);
    inv_row_dispose(&r.row);
}

TEST(inv_row_extension_maps_sorted_decoded_and_owned)
{
    struct inv_config c;
    memset(&c, 0, sizeof(c));
    snprintf(c.included_versions, sizeof(c.included_versions), "Current");
    enum inv_field ext[] = {INV_FIELD_USER_METADATA, INV_FIELD_CONTENT_TYPE, INV_FIELD_TAGS};
    memcpy(c.fields, ext, sizeof(ext));
    c.n_fields = 3;
    struct inv_columns cols;
    inv_columns_build(&c, &cols);
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)"k";
    snprintf(o.version_id, sizeof(o.version_id), "null");
    o.tags = (char *)"zeta=last&a%20b=c%26d&empty=";
    o.headers = (char *)"[[\"Content-Type\",\"text/plain; charset=\\\"utf-8\\\"\"],"
                        "[\"x-amz-meta-b\",\"2\"],[\"Cache-Control\",\"no\"],"
                        "[\"x-amz-meta-a\",\"\u00e9\\n\"],[\"x-amz-meta-b\",\"again\"]]";
    struct inv_row row;
    inv_row_init(&row);
    CHECK(inv_row_fill(&row, &cols, "b", &o, "owner") == 0);
    const struct inv_value *tags = &row.v[col_of(&cols, INV_FIELD_TAGS)];
    CHECK(tags->kind == INV_MAP && tags->n_pairs == 3);
    CHECK_STR(tags->pairs[0].key, "a b");
    CHECK_STR(tags->pairs[0].value, "c&d");
    CHECK_STR(tags->pairs[1].key, "empty");
    CHECK_STR(tags->pairs[1].value, "");
    CHECK_STR(tags->pairs[2].key, "zeta");
    const struct inv_value *meta = &row.v[col_of(&cols, INV_FIELD_USER_METADATA)];
    CHECK(meta->kind == INV_MAP && meta->n_pairs == 2);
    CHECK_STR(meta->pairs[0].key, "a");
    CHECK_STR(meta->pairs[1].key, "b");
    CHECK_STR(meta->pairs[1].value, "2"); /* the first of a repeated name */
    CHECK_STR(row.v[col_of(&cols, INV_FIELD_CONTENT_TYPE)].s, "text/plain; charset=\"utf-8\"");
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(inv_map_json(meta->pairs, meta->n_pairs, &b) == 0);
    CHECK_STR(b.data, "{\"a\":\"\xc3\xa9\\n\",\"b\":\"2\"}");
    buf_reset(&b);
    CHECK(inv_map_json(NULL, 0, &b) == 0);
    CHECK_STR(b.data, "{}");
    struct inv_pair bad = {"k", "\xff\x01"}; /* not UTF-8: bytes as \u00XX */
    buf_reset(&b);
    CHECK(inv_map_json(&bad, 1, &b) == 0);
    CHECK_STR(b.data, "{\"k\":\"\\u00ff\\u0001\"}");
    buf_dispose(&b);
    o.tags = (char *)"bad=%zz"; /* a stored form that does not decode: the row fails */
    CHECK(inv_row_fill(&row, &cols, "b", &o, "owner") == ERR_INVALID);
    o.tags = NULL;
    o.headers = (char *)"not json";
    CHECK(inv_row_fill(&row, &cols, "b", &o, "owner") == ERR_INVALID);
    inv_row_dispose(&row);
}
