/* test_notify.c — NotificationConfiguration parsing and validation (AWS's codes and
 * messages), rendering, filter matching, the event names of changes and the event JSON. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "notify/notify_config.h"
#include "notify/notify_deliver.h"
#include "notify/notify_event.h"

static enum notify_config_error parse(const char *doc, struct notify_config_fail *f)
{
    struct notify_config c;
    enum notify_config_error e = notify_config_parse(doc, strlen(doc), &c, f);
    notify_config_dispose(&c);
    return e;
}

#define Q(events, filter)                                                                          \
    "<QueueConfiguration><Queue>arn:aws:sqs:r:1:q</Queue>" events filter "</QueueConfiguration>"
#define DOC(body) "<NotificationConfiguration>" body "</NotificationConfiguration>"

TEST(notify_config_validation)
{
    struct notify_config_fail f;
    CHECK(parse(DOC(""), &f) == NOTIFY_CONFIG_OK);
    CHECK(parse("<NotificationConfiguration/>", &f) == NOTIFY_CONFIG_OK);
    CHECK(parse(DOC(Q("<Event>s3:ObjectCreated:*</Event>", "")), &f) == NOTIFY_CONFIG_OK);
    CHECK(parse(DOC(Q("<Event>s3:ObjectCreated:Nope</Event>", "")), &f) ==
          NOTIFY_CONFIG_INVALID_ARGUMENT);
    CHECK_STR(f.msg, "The event is not supported for notifications");
    CHECK(parse(DOC(Q("", "")), &f) == NOTIFY_CONFIG_MALFORMED); /* no Event */
    CHECK(parse(DOC("<QueueConfiguration><Event>s3:ObjectCreated:*</Event></QueueConfiguration>"),
                &f) == NOTIFY_CONFIG_MALFORMED); /* no Queue */
    CHECK(parse(DOC("<Other/>"), &f) == NOTIFY_CONFIG_MALFORMED);
    CHECK(parse(DOC("<EventBridgeConfiguration/>"), &f) == NOTIFY_CONFIG_NOT_IMPLEMENTED);
    CHECK(parse("<NotificationConfiguration>", &f) == NOTIFY_CONFIG_MALFORMED);
#define RULE(n, v) "<FilterRule><Name>" n "</Name><Value>" v "</Value></FilterRule>"
#define FILTER(rules) "<Filter><S3Key>" rules "</S3Key></Filter>"
    CHECK(parse(DOC(Q("<Event>s3:ObjectCreated:*</Event>", FILTER(RULE("mid", "x")))), &f) ==
          NOTIFY_CONFIG_INVALID_ARGUMENT);
    CHECK_STR(f.msg, "filter rule name must be either prefix or suffix");
    CHECK(parse(DOC(Q("<Event>s3:ObjectCreated:*</Event>",
                      FILTER(RULE("suffix", "x") RULE("Suffix", "y")))),
                &f) == NOTIFY_CONFIG_INVALID_ARGUMENT);
    CHECK_STR(f.msg, "Cannot specify more than one suffix rule in a filter.");
    /* overlaps: a wildcard and a member; prefix vs suffix; nested prefixes */
    const char *overlap[] = {
        DOC(Q("<Event>s3:ObjectCreated:*</Event>", "")
                Q("<Event>s3:ObjectCreated:Put</Event>", "")),
        DOC(Q("<Event>s3:ObjectCreated:Put</Event>", FILTER(RULE("prefix", "images")))
                Q("<Event>s3:ObjectCreated:Put</Event>", FILTER(RULE("suffix", "jpg")))),
        DOC(Q("<Event>s3:ObjectRemoved:*</Event>", FILTER(RULE("prefix", "a/")))
                Q("<Event>s3:ObjectRemoved:Delete</Event>", FILTER(RULE("prefix", "a/b")))),
        DOC(Q("<Event>s3:ObjectRemoved:*</Event>", FILTER(RULE("suffix", ".jpg")))
                Q("<Event>s3:ObjectRemoved:Delete</Event>", FILTER(RULE("suffix", "a.jpg")))),
    };
    for (size_t i = 0; i < sizeof(overlap) / sizeof(overlap[0]); i++) {
        CHECK(parse(overlap[i], &f) == NOTIFY_CONFIG_INVALID_ARGUMENT);
        CHECK(strncmp(f.msg, "Configurations overlap.", 23) == 0);
    }
    const char *fine[] = {
        DOC(Q("<Event>s3:ObjectCreated:*</Event>", FILTER(RULE("prefix", "a/")))
                Q("<Event>s3:ObjectCreated:*</Event>", FILTER(RULE("prefix", "b/")))),
        DOC(Q("<Event>s3:ObjectCreated:*</Event>", FILTER(RULE("suffix", ".png")))
                Q("<Event>s3:ObjectCreated:*</Event>", FILTER(RULE("suffix", ".jpg")))),
        DOC(Q("<Event>s3:ObjectCreated:*</Event>", "") Q("<Event>s3:ObjectRemoved:*</Event>", "")),
    };
    for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
        CHECK(parse(fine[i], &f) == NOTIFY_CONFIG_OK);
}

TEST(notify_config_render_and_match)
{
    const char *doc = DOC("<CloudFunctionConfiguration><Id>f</Id><CloudFunction>arn:aws:lambda:r:1:"
                          "function:f</CloudFunction><Event>s3:ObjectTagging:*</Event>"
                          "</CloudFunctionConfiguration>" Q(
                              "<Event>s3:ObjectCreated:Put</Event>",
                              FILTER(RULE("prefix", "images/") RULE("suffix", ".jpg"))));
    struct notify_config c;
    struct notify_config_fail f;
    CHECK(notify_config_parse(doc, strlen(doc), &c, &f) == NOTIFY_CONFIG_OK);
    CHECK(c.n == 2);
    CHECK(c.entries[1].id && strlen(c.entries[1].id) > 20); /* generated */
    const struct notify_entry *q = &c.entries[1];
    CHECK(notify_entry_matches(q, "s3:ObjectCreated:Put", "images/a.jpg"));
    CHECK(!notify_entry_matches(q, "s3:ObjectCreated:Copy", "images/a.jpg"));
    CHECK(!notify_entry_matches(q, "s3:ObjectCreated:Put", "images/a.png"));
    CHECK(!notify_entry_matches(q, "s3:ObjectCreated:Put", "x/images/a.jpg"));
    CHECK(notify_entry_matches(&c.entries[0], "s3:ObjectTagging:Delete", "any"));
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(notify_config_render(&out, &c) == 0);
    /* queues before functions, rule names as AWS answers them */
    const char *qpos = strstr(out.data, "<QueueConfiguration>");
    const char *fpos = strstr(out.data, "<CloudFunctionConfiguration>");
    CHECK(qpos && fpos && qpos < fpos);
    CHECK(strstr(out.data, "<Name>Prefix</Name><Value>images/</Value>") != NULL);
    struct notify_config again;
    CHECK(notify_config_parse(out.data, out.len, &again, &f) == NOTIFY_CONFIG_OK);
    CHECK(again.n == 2);
    CHECK_STR(again.entries[0].id, q->id); /* the generated id is kept */
    notify_config_dispose(&again);
    buf_dispose(&out);
    notify_config_dispose(&c);
}

TEST(notify_event_names_and_json)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)"a b/c+d=é";
    snprintf(o.version_id, sizeof(o.version_id), "null");
    snprintf(o.etag, sizeof(o.etag), "\"abc\"");
    o.size = 5;
    struct meta_change ch = {META_CHANGE_PUT,    "bk", "111111111111", "eu-west-1", &o, "",
                             "00000000000000AB", NULL, NULL,           NULL,        0};
    CHECK_STR(notify_event_name(NOTIFY_SRC_PUT, &ch), "ObjectCreated:Put");
    CHECK_STR(notify_event_name(NOTIFY_SRC_COMPLETE, &ch), "ObjectCreated:CompleteMultipartUpload");
    CHECK(notify_event_name(NOTIFY_SRC_NONE, &ch) == NULL);
    CHECK(notify_event_name(NOTIFY_SRC_TAGGING_PUT, &ch) == NULL);
    o.is_delete_marker = 1;
    CHECK_STR(notify_event_name(NOTIFY_SRC_DELETE, &ch), "ObjectRemoved:DeleteMarkerCreated");
    CHECK_STR(notify_event_name(NOTIFY_SRC_LIFECYCLE, &ch),
              "LifecycleExpiration:DeleteMarkerCreated");
    o.is_delete_marker = 0;
    ch.kind = META_CHANGE_REMOVE;
    CHECK_STR(notify_event_name(NOTIFY_SRC_LIFECYCLE, &ch), "LifecycleExpiration:Delete");
    ch.kind = META_CHANGE_ACL;
    CHECK_STR(notify_event_name(NOTIFY_SRC_ACL_PUT, &ch), "ObjectAcl:Put");
    CHECK_STR(notify_event_version("ObjectAcl:Put"), "2.3");
    CHECK_STR(notify_event_version("ObjectCreated:Put"), "2.1");
    CHECK_STR(notify_event_version("Replication:OperationFailedReplication"), "2.2");
    char *k = notify_key_encode(o.key);
    CHECK_STR(k, "a+b/c%2Bd%3D%C3%A9");
    free(k);
    ch.kind = META_CHANGE_PUT;
    struct notify_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    snprintf(ctx.principal, sizeof(ctx.principal), "222222222222");
    snprintf(ctx.source_ip, sizeof(ctx.source_ip), "10.0.0.1");
    snprintf(ctx.request_id, sizeof(ctx.request_id), "RID");
    snprintf(ctx.host_id, sizeof(ctx.host_id), "HID");
    struct notify_event_args a = {"eu-west-1", "ObjectCreated:Put", "cfg", &ctx, &ch, 0};
    char *json = notify_event_render(&a);
    CHECK(json != NULL);
    json_error_t err;
    json_t *root = json_loads(json, 0, &err);
    json_t *rec = json_array_get(json_object_get(root, "Records"), 0);
    CHECK_STR(json_string_value(json_object_get(rec, "eventTime")), "1970-01-01T00:00:00.000Z");
    CHECK_STR(json_string_value(json_object_get(rec, "awsRegion")), "eu-west-1");
    json_t *s3 = json_object_get(rec, "s3");
    CHECK_STR(json_string_value(json_object_get(s3, "configurationId")), "cfg");
    json_t *obj = json_object_get(s3, "object");
    CHECK_STR(json_string_value(json_object_get(obj, "eTag")), "abc");
    CHECK_STR(json_string_value(json_object_get(obj, "sequencer")), "00000000000000AB");
    CHECK(json_object_get(obj, "versionId") == NULL); /* "null" versions have none */
    CHECK(json_integer_value(json_object_get(obj, "size")) == 5);
    json_decref(root);
    free(json);
}

/* The lifecycle worker's transitions: s3:LifecycleTransition with
 * lifecycleEventData.transitionEventData.destinationStorageClass, eventVersion 2.3. */
TEST(notify_event_transition)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)"k";
    snprintf(o.version_id, sizeof(o.version_id), "v1");
    snprintf(o.etag, sizeof(o.etag), "\"e\"");
    snprintf(o.storage_class, sizeof(o.storage_class), "GLACIER");
    struct meta_change ch = {
        META_CHANGE_STORAGE_CLASS, "bk", "1", "", &o, "", "01", NULL, NULL, NULL, 0};
    CHECK_STR(notify_event_name(NOTIFY_SRC_LIFECYCLE, &ch), "LifecycleTransition");
    CHECK(notify_event_name(NOTIFY_SRC_NONE, &ch) == NULL);
    CHECK(notify_event_name(NOTIFY_SRC_PUT, &ch) == NULL);
    struct notify_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    struct notify_event_args a = {"us-east-1", "LifecycleTransition", "cfg", &ctx, &ch, 0};
    char *json = notify_event_render(&a);
    CHECK(json != NULL);
    json_error_t err;
    json_t *root = json_loads(json, 0, &err);
    json_t *rec = json_array_get(json_object_get(root, "Records"), 0);
    CHECK_STR(json_string_value(json_object_get(rec, "eventVersion")), "2.3");
    json_t *td = json_object_get(json_object_get(rec, "lifecycleEventData"), "transitionEventData");
    CHECK_STR(json_string_value(json_object_get(td, "destinationStorageClass")), "GLACIER");
    CHECK_STR(json_string_value(json_object_get(
                  json_object_get(json_object_get(rec, "s3"), "object"), "versionId")),
              "v1");
    json_decref(root);
    free(json);
}

TEST(notify_mqtt_urls)
{
    struct notify_mqtt_url u;
    CHECK(notify_mqtt_parse_url("mqtt://broker.example/s3/events", &u) == 0);
    CHECK_STR(u.host, "broker.example");
    CHECK(u.port == 1883);
    CHECK_STR(u.topic, "s3/events");
    CHECK_STR(u.user, "");
    CHECK(notify_mqtt_parse_url("mqtt://me@127.0.0.1:8883/t", &u) == 0);
    CHECK_STR(u.user, "me");
    CHECK(u.port == 8883);
    CHECK(notify_mqtt_parse_url("mqtt://[::1]:1884/t", &u) == 0);
    CHECK_STR(u.host, "::1");
    CHECK(u.port == 1884);
    const char *bad[] = {"http://h/t",  "mqtt://h",      "mqtt://h/",    "mqtt://h/a/#",
                         "mqtt://h/+",  "mqtt://:1/t",   "mqtt://h:0/t", "mqtt://h:99999/t",
                         "mqtt://@h/t", "mqtt://[::1/t", "mqtt://h:/t"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(notify_mqtt_parse_url(bad[i], &u) != 0);
}

/* The tiering worker's restore sweep: the record's mark names the event (;1 Completed, ;2
 * Delete); Completed carries glacierEventData.restoreEventData. */
TEST(notify_event_restore_sweep)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)"k";
    snprintf(o.version_id, sizeof(o.version_id), "null");
    snprintf(o.etag, sizeof(o.etag), "\"e\"");
    snprintf(o.storage_class, sizeof(o.storage_class), "DEEP_ARCHIVE");
    o.restore = (char *)"1;Bulk;0;1000;86400000";
    struct meta_change ch = {META_CHANGE_RESTORE, "bk", "1", "", &o, "", "02", NULL, NULL, NULL, 0};
    CHECK(notify_event_name(NOTIFY_SRC_RESTORE_SWEEP, &ch) == NULL); /* not marked */
    CHECK_STR(notify_event_name(NOTIFY_SRC_RESTORE, &ch), "ObjectRestore:Post");
    o.restore = (char *)"1;Bulk;0;1000;86400000;2";
    CHECK_STR(notify_event_name(NOTIFY_SRC_RESTORE_SWEEP, &ch), "ObjectRestore:Delete");
    CHECK_STR(notify_event_version("ObjectRestore:Delete"), "2.3");
    o.restore = (char *)"1;Bulk;0;1000;86400000;1";
    CHECK_STR(notify_event_name(NOTIFY_SRC_RESTORE_SWEEP, &ch), "ObjectRestore:Completed");
    CHECK_STR(notify_event_version("ObjectRestore:Completed"), "2.1");
    struct notify_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    struct notify_event_args a = {"us-east-1", "ObjectRestore:Completed", "cfg", &ctx, &ch, 0};
    char *json = notify_event_render(&a);
    CHECK(json != NULL);
    json_error_t err;
    json_t *root = json_loads(json, 0, &err);
    json_t *rec = json_array_get(json_object_get(root, "Records"), 0);
    json_t *red = json_object_get(json_object_get(rec, "glacierEventData"), "restoreEventData");
    CHECK_STR(json_string_value(json_object_get(red, "lifecycleRestorationExpiryTime")),
              "1970-01-02T00:00:00.000Z");
    CHECK_STR(json_string_value(json_object_get(red, "lifecycleRestoreStorageClass")),
              "DEEP_ARCHIVE");
    json_decref(root);
    free(json);
    o.restore = NULL; /* an IT archive restore finished: the record is cleared */
    CHECK_STR(notify_event_name(NOTIFY_SRC_RESTORE_SWEEP, &ch), "ObjectRestore:Completed");
    a.name = "ObjectRestore:Delete";
    json = notify_event_render(&a);
    CHECK(json != NULL && strstr(json, "glacierEventData") == NULL);
    free(json);
}
