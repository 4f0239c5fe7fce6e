/* policy_cond.c — the Condition block: operators, the keys S3 supplies, and their evaluation.
 *
 * One condition is one operator on one key with a list of values. A positive operator holds
 * when the request's value matches any listed value; a negated one (StringNotEquals,
 * NotIpAddress, …) when it matches none. A key the request does not carry fails a positive
 * operator and satisfies a negated one (so "Deny unless StringEquals" style policies deny
 * requests without the key, as on AWS); …IfExists makes a missing key satisfy the condition;
 * Null tests presence. ForAnyValue:/ForAllValues: apply the operator to each value of the
 * request's set (the keys S3 supplies are single-valued: a set of one, or empty when absent).
 *
 * Values come from the request context: aws:* keys from the principal and the connection,
 * s3:prefix / s3:delimiter / s3:max-keys from the query, s3:x-amz-* from request headers. */
#include "authz/policy_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/str.h"

static const struct {
    const char *name;
    enum policy_op op;
    int negate;
} ops[] = {
    {"StringEquals", POLICY_OP_STRING_EQUALS, 0},
    {"StringNotEquals", POLICY_OP_STRING_EQUALS, 1},
    {"StringEqualsIgnoreCase", POLICY_OP_STRING_EQUALS_ICASE, 0},
    {"StringNotEqualsIgnoreCase", POLICY_OP_STRING_EQUALS_ICASE, 1},
    {"StringLike", POLICY_OP_STRING_LIKE, 0},
    {"StringNotLike", POLICY_OP_STRING_LIKE, 1},
    {"NumericEquals", POLICY_OP_NUMERIC_EQUALS, 0},
    {"NumericNotEquals", POLICY_OP_NUMERIC_EQUALS, 1},
    {"NumericLessThan", POLICY_OP_NUMERIC_LT, 0},
    {"NumericLessThanEquals", POLICY_OP_NUMERIC_LE, 0},
    {"NumericGreaterThan", POLICY_OP_NUMERIC_GT, 0},
    {"NumericGreaterThanEquals", POLICY_OP_NUMERIC_GE, 0},
    {"DateEquals", POLICY_OP_DATE_EQUALS, 0},
    {"DateNotEquals", POLICY_OP_DATE_EQUALS, 1},
    {"DateLessThan", POLICY_OP_DATE_LT, 0},
    {"DateLessThanEquals", POLICY_OP_DATE_LE, 0},
    {"DateGreaterThan", POLICY_OP_DATE_GT, 0},
    {"DateGreaterThanEquals", POLICY_OP_DATE_GE, 0},
    {"Bool", POLICY_OP_BOOL, 0},
    {"BinaryEquals", POLICY_OP_BINARY_EQUALS, 0},
    {"IpAddress", POLICY_OP_IP_ADDRESS, 0},
    {"NotIpAddress", POLICY_OP_IP_ADDRESS, 1},
    {"ArnEquals", POLICY_OP_ARN_LIKE, 0},
    {"ArnLike", POLICY_OP_ARN_LIKE, 0},
    {"ArnNotEquals", POLICY_OP_ARN_LIKE, 1},
    {"ArnNotLike", POLICY_OP_ARN_LIKE, 1},
    {"Null", POLICY_OP_NULL, 0},
};

int policy_cond_op_parse(const char *name, struct policy_cond *c)
{
    c->set = POLICY_SET_NONE;
    if (strncmp(name, "ForAnyValue:", 12) == 0) {
        c->set = POLICY_SET_ANY;
        name += 12;
    } else if (strncmp(name, "ForAllValues:", 13) == 0) {
        c->set = POLICY_SET_ALL;
        name += 13;
    }
    size_t n = strlen(name);
    c->if_exists = n > 8 && strcmp(name + n - 8, "IfExists") == 0;
    if (c->if_exists)
        n -= 8;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (strlen(ops[i].name) != n || strncmp(ops[i].name, name, n) != 0)
            continue;
        if (ops[i].op == POLICY_OP_NULL && (c->if_exists || c->set))
            break;
        c->op = ops[i].op;
        c->negate = ops[i].negate;
        return 0;
    }
    err_set("unknown condition operator");
    return ERR_INVALID;
}

/* Keys S3 supplies or accepts in bucket policies (lower case); a trailing '/' takes any tag. */
static const char *const keys[] = {"aws:sourceip",
                                   "aws:securetransport",
                                   "aws:currenttime",
                                   "aws:epochtime",
                                   "aws:principalaccount",
                                   "aws:principaltype",
                                   "aws:principalarn",
                                   "aws:principalisawsservice",
                                   "aws:principalservicename",
                                   "aws:principalorgid",
                                   "aws:principalorgpaths",
                                   "aws:principaltag/",
                                   "aws:sourceaccount",
                                   "aws:sourcearn",
                                   "aws:sourceowner",
                                   "aws:sourceorgid",
                                   "aws:sourceorgpaths",
                                   "aws:sourcevpc",
                                   "aws:sourcevpce",
                                   "aws:vpcsourceip",
                                   "aws:referer",
                                   "aws:useragent",
                                   "aws:userid",
                                   "aws:username",
                                   "aws:requestedregion",
                                   "aws:multifactorauthpresent",
                                   "aws:multifactorauthage",
                                   "aws:tokenissuetime",
                                   "aws:viaawsservice",
                                   "aws:calledvia",
                                   "aws:calledviafirst",
                                   "aws:calledvialast",
                                   "aws:resourceaccount",
                                   "aws:resourceorgid",
                                   "aws:resourceorgpaths",
                                   "aws:resourcetag/",
                                   "aws:requesttag/",
                                   "aws:tagkeys",
                                   "aws:federatedprovider",
                                   "aws:ec2instancesourceip",
                                   "s3:prefix",
                                   "s3:delimiter",
                                   "s3:max-keys",
                                   "s3:versionid",
                                   "s3:authtype",
                                   "s3:signatureversion",
                                   "s3:signatureage",
                                   "s3:tlsversion",
                                   "s3:x-amz-acl",
                                   "s3:x-amz-content-sha256",
                                   "s3:x-amz-copy-source",
                                   "s3:x-amz-grant-read",
                                   "s3:x-amz-grant-write",
                                   "s3:x-amz-grant-read-acp",
                                   "s3:x-amz-grant-write-acp",
                                   "s3:x-amz-grant-full-control",
                                   "s3:x-amz-metadata-directive",
                                   "s3:x-amz-server-side-encryption",
                                   "s3:x-amz-server-side-encryption-aws-kms-key-id",
                                   "s3:x-amz-server-side-encryption-customer-algorithm",
                                   "s3:x-amz-storage-class",
                                   "s3:x-amz-website-redirect-location",
                                   "s3:x-amz-object-ownership",
                                   "s3:object-lock-mode",
                                   "s3:object-lock-retain-until-date",
                                   "s3:object-lock-remaining-retention-days",
                                   "s3:object-lock-legal-hold",
                                   "s3:existingobjecttag/",
                                   "s3:requestobjecttag/",
                                   "s3:requestobjecttagkeys",
                                   "s3:locationconstraint",
                                   "s3:resourceaccount",
                                   "s3:dataaccesspointarn",
                                   "s3:dataaccesspointaccount",
                                   "s3:accesspointnetworkorigin",
                                   "s3:objectcreationoperation"};

int policy_cond_key_known(const char *key)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        size_t n = strlen(keys[i]);
        if (keys[i][n - 1] == '/' ? strncmp(key, keys[i], n) == 0 && key[n]
                                  : strcmp(key, keys[i]) == 0)
            return 1;
    }
    return 0;
}

static const char *cond_header(const struct authz_context *ctx, const char *name)
{
    return ctx && ctx->header ? ctx->header(ctx->header_ctx, name) : NULL;
}

static const char *cond_param(const struct authz_context *ctx, const char *name)
{
    return ctx && ctx->param ? ctx->param(ctx->param_ctx, name) : NULL;
}

/* The aws:* keys about the principal. */
static const char *cond_principal_value(const char *key, const struct authz_principal *who,
                                        char *buf, size_t size)
{
    int account = who->kind == AUTHZ_PRINCIPAL_ACCOUNT;
    if (strcmp(key, "aws:principalaccount") == 0)
        return account ? who->account_id : NULL;
    if (strcmp(key, "aws:principalarn") == 0) {
        if (!account)
            return NULL;
        snprintf(buf, size, "arn:aws:iam::%s:root", who->account_id);
        return buf;
    }
    if (strcmp(key, "aws:userid") == 0)
        return account ? who->account_id
                       : (who->kind == AUTHZ_PRINCIPAL_ANONYMOUS ? "anonymous" : NULL);
    if (strcmp(key, "aws:principaltype") == 0)
        return account ? "Account" : (who->kind == AUTHZ_PRINCIPAL_ANONYMOUS ? "Anonymous" : NULL);
    if (strcmp(key, "aws:principalisawsservice") == 0)
        return who->kind == AUTHZ_PRINCIPAL_SERVICE ? "true" : "false";
    if (strcmp(key, "aws:principalservicename") == 0)
        return who->kind == AUTHZ_PRINCIPAL_SERVICE ? who->service : NULL;
    return NULL;
}

static const char *cond_nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* The value of tag key in one of the context's tag sets, or NULL. */
static const char *cond_tag(const struct authz_context *ctx, enum authz_tag_set set,
                            const char *key)
{
    const char *k, *v;
    for (size_t i = 0; ctx->tag && ctx->tag(ctx->tag_ctx, set, i, &k, &v) == 0; i++)
        if (strcmp(k, key) == 0)
            return v;
    return NULL;
}

const char *policy_key_value(const char *key, const struct authz_principal *who,
                             const struct authz_context *ctx, char *buf, size_t size)
{
    if (strncmp(key, "aws:principal", 13) == 0 || strcmp(key, "aws:userid") == 0)
        return cond_principal_value(key, who, buf, size);
    if (!ctx)
        return NULL;
    if (strcmp(key, "aws:sourceip") == 0)
        return cond_nonempty(ctx->source_ip);
    if (strcmp(key, "aws:securetransport") == 0)
        return ctx->secure_transport ? "true" : "false";
    if (strcmp(key, "aws:currenttime") == 0 && ctx->now > 0) {
        clock_format_iso8601(buf, size, ctx->now * 1000);
        return buf;
    }
    if (strcmp(key, "aws:epochtime") == 0 && ctx->now > 0) {
        snprintf(buf, size, "%lld", (long long)ctx->now);
        return buf;
    }
    if (strcmp(key, "aws:sourceaccount") == 0)
        return cond_nonempty(ctx->source_account);
    if (strcmp(key, "aws:sourcearn") == 0)
        return cond_nonempty(ctx->source_arn);
    if (strcmp(key, "aws:referer") == 0)
        return cond_nonempty(ctx->referer);
    if (strcmp(key, "aws:useragent") == 0)
        return cond_nonempty(ctx->user_agent);
    if (strcmp(key, "s3:prefix") == 0 || strcmp(key, "s3:delimiter") == 0 ||
        strcmp(key, "s3:max-keys") == 0)
        return cond_param(ctx, key + 3);
    if (strcmp(key, "s3:versionid") == 0)
        return cond_nonempty(ctx->version_id);
    if (strncmp(key, "s3:existingobjecttag/", 21) == 0)
        return cond_tag(ctx, AUTHZ_TAGS_EXISTING, key + 21);
    if (strncmp(key, "s3:requestobjecttag/", 20) == 0)
        return cond_tag(ctx, AUTHZ_TAGS_REQUEST, key + 20);
    if (strcmp(key, "s3:authtype") == 0)
        return cond_nonempty(authz_auth_type_name(ctx->auth_type));
    if (strcmp(key, "s3:signatureversion") == 0)
        return cond_nonempty(ctx->signature_version);
    if (strncmp(key, "s3:x-amz-", 9) == 0)
        return cond_header(ctx, key + 3);
    if (strncmp(key, "s3:object-lock-", 15) == 0 &&
        strcmp(key, "s3:object-lock-remaining-retention-days") != 0) {
        snprintf(buf, size, "x-amz-%s", key + 3);
        return cond_header(ctx, buf);
    }
    return NULL;
}

/* "-12.5" → scaled by 10^6 (IAM numbers may be decimals). */
static int cond_number(const char *s, int64_t *out)
{
    int neg = s[0] == '-';
    uint64_t v;
    if (str_parse_fixed(s + neg, 6, (uint64_t)INT64_MAX, &v))
        return ERR_INVALID;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

/* ISO 8601 or epoch seconds. */
static int cond_date(const char *s, int64_t *out)
{
    if (clock_parse_iso8601(s, out) == 0)
        return 0;
    return str_parse_i64(s, 0, INT64_MAX, out);
}

int policy_cidr_parse(const char *s, unsigned char addr[16], int *prefix)
{
    char host[64];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 0 || n >= sizeof(host))
        return ERR_INVALID;
    memcpy(host, s, n);
    host[n] = '\0';
    int v4 = 0;
    memset(addr, 0, 16);
    if (inet_pton(AF_INET, host, addr + 12) == 1) {
        addr[10] = addr[11] = 0xff;
        v4 = 1;
    } else if (inet_pton(AF_INET6, host, addr) != 1)
        return ERR_INVALID;
    int64_t bits = v4 ? 32 : 128;
    if (slash && str_parse_i64(slash + 1, 0, bits, &bits))
        return ERR_INVALID;
    *prefix = (int)bits + (v4 ? 96 : 0);
    return 0;
}

static int cond_ip_in(const char *ip, const char *cidr)
{
    unsigned char a[16], net[16];
    int ap, np;
    if (policy_cidr_parse(ip, a, &ap) || policy_cidr_parse(cidr, net, &np))
        return 0;
    for (int i = 0; i < np; i++) {
        int mask = 0x80 >> (i % 8);
        if ((a[i / 8] & mask) != (net[i / 8] & mask))
            return 0;
    }
    return 1;
}

static int cond_compare(enum policy_op op, int64_t a, int64_t b)
{
    switch (op) {
    case POLICY_OP_NUMERIC_LT:
    case POLICY_OP_DATE_LT:
        return a < b;
    case POLICY_OP_NUMERIC_LE:
    case POLICY_OP_DATE_LE:
        return a <= b;
    case POLICY_OP_NUMERIC_GT:
    case POLICY_OP_DATE_GT:
        return a > b;
    case POLICY_OP_NUMERIC_GE:
    case POLICY_OP_DATE_GE:
        return a >= b;
    default:
        return a == b;
    }
}

static int cond_is_date(enum policy_op op)
{
    return op >= POLICY_OP_DATE_EQUALS && op <= POLICY_OP_DATE_GE;
}

/* Does the request value v match the one condition value want (positive sense)? */
static int cond_match_one(enum policy_op op, const char *v, const char *want)
{
    int64_t a, b;
    switch (op) {
    case POLICY_OP_STRING_EQUALS:
    case POLICY_OP_BINARY_EQUALS:
        return strcmp(v, want) == 0;
    case POLICY_OP_STRING_EQUALS_ICASE:
    case POLICY_OP_BOOL:
        return strcasecmp(v, want) == 0;
    case POLICY_OP_STRING_LIKE:
    case POLICY_OP_ARN_LIKE:
        return policy_glob_match(want, v, 0);
    case POLICY_OP_IP_ADDRESS:
        return cond_ip_in(v, want);
    case POLICY_OP_NULL:
        return 0;
    default:
        if (cond_is_date(op) ? cond_date(v, &a) || cond_date(want, &b)
                             : cond_number(v, &a) || cond_number(want, &b))
            return 0;
        return cond_compare(op, a, b);
    }
}

/* A condition value with policy variables against the request value v: 1 match, 0 no match,
 * -1 unresolved (it matches nothing, and makes a negated operator fail: AWS treats the
 * variable's value as null, with no equal or like value). */
static int cond_match_vars(const struct policy_cond *c, const char *v, const char *want,
                           const struct authz_principal *who, const struct authz_context *ctx)
{
    char pat[4096];
    int glob = c->op == POLICY_OP_STRING_LIKE || c->op == POLICY_OP_ARN_LIKE;
    if (policy_vars_expand(want, glob, who, ctx, pat, sizeof(pat)))
        return -1;
    if (glob)
        return policy_glob_match_literal(pat, v);
    return cond_match_one(c->op, v, pat);
}

/* The operator applied to one request value, negation included. */
static int cond_match_value(const struct policy_cond *c, const char *v,
                            const struct authz_principal *who, const struct authz_context *ctx)
{
    int any = 0;
    for (size_t i = 0; !any && i < c->values.n; i++) {
        const char *want = c->values.v[i];
        if (!c->vars || !policy_vars_present(want)) {
            any = cond_match_one(c->op, v, want);
            continue;
        }
        int m = cond_match_vars(c, v, want, who, ctx);
        if (m < 0 && c->negate)
            return 0;
        any = m > 0;
    }
    return c->negate ? !any : any;
}

/* s3:RequestObjectTagKeys, the one multi-valued key: the keys of the tags the request sets.
 * ForAllValues holds when every key matches (an empty set included), ForAnyValue when one
 * does; without a qualifier, as ForAnyValue, and a request without tags is a missing key. */
static int cond_match_tag_keys(const struct policy_cond *c, const struct authz_principal *who,
                               const struct authz_context *ctx)
{
    size_t n = 0;
    int all = 1, any = 0;
    const char *k, *v;
    for (size_t i = 0;
         ctx && ctx->tag && ctx->tag(ctx->tag_ctx, AUTHZ_TAGS_REQUEST, i, &k, &v) == 0; i++) {
        int m = cond_match_value(c, k, who, ctx);
        n++;
        all = all && m;
        any = any || m;
    }
    if (c->op == POLICY_OP_NULL) {
        for (size_t i = 0; i < c->values.n; i++)
            if ((strcasecmp(c->values.v[i], "true") == 0) == (n == 0))
                return 1;
        return 0;
    }
    if (c->set == POLICY_SET_ALL)
        return all;
    if (n == 0)
        return c->if_exists || (c->set != POLICY_SET_ANY && c->negate);
    return any;
}

int policy_cond_match(const struct policy_cond *c, const struct authz_principal *who,
                      const struct authz_context *ctx)
{
    if (strcmp(c->key, "s3:requestobjecttagkeys") == 0)
        return cond_match_tag_keys(c, who, ctx);
    char buf[128];
    const char *v = policy_key_value(c->key, who, ctx, buf, sizeof(buf));
    if (c->op == POLICY_OP_NULL) {
        for (size_t i = 0; i < c->values.n; i++)
            if ((strcasecmp(c->values.v[i], "true") == 0) == (v == NULL))
                return 1;
        return 0;
    }
    switch (c->set) {
    case POLICY_SET_ALL: /* every value of the (possibly empty) set matches */
        return !v || cond_match_value(c, v, who, ctx);
    case POLICY_SET_ANY:
        return v ? cond_match_value(c, v, who, ctx) : c->if_exists;
    default:
        if (!v)
            return c->if_exists || c->negate;
        return cond_match_value(c, v, who, ctx);
    }
}
