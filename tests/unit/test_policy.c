/* test_policy.c — bucket policies: parse errors (AWS's MalformedPolicy messages), principals,
 * wildcards, NotPrincipal / NotAction / NotResource, each condition operator family,
 * IfExists, ForAnyValue / ForAllValues, Null, the public-policy rule, and the decision
 * authz_decide takes with a policy and Block Public Access. */
#include <stdlib.h>
#include <string.h>

#include "authz/acl.h"
#include "authz/pab.h"
#include "authz/policy.h"
#include "authz/policy_int.h"
#include "harness.h"

#define OWNER "111111111111"
#define OTHER "222222222222"
#define OWNER_CANON "1111111111111111111111111111111111111111111111111111111111111111"
#define OTHER_CANON "2222222222222222222222222222222222222222222222222222222222222222"

static struct policy *parse(const char *json)
{
    struct policy *p = NULL;
    if (policy_parse(&p, json, strlen(json), "bkt", NULL, NULL) != 0)
        return NULL;
    return p;
}

/* The MalformedPolicy message for a document ("" when it parses). */
static const char *parse_error(const char *json)
{
    struct policy *p = NULL;
    int rc = policy_parse(&p, json, strlen(json), "bkt", NULL, NULL);
    policy_free(p);
    return rc ? err_msg() : "";
}

#define STMT(body) "{\"Version\":\"2012-10-17\",\"Statement\":[{" body "}]}"
#define ALLOW_ALL_GET                                                                              \
    "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","                        \
    "\"Resource\":\"arn:aws:s3:::bkt/*\""

TEST(policy_parse_errors_use_aws_messages)
{
    CHECK_STR(parse_error("[1]"), "Policies must be valid JSON and the first byte must be '{'");
    CHECK_STR(parse_error("{\"Statement\": "),
              "Policies must be valid JSON and the first byte must be '{'");
    CHECK_STR(parse_error("{\"Version\":\"2012-10-17\"}"), "Missing required field Statement");
    CHECK_STR(parse_error("{\"Statement\":[]}"), "Missing required field Statement");
    CHECK_STR(parse_error("{\"Foo\":1,\"Statement\":[]}"), "Unknown field Foo");
    CHECK_STR(parse_error(STMT(ALLOW_ALL_GET ",\"Bar\":1")), "Unknown field Bar");
    CHECK_STR(parse_error("{\"Version\":\"2020-01-01\",\"Statement\":{" ALLOW_ALL_GET "}}"),
              "The policy must contain a valid version string");
    CHECK_STR(parse_error(STMT("\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                               "\"Resource\":\"arn:aws:s3:::bkt/*\"")),
              "Missing required field Effect");
    CHECK_STR(parse_error(STMT("\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"s3:"
                               "GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"")),
              "Invalid effect: Maybe");
    CHECK_STR(parse_error(STMT("\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                               "\"Resource\":\"arn:aws:s3:::bkt/*\"")),
              "Missing required field Principal");
    CHECK_STR(parse_error(STMT("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"bob\"},"
                               "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"")),
              "Invalid principal in policy");
    CHECK_STR(parse_error(STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:Fly\","
                               "\"Resource\":\"arn:aws:s3:::bkt/*\"")),
              "Policy has invalid action");
    CHECK_STR(parse_error(STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"iam:*\","
                               "\"Resource\":\"arn:aws:s3:::bkt/*\"")),
              "Policy has invalid action");
    CHECK_STR(parse_error(STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:"
                               "GetObject\",\"Resource\":\"arn:aws:s3:::other/*\"")),
              "Policy has invalid resource");
    CHECK_STR(parse_error(STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:"
                               "GetObject\",\"Resource\":\"arn:aws:s3:::bkt\"")),
              "Action does not apply to any resource(s) in statement");
    CHECK_STR(parse_error(STMT(ALLOW_ALL_GET ",\"Condition\":{\"StringEquals\":{\"s3:nope\":"
                                             "\"x\"}}")),
              "Policy has an invalid condition key");
    CHECK_STR(parse_error(STMT(ALLOW_ALL_GET ",\"Condition\":{\"StringSortOf\":{\"aws:Referer\":"
                                             "\"x\"}}")),
              "Invalid Condition type : StringSortOf");
    CHECK_STR(parse_error(STMT(ALLOW_ALL_GET ",\"NotPrincipal\":\"*\"")), "Invalid policy syntax.");
    /* 20 KB */
    char *big = malloc(POLICY_MAX_BYTES + 2);
    memset(big, ' ', POLICY_MAX_BYTES + 1);
    big[0] = '{';
    big[POLICY_MAX_BYTES + 1] = '\0';
    struct policy *p = NULL;
    CHECK(policy_parse(&p, big, strlen(big), "bkt", NULL, NULL) == ERR_TOOBIG && !p);
    free(big);
    /* the good ones */
    CHECK_STR(parse_error(STMT(ALLOW_ALL_GET)), "");
    CHECK_STR(parse_error("{\"Statement\":{" ALLOW_ALL_GET "}}"), "");
    CHECK_STR(parse_error(STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:List*\","
                               "\"Resource\":[\"arn:aws:s3:::bkt\",\"arn:aws:s3:::bkt/*\"]")),
              "");
}

static int known_only_owner(void *ctx, const char *account_id, const char *canonical_id)
{
    (void)ctx;
    return account_id ? strcmp(account_id, OWNER) == 0 : strcmp(canonical_id, OWNER_CANON) == 0;
}

TEST(policy_parse_checks_principals_exist)
{
    const char *named =
        STMT("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" OTHER
             ":root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*"
             "\"");
    struct policy *p = NULL;
    CHECK(policy_parse(&p, named, strlen(named), "bkt", known_only_owner, NULL) == ERR_INVALID);
    CHECK_STR(err_msg(), "Invalid principal in policy");
    const char *canon = STMT("\"Effect\":\"Allow\",\"Principal\":{\"CanonicalUser\":\"" OWNER_CANON
                             "\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"");
    CHECK(policy_parse(&p, canon, strlen(canon), "bkt", known_only_owner, NULL) == 0 && p);
    policy_free(p);
}

struct req {
    struct authz_principal owner, other, anon, service;
    struct authz_context ctx;
    const char *headers[8][2];
    const char *params[4][2];
};

static const char *lookup(const char *(*kv)[2], size_t n, const char *name)
{
    for (size_t i = 0; i < n && kv[i][0]; i++)
        if (strcasecmp(kv[i][0], name) == 0)
            return kv[i][1];
    return NULL;
}

static const char *req_header(void *ctx, const char *name)
{
    struct req *r = ctx;
    return lookup(r->headers, 8, name);
}

static const char *req_param(void *ctx, const char *name)
{
    struct req *r = ctx;
    return lookup(r->params, 4, name);
}

static void req_init(struct req *r)
{
    memset(r, 0, sizeof(*r));
    authz_principal_account(&r->owner, OWNER, OWNER_CANON);
    authz_principal_account(&r->other, OTHER, OTHER_CANON);
    authz_principal_anonymous(&r->anon);
    authz_principal_service(&r->service, AUTHZ_SERVICE_S3);
    r->ctx.source_ip = "127.0.0.1";
    r->ctx.header = req_header;
    r->ctx.header_ctx = r;
    r->ctx.param = req_param;
    r->ctx.param_ctx = r;
    r->ctx.now = 1700000000; /* 2023-11-14T22:13:20Z */
}

static enum policy_effect eval(const char *json, const struct authz_principal *who,
                               const char *action, const char *arn, const struct req *r)
{
    struct policy *p = parse(json);
    if (!p)
        return (enum policy_effect) - 1;
    enum policy_effect e = policy_eval(p, who, action, arn, &r->ctx);
    policy_free(p);
    return e;
}

TEST(policy_eval_principals_actions_resources)
{
    struct req r;
    req_init(&r);
    const char *obj = "arn:aws:s3:::bkt/a/b.txt";
    CHECK(eval(STMT(ALLOW_ALL_GET), &r.anon, "s3:GetObject", obj, &r) == POLICY_ALLOWS);
    CHECK(eval(STMT(ALLOW_ALL_GET), &r.other, "s3:GETOBJECT", obj, &r) == POLICY_ALLOWS);
    CHECK(eval(STMT(ALLOW_ALL_GET), &r.other, "s3:PutObject", obj, &r) == POLICY_NO_MATCH);
    CHECK(eval(STMT(ALLOW_ALL_GET), &r.other, "s3:GetObject", "arn:aws:s3:::bkt", &r) ==
          POLICY_NO_MATCH);
    const char *acct = STMT("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"" OTHER "\"]},"
                            "\"Action\":\"s3:Get?bject*\",\"Resource\":\"arn:aws:s3:::bkt/a/*\"");
    CHECK(eval(acct, &r.other, "s3:GetObjectVersion", obj, &r) == POLICY_ALLOWS);
    CHECK(eval(acct, &r.owner, "s3:GetObject", obj, &r) == POLICY_NO_MATCH);
    CHECK(eval(acct, &r.anon, "s3:GetObject", obj, &r) == POLICY_NO_MATCH);
    CHECK(eval(acct, &r.other, "s3:GetObject", "arn:aws:s3:::bkt/b/c", &r) == POLICY_NO_MATCH);
    const char *canon = STMT("\"Effect\":\"Allow\",\"Principal\":{\"CanonicalUser\":\"" OTHER_CANON
                             "\"},\"Action\":\"*\",\"Resource\":\"*\"");
    CHECK(eval(canon, &r.other, "s3:DeleteBucket", "arn:aws:s3:::bkt", &r) == POLICY_ALLOWS);
    const char *svc = STMT("\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},"
                           "\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"");
    CHECK(eval(svc, &r.service, "s3:PutObject", obj, &r) == POLICY_ALLOWS);
    CHECK(eval(svc, &r.other, "s3:PutObject", obj, &r) == POLICY_NO_MATCH);
    /* Deny beats Allow */
    const char *both = "{\"Statement\":[{" ALLOW_ALL_GET "},{\"Effect\":\"Deny\",\"Principal\":"
                       "{\"AWS\":\"arn:aws:iam::" OTHER ":root\"},\"Action\":\"s3:*\","
                       "\"Resource\":\"arn:aws:s3:::bkt/*\"}]}";
    CHECK(eval(both, &r.other, "s3:GetObject", obj, &r) == POLICY_DENIES);
    CHECK(eval(both, &r.anon, "s3:GetObject", obj, &r) == POLICY_ALLOWS);
}

TEST(policy_eval_not_principal_action_resource)
{
    struct req r;
    req_init(&r);
    const char *obj = "arn:aws:s3:::bkt/k";
    const char *np = STMT("\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"" OWNER "\"},"
                          "\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::bkt/*\"");
    CHECK(eval(np, &r.other, "s3:GetObject", obj, &r) == POLICY_DENIES);
    CHECK(eval(np, &r.anon, "s3:GetObject", obj, &r) == POLICY_DENIES);
    CHECK(eval(np, &r.owner, "s3:GetObject", obj, &r) == POLICY_NO_MATCH);
    const char *na = STMT("\"Effect\":\"Deny\",\"Principal\":\"*\",\"NotAction\":\"s3:Get*\","
                          "\"Resource\":\"arn:aws:s3:::bkt/*\"");
    CHECK(eval(na, &r.other, "s3:PutObject", obj, &r) == POLICY_DENIES);
    CHECK(eval(na, &r.other, "s3:GetObject", obj, &r) == POLICY_NO_MATCH);
    const char *nr = STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                          "\"NotResource\":\"arn:aws:s3:::bkt/secret/*\"");
    CHECK(eval(nr, &r.anon, "s3:GetObject", obj, &r) == POLICY_ALLOWS);
    CHECK(eval(nr, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/secret/x", &r) == POLICY_NO_MATCH);
}

/* A GetObject-for-everyone statement with one condition block. */
static enum policy_effect cond(const char *block, const struct req *r)
{
    char json[2048];
    snprintf(json, sizeof(json), STMT(ALLOW_ALL_GET ",\"Condition\":{%s}"), block);
    return eval(json, &r->anon, "s3:GetObject", "arn:aws:s3:::bkt/k", r);
}

TEST(policy_cond_string_and_arn_families)
{
    struct req r;
    req_init(&r);
    r.headers[0][0] = "x-amz-acl";
    r.headers[0][1] = "public-read";
    r.ctx.referer = "http://www.example.com/page";
    r.ctx.source_arn = "arn:aws:s3:::src";
    CHECK(cond("\"StringEquals\":{\"s3:x-amz-acl\":[\"private\",\"public-read\"]}", &r) ==
          POLICY_ALLOWS);
    CHECK(cond("\"StringEquals\":{\"s3:x-amz-acl\":\"PUBLIC-READ\"}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"StringEqualsIgnoreCase\":{\"s3:x-amz-acl\":\"PUBLIC-READ\"}", &r) ==
          POLICY_ALLOWS);
    CHECK(cond("\"StringNotEquals\":{\"s3:x-amz-acl\":\"public-read\"}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"StringNotEqualsIgnoreCase\":{\"s3:x-amz-acl\":\"private\"}", &r) ==
          POLICY_ALLOWS);
    CHECK(cond("\"StringLike\":{\"aws:Referer\":\"http://www.example.com/*\"}", &r) ==
          POLICY_ALLOWS);
    CHECK(cond("\"StringNotLike\":{\"aws:referer\":\"http://*.example.com/*\"}", &r) ==
          POLICY_NO_MATCH);
    CHECK(cond("\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::s?c\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:s3:::other\"}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"ArnNotLike\":{\"aws:SourceArn\":\"arn:aws:s3:::other*\"}", &r) == POLICY_ALLOWS);
    /* a missing key fails positive operators and satisfies negated ones */
    CHECK(cond("\"StringEquals\":{\"s3:x-amz-content-sha256\":\"x\"}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"StringNotEquals\":{\"s3:x-amz-content-sha256\":\"x\"}", &r) == POLICY_ALLOWS);
    /* two keys, two operators: all must hold */
    CHECK(cond("\"StringEquals\":{\"s3:x-amz-acl\":\"public-read\",\"aws:Referer\":\"no\"}", &r) ==
          POLICY_NO_MATCH);
    CHECK(cond("\"StringEquals\":{\"s3:x-amz-acl\":\"public-read\"},\"ArnLike\":{"
               "\"aws:SourceArn\":\"*\"}",
               &r) == POLICY_ALLOWS);
}

TEST(policy_cond_numeric_date_bool_ip)
{
    struct req r;
    req_init(&r);
    r.params[0][0] = "max-keys";
    r.params[0][1] = "50";
    r.params[1][0] = "prefix";
    r.params[1][1] = "home/alice/";
    CHECK(cond("\"NumericLessThanEquals\":{\"s3:max-keys\":\"50\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"NumericLessThan\":{\"s3:max-keys\":50}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"NumericGreaterThan\":{\"s3:max-keys\":\"10.5\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"NumericGreaterThanEquals\":{\"s3:max-keys\":\"51\"}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"NumericEquals\":{\"s3:max-keys\":\"50\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"NumericNotEquals\":{\"s3:max-keys\":\"50\"}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"StringLike\":{\"s3:prefix\":\"home/alice/*\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"DateGreaterThan\":{\"aws:CurrentTime\":\"2023-01-01T00:00:00Z\"}", &r) ==
          POLICY_ALLOWS);
    CHECK(cond("\"DateLessThan\":{\"aws:CurrentTime\":\"2023-01-01T00:00:00Z\"}", &r) ==
          POLICY_NO_MATCH);
    CHECK(cond("\"DateLessThanEquals\":{\"aws:EpochTime\":\"1700000000\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"DateEquals\":{\"aws:CurrentTime\":\"2023-11-14T22:13:20Z\"}", &r) ==
          POLICY_ALLOWS);
    CHECK(cond("\"DateNotEquals\":{\"aws:CurrentTime\":\"2023-11-14T22:13:20Z\"}", &r) ==
          POLICY_NO_MATCH);
    CHECK(cond("\"DateGreaterThanEquals\":{\"aws:CurrentTime\":\"2024-01-01T00:00:00Z\"}", &r) ==
          POLICY_NO_MATCH);
    CHECK(cond("\"Bool\":{\"aws:SecureTransport\":\"false\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"Bool\":{\"aws:SecureTransport\":true}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"IpAddress\":{\"aws:SourceIp\":\"127.0.0.1/32\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"127.0.0.0/8\"]}", &r) ==
          POLICY_ALLOWS);
    CHECK(cond("\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"NotIpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}", &r) == POLICY_ALLOWS);
    r.ctx.source_ip = "::ffff:127.0.0.1";
    CHECK(cond("\"IpAddress\":{\"aws:SourceIp\":\"127.0.0.1\"}", &r) == POLICY_ALLOWS);
    r.ctx.source_ip = "2001:db8::5";
    CHECK(cond("\"IpAddress\":{\"aws:SourceIp\":\"2001:db8::/32\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"IpAddress\":{\"aws:SourceIp\":\"127.0.0.1/8\"}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"BinaryEquals\":{\"s3:x-amz-acl\":\"QQ==\"}", &r) == POLICY_NO_MATCH);
}

TEST(policy_cond_if_exists_sets_and_null)
{
    struct req r;
    req_init(&r);
    CHECK(cond("\"StringLikeIfExists\":{\"aws:Referer\":\"http://a/*\"}", &r) == POLICY_ALLOWS);
    r.ctx.referer = "http://b/x";
    CHECK(cond("\"StringLikeIfExists\":{\"aws:Referer\":\"http://a/*\"}", &r) == POLICY_NO_MATCH);
    r.ctx.referer = "http://a/x";
    CHECK(cond("\"StringLikeIfExists\":{\"aws:Referer\":\"http://a/*\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"Null\":{\"aws:Referer\":\"false\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"Null\":{\"aws:Referer\":\"true\"}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"Null\":{\"s3:x-amz-acl\":\"true\"}", &r) == POLICY_ALLOWS);
    /* ForAllValues holds for an empty set; ForAnyValue needs a match */
    CHECK(cond("\"ForAllValues:StringEquals\":{\"s3:x-amz-acl\":\"private\"}", &r) ==
          POLICY_ALLOWS);
    CHECK(cond("\"ForAnyValue:StringEquals\":{\"s3:x-amz-acl\":\"private\"}", &r) ==
          POLICY_NO_MATCH);
    r.headers[0][0] = "x-amz-acl";
    r.headers[0][1] = "private";
    CHECK(cond("\"ForAnyValue:StringEquals\":{\"s3:x-amz-acl\":[\"a\",\"private\"]}", &r) ==
          POLICY_ALLOWS);
    CHECK(cond("\"ForAllValues:StringLike\":{\"s3:x-amz-acl\":\"pub*\"}", &r) == POLICY_NO_MATCH);
    CHECK(cond("\"ForAnyValue:StringNotEquals\":{\"s3:x-amz-acl\":\"private\"}", &r) ==
          POLICY_NO_MATCH);
    /* principal keys */
    struct policy *p = parse(STMT(ALLOW_ALL_GET ",\"Condition\":{\"StringEquals\":{"
                                                "\"aws:PrincipalAccount\":\"" OTHER "\"}}"));
    CHECK(p != NULL);
    CHECK(policy_eval(p, &r.other, "s3:GetObject", "arn:aws:s3:::bkt/k", &r.ctx) == POLICY_ALLOWS);
    CHECK(policy_eval(p, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/k", &r.ctx) == POLICY_NO_MATCH);
    policy_free(p);
    struct policy_cond c;
    CHECK(policy_cond_op_parse("NullIfExists", &c) == ERR_INVALID);
    CHECK(policy_cond_op_parse("ForAllValues:StringLikeIfExists", &c) == 0 && c.if_exists &&
          c.set == POLICY_SET_ALL && c.op == POLICY_OP_STRING_LIKE && !c.negate);
}

static int public(const char *json)
{
    struct policy *p = parse(json);
    int v = p ? p->is_public : -1;
    policy_free(p);
    return v;
}

TEST(policy_public_rule)
{
    CHECK(public(STMT(ALLOW_ALL_GET)) == 1);
    CHECK(public(STMT("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"" OTHER "\",\"*\"]},"
                      "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"")) == 1);
    CHECK(public(STMT("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" OTHER "\"},"
                      "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"")) == 0);
    CHECK(public(STMT("\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                      "\"Resource\":\"arn:aws:s3:::bkt/*\"")) == 0);
    CHECK(public(STMT("\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"" OTHER "\"},"
                      "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\"")) == 1);
    CHECK(public(STMT(ALLOW_ALL_GET ",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":"
                                    "\"10.0.0.0/32\"}}")) == 0);
    CHECK(public(STMT(ALLOW_ALL_GET ",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":"
                                    "\"0.0.0.0/0\"}}")) == 1);
    CHECK(public(STMT(ALLOW_ALL_GET ",\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":"
                                    "\"10.0.0.0/8\"}}")) == 1);
    CHECK(public(STMT(ALLOW_ALL_GET ",\"Condition\":{\"StringEquals\":{\"aws:SourceAccount\":"
                                    "\"" OWNER "\"}}")) == 0);
    CHECK(public(STMT(ALLOW_ALL_GET ",\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":"
                                    "\"arn:aws:s3:::*\"}}")) == 1);
    CHECK(public(STMT(ALLOW_ALL_GET ",\"Condition\":{\"StringEquals\":{\"aws:Referer\":"
                                    "\"http://x\"}}")) == 1);
    CHECK(public(STMT(ALLOW_ALL_GET ",\"Condition\":{\"StringEqualsIfExists\":{"
                                    "\"aws:SourceAccount\":\"" OWNER "\"}}")) == 1);
}

TEST(policy_authz_decide_order_and_block_public_access)
{
    struct req r;
    req_init(&r);
    struct authz_resource obj = {"bkt", "k", OWNER}, bkt = {"bkt", NULL, OWNER};
    const char *reason = NULL;
    /* the owner is denied by an explicit Deny, but keeps the policy actions */
    struct policy *deny = parse(STMT("\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
                                     "\"Resource\":[\"arn:aws:s3:::bkt\",\"arn:aws:s3:::bkt/*\"]"));
    r.ctx.bucket_policy = deny;
    CHECK(authz_decide(&r.owner, "s3:GetObject", &obj, &r.ctx, &reason) == AUTHZ_DENY);
    CHECK(strstr(reason, "explicitly denied") != NULL);
    CHECK(authz_decide(&r.owner, "s3:PutBucketPolicy", &bkt, &r.ctx, &reason) == AUTHZ_ALLOW);
    CHECK(authz_decide(&r.owner, "s3:DeleteBucketPolicy", &bkt, &r.ctx, &reason) == AUTHZ_ALLOW);
    CHECK(authz_decide(&r.other, "s3:PutBucketPolicy", &bkt, &r.ctx, &reason) == AUTHZ_DENY);
    policy_free(deny);
    /* a public policy lets anonymous in, until RestrictPublicBuckets */
    struct policy *pub = parse(STMT(ALLOW_ALL_GET));
    r.ctx.bucket_policy = pub;
    CHECK(authz_decide(&r.anon, "s3:GetObject", &obj, &r.ctx, &reason) == AUTHZ_ALLOW);
    CHECK(authz_decide(&r.other, "s3:GetObject", &obj, &r.ctx, &reason) == AUTHZ_ALLOW);
    CHECK(authz_decide(&r.anon, "s3:PutObject", &obj, &r.ctx, &reason) == AUTHZ_DENY);
    struct pab restrict_pab = {0, 0, 0, 1};
    r.ctx.public_access_block = &restrict_pab;
    CHECK(authz_decide(&r.anon, "s3:GetObject", &obj, &r.ctx, &reason) == AUTHZ_DENY);
    CHECK(authz_decide(&r.other, "s3:GetObject", &obj, &r.ctx, &reason) == AUTHZ_DENY);
    CHECK(authz_decide(&r.owner, "s3:GetObject", &obj, &r.ctx, &reason) == AUTHZ_ALLOW);
    policy_free(pub);
    /* a non-public cross-account grant is untouched by RestrictPublicBuckets */
    struct policy *x =
        parse(STMT("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" OTHER "\"},"
                   "\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::bkt\""));
    r.ctx.bucket_policy = x;
    CHECK(authz_decide(&r.other, "s3:ListBucket", &bkt, &r.ctx, &reason) == AUTHZ_ALLOW);
    CHECK(authz_decide(&r.anon, "s3:ListBucket", &bkt, &r.ctx, &reason) == AUTHZ_DENY);
    policy_free(x);
    /* IgnorePublicAcls: AllUsers grants stop counting */
    r.ctx.bucket_policy = NULL;
    struct acl *acl = calloc(1, sizeof(*acl));
    CHECK(acl_canned(acl, "public-read", OWNER_CANON, "owner", NULL) == 0);
    CHECK(acl_add_user(acl, OTHER_CANON, "", ACL_PERM_READ) == 0);
    r.ctx.bucket_acl = acl;
    struct pab ignore = {0, 1, 0, 0};
    r.ctx.public_access_block = NULL;
    CHECK(authz_decide(&r.anon, "s3:ListBucket", &bkt, &r.ctx, &reason) == AUTHZ_ALLOW);
    r.ctx.public_access_block = &ignore;
    CHECK(authz_decide(&r.anon, "s3:ListBucket", &bkt, &r.ctx, &reason) == AUTHZ_DENY);
    CHECK(authz_decide(&r.other, "s3:ListBucket", &bkt, &r.ctx, &reason) == AUTHZ_ALLOW);
    free(acl);
}

TEST(policy_delivery_through_the_destination_policy)
{
    /* AWS's documented inventory destination policy */
    struct policy *p =
        parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"InventoryExamplePolicy\","
              "\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},"
              "\"Action\":\"s3:PutObject\",\"Resource\":[\"arn:aws:s3:::bkt/*\"],"
              "\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::src\"},"
              "\"StringEquals\":{\"aws:SourceAccount\":\"" OTHER "\","
              "\"s3:x-amz-acl\":\"bucket-owner-full-control\"}}}]}");
    CHECK(p != NULL);
    struct authz_resource dest = {"bkt", "*", OWNER};
    const char *why = NULL;
    CHECK(authz_decide_delivery(AUTHZ_SERVICE_S3, "src", OTHER, &dest, p, &why) == AUTHZ_ALLOW);
    CHECK(authz_decide_delivery(AUTHZ_SERVICE_S3, "other-src", OTHER, &dest, p, &why) ==
          AUTHZ_DENY);
    CHECK(authz_decide_delivery(AUTHZ_SERVICE_S3, "src", OWNER, &dest, p, &why) == AUTHZ_DENY);
    policy_free(p);
    /* no statement for the service, or no policy at all: denied, the owner's bucket too */
    struct policy *none = parse(STMT(ALLOW_ALL_GET));
    CHECK(authz_decide_delivery(AUTHZ_SERVICE_S3, "src", OWNER, &dest, none, &why) == AUTHZ_DENY);
    CHECK(authz_decide_delivery(AUTHZ_SERVICE_S3, "src", OWNER, &dest, NULL, &why) == AUTHZ_DENY);
    policy_free(none);
}

TEST(policy_glob)
{
    CHECK(policy_glob_match("*", "", 0));
    CHECK(policy_glob_match("a*b?d", "axxxbcd", 0));
    CHECK(!policy_glob_match("a*b?d", "axxxbd", 0));
    CHECK(policy_glob_match("S3:get*", "s3:GetObject", 1));
    CHECK(!policy_glob_match("S3:get*", "s3:GetObject", 0));
    CHECK(policy_glob_match("**a**", "bab", 0));
    CHECK(!policy_glob_match("abc", "abcd", 0));
}

TEST(policy_parse_stored_skips_only_the_put_checks)
{
    /* a stored document is trusted for actions and resources (checked when it was stored) */
    const char *doc = STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                           "\"Resource\":\"arn:aws:s3:::renamed/*\"");
    struct policy *p = NULL;
    CHECK(policy_parse(&p, doc, strlen(doc), "bkt", NULL, NULL) == ERR_INVALID);
    CHECK(policy_parse_stored(&p, doc, strlen(doc)) == 0 && p && p->n == 1 && p->is_public);
    policy_free(p);
    /* but the structure is still checked */
    const char *bad = STMT("\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"");
    p = NULL;
    CHECK(policy_parse_stored(&p, bad, strlen(bad)) == ERR_INVALID && !p);
}

TEST(policy_resource_too_long_fails_closed)
{
    /* an ARN that does not fit the evaluator's buffer is denied, not let past the policy */
    struct policy *p = parse(STMT(ALLOW_ALL_GET));
    CHECK(p != NULL);
    static char key[1300];
    memset(key, 'k', sizeof(key) - 1);
    struct authz_principal anon;
    authz_principal_anonymous(&anon);
    struct authz_context ctx = {0};
    ctx.bucket_policy = p;
    struct authz_resource ok = {"bkt", "k", "111111111111"};
    struct authz_resource huge = {"bkt", key, "111111111111"};
    const char *why = NULL;
    CHECK(authz_decide(&anon, "s3:GetObject", &ok, &ctx, &why) == AUTHZ_ALLOW);
    CHECK(authz_decide(&anon, "s3:GetObject", &huge, &ctx, &why) == AUTHZ_DENY);
    policy_free(p);
}

TEST(policy_vars_in_resources_and_conditions)
{
    struct req r;
    req_init(&r);
    /* ${aws:userid} is the account id for an account, "anonymous" for anyone */
    const char *home = STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                            "\"Resource\":\"arn:aws:s3:::bkt/home/${aws:userid}/*\"");
    CHECK(eval(home, &r.other, "s3:GetObject", "arn:aws:s3:::bkt/home/" OTHER "/f", &r) ==
          POLICY_ALLOWS);
    CHECK(eval(home, &r.other, "s3:GetObject", "arn:aws:s3:::bkt/home/" OWNER "/f", &r) ==
          POLICY_NO_MATCH);
    CHECK(eval(home, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/home/anonymous/f", &r) ==
          POLICY_ALLOWS);
    /* key names are case-insensitive */
    const char *upper = STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                             "\"Resource\":\"arn:aws:s3:::bkt/${AWS:PrincipalAccount}\"");
    CHECK(eval(upper, &r.other, "s3:GetObject", "arn:aws:s3:::bkt/" OTHER, &r) == POLICY_ALLOWS);
    /* no value: the pattern matches nothing; a default stands in */
    CHECK(eval(upper, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/", &r) == POLICY_NO_MATCH);
    CHECK(eval(upper, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/${aws:principalaccount}", &r) ==
          POLICY_NO_MATCH);
    const char *dflt = STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                            "\"Resource\":\"arn:aws:s3:::bkt/${aws:PrincipalAccount, 'it''s'}\"");
    CHECK(eval(dflt, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/it's", &r) == POLICY_ALLOWS);
    CHECK(eval(dflt, &r.other, "s3:GetObject", "arn:aws:s3:::bkt/" OTHER, &r) == POLICY_ALLOWS);
    /* ${*} ${?} ${$} are literal characters, not wildcards; a substituted value is literal */
    const char *lit = STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                           "\"Resource\":\"arn:aws:s3:::bkt/a${*}b${?}${$}*\"");
    CHECK(eval(lit, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/a*b?$x", &r) == POLICY_ALLOWS);
    CHECK(eval(lit, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/axxb?$x", &r) == POLICY_NO_MATCH);
    CHECK(eval(lit, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/a*bc$x", &r) == POLICY_NO_MATCH);
    r.params[0][0] = "prefix";
    r.params[0][1] = "*";
    const char *pfx = STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                           "\"Resource\":\"arn:aws:s3:::bkt/${s3:prefix}\"");
    CHECK(eval(pfx, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/*", &r) == POLICY_ALLOWS);
    CHECK(eval(pfx, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/anything", &r) == POLICY_NO_MATCH);
    /* malformed variables match nothing */
    const char *bad = STMT("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                           "\"Resource\":\"arn:aws:s3:::bkt/${aws:userid\"");
    CHECK(eval(bad, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/${aws:userid", &r) ==
          POLICY_NO_MATCH);
    /* 2008-10-17 (and no Version) take "${" as text */
    const char *old = "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                      "\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                      "\"Resource\":\"arn:aws:s3:::bkt/${aws:userid}\"}]}";
    CHECK(eval(old, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/${aws:userid}", &r) ==
          POLICY_ALLOWS);
    CHECK(eval(old, &r.anon, "s3:GetObject", "arn:aws:s3:::bkt/anonymous", &r) == POLICY_NO_MATCH);
    /* string conditions: equals, like, and a negated operator with an unresolved variable */
    r.headers[0][0] = "x-amz-acl";
    r.headers[0][1] = "public-read";
    r.ctx.referer = "http://example.com/anonymous/page";
    CHECK(cond("\"StringLike\":{\"aws:Referer\":\"http://example.com/${aws:userid}/*\"}", &r) ==
          POLICY_ALLOWS);
    CHECK(cond("\"StringEquals\":{\"aws:Referer\":\"http://example.com/${aws:userid}/*\"}", &r) ==
          POLICY_NO_MATCH);
    CHECK(cond("\"StringNotEquals\":{\"s3:x-amz-acl\":\"${aws:userid}\"}", &r) == POLICY_ALLOWS);
    CHECK(cond("\"StringNotEquals\":{\"s3:x-amz-acl\":\"${aws:PrincipalAccount}\"}", &r) ==
          POLICY_NO_MATCH);
    CHECK(cond("\"StringEquals\":{\"s3:x-amz-acl\":[\"${aws:PrincipalAccount}\","
               "\"public-read\"]}",
               &r) == POLICY_ALLOWS);
}

TEST(policy_glob_literal_markers)
{
    CHECK(policy_glob_match_literal("a\x01*b", "a*b"));
    CHECK(!policy_glob_match_literal("a\x01*b", "axb"));
    CHECK(policy_glob_match_literal("a*\x01?", "axyz?"));
    CHECK(!policy_glob_match_literal("a*\x01?", "axyz!"));
    CHECK(policy_glob_match_literal("\x01\x01", "\x01"));
}
