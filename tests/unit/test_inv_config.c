/* test_inv_config.c — InventoryConfiguration parsing, rendering and the destination ARN rules
 * (research/inventory-api.md §3–§5, error table E2–E13). */
#include <stdlib.h>

#include "harness.h"
#include "inventory/inv_config.h"

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
