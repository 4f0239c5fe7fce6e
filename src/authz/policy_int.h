/* policy_int.h — what the policy_*.c files share and nothing else includes. */
#ifndef STOCKTAKE_AUTHZ_POLICY_INT_H
#define STOCKTAKE_AUTHZ_POLICY_INT_H

#include "authz/policy.h"

/* The resource kinds an action applies to (a bit set). */
#define POLICY_KIND_BUCKET 1u
#define POLICY_KIND_OBJECT 2u
#define POLICY_KIND_ACCOUNT 4u

/* The kinds of every known S3 action the (wildcard) pattern matches; 0 when it matches none. */
unsigned policy_action_kinds(const char *pattern);

/* The marker before a literal '*', '?' or marker in an expanded pattern (policy_vars.c). */
#define POLICY_GLOB_LITERAL '\x01'
/* policy_glob_match where POLICY_GLOB_LITERAL makes the next character literal. */
int policy_glob_match_literal(const char *pattern, const char *s);

/* Lower-case a condition key in place as IAM compares them: all of it but the tag key after
 * "s3:existingobjecttag/" or "s3:requestobjecttag/", which is case-sensitive. */
void policy_key_normalize(char *key);
/* The request's value of a (normalized) condition key, or NULL when the request does not carry
 * it; buf holds values formatted on the way. */
const char *policy_key_value(const char *key, const struct authz_principal *who,
                             const struct authz_context *ctx, char *buf, size_t size);

/* Does s name a policy variable ("${")? */
int policy_vars_present(const char *s);
/* Expand the policy variables of pattern into out (policy_vars.c). glob: the result is a
 * wildcard pattern, whose literal characters are marked for policy_glob_match_literal.
 * ERR_INVALID when a variable is malformed or has no value and no default (the pattern then
 * matches nothing), ERR_TOOBIG past size. */
int policy_vars_expand(const char *pattern, int glob, const struct authz_principal *who,
                       const struct authz_context *ctx, char *out, size_t size) WARN_UNUSED;

#endif
