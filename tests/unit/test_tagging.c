/* test_tagging.c — tag sets: the x-amz-tagging and XML forms, AWS's limits and messages, the
 * stored form; and the policy condition keys that read tags (s3:ExistingObjectTag/<key>,
 * s3:RequestObjectTag/<key>, s3:RequestObjectTagKeys). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authz/authz.h"
#include "authz/policy.h"
#include "core/uri.h"
#include "harness.h"
#include "s3/s3_tagging.h"

static int parse_q(struct s3_tags *t, const char *s)
{
    return s3_tags_parse_query(t, s, strlen(s));
}

static int parse_x(struct s3_tags *t, const char *s)
{
    return s3_tags_parse_xml(t, s, strlen(s));
}

TEST(tagging_query_form)
{
    struct s3_tags t;
    CHECK(parse_q(&t, "b=2&a%20b=x+y%2Bz&&novalue&empty=") == 0);
    CHECK(t.n == 4);
    CHECK_STR(t.v[0].key, "b");
    CHECK_STR(t.v[1].key, "a b");
    CHECK_STR(t.v[1].value, "x y+z");
    CHECK_STR(t.v[2].key, "novalue");
    CHECK_STR(t.v[2].value, "");
    CHECK_STR(s3_tags_get(&t, "empty"), "");
    CHECK(s3_tags_get(&t, "B") == NULL);
    CHECK(s3_tags_check(&t, S3_TAGS_OBJECT_MAX) == NULL);
    char *stored = NULL;
    CHECK(s3_tags_encode(&t, &stored) == 0);
    CHECK_STR(stored, "a%20b=x%20y%2Bz&b=2&empty=&novalue="); /* sorted, RFC 3986 */
    s3_tags_dispose(&t);
    CHECK(parse_q(&t, stored) == 0 && t.n == 4);
    CHECK_STR(t.v[0].value, "x y+z");
    s3_tags_dispose(&t);
    free(stored);
    CHECK(parse_q(&t, "") == 0 && t.n == 0);
    CHECK(s3_tags_encode(&t, &stored) == 0 && stored == NULL);
    CHECK(parse_q(&t, "a=%zz") == ERR_INVALID);
    CHECK(parse_q(&t, "a=%2") == ERR_INVALID);
    CHECK(parse_q(&t, "a=%FF") == ERR_INVALID); /* not UTF-8 */
    CHECK(parse_q(&t, "a%00=1") == ERR_INVALID);
    CHECK(parse_q(&t, "d=1&d=2") == 0 && s3_tags_have_duplicate(&t));
    s3_tags_dispose(&t);
}

TEST(tagging_xml_form)
{
    struct s3_tags t;
    CHECK(parse_x(&t, "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>"
                      "<Tag><Key>k&amp;</Key><Value>v&lt;</Value></Tag>"
                      "<Tag><Key>e</Key><Value></Value></Tag></TagSet></Tagging>") == 0);
    CHECK(t.n == 2);
    CHECK_STR(t.v[0].key, "k&");
    CHECK_STR(t.v[0].value, "v<");
    CHECK_STR(t.v[1].value, "");
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(s3_tags_render(&b, &t) == 0);
    CHECK_STR(b.data, "<TagSet><Tag><Key>k&amp;</Key><Value>v&lt;</Value></Tag><Tag><Key>e</Key>"
                      "<Value></Value></Tag></TagSet>");
    buf_dispose(&b);
    s3_tags_dispose(&t);
    CHECK(parse_x(&t, "<Tagging><TagSet/></Tagging>") == 0 && t.n == 0);
    CHECK(parse_x(&t, "<Tagging></Tagging>") == ERR_INVALID);
    CHECK(parse_x(&t, "<Tagging><TagSet/><TagSet/></Tagging>") == ERR_INVALID);
    CHECK(parse_x(&t, "<Other><TagSet/></Other>") == ERR_INVALID);
    CHECK(parse_x(&t, "<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>") ==
          ERR_INVALID);
    CHECK(parse_x(&t, "<Tagging><TagSet><Tag><Value>a</Value></Tag></TagSet></Tagging>") ==
          ERR_INVALID);
    CHECK(parse_x(&t, "<Tagging><TagSet><Tag><Key>a</Key><Key>b</Key><Value/></Tag></TagSet>"
                      "</Tagging>") == ERR_INVALID);
    CHECK(parse_x(&t, "<Tagging><TagSet>") == ERR_INVALID);
}

static void fill(struct s3_tags *t, size_t n, const char *key, size_t klen, size_t vlen)
{
    t->n = n;
    t->v = calloc(n, sizeof(*t->v));
    for (size_t i = 0; i < n; i++) {
        char k[24];
        snprintf(k, sizeof(k), "k%zu", i);
        t->v[i].key = calloc(1, klen + sizeof(k));
        snprintf(t->v[i].key, klen + sizeof(k), "%s", key ? key : k);
        for (size_t j = strlen(t->v[i].key); j < klen; j++)
            t->v[i].key[j] = 'k';
        t->v[i].value = calloc(1, vlen + 1);
        memset(t->v[i].value, 'v', vlen);
    }
}

TEST(tagging_limits)
{
    struct s3_tags t;
    fill(&t, 10, NULL, 128, 256);
    CHECK(s3_tags_check(&t, S3_TAGS_OBJECT_MAX) == NULL);
    s3_tags_dispose(&t);
    fill(&t, 11, NULL, 1, 1);
    CHECK_STR(s3_tags_check(&t, S3_TAGS_OBJECT_MAX), "Object tags cannot be greater than 10");
    CHECK(s3_tags_check(&t, S3_TAGS_BUCKET_MAX) == NULL);
    s3_tags_dispose(&t);
    fill(&t, 51, NULL, 1, 1);
    CHECK_STR(s3_tags_check(&t, S3_TAGS_BUCKET_MAX), "Bucket tag count cannot be greater than 50");
    s3_tags_dispose(&t);
    fill(&t, 1, NULL, 129, 1);
    CHECK_STR(s3_tags_check(&t, S3_TAGS_OBJECT_MAX),
              "The TagKey you have provided is too long, max 128");
    s3_tags_dispose(&t);
    fill(&t, 1, NULL, 1, 257);
    CHECK_STR(s3_tags_check(&t, S3_TAGS_OBJECT_MAX),
              "The TagValue you have provided is too long, max 256");
    s3_tags_dispose(&t);
    fill(&t, 2, "same", 4, 1);
    CHECK_STR(s3_tags_check(&t, S3_TAGS_OBJECT_MAX),
              "Cannot provide multiple Tags with the same key");
    s3_tags_dispose(&t);
    fill(&t, 1, "aws:x", 5, 1);
    CHECK_STR(s3_tags_check(&t, S3_TAGS_OBJECT_MAX), "Your TagKey cannot be prefixed with aws:");
    s3_tags_dispose(&t);
    fill(&t, 1, "", 0, 1);
    CHECK_STR(s3_tags_check(&t, S3_TAGS_OBJECT_MAX), "The TagKey you have provided is invalid");
    s3_tags_dispose(&t);
    /* characters, not bytes: 128 two-byte characters are a valid key */
    char key[600] = "", value[1100] = "";
    for (int i = 0; i < 128; i++)
        memcpy(key + 2 * i, "\xc3\xa9", 2);
    for (int i = 0; i < 256; i++)
        memcpy(value + 4 * i, "\xf0\x9f\xa5\xb3", 4);
    char q[6000];
    struct buf enc;
    buf_init(&enc, BUF_UNLIMITED);
    CHECK(uri_encode(&enc, key, strlen(key), 0) == 0 && buf_puts(&enc, "=") == 0 &&
          uri_encode(&enc, value, strlen(value), 0) == 0);
    snprintf(q, sizeof(q), "%s", enc.data);
    buf_dispose(&enc);
    CHECK(parse_q(&t, q) == 0 && t.n == 1);
    CHECK(s3_tags_check(&t, S3_TAGS_OBJECT_MAX) == NULL);
    s3_tags_dispose(&t);
}

/* ---- policy keys ---- */

struct tag_ctx {
    struct s3_tags existing, request;
};

static int tag_lookup(void *ctx, enum authz_tag_set set, size_t i, const char **key,
                      const char **value)
{
    struct tag_ctx *c = ctx;
    struct s3_tags *t = set == AUTHZ_TAGS_EXISTING ? &c->existing : &c->request;
    if (i >= t->n)
        return -1;
    *key = t->v[i].key;
    *value = t->v[i].value;
    return 0;
}

static enum policy_effect tag_eval(const char *cond, const char *existing, const char *request)
{
    char json[2048];
    snprintf(
        json, sizeof(json),
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
        "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\",\"Condition\":{%s}}]}",
        cond);
    struct policy *p = NULL;
    if (policy_parse(&p, json, strlen(json), "bkt", NULL, NULL))
        return (enum policy_effect) - 1;
    struct tag_ctx tc;
    memset(&tc, 0, sizeof(tc));
    if ((existing && parse_q(&tc.existing, existing)) || (request && parse_q(&tc.request, request)))
        return (enum policy_effect) - 1;
    struct authz_context ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.tag = tag_lookup;
    ctx.tag_ctx = &tc;
    struct authz_principal anon;
    authz_principal_anonymous(&anon);
    enum policy_effect e = policy_eval(p, &anon, "s3:GetObject", "arn:aws:s3:::bkt/k", &ctx);
    policy_free(p);
    s3_tags_dispose(&tc.existing);
    s3_tags_dispose(&tc.request);
    return e;
}

TEST(tagging_policy_existing_and_request_tags)
{
    const char *eq = "\"StringEquals\":{\"s3:ExistingObjectTag/Sec\":\"public\"}";
    CHECK(tag_eval(eq, "Sec=public", NULL) == POLICY_ALLOWS);
    CHECK(tag_eval(eq, "sec=public", NULL) == POLICY_NO_MATCH); /* tag keys: case-sensitive */
    CHECK(tag_eval(eq, "Sec=private", NULL) == POLICY_NO_MATCH);
    CHECK(tag_eval(eq, NULL, "Sec=public") == POLICY_NO_MATCH); /* another set */
    CHECK(tag_eval("\"StringEquals\":{\"S3:EXISTINGOBJECTTAG/Sec\":\"public\"}", "Sec=public",
                   NULL) == POLICY_ALLOWS); /* the key's name is case-insensitive */
    CHECK(tag_eval("\"Null\":{\"s3:ExistingObjectTag/x\":\"true\"}", "y=1", NULL) == POLICY_ALLOWS);
    CHECK(tag_eval("\"StringLike\":{\"s3:RequestObjectTag/team\":\"b*\"}", NULL, "team=blue") ==
          POLICY_ALLOWS);
    CHECK(tag_eval("\"StringNotEquals\":{\"s3:RequestObjectTag/team\":\"red\"}", NULL, "") ==
          POLICY_ALLOWS); /* a missing key satisfies a negated operator */
    struct policy *p = NULL;
    const char *doc = "{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
                      "\"Resource\":\"arn:aws:s3:::b/*\",\"Condition\":{\"StringEquals\":{"
                      "\"s3:ExistingObjectTag/a\":\"1\"}}}}";
    CHECK(policy_parse(&p, doc, strlen(doc), "b", NULL, NULL) == 0 && p->reads_existing_tags);
    policy_free(p);
    doc = "{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
          "\"Resource\":\"arn:aws:s3:::b/*\",\"Condition\":{\"StringEquals\":{"
          "\"s3:RequestObjectTag/a\":\"1\"}}}}";
    CHECK(policy_parse(&p, doc, strlen(doc), "b", NULL, NULL) == 0 && !p->reads_existing_tags);
    policy_free(p);
}

TEST(tagging_policy_request_tag_keys)
{
    const char *all = "\"ForAllValues:StringEquals\":{\"s3:RequestObjectTagKeys\":[\"a\",\"b\"]}";
    CHECK(tag_eval(all, NULL, "a=1&b=2") == POLICY_ALLOWS);
    CHECK(tag_eval(all, NULL, "") == POLICY_ALLOWS);
    CHECK(tag_eval(all, NULL, "a=1&c=2") == POLICY_NO_MATCH);
    const char *any = "\"ForAnyValue:StringLike\":{\"s3:RequestObjectTagKeys\":\"sec*\"}";
    CHECK(tag_eval(any, NULL, "x=1&secret=2") == POLICY_ALLOWS);
    CHECK(tag_eval(any, NULL, "x=1") == POLICY_NO_MATCH);
    CHECK(tag_eval(any, NULL, "") == POLICY_NO_MATCH);
    CHECK(tag_eval("\"Null\":{\"s3:RequestObjectTagKeys\":\"true\"}", NULL, "") == POLICY_ALLOWS);
    CHECK(tag_eval("\"Null\":{\"s3:RequestObjectTagKeys\":\"false\"}", NULL, "") ==
          POLICY_NO_MATCH);
    CHECK(tag_eval("\"StringEquals\":{\"s3:RequestObjectTagKeys\":\"a\"}", NULL, "b=1&a=1") ==
          POLICY_ALLOWS);
}
