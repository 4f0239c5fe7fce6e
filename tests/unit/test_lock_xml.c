/* test_lock_xml.c — Object Lock's XML documents: ObjectLockConfiguration (enabled, default
 * retention of Days or Years, AWS's MalformedXML / InvalidRetentionPeriod cases), Retention
 * (both or neither field, millisecond dates) and LegalHold, and their rendered forms. */
#include "harness.h"

#include "s3/s3_lock.h"

#define CFG(rule)                                                                                  \
    "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>" rule                 \
    "</ObjectLockConfiguration>"
#define RULE(x) "<Rule><DefaultRetention>" x "</DefaultRetention></Rule>"

static enum s3_error cfg(const char *doc, struct s3_lock_config *c)
{
    const char *msg;
    return s3_lock_config_parse(doc, strlen(doc), c, &msg);
}

TEST(lock_config_accepts_days_years_and_no_rule)
{
    struct s3_lock_config c;
    CHECK(cfg(CFG(RULE("<Mode>GOVERNANCE</Mode><Days>7</Days>")), &c) == S3_OK);
    CHECK_STR(c.mode, "GOVERNANCE");
    CHECK(c.days == 7 && c.years == 0);
    CHECK(cfg(CFG(RULE("<Mode>COMPLIANCE</Mode><Years>100</Years>")), &c) == S3_OK);
    CHECK(c.years == 100 && c.days == 0);
    CHECK(cfg(CFG(""), &c) == S3_OK);
    CHECK(c.mode[0] == '\0');
}

TEST(lock_config_rejects_as_aws)
{
    struct s3_lock_config c;
    CHECK(cfg(CFG(RULE("<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>")), &c) ==
          S3E_MALFORMED_XML);
    CHECK(cfg(CFG(RULE("<Mode>GOVERNANCE</Mode>")), &c) == S3E_MALFORMED_XML);
    CHECK(cfg(CFG(RULE("<Mode>governance</Mode><Days>1</Days>")), &c) == S3E_MALFORMED_XML);
    CHECK(cfg(CFG(RULE("<Mode>GOVERNANCE</Mode><Days>one</Days>")), &c) == S3E_MALFORMED_XML);
    CHECK(cfg(CFG("<Rule></Rule>"), &c) == S3E_MALFORMED_XML);
    CHECK(cfg(CFG(RULE("<Mode>GOVERNANCE</Mode><Days>0</Days>")), &c) ==
          S3E_INVALID_RETENTION_PERIOD);
    CHECK(cfg(CFG(RULE("<Mode>GOVERNANCE</Mode><Years>-1</Years>")), &c) ==
          S3E_INVALID_RETENTION_PERIOD);
    CHECK(cfg(CFG(RULE("<Mode>GOVERNANCE</Mode><Days>36501</Days>")), &c) ==
          S3E_INVALID_RETENTION_PERIOD);
    const char *disabled = "<ObjectLockConfiguration><ObjectLockEnabled>Disabled"
                           "</ObjectLockEnabled></ObjectLockConfiguration>";
    CHECK(cfg(disabled, &c) == S3E_MALFORMED_XML);
    CHECK(cfg("<Other/>", &c) == S3E_MALFORMED_XML);
    CHECK(cfg("", &c) == S3E_MALFORMED_XML);
}

TEST(lock_config_renders_what_it_parses)
{
    struct s3_lock_config c = {"COMPLIANCE", 0, 3}, back;
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    CHECK(s3_lock_config_render(&xml, &c) == 0);
    CHECK(strstr((const char *)xml.data, "<Years>3</Years>") != NULL);
    CHECK(cfg((const char *)xml.data, &back) == S3_OK);
    CHECK(memcmp(&c, &back, sizeof(c)) == 0);
    buf_dispose(&xml);
}

TEST(lock_retention_parse)
{
    char mode[16];
    int64_t until;
    const char *ok = "<Retention><Mode>GOVERNANCE</Mode>"
                     "<RetainUntilDate>2030-01-01T00:00:00.250Z</RetainUntilDate></Retention>";
    CHECK(s3_retention_parse(ok, strlen(ok), mode, &until) == S3_OK);
    CHECK_STR(mode, "GOVERNANCE");
    CHECK(until == 1893456000250LL);
    const char *none = "<Retention/>";
    CHECK(s3_retention_parse(none, strlen(none), mode, &until) == S3_OK);
    CHECK(mode[0] == '\0' && until == 0);
    const char *half = "<Retention><Mode>GOVERNANCE</Mode></Retention>";
    CHECK(s3_retention_parse(half, strlen(half), mode, &until) == S3E_MALFORMED_XML);
    const char *bad_mode = "<Retention><Mode>abc</Mode>"
                           "<RetainUntilDate>2030-01-01T00:00:00Z</RetainUntilDate></Retention>";
    CHECK(s3_retention_parse(bad_mode, strlen(bad_mode), mode, &until) == S3E_MALFORMED_XML);
    const char *bad_date = "<Retention><Mode>COMPLIANCE</Mode>"
                           "<RetainUntilDate>tomorrow</RetainUntilDate></Retention>";
    CHECK(s3_retention_parse(bad_date, strlen(bad_date), mode, &until) == S3E_MALFORMED_XML);
}

TEST(lock_legal_hold_parse)
{
    int on;
    const char *yes = "<LegalHold><Status>ON</Status></LegalHold>";
    const char *no = "<LegalHold><Status>OFF</Status></LegalHold>";
    const char *bad = "<LegalHold><Status>On</Status></LegalHold>";
    CHECK(s3_legal_hold_parse(yes, strlen(yes), &on) == S3_OK && on == 1);
    CHECK(s3_legal_hold_parse(no, strlen(no), &on) == S3_OK && on == 0);
    CHECK(s3_legal_hold_parse(bad, strlen(bad), &on) == S3E_MALFORMED_XML);
    CHECK(s3_legal_hold_parse("<LegalHold/>", 12, &on) == S3E_MALFORMED_XML);
}
