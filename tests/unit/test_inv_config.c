/* test_inv_config.c — InventoryConfiguration parsing, rendering and the destination ARN rules
 * (research/inventory-api.md §3–§5, error table E2–E13). */
#include <stdlib.h>

#include "harness.h"
#include "inventory/inv_config.h"
#include "inventory/inv_filter.h"

#define DEST                                                                                       \
    "<Destination><S3BucketDestination><Bucket>arn:aws:s3:::dest</Bucket><Format>ORC</Format>"     \
    "</S3BucketDestination></Destination>"
#define REST                                                                                       \
    "<Schedule><Frequency>Weekly</Frequency></Schedule>"                                           \
    "<IncludedObjectVersions>Current</IncludedObjectVersions>"

static char *render(const char *xml, int *rc)
{
    struct inv_config c;
    *rc = inv_config_parse(&c, xml, strlen(xml));
    if (*rc)
        return NULL;
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(inv_config_render(&c, &b) == 0);
    inv_config_dispose(&c);
    return buf_detach(&b);
}

TEST(inv_config_renders_in_aws_order)
{
    int rc;
    char *out = render("<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                       "<OptionalFields><Field>Size</Field><Field>ETag</Field><Field>Size</Field>"
                       "</OptionalFields>" REST "<Filter><Prefix>p/</Prefix></Filter>" DEST
                       "<IsEnabled>1</IsEnabled><Id>a.b_c-d</Id></InventoryConfiguration>",
                       &rc);
    CHECK(rc == 0);
    CHECK_STR(out, "<Id>a.b_c-d</Id><IsEnabled>true</IsEnabled><Destination>"
                   "<S3BucketDestination><Format>ORC</Format><Bucket>arn:aws:s3:::dest</Bucket>"
                   "</S3BucketDestination></Destination><Schedule><Frequency>Weekly</Frequency>"
                   "</Schedule><Filter><Prefix>p/</Prefix></Filter><IncludedObjectVersions>"
                   "Current</IncludedObjectVersions><OptionalFields><Field>Size</Field><Field>"
                   "ETag</Field><Field>Size</Field></OptionalFields>");
    free(out);
}

TEST(inv_config_rejects_what_aws_calls_malformed)
{
    const char *bad[] = {
        "<InventoryConfiguration><Id>x</Id><IsEnabled>true</IsEnabled>" DEST
        "</InventoryConfiguration>",
        "<InventoryConfiguration><Id>x y</Id><IsEnabled>true</IsEnabled>" DEST REST
        "</InventoryConfiguration>",
        "<InventoryConfiguration><Id>x</Id><IsEnabled>TRUE</IsEnabled>" DEST REST
        "</InventoryConfiguration>",
        "<InventoryConfiguration><Id>x</Id><IsEnabled>true</IsEnabled>" DEST REST
        "<OptionalFields><Field>Etag</Field></OptionalFields></InventoryConfiguration>",
        "<InventoryConfiguration><Id>x</Id><IsEnabled>true</IsEnabled>" DEST REST
        "<Extra/></InventoryConfiguration>",
        "<InventoryConfiguration><Id>x</Id>text<IsEnabled>true</IsEnabled>" DEST REST
        "</InventoryConfiguration>",
        "<InventoryConfiguration><Id><b>x</b></Id><IsEnabled>true</IsEnabled>" DEST REST
        "</InventoryConfiguration>",
        "<InventoryConfiguration>",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc;
        char *out = render(bad[i], &rc);
        CHECK(rc == ERR_INVALID);
        free(out);
    }
}

static const char *arn_error(const char *arn)
{
    struct inv_config c;
    memset(&c, 0, sizeof(c));
    c.bucket_arn = (char *)arn;
    const char *name = NULL;
    const char *e = inv_config_destination_error(&c, &name);
    return e ? e : name;
}

TEST(inv_config_destination_arn)
{
    CHECK_STR(arn_error("arn:aws:s3:::dest-bucket"), "dest-bucket");
    CHECK_STR(arn_error("arn:aws-cn:s3:::b"), "b");
    CHECK_STR(arn_error("dest-bucket"), "Invalid bucket ARN.");
    CHECK_STR(arn_error("arn:aws:s3::123456789012:b"),
              "Bucket ARN should not specify a namespace.");
    CHECK_STR(arn_error("arn:aws:sqs:::b"), "Invalid bucket ARN.");
    CHECK_STR(arn_error("arn:aws:s3:us-east-1::b"), "Invalid bucket ARN.");
    CHECK_STR(arn_error("arn:aws:s3:::"), "Invalid bucket ARN.");
    CHECK_STR(arn_error("arn:aws:s3:::b/key"), "Invalid bucket ARN.");
}

TEST(inv_config_id_rules)
{
    CHECK(inv_config_id_valid("a"));
    CHECK(inv_config_id_valid("AZaz09._-"));
    CHECK(!inv_config_id_valid(""));
    CHECK(!inv_config_id_valid("a b"));
    CHECK(!inv_config_id_valid("a/b"));
    char long_id[66];
    memset(long_id, 'x', 65);
    long_id[65] = '\0';
    CHECK(!inv_config_id_valid(long_id));
    long_id[64] = '\0';
    CHECK(inv_config_id_valid(long_id));
}

#define HEAD "<InventoryConfiguration><Id>x</Id><IsEnabled>true</IsEnabled>" DEST REST
#define TAIL "</InventoryConfiguration>"

TEST(inv_config_extension_filter_round_trip)
{
    int rc;
    char *out = render(HEAD "<Filter><KeyPattern>*.log</KeyPattern><Tag><Key>t&amp;1</Key>"
                            "<Value>v</Value></Tag><StorageClass>GLACIER</StorageClass>"
                            "<SizeAtMost>100</SizeAtMost><Prefix>p/</Prefix><SizeAtLeast>10"
                            "</SizeAtLeast><StorageClass>STANDARD</StorageClass>"
                            "<LastModifiedBefore>2027-01-01T00:00:00Z</LastModifiedBefore>"
                            "<LastModifiedAfter>2026-01-01T00:00:00.500Z</LastModifiedAfter>"
                            "</Filter>" TAIL,
                       &rc);
    CHECK(rc == 0);
    CHECK(strstr(out, "<Filter><Prefix>p/</Prefix><LastModifiedAfter>2026-01-01T00:00:00.500Z"
                      "</LastModifiedAfter><LastModifiedBefore>2027-01-01T00:00:00Z"
                      "</LastModifiedBefore><SizeAtLeast>10</SizeAtLeast><SizeAtMost>100"
                      "</SizeAtMost><StorageClass>GLACIER</StorageClass><StorageClass>STANDARD"
                      "</StorageClass><Tag><Key>t&amp;1</Key><Value>v</Value></Tag><KeyPattern>"
                      "*.log</KeyPattern></Filter>") != NULL);
    free(out);
    /* extensions only: no Prefix comes back */
    out = render(HEAD "<Filter><SizeAtLeast>0</SizeAtLeast></Filter>" TAIL, &rc);
    CHECK(rc == 0);
    CHECK(strstr(out, "<Filter><SizeAtLeast>0</SizeAtLeast></Filter>") != NULL);
    free(out);
}

TEST(inv_config_extension_filter_rejects)
{
    const char *bad[] = {
        HEAD "<Filter></Filter>" TAIL,
        HEAD "<Filter><SizeAtLeast>-1</SizeAtLeast></Filter>" TAIL,
        HEAD "<Filter><SizeAtLeast>1k</SizeAtLeast></Filter>" TAIL,
        HEAD "<Filter><SizeAtLeast>5</SizeAtLeast><SizeAtMost>4</SizeAtMost></Filter>" TAIL,
        HEAD "<Filter><SizeAtLeast>5</SizeAtLeast><SizeAtLeast>6</SizeAtLeast></Filter>" TAIL,
        HEAD "<Filter><LastModifiedAfter>yesterday</LastModifiedAfter></Filter>" TAIL,
        HEAD "<Filter><LastModifiedAfter>2026-02-01T00:00:00Z</LastModifiedAfter>"
             "<LastModifiedBefore>2026-01-01T00:00:00Z</LastModifiedBefore></Filter>" TAIL,
        HEAD "<Filter><StorageClass>COLD</StorageClass></Filter>" TAIL,
        HEAD "<Filter><Tag><Value>v</Value></Tag></Filter>" TAIL,
        HEAD "<Filter><Tag><Key>k</Key><Other/></Tag></Filter>" TAIL,
        HEAD "<Filter><KeyPattern></KeyPattern></Filter>" TAIL,
        HEAD "<Filter><Prefix>a</Prefix><Prefix>b</Prefix></Filter>" TAIL,
        HEAD "<Filter><Size>1</Size></Filter>" TAIL,
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct inv_config c;
        CHECK(inv_config_parse(&c, bad[i], strlen(bad[i])) == ERR_INVALID);
    }
}

static int matches(const char *filter, const struct meta_object *o)
{
    struct buf doc;
    buf_init(&doc, BUF_UNLIMITED);
    CHECK(buf_printf(&doc, HEAD "<Filter>%s</Filter>" TAIL, filter) == 0);
    struct inv_config c;
    CHECK(inv_config_parse(&c, doc.data, doc.len) == 0);
    buf_dispose(&doc);
    int m = inv_filter_match(c.filter_ext, o);
    inv_config_dispose(&c);
    return m;
}

TEST(inv_filter_conditions_all_hold)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)"logs/2026/a.log";
    o.size = 100;
    o.last_modified_ms = 1767225600000LL; /* 2026-01-01T00:00:00Z */
    snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
    o.tags = (char *)"env=prod&team=a%20b";
    CHECK(matches("<Prefix>nomatch</Prefix>", &o)); /* Prefix is the scan's, not the matcher's */
    CHECK(matches("<SizeAtLeast>100</SizeAtLeast><SizeAtMost>100</SizeAtMost>", &o));
    CHECK(!matches("<SizeAtLeast>101</SizeAtLeast>", &o));
    CHECK(!matches("<SizeAtMost>99</SizeAtMost>", &o));
    CHECK(matches("<LastModifiedAfter>2025-12-31T23:59:59Z</LastModifiedAfter>", &o));
    CHECK(!matches("<LastModifiedAfter>2026-01-01T00:00:00Z</LastModifiedAfter>", &o));
    CHECK(matches("<LastModifiedBefore>2026-01-01T00:00:00.001Z</LastModifiedBefore>", &o));
    CHECK(!matches("<LastModifiedBefore>2026-01-01T00:00:00Z</LastModifiedBefore>", &o));
    CHECK(matches("<StorageClass>GLACIER</StorageClass><StorageClass>STANDARD</StorageClass>", &o));
    CHECK(!matches("<StorageClass>GLACIER</StorageClass>", &o));
    CHECK(matches("<Tag><Key>team</Key><Value>a b</Value></Tag>"
                  "<Tag><Key>env</Key><Value>prod</Value></Tag>",
                  &o));
    CHECK(!matches("<Tag><Key>team</Key><Value>a b</Value></Tag>"
                   "<Tag><Key>env</Key><Value>dev</Value></Tag>",
                   &o));
    CHECK(matches("<KeyPattern>logs/*.log</KeyPattern>", &o));
    CHECK(matches("<KeyPattern>*/20[0-9][0-9]/?.log</KeyPattern>", &o));
    CHECK(!matches("<KeyPattern>*.txt</KeyPattern>", &o));
    CHECK(!matches("<KeyPattern>*.log</KeyPattern><SizeAtLeast>200</SizeAtLeast>", &o));
    /* delete markers: no size, class or tags, so such conditions leave them out */
    o.is_delete_marker = 1;
    o.size = 0;
    CHECK(!matches("<SizeAtMost>10</SizeAtMost>", &o));
    CHECK(!matches("<StorageClass>STANDARD</StorageClass>", &o));
    CHECK(matches("<KeyPattern>logs/*</KeyPattern>", &o));
    CHECK(inv_filter_match(NULL, &o));
}

#define CSV_DEST(extra)                                                                            \
    "<InventoryConfiguration><Id>x</Id><IsEnabled>true</IsEnabled><Destination>"                   \
    "<S3BucketDestination><Bucket>arn:aws:s3:::dest</Bucket><Format>CSV</Format>" extra            \
    "</S3BucketDestination></Destination>" REST "</InventoryConfiguration>"

TEST(inv_config_csv_header_and_json_format)
{
    int rc;
    char *out = render(CSV_DEST("<CsvHeader>true</CsvHeader><Encryption/>"), &rc);
    CHECK(rc == 0);
    CHECK(strstr(out, "<Bucket>arn:aws:s3:::dest</Bucket><Encryption/><CsvHeader>true</CsvHeader>"
                      "</S3BucketDestination>") != NULL);
    free(out);
    out = render(CSV_DEST("<CsvHeader>false</CsvHeader>"), &rc);
    CHECK(rc == 0 && strstr(out, "<CsvHeader>false</CsvHeader>") != NULL);
    free(out);
    out = render(CSV_DEST(""), &rc); /* absent: as AWS, nothing rendered */
    CHECK(rc == 0 && strstr(out, "CsvHeader") == NULL);
    free(out);
    struct inv_config c;
    const char *doc = CSV_DEST("");
    CHECK(inv_config_parse(&c, doc, strlen(doc)) == 0);
    CHECK(c.csv_header == -1);
    inv_config_dispose(&c);
    const char *bad[] = {
        CSV_DEST("<CsvHeader>TRUE</CsvHeader>"),
        CSV_DEST("<CsvHeader>1</CsvHeader>"),
        CSV_DEST("<CsvHeader></CsvHeader>"),
        CSV_DEST("<CsvHeader>true</CsvHeader><CsvHeader>true</CsvHeader>"),
        /* CSV only */
        "<InventoryConfiguration><Id>x</Id><IsEnabled>true</IsEnabled><Destination>"
        "<S3BucketDestination><Bucket>arn:aws:s3:::d</Bucket><Format>Parquet</Format>"
        "<CsvHeader>false</CsvHeader></S3BucketDestination></Destination>" REST
        "</InventoryConfiguration>",
        /* JSON is case-sensitive like the others */
        "<InventoryConfiguration><Id>x</Id><IsEnabled>true</IsEnabled><Destination>"
        "<S3BucketDestination><Bucket>arn:aws:s3:::d</Bucket><Format>json</Format>"
        "</S3BucketDestination></Destination>" REST "</InventoryConfiguration>",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        out = render(bad[i], &rc);
        CHECK(rc == ERR_INVALID);
        free(out);
    }
    out = render("<InventoryConfiguration><Id>x</Id><IsEnabled>true</IsEnabled><Destination>"
                 "<S3BucketDestination><Bucket>arn:aws:s3:::d</Bucket><Format>JSON</Format>"
                 "</S3BucketDestination></Destination>" REST "</InventoryConfiguration>",
                 &rc);
    CHECK(rc == 0 && strstr(out, "<Format>JSON</Format>") != NULL);
    free(out);
}
