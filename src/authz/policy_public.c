/* policy_public.c — AWS's "is this bucket policy public" rule (Block Public Access, "The meaning
 * of public").
 *
 * A policy is non-public when every Allow statement grants only to fixed principals (named
 * accounts, canonical users or services). An Allow to "*" (Principal "*", {"AWS": "*"}, or a
 * NotPrincipal) is still non-public when one of its conditions pins a key that identifies the
 * caller to fixed values: aws:SourceArn, aws:SourceAccount, aws:SourceOwner, aws:SourceVpc,
 * aws:SourceVpce, aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:userid,
 * s3:DataAccessPointArn, s3:DataAccessPointAccount, or aws:SourceIp with CIDR blocks that do
 * not cover the whole address space. "Fixed" means a positive operator (…Equals, …Like, ArnLike,
 * IpAddress; not a negation, not IfExists, not a set operator) whose values hold no wildcard. */
#include "authz/policy_int.h"

#include <string.h>

static const char *const pinning_keys[] = {
    "aws:sourcearn",  "aws:sourceaccount",     "aws:sourceowner",          "aws:sourcevpc",
    "aws:sourcevpce", "aws:principalaccount",  "aws:principalarn",         "aws:principalorgid",
    "aws:userid",     "s3:dataaccesspointarn", "s3:dataaccesspointaccount"};

static int public_key_pins(const char *key)
{
    for (size_t i = 0; i < sizeof(pinning_keys) / sizeof(pinning_keys[0]); i++)
        if (strcmp(key, pinning_keys[i]) == 0)
            return 1;
    return 0;
}

static int public_values_fixed(const struct policy_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (!l->v[i][0] || strpbrk(l->v[i], "*?$"))
            return 0;
    return l->n > 0;
}

/* Does an IP range list stay off "the whole Internet"? */
static int public_cidrs_fixed(const struct policy_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        unsigned char addr[16];
        int prefix;
        if (policy_cidr_parse(l->v[i], addr, &prefix))
            return 0;
        /* 0.0.0.0/0 is ::ffff:0:0/96 once mapped; ::/0 is prefix 0 */
        if (prefix == 0 || (prefix == 96 && addr[10] == 0xff && addr[11] == 0xff))
            return 0;
    }
    return l->n > 0;
}

static int public_cond_pins(const struct policy_cond *c)
{
    if (c->negate || c->if_exists || c->set != POLICY_SET_NONE)
        return 0;
    if (strcmp(c->key, "aws:sourceip") == 0)
        return c->op == POLICY_OP_IP_ADDRESS && public_cidrs_fixed(&c->values);
    if (!public_key_pins(c->key))
        return 0;
    switch (c->op) {
    case POLICY_OP_STRING_EQUALS:
    case POLICY_OP_STRING_EQUALS_ICASE:
    case POLICY_OP_STRING_LIKE:
    case POLICY_OP_ARN_LIKE:
        return public_values_fixed(&c->values);
    default:
        return 0;
    }
}

int policy_stmt_is_public(const struct policy_stmt *s)
{
    if (!s->allow)
        return 0;
    if (!s->not_principal && !s->principal.any)
        return 0;
    for (size_t i = 0; i < s->n_conds; i++)
        if (public_cond_pins(&s->conds[i]))
            return 0;
    return 1;
}

int policy_is_public(const struct policy *p)
{
    for (size_t i = 0; p && i < p->n; i++)
        if (policy_stmt_is_public(&p->stmts[i]))
            return 1;
    return 0;
}
