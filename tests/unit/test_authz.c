/* test_authz.c — the owner rule of authz_decide, and resource ARNs. */
#include <string.h>

#include "authz/authz.h"
#include "authz/policy.h"
#include "harness.h"

static const struct authz_context no_ctx;

static enum authz_decision decide(const struct authz_principal *p, const char *action,
                                  const char *bucket, const char *key, const char *owner)
{
    struct authz_resource res = {bucket, key, owner};
    const char *reason = NULL;
    enum authz_decision d = authz_decide(p, action, &res, &no_ctx, &reason);
    CHECK(reason != NULL);
    CHECK(d == AUTHZ_ALLOW ? reason[0] == '\0' : reason[0] != '\0');
    return d;
}

TEST(authz_owner_rule_accounts)
{
    struct authz_principal alice;
    authz_principal_account(&alice, "111111111111", "abc");
    CHECK(decide(&alice, "s3:GetObject", "b", "k", "111111111111") == AUTHZ_ALLOW);
    CHECK(decide(&alice, "s3:ListBucket", "b", NULL, "111111111111") == AUTHZ_ALLOW);
    CHECK(decide(&alice, "s3:GetObject", "b", "k", "222222222222") == AUTHZ_DENY);
    CHECK(decide(&alice, "s3:DeleteBucket", "b", NULL, "222222222222") == AUTHZ_DENY);
    CHECK(decide(&alice, "s3:ListAllMyBuckets", NULL, NULL, NULL) == AUTHZ_ALLOW);
    CHECK(decide(&alice, "s3:CreateBucket", "new", NULL, NULL) == AUTHZ_ALLOW);
    /* a bucket with no known owner is nobody's: only CreateBucket may name it */
    CHECK(decide(&alice, "s3:PutObject", "new", "k", "") == AUTHZ_DENY);
    CHECK(decide(&alice, "", "b", "k", "111111111111") == AUTHZ_DENY);
}

TEST(authz_owner_rule_anonymous_is_denied)
{
    struct authz_principal anon;
    authz_principal_anonymous(&anon);
    CHECK(decide(&anon, "s3:GetObject", "b", "k", "111111111111") == AUTHZ_DENY);
    CHECK(decide(&anon, "s3:ListAllMyBuckets", NULL, NULL, NULL) == AUTHZ_DENY);
    CHECK(decide(&anon, "s3:CreateBucket", "new", NULL, NULL) == AUTHZ_DENY);
}

TEST(authz_service_principal_owns_nothing)
{
    struct authz_principal s3;
    authz_principal_service(&s3, AUTHZ_SERVICE_S3);
    struct authz_context ctx = {0};
    ctx.source_account = "111111111111";
    ctx.source_arn = "arn:aws:s3:::src";
    struct authz_resource dst = {"dst", "inv/data/x.csv.gz", "111111111111"};
    const char *reason;
    /* the source owner's own bucket: still no access without a policy statement (as AWS) */
    CHECK(authz_decide(&s3, "s3:PutObject", &dst, &ctx, &reason) == AUTHZ_DENY);
    CHECK(strstr(reason, "no policy") != NULL);
    CHECK(authz_decide(&s3, "s3:PutObject", &dst, &no_ctx, &reason) == AUTHZ_DENY);
}

TEST(authz_resource_arns)
{
    char arn[32];
    struct authz_resource all = {NULL, NULL, NULL}, b = {"b", NULL, "1"}, o = {"b", "a/k", "1"};
    CHECK(authz_resource_arn(arn, sizeof(arn), &all) == 0);
    CHECK_STR(arn, "*");
    CHECK(authz_resource_arn(arn, sizeof(arn), &b) == 0);
    CHECK_STR(arn, "arn:aws:s3:::b");
    CHECK(authz_resource_arn(arn, sizeof(arn), &o) == 0);
    CHECK_STR(arn, "arn:aws:s3:::b/a/k");
    struct authz_resource longkey = {"b", "0123456789012345678901234567890123456789", "1"};
    CHECK(authz_resource_arn(arn, sizeof(arn), &longkey) == ERR_TOOBIG);
    CHECK(strlen(arn) == sizeof(arn) - 1);
    CHECK_STR(authz_auth_type_name(AUTHZ_AUTH_HEADER), "REST-HEADER");
    CHECK_STR(authz_auth_type_name(AUTHZ_AUTH_QUERY), "REST-QUERY-STRING");
}

/* AWS's documented inventory destination policy (research inventory-format.md §9.2). */
static const char delivery_policy[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Inv\",\"Effect\":\"Allow\","
    "\"Principal\":{\"Service\":\"s3.amazonaws.com\"},\"Action\":\"s3:PutObject\","
    "\"Resource\":[\"arn:aws:s3:::dst/*\"],\"Condition\":{"
    "\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::src\"},"
    "\"StringEquals\":{\"aws:SourceAccount\":\"111111111111\","
    "\"s3:x-amz-acl\":\"bucket-owner-full-control\"}}}]}";

TEST(authz_delivery_by_the_destination_policy)
{
    struct policy *p = NULL;
    CHECK(policy_parse_stored(&p, delivery_policy, strlen(delivery_policy)) == 0);
    struct authz_resource dst = {"dst", "src/inv/data/x.csv.gz", "222222222222"};
    const char *reason = NULL;
    /* another account's bucket, allowed by its policy for this source and account only */
    CHECK(authz_decide_delivery(AUTHZ_SERVICE_S3, "src", "111111111111", &dst, p, &reason) ==
          AUTHZ_ALLOW);
    CHECK(authz_decide_delivery(AUTHZ_SERVICE_S3, "src", "333333333333", &dst, p, &reason) ==
          AUTHZ_DENY);
    CHECK(strstr(reason, "no statement") != NULL);
    CHECK(authz_decide_delivery(AUTHZ_SERVICE_S3, "other", "111111111111", &dst, p, &reason) ==
          AUTHZ_DENY);
    struct authz_resource elsewhere = {"dst2", "k", "222222222222"};
    CHECK(authz_decide_delivery(AUTHZ_SERVICE_S3, "src", "111111111111", &elsewhere, p, &reason) ==
          AUTHZ_DENY);
    CHECK(authz_decide_delivery(AUTHZ_SERVICE_S3, "src", "111111111111", &dst, NULL, &reason) ==
          AUTHZ_DENY);
    CHECK(strstr(reason, "no policy") != NULL);
    /* an account may not use the service's statement */
    struct authz_principal acct;
    authz_principal_account(&acct, "111111111111", "c1");
    CHECK(authz_decide(&acct, "s3:PutObject", &dst, NULL, &reason) == AUTHZ_DENY);
    policy_free(p);
}
