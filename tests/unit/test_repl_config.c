/* test_repl_config.c — ReplicationConfiguration parsing: AWS's codes and messages, the
 * canonical form, the rule a key matches. */
#include <string.h>

#include "harness.h"
#include "replication/repl_config.h"

#define RC(body)                                                                                   \
    "<ReplicationConfiguration><Role>arn:aws:iam::1:role/r</Role>" body                            \
    "</ReplicationConfiguration>"
#define DEST "<Destination><Bucket>arn:aws:s3:::dst</Bucket></Destination>"
#define V2(id, prio, filter)                                                                       \
    "<Rule><ID>" id "</ID><Priority>" prio "</Priority>" filter "<Status>Enabled</Status>" DEST    \
    "<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule>"

static enum repl_config_error parse(const char *xml, char *msg)
{
    struct repl_config c;
    enum repl_config_error e = repl_config_parse(xml, strlen(xml), &c, msg, 256);
    repl_config_dispose(&c);
    return e;
}

TEST(repl_config_validates_as_aws)
{
    char msg[256];
    CHECK(parse(RC(V2("a", "1", "<Filter><Prefix>x/</Prefix></Filter>")), msg) == REPL_CONFIG_OK);
    CHECK(parse(RC("<Rule><Prefix>x</Prefix><Status>Enabled</Status>" DEST "</Rule>"), msg) ==
          REPL_CONFIG_OK);
    /* duplicate IDs, duplicate priorities */
    CHECK(parse(RC(V2("a", "1", "<Filter/>") V2("a", "2", "<Filter/>")), msg) ==
          REPL_CONFIG_INVALID_ARGUMENT);
    CHECK_STR(msg, "Rule Id must be unique");
    CHECK(parse(RC(V2("a", "1", "<Filter/>") V2("b", "1", "<Filter/>")), msg) ==
          REPL_CONFIG_INVALID_REQUEST);
    CHECK_STR(msg, "Found duplicate priority. Rule priorities must be unique");
    /* V2 needs DeleteMarkerReplication and Priority */
    CHECK(parse(RC("<Rule><Priority>1</Priority><Filter/><Status>Enabled</Status>" DEST "</Rule>"),
                msg) == REPL_CONFIG_MALFORMED);
    CHECK(parse(RC("<Rule><Filter/><Status>Enabled</Status>" DEST
                   "<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>"
                   "</Rule>"),
                msg) == REPL_CONFIG_MALFORMED);
    /* mixing schemas, both Prefix and Filter, no rule, unknown element, bad status */
    CHECK(parse(RC(V2("a", "1", "<Filter/>") "<Rule><Prefix/><Status>Enabled</Status>" DEST
                                             "</Rule>"),
                msg) == REPL_CONFIG_MALFORMED);
    CHECK(parse(RC(V2("a", "1", "<Prefix/><Filter/>")), msg) == REPL_CONFIG_MALFORMED);
    CHECK(parse(RC(""), msg) == REPL_CONFIG_MALFORMED);
    CHECK(parse(RC(V2("a", "1", "<Filter/><Bogus/>")), msg) == REPL_CONFIG_MALFORMED);
    CHECK(parse("<ReplicationConfiguration", msg) == REPL_CONFIG_MALFORMED);
    CHECK(parse(RC(V2("a", "-1", "<Filter/>")), msg) == REPL_CONFIG_INVALID_ARGUMENT);
    /* a tag filter cannot replicate delete markers */
    CHECK(parse(RC("<Rule><Priority>1</Priority><Filter><Tag><Key>k</Key><Value>v</Value></Tag>"
                   "</Filter><Status>Enabled</Status>" DEST "<DeleteMarkerReplication><Status>"
                   "Enabled</Status></DeleteMarkerReplication></Rule>"),
                msg) == REPL_CONFIG_INVALID_REQUEST);
    CHECK(strstr(msg, "Delete marker replication is not supported") != NULL);
    /* duplicate And tag keys */
    CHECK(parse(RC(V2("a", "1",
                      "<Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key>"
                      "<Value>2</Value></Tag></And></Filter>")),
                msg) == REPL_CONFIG_INVALID_REQUEST);
    CHECK_STR(msg, "Duplicate Tag Keys are not allowed.");
    /* destination */
    CHECK(parse(RC("<Rule><Prefix/><Status>Enabled</Status><Destination><Bucket>dst</Bucket>"
                   "</Destination></Rule>"),
                msg) == REPL_CONFIG_INVALID_ARGUMENT);
    CHECK_STR(msg, "Invalid ARN");
    CHECK(parse(RC("<Rule><Prefix/><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::d"
                   "</Bucket><StorageClass>FAST</StorageClass></Destination></Rule>"),
                msg) == REPL_CONFIG_INVALID_STORAGE);
    CHECK(parse(RC("<Rule><Prefix/><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::d"
                   "</Bucket><AccessControlTranslation><Owner>Destination</Owner>"
                   "</AccessControlTranslation></Destination></Rule>"),
                msg) == REPL_CONFIG_INVALID_REQUEST);
    CHECK_STR(msg, "Account must be specified when AccessControlTranslation is specified");
    CHECK(parse(RC("<Rule><Prefix/><Status>Enabled</Status><SourceSelectionCriteria>"
                   "<SseKmsEncryptedObjects><Status>Enabled</Status></SseKmsEncryptedObjects>"
                   "</SourceSelectionCriteria>" DEST "</Rule>"),
                msg) == REPL_CONFIG_INVALID_REQUEST);
    CHECK(parse(RC("<Rule><Prefix/><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::d"
                   "</Bucket><ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes>"
                   "</Time></ReplicationTime></Destination></Rule>"),
                msg) == REPL_CONFIG_NOT_IMPLEMENTED);
}

TEST(repl_config_renders_and_matches)
{
    char msg[256];
    const char *xml =
        RC("<Rule><Priority>1</Priority><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled"
           "</Status>" DEST "<DeleteMarkerReplication><Status>Enabled</Status>"
           "</DeleteMarkerReplication></Rule>"
           "<Rule><ID>tagged</ID><Priority>5</Priority><Filter><And><Prefix>logs/</Prefix><Tag>"
           "<Key>k</Key><Value>v</Value></Tag></And></Filter><Status>Enabled</Status>"
           "<ExistingObjectReplication><Status>Disabled</Status></ExistingObjectReplication>"
           "<Destination><Bucket>arn:aws:s3:::other</Bucket><Account>111122223333</Account>"
           "<StorageClass>STANDARD_IA</StorageClass><AccessControlTranslation><Owner>Destination"
           "</Owner></AccessControlTranslation><EncryptionConfiguration><ReplicaKmsKeyID>k1"
           "</ReplicaKmsKeyID></EncryptionConfiguration></Destination><DeleteMarkerReplication>"
           "<Status>Disabled</Status></DeleteMarkerReplication></Rule>"
           "<Rule><ID>off</ID><Priority>9</Priority><Filter/><Status>Disabled</Status>" DEST
           "<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule>");
    struct repl_config c;
    CHECK(repl_config_parse(xml, strlen(xml), &c, msg, sizeof(msg)) == REPL_CONFIG_OK);
    CHECK(c.n == 3 && strlen(c.rules[0].id) > 0);
    CHECK_STR(c.rules[1].dest_bucket, "other");
    CHECK(c.rules[1].owner_override && c.rules[1].n_tags == 1);
    const struct repl_rule *m = repl_config_match(&c, "logs/a", "k=v");
    CHECK(m && strcmp(m->id, "tagged") == 0);
    m = repl_config_match(&c, "logs/a", "k=w");
    CHECK(m == &c.rules[0]);
    CHECK(repl_config_match(&c, "data/a", NULL) == NULL);
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(repl_config_render(&out, &c) == 0);
    struct repl_config again;
    CHECK(repl_config_parse(out.data, out.len, &again, msg, sizeof(msg)) == REPL_CONFIG_OK);
    CHECK(again.n == 3);
    CHECK_STR(again.rules[0].id, c.rules[0].id);
    CHECK_STR(again.rules[1].kms_key, "k1");
    CHECK_STR(again.role, "arn:aws:iam::1:role/r");
    CHECK(strstr(out.data, "<Account>111122223333</Account><StorageClass>STANDARD_IA") != NULL);
    buf_dispose(&out);
    repl_config_dispose(&again);
    repl_config_dispose(&c);
}

/* Destination/Account: 12 digits is an account of this server; anything else names a remote. */
TEST(repl_rule_remote_names)
{
    struct repl_rule r;
    memset(&r, 0, sizeof(r));
    CHECK(repl_rule_remote(&r) == NULL);
    r.account = "123456789012";
    CHECK(repl_rule_remote(&r) == NULL);
    r.account = "site2";
    CHECK_STR(repl_rule_remote(&r), "site2");
    r.account = "1234567890123";
    CHECK_STR(repl_rule_remote(&r), "1234567890123");
    r.account = "";
    CHECK(repl_rule_remote(&r) == NULL);
}
