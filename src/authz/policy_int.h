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

#endif
