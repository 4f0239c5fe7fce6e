/* test_lc_config.c — LifecycleConfiguration validation: AWS's codes and messages. */
#include <string.h>

#include "harness.h"
#include "lifecycle/lc_config.h"

#define LC(rules) "<LifecycleConfiguration>" rules "</LifecycleConfiguration>"
#define EXP1 "<Expiration><Days>1</Days></Expiration>"

static enum lc_config_error check(const char *xml, char *msg)
{
    return lc_config_validate(xml, strlen(xml), msg, 256);
}

TEST(lc_config_validates_as_aws)
{
    char msg[256];
    CHECK(
        check(LC("<Rule><ID>a</ID><Status>Enabled</Status><Filter><Prefix>x/</Prefix></Filter>" EXP1
                 "</Rule>"),
              msg) == LC_CONFIG_OK);
    CHECK(check(LC("<Rule><ID>a</ID><Status>Enabled</Status><Prefix/>" EXP1
                   "</Rule><Rule><ID>a</ID><Status>Enabled</Status><Prefix/>" EXP1 "</Rule>"),
                msg) == LC_CONFIG_INVALID_ARGUMENT);
    CHECK_STR(msg, "Rule ID must be unique. Found same ID for more than one rule");
    CHECK(check(LC("<Rule><Status>Enabled</Status><Prefix/></Rule>"), msg) ==
          LC_CONFIG_INVALID_REQUEST);
    CHECK(check(LC("<Rule><Status>Enabled</Status><Prefix/><Filter/>" EXP1 "</Rule>"), msg) ==
          LC_CONFIG_MALFORMED);
    CHECK(check(LC("<Rule><Status>Enabled</Status><Prefix/><Expiration><Date>2026-01-01T01:00:00Z"
                   "</Date></Expiration></Rule>"),
                msg) == LC_CONFIG_INVALID_ARGUMENT);
    CHECK_STR(msg, "'Date' must be at midnight GMT");
    CHECK(check(LC(""), msg) == LC_CONFIG_MALFORMED);
}
