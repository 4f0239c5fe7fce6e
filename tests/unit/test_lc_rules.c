/* test_lc_rules.c — parsing lifecycle rules and matching them against object versions. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lifecycle/lc_ids.h"
#include "lifecycle/lc_rules.h"

#define LC(rules) "<LifecycleConfiguration>" rules "</LifecycleConfiguration>"

static int parse(const char *xml, struct lc_rules *out)
{
    return lc_rules_parse(xml, strlen(xml), out);
}

TEST(lc_rules_prefix_tag_and_size)
{
    struct lc_rules r;
    CHECK(parse(LC("<Rule><ID>p</ID><Status>Enabled</Status><Filter><Prefix>logs/</Prefix>"
                   "</Filter><Expiration><Days>3</Days></Expiration></Rule>"
                   "<Rule><ID>t</ID><Status>Disabled</Status><Filter><Tag><Key>a b</Key>"
                   "<Value>x&amp;y</Value></Tag></Filter><NoncurrentVersionExpiration>"
                   "<NoncurrentDays>2</NoncurrentDays><NewerNoncurrentVersions>4"
                   "</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>"
                   "<Rule><ID>and</ID><Status>Enabled</Status><Filter><And><Prefix>d/</Prefix>"
                   "<Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>j</Key><Value></Value></Tag>"
                   "<ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>100"
                   "</ObjectSizeLessThan></And></Filter><AbortIncompleteMultipartUpload>"
                   "<DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>"
                   "</Rule><Rule><ID>legacy</ID><Prefix>old/</Prefix><Status>Enabled</Status>"
                   "<Expiration><Date>2026-01-02T00:00:00Z</Date></Expiration></Rule>"
                   "<Rule><ID>sz</ID><Status>Enabled</Status><Filter><ObjectSizeLessThan>5"
                   "</ObjectSizeLessThan></Filter><Expiration><ExpiredObjectDeleteMarker>true"
                   "</ExpiredObjectDeleteMarker></Expiration></Rule>"),
                &r) == 0);
    CHECK(r.count == 5);
    const struct lc_rule *p = &r.rules[0], *t = &r.rules[1], *a = &r.rules[2];
    const struct lc_rule *l = &r.rules[3], *s = &r.rules[4];
    CHECK_STR(p->id, "p");
    CHECK(p->enabled && p->exp_days == 3 && p->noncurrent_days == -1);
    CHECK(lc_rule_matches(p, "logs/a", NULL, 1));
    CHECK(!lc_rule_matches(p, "log/a", NULL, 1));
    CHECK(!lc_rule_matches(p, "x/logs/a", "k=v", 1));
    CHECK(!t->enabled && t->noncurrent_days == 2 && t->newer_noncurrent == 4);
    CHECK(lc_rule_matches(t, "any", "a%20b=x%26y&z=1", 1));
    CHECK(!lc_rule_matches(t, "any", "a%20b=x", 1));
    CHECK(!lc_rule_matches(t, "any", NULL, 1));
    CHECK(a->abort_days == 1 && a->ntags == 2 && a->size_gt == 10 && a->size_lt == 100);
    CHECK(lc_rule_matches(a, "d/x", "j=&k=v", 50));
    CHECK(!lc_rule_matches(a, "d/x", "j=&k=v", 10));
    CHECK(!lc_rule_matches(a, "d/x", "j=&k=v", 100));
    CHECK(!lc_rule_matches(a, "d/x", "k=v", 50));
    CHECK(!lc_rule_matches(a, "e/x", "j=&k=v", 50));
    CHECK(lc_rule_has_tags_or_size(a) && !lc_rule_has_tags_or_size(p));
    CHECK_STR(l->prefix, "old/");
    CHECK(l->exp_date_ms == (int64_t)1767312000 * 1000 && l->exp_days == -1);
    CHECK(s->exp_delete_marker && lc_rule_matches(s, "k", NULL, 4));
    CHECK(!lc_rule_matches(s, "k", NULL, 5));
    CHECK(lc_rule_matches(s, "k", NULL, -1)); /* a delete marker has no size */
    lc_rules_dispose(&r);
    CHECK(parse("<nope", &r) != 0);
}

TEST(lc_ids_generated_for_rules_without_one)
{
    const char *with = LC("<Rule><ID>x</ID><Status>Enabled</Status><Prefix></Prefix>"
                          "<Expiration><Days>1</Days></Expiration></Rule>");
    char *out = NULL;
    CHECK(lc_ids_assign(with, strlen(with), &out) == 0);
    CHECK_STR(out, with); /* unchanged: stored as sent */
    free(out);
    const char *without =
        "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Rule><Status>Enabled</Status><Prefix>a/</Prefix><Expiration><Days>1"
        "</Days></Expiration></Rule><Rule><ID>mine</ID><Status>Enabled</Status>"
        "<Prefix>b/</Prefix><Expiration><Days>2</Days></Expiration></Rule>"
        "<Rule><Status>Disabled</Status><Prefix>c/</Prefix><Expiration><Days>3"
        "</Days></Expiration></Rule></LifecycleConfiguration>";
    CHECK(lc_ids_assign(without, strlen(without), &out) == 0);
    struct lc_rules r;
    CHECK(parse(out, &r) == 0 && r.count == 3);
    CHECK(r.rules[0].id && strlen(r.rules[0].id) == 48);
    CHECK_STR(r.rules[1].id, "mine");
    CHECK(r.rules[2].id && strlen(r.rules[2].id) == 48 && strcmp(r.rules[0].id, r.rules[2].id));
    CHECK_STR(r.rules[0].prefix, "a/");
    CHECK(r.rules[2].exp_days == 3 && !r.rules[2].enabled);
    lc_rules_dispose(&r);
    free(out);
    CHECK(lc_ids_assign("<x", 2, &out) == ERR_INVALID && out == NULL);
}
