/* policy.h — S3 bucket policies: the IAM policy language as S3 evaluates it.
 *
 * policy_parse turns a policy document (JSON) into a compiled, immutable struct policy: every
 * statement's Effect, Principal / NotPrincipal, Action / NotAction, Resource / NotResource and
 * Condition block, validated the way PutBucketPolicy validates them (MalformedPolicy with
 * AWS's message). policy_eval decides one request against it: an explicit Deny, an Allow, or
 * no statement applies. policy_is_public is AWS's "is this policy public" rule (The meaning of
 * "public"), used by GetBucketPolicyStatus, BlockPublicPolicy and RestrictPublicBuckets.
 *
 * A parsed policy owns all its strings; it is freed with policy_free. Evaluation is pure: no
 * I/O, no allocation, safe from any thread on a shared policy. */
#ifndef STOCKTAKE_AUTHZ_POLICY_H
#define STOCKTAKE_AUTHZ_POLICY_H

#include <stddef.h>

#include "authz/authz.h"
#include "core/err.h"

/* AWS: "Bucket policies are limited to 20 KB in size." */
#define POLICY_MAX_BYTES (20 * 1024)

/* A list of strings (owned). */
struct policy_list {
    size_t n;
    char **v;
};

/* Principal / NotPrincipal: "*" (any), or AWS account ids (stored as the 12-digit id, whether
 * written as the id or arn:aws:iam::ID:root), canonical user ids and service names. */
struct policy_principal {
    int any;
    struct policy_list aws;
    struct policy_list canonical;
    struct policy_list service;
};

/* Condition operator families. Negated operators (StringNotEquals, NotIpAddress, …) are the
 * base family with negate set. */
enum policy_op {
    POLICY_OP_STRING_EQUALS = 0,
    POLICY_OP_STRING_EQUALS_ICASE,
    POLICY_OP_STRING_LIKE,
    POLICY_OP_NUMERIC_EQUALS,
    POLICY_OP_NUMERIC_LT,
    POLICY_OP_NUMERIC_LE,
    POLICY_OP_NUMERIC_GT,
    POLICY_OP_NUMERIC_GE,
    POLICY_OP_DATE_EQUALS,
    POLICY_OP_DATE_LT,
    POLICY_OP_DATE_LE,
    POLICY_OP_DATE_GT,
    POLICY_OP_DATE_GE,
    POLICY_OP_BOOL,
    POLICY_OP_BINARY_EQUALS,
    POLICY_OP_IP_ADDRESS,
    POLICY_OP_ARN_LIKE, /* ArnEquals and ArnLike: both take wildcards */
    POLICY_OP_NULL
};

enum policy_set { POLICY_SET_NONE = 0, POLICY_SET_ANY, POLICY_SET_ALL };

/* One operator applied to one key: "StringEquals": {"aws:SourceAccount": ["1", "2"]}. */
struct policy_cond {
    enum policy_op op;
    int negate;
    int if_exists;
    enum policy_set set;
    /* lower-cased (condition keys are case-insensitive), but for the tag key after
     * "s3:existingobjecttag/" or "s3:requestobjecttag/": tag keys are case-sensitive */
    char *key;
    struct policy_list values;
    int vars; /* a value names a policy variable (2012-10-17 string / ARN operators) */
};

struct policy_stmt {
    int allow;         /* Effect: Allow (1) or Deny (0) */
    int not_principal; /* the principal block is NotPrincipal */
    struct policy_principal principal;
    int not_action;
    struct policy_list actions;
    int not_resource;
    struct policy_list resources;
    int resource_vars; /* a resource names a policy variable (2012-10-17 policies) */
    size_t n_conds;
    struct policy_cond *conds;
};

struct policy {
    size_t n;
    struct policy_stmt *stmts;
    int is_public; /* policy_is_public, computed once at parse */
    /* a condition reads s3:ExistingObjectTag/<key>: the caller must load the object's tags */
    int reads_existing_tags;
};

/* Does a principal named in a policy exist? account_id is a 12-digit id, canonical_id a
 * canonical user id (one of the two is NULL). AWS refuses policies naming unknown principals
 * ("Invalid principal in policy"). */
typedef int policy_principal_known_fn(void *ctx, const char *account_id, const char *canonical_id);

/* Parse and validate a bucket policy for bucket (every Resource must be in it). known
 * (optional) checks named principals. On success *out owns the policy. ERR_INVALID with
 * AWS's MalformedPolicy message in err_msg() ("Policy has invalid action", …); ERR_TOOBIG
 * past POLICY_MAX_BYTES. */
int policy_parse(struct policy **out, const char *json, size_t len, const char *bucket,
                 policy_principal_known_fn *known, void *known_ctx) WARN_UNUSED;
/* Parse a document policy_parse accepted when it was stored: the same structure, without the
 * checks against the S3 action table and the bucket, which cost most of the parse time. */
int policy_parse_stored(struct policy **out, const char *json, size_t len) WARN_UNUSED;
void policy_free(struct policy *p);

enum policy_effect {
    POLICY_NO_MATCH = 0, /* no statement applies: the implicit deny, unless another rule allows */
    POLICY_ALLOWS,
    POLICY_DENIES /* an explicit Deny: beats every Allow */
};

/* Evaluate the request (principal, action, resource ARN as authz_resource_arn writes it, and
 * the context for conditions; context may be NULL). */
enum policy_effect policy_eval(const struct policy *p, const struct authz_principal *who,
                               const char *action, const char *resource_arn,
                               const struct authz_context *context);

/* AWS's rule: a policy is public when one of its Allow statements applies to "*" (or through
 * NotPrincipal) and no condition pins it to fixed values of aws:SourceArn, aws:SourceAccount,
 * aws:SourceIp (not 0.0.0.0/0), aws:PrincipalAccount, aws:SourceVpc(e), aws:SourceOwner,
 * aws:PrincipalOrgID, aws:PrincipalArn, aws:userid or s3:DataAccessPoint*. */
int policy_is_public(const struct policy *p);
int policy_stmt_is_public(const struct policy_stmt *s);

/* Internal to the policy module (policy_*.c), exposed for tests. */

/* Glob match with '*' (any run) and '?' (one character); icase for actions. */
int policy_glob_match(const char *pattern, const char *s, int icase);
/* Parse a condition operator name ("StringNotEqualsIgnoreCase", "ForAnyValue:StringLike",
 * "DateLessThanIfExists") into c's op, negate, if_exists and set. ERR_INVALID when unknown. */
int policy_cond_op_parse(const char *name, struct policy_cond *c) WARN_UNUSED;
/* Is key (lower-cased) one that S3 supplies? */
int policy_cond_key_known(const char *key);
/* Does the condition hold for this request? */
int policy_cond_match(const struct policy_cond *c, const struct authz_principal *who,
                      const struct authz_context *context);
/* Parse "a.b.c.d[/n]" or an IPv6 address[/n] into 16 bytes (IPv4 mapped into ::ffff:0:0/96)
 * and a prefix length over the 128 bits. ERR_INVALID when malformed. */
int policy_cidr_parse(const char *s, unsigned char addr[16], int *prefix) WARN_UNUSED;

#endif
