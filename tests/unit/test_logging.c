/* test_logging.c — server access logging: BucketLoggingStatus parsing and rendering (AWS's
 * MalformedXML cases), the record line in AWS's format field by field, the log object keys
 * of both key formats, and the spool's batches (sealing, a torn last line, recovery). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "harness.h"
#include "logging/log_config.h"
#include "logging/log_deliver.h"
#include "logging/log_record.h"
#include "logging/log_spool.h"

#define LE(body)                                                                                   \
    "<BucketLoggingStatus><LoggingEnabled>" body "</LoggingEnabled></BucketLoggingStatus>"
#define TB "<TargetBucket>logs</TargetBucket><TargetPrefix>p/</TargetPrefix>"

static int parse(const char *xml, struct log_config *c)
{
    char msg[256];
    return log_config_parse(c, xml, strlen(xml), msg, sizeof(msg));
}

TEST(logging_config_parses_aws_documents)
{
    struct log_config *c = calloc(1, sizeof(*c));
    CHECK(parse("<BucketLoggingStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>", c) ==
          0);
    CHECK(!c->enabled);
    CHECK(parse(LE(TB), c) == 0);
    CHECK(c->enabled && strcmp(c->target_bucket, "logs") == 0 &&
          strcmp(c->target_prefix, "p/") == 0 && c->key_format == LOG_KEY_NONE);
    CHECK(parse(LE(TB "<TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>EventTime"
                      "</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat>"),
                c) == 0);
    CHECK(c->key_format == LOG_KEY_PARTITIONED && c->date_source == LOG_DATE_EVENT);
    CHECK(parse(LE(TB "<TargetObjectKeyFormat><SimplePrefix/></TargetObjectKeyFormat>"), c) == 0);
    CHECK(c->key_format == LOG_KEY_SIMPLE);
    CHECK(parse(LE(TB "<TargetGrants><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/"
                      "XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>abc</ID></Grantee>"
                      "<Permission>READ</Permission></Grant></TargetGrants>"),
                c) == 0);
    CHECK(c->n_grants == 1 && strcmp(c->grants[0].value, "abc") == 0);
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(log_config_render(&b, c) == 0);
    CHECK(strstr(b.data, "xsi:type=\"CanonicalUser\"><ID>abc</ID></Grantee><Permission>READ") !=
          NULL);
    struct log_config *again = calloc(1, sizeof(*again));
    CHECK(parse(b.data, again) == 0 && again->n_grants == 1);
    buf_dispose(&b);
    free(again);
    free(c);
}

TEST(logging_config_refuses_what_aws_schema_does_not_have)
{
    struct log_config *c = calloc(1, sizeof(*c));
    const char *bad[] = {
        "<NotLogging/>",
        LE("<TargetBucket>logs</TargetBucket>"),
        LE("<TargetPrefix>p</TargetPrefix>"),
        LE(TB "<LoggingType>Journal</LoggingType>"),
        LE(TB "<TargetObjectKeyFormat/>"),
        LE(TB "<TargetObjectKeyFormat><SimplePrefix/><PartitionedPrefix/></TargetObjectKeyFormat>"),
        LE(TB "<TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>kaboom"
              "</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat>"),
        LE(TB "<TargetGrants><Grant><Permission>READ</Permission></Grant></TargetGrants>"),
        LE(TB "<TargetGrants><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-"
              "instance\" xsi:type=\"CanonicalUser\"><ID>a</ID></Grantee><Permission>WRITE_ACP"
              "</Permission></Grant></TargetGrants>"),
        "<BucketLoggingStatus><LoggingEnabled>" TB "</LoggingEnabled><LoggingEnabled>" TB
        "</LoggingEnabled></BucketLoggingStatus>",
        LE("<TargetBucket>logs</TargetBucket><TargetBucket>x</TargetBucket><TargetPrefix/>"),
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(parse(bad[i], c) == ERR_INVALID);
    free(c);
}

TEST(logging_record_is_aws_format)
{
    struct log_record r = {.bucket_owner = "owner",
                           .bucket = "b",
                           .time_ms = 1549411238000LL, /* 2019-02-06T00:00:38Z */
                           .remote_ip = "192.0.2.3",
                           .requester = NULL,
                           .request_id = "3E57427F3EXAMPLE",
                           .operation = "REST.GET.OBJECT",
                           .key = "a b/c+d",
                           .method = "GET",
                           .raw_uri = "/b/a%20b/c%2Bd?versionId=1",
                           .http_version = "HTTP/1.1",
                           .status = 200,
                           .bytes_sent = 0,
                           .object_size = 113,
                           .total_ms = 7,
                           .turnaround_ms = -1,
                           .user_agent = "agent \"x\"",
                           .host_id = "s9lz=",
                           .signature_version = "SigV4",
                           .auth_type = "AuthHeader",
                           .host_header = "b.s3.amazonaws.com",
                           .acl_required = 1};
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(log_record_format(&b, &r) == 0);
    CHECK_STR(b.data, "owner b [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - 3E57427F3EXAMPLE "
                      "REST.GET.OBJECT a%20b/c%2Bd \"GET /b/a%20b/c%2Bd?versionId=1 HTTP/1.1\" 200 "
                      "- - 113 7 - \"-\" \"agent \\\"x\\\"\" - s9lz= SigV4 - AuthHeader "
                      "b.s3.amazonaws.com - - Yes\n");
    buf_dispose(&b);
}

TEST(logging_object_keys)
{
    struct log_batch_id id;
    memset(&id, 0, sizeof(id));
    snprintf(id.source, sizeof(id.source), "src");
    snprintf(id.source_account, sizeof(id.source_account), "123456789012");
    snprintf(id.region, sizeof(id.region), "us-east-1");
    snprintf(id.prefix, sizeof(id.prefix), "logs/");
    id.first_ms = 1549411238000LL;                  /* 2019-02-06 */
    int64_t now = 1549411238000LL + 86400LL * 1000; /* 2019-02-07 00:00:38 */
    char key[1100];
    id.key_format = LOG_KEY_SIMPLE;
    CHECK(log_deliver_key(&id, now, "0123456789ABCDEF", key, sizeof(key)) == 0);
    CHECK_STR(key, "logs/2019-02-07-00-00-38-0123456789ABCDEF");
    id.key_format = LOG_KEY_PARTITIONED;
    id.date_source = LOG_DATE_DELIVERY;
    CHECK(log_deliver_key(&id, now, "0123456789ABCDEF", key, sizeof(key)) == 0);
    CHECK_STR(key, "logs/123456789012/us-east-1/src/2019/02/07/2019-02-07-00-00-38-"
                   "0123456789ABCDEF");
    id.date_source = LOG_DATE_EVENT;
    CHECK(log_deliver_key(&id, now, "0123456789ABCDEF", key, sizeof(key)) == 0);
    CHECK_STR(key, "logs/123456789012/us-east-1/src/2019/02/06/2019-02-07-00-00-38-"
                   "0123456789ABCDEF");
    memset(id.prefix, 'p', LOG_PREFIX_MAX);
    id.prefix[LOG_PREFIX_MAX] = '\0';
    CHECK(log_deliver_key(&id, now, "0123456789ABCDEF", key, sizeof(key)) == ERR_TOOBIG);
}

TEST(logging_spool_batches_seal_and_recover)
{
    char dir[] = "/tmp/stocktake-logspool-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct log_spool *s = NULL;
    CHECK(log_spool_open(&s, dir, 1000) == 0);
    struct log_batch_id a, b;
    memset(&a, 0, sizeof(a));
    snprintf(a.source, sizeof(a.source), "src");
    snprintf(a.source_account, sizeof(a.source_account), "123456789012");
    snprintf(a.region, sizeof(a.region), "us-east-1");
    snprintf(a.target, sizeof(a.target), "logs");
    snprintf(a.prefix, sizeof(a.prefix), "a b/");
    a.first_ms = 1000;
    b = a;
    snprintf(b.prefix, sizeof(b.prefix), "other/"); /* another target configuration */
    CHECK(log_spool_append(s, &a, "one\n", 4) == 0);
    CHECK(log_spool_append(s, &a, "two\n", 4) == 0);
    CHECK(log_spool_append(s, &b, "three\n", 6) == 0);
    CHECK(log_spool_sync(s) == 0);
    char **paths = NULL;
    size_t n = 0;
    CHECK(log_spool_seal(s, NULL, 1500) == 0); /* not due yet */
    CHECK(log_spool_ready(s, NULL, &paths, &n) == 0 && n == 0);
    free(paths);
    CHECK(log_spool_seal(s, NULL, 2000) == 0);
    CHECK(log_spool_ready(s, NULL, &paths, &n) == 0 && n == 2);
    for (size_t i = 0; i < n; i++) {
        struct log_batch_id got;
        char *body = NULL;
        size_t len = 0;
        CHECK(log_spool_read(paths[i], &got, &body, &len) == 0);
        if (strcmp(got.prefix, "a b/") == 0)
            CHECK_STR(body, "one\ntwo\n");
        else
            CHECK_STR(body, "three\n");
        CHECK(strcmp(got.source_account, "123456789012") == 0 && got.first_ms == 1000);
        free(body);
        CHECK(unlink(paths[i]) == 0);
        free(paths[i]);
    }
    free(paths);
    /* a process that dies leaves its open batch, maybe with a torn last line: the next one
     * seals it at start and delivers the complete lines */
    CHECK(log_spool_append(s, &a, "four\n", 5) == 0);
    CHECK(log_spool_append(s, &a, "torn", 4) == 0);
    log_spool_close(s);
    CHECK(log_spool_open(&s, dir, 1000) == 0);
    CHECK(log_spool_ready(s, "src", &paths, &n) == 0 && n == 1);
    struct log_batch_id got;
    char *body = NULL;
    size_t len = 0;
    CHECK(log_spool_read(paths[0], &got, &body, &len) == 0);
    CHECK_STR(body, "four\n");
    free(body);
    CHECK(unlink(paths[0]) == 0);
    free(paths[0]);
    free(paths);
    CHECK(log_spool_ready(s, "other-source", &paths, &n) == 0 && n == 0);
    free(paths);
    log_spool_close(s);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}
