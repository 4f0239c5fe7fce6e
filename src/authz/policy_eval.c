/* policy_eval.c — one request against a parsed bucket policy.
 *
 * A statement applies when its principal, action, resource and every condition match (a
 * NotPrincipal / NotAction / NotResource matches what the list does not name). Any applying
 * Deny makes the answer POLICY_DENIES; otherwise any applying Allow makes it POLICY_ALLOWS. */
#include "authz/policy_int.h"

#include <ctype.h>
#include <string.h>

/* Iterative glob with one backtrack point: linear in practice, no recursion on hostile input.
 * literal: POLICY_GLOB_LITERAL before a character makes it literal. */
static int policy_glob(const char *pattern, const char *s, int icase, int literal)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        int lit = literal && *pattern == POLICY_GLOB_LITERAL && pattern[1];
        char pc = pattern[lit], sc = *s;
        if (icase) {
            pc = (char)tolower((unsigned char)pc);
            sc = (char)tolower((unsigned char)sc);
        }
        if (pc == '*' && !lit) {
            star = ++pattern;
            resume = s;
        } else if (pc && ((pc == '?' && !lit) || pc == sc)) {
            pattern += 1 + lit;
            s++;
        } else if (star) {
            pattern = star;
            s = ++resume;
        } else
            return 0;
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

int policy_glob_match(const char *pattern, const char *s, int icase)
{
    return policy_glob(pattern, s, icase, 0);
}

int policy_glob_match_literal(const char *pattern, const char *s)
{
    return policy_glob(pattern, s, 0, 1);
}

static int policy_list_has(const struct policy_list *l, const char *s)
{
    for (size_t i = 0; s && *s && i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 1;
    return 0;
}

static int policy_principal_match(const struct policy_principal *pp,
                                  const struct authz_principal *who)
{
    if (pp->any)
        return 1;
    switch (who->kind) {
    case AUTHZ_PRINCIPAL_ACCOUNT:
        return policy_list_has(&pp->aws, who->account_id) ||
               policy_list_has(&pp->canonical, who->canonical_id);
    case AUTHZ_PRINCIPAL_SERVICE:
        return policy_list_has(&pp->service, who->service);
    default:
        return 0;
    }
}

static int policy_list_glob(const struct policy_list *l, const char *s, int icase)
{
    for (size_t i = 0; i < l->n; i++)
        if (policy_glob_match(l->v[i], s, icase))
            return 1;
    return 0;
}

/* Resource patterns with policy variables, expanded for this request; an unresolved one
 * matches nothing. */
static int policy_resources_match_vars(const struct policy_list *l, const char *arn,
                                       const struct authz_principal *who,
                                       const struct authz_context *ctx)
{
    char pat[4096];
    for (size_t i = 0; i < l->n; i++) {
        if (!policy_vars_present(l->v[i])) {
            if (policy_glob_match(l->v[i], arn, 0))
                return 1;
        } else if (policy_vars_expand(l->v[i], 1, who, ctx, pat, sizeof(pat)) == 0 &&
                   policy_glob_match_literal(pat, arn))
            return 1;
    }
    return 0;
}

static int policy_stmt_applies(const struct policy_stmt *st, const struct authz_principal *who,
                               const char *action, const char *arn, const struct authz_context *ctx)
{
    if (policy_principal_match(&st->principal, who) == st->not_principal)
        return 0;
    if (policy_list_glob(&st->actions, action, 1) == st->not_action)
        return 0;
    int res = st->resource_vars ? policy_resources_match_vars(&st->resources, arn, who, ctx)
                                : policy_list_glob(&st->resources, arn, 0);
    if (res == st->not_resource)
        return 0;
    for (size_t i = 0; i < st->n_conds; i++)
        if (!policy_cond_match(&st->conds[i], who, ctx))
            return 0;
    return 1;
}

enum policy_effect policy_eval(const struct policy *p, const struct authz_principal *who,
                               const char *action, const char *resource_arn,
                               const struct authz_context *context)
{
    enum policy_effect e = POLICY_NO_MATCH;
    if (!p)
        return e;
    for (size_t i = 0; i < p->n; i++) {
        const struct policy_stmt *st = &p->stmts[i];
        if (!policy_stmt_applies(st, who, action, resource_arn, context))
            continue;
        if (!st->allow)
            return POLICY_DENIES;
        e = POLICY_ALLOWS;
    }
    return e;
}
