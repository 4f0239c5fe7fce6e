/* policy_vars.c — IAM policy variables: ${key}, ${key, 'default'}, ${*}, ${?}, ${$}.
 *
 * In a 2012-10-17 policy, Resource / NotResource patterns and the values of string and ARN
 * conditions may name request values as ${key} (the key as a condition key: case-insensitive,
 * tag keys excepted). Evaluation replaces each with the request's value, once (a value that
 * itself looks like a variable is not expanded again). ${key, 'text'} uses text when the
 * request carries no such key ('' is one quote inside text). ${*}, ${?} and ${$} stand for the
 * literal characters, which are then not wildcards. A variable that cannot be resolved (no
 * value and no default, or malformed) makes the pattern unresolved: it matches nothing.
 *
 * An expanded wildcard pattern marks its literal '*', '?' (and the marker itself) with
 * POLICY_GLOB_LITERAL before them, which policy_glob_match_literal understands; a substituted
 * value is always literal. 2008-10-17 policies (and policies without Version) take "${" as
 * text, as IAM does. */
#include "authz/policy_int.h"

#include <ctype.h>
#include <string.h>

struct vars_out {
    char *p;
    size_t len, size;
    int glob; /* the result is a wildcard pattern: mark literal wildcards */
};

static int vars_put(struct vars_out *o, char c, int literal)
{
    int mark = o->glob && literal && (c == '*' || c == '?' || c == POLICY_GLOB_LITERAL);
    if (o->len + (size_t)mark + 1 >= o->size)
        return ERR_TOOBIG;
    if (mark)
        o->p[o->len++] = POLICY_GLOB_LITERAL;
    o->p[o->len++] = c;
    o->p[o->len] = '\0';
    return 0;
}

static int vars_put_str(struct vars_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (vars_put(o, s[i], 1))
            return ERR_TOOBIG;
    return 0;
}

/* Parse the default after the comma: spaces, 'text' with '' for a quote, spaces, then end.
 * The text (unquoted) goes to o. */
static int vars_default(const char *s, const char *end, struct vars_out *o)
{
    while (s < end && *s == ' ')
        s++;
    if (s >= end || *s != '\'')
        return ERR_INVALID;
    for (s++; s < end; s++) {
        if (*s == '\'' && s + 1 < end && s[1] == '\'') {
            if (vars_put(o, '\'', 1))
                return ERR_TOOBIG;
            s++;
        } else if (*s == '\'') {
            break;
        } else if (vars_put(o, *s, 1))
            return ERR_TOOBIG;
    }
    if (s >= end)
        return ERR_INVALID; /* no closing quote */
    for (s++; s < end && *s == ' '; s++)
        ;
    return s == end ? 0 : ERR_INVALID;
}

/* One variable: body is what stands between "${" and "}". */
static int vars_one(const char *body, size_t n, const struct authz_principal *who,
                    const struct authz_context *ctx, struct vars_out *o)
{
    if (n == 1 && (body[0] == '*' || body[0] == '?' || body[0] == '$'))
        return vars_put(o, body[0], 1);
    const char *comma = memchr(body, ',', n);
    size_t kn = comma ? (size_t)(comma - body) : n;
    size_t k0 = 0;
    while (k0 < kn && body[k0] == ' ')
        k0++;
    while (kn > k0 && body[kn - 1] == ' ')
        kn--;
    char key[256], buf[128];
    if (kn == k0 || kn - k0 >= sizeof(key))
        return ERR_INVALID;
    memcpy(key, body + k0, kn - k0);
    key[kn - k0] = '\0';
    for (size_t i = 0; key[i]; i++)
        if (key[i] == ' ' || key[i] == '$' || key[i] == '{')
            return ERR_INVALID;
    policy_key_normalize(key);
    const char *v = policy_key_value(key, who, ctx, buf, sizeof(buf));
    if (v)
        return vars_put_str(o, v, strlen(v));
    return comma ? vars_default(comma + 1, body + n, o) : ERR_INVALID;
}

int policy_vars_expand(const char *pattern, int glob, const struct authz_principal *who,
                       const struct authz_context *ctx, char *out, size_t size)
{
    struct vars_out o = {out, 0, size, glob};
    if (size == 0)
        return ERR_TOOBIG;
    out[0] = '\0';
    for (const char *s = pattern; *s;) {
        if (s[0] != '$' || s[1] != '{') {
            if (vars_put(&o, *s, 0))
                return ERR_TOOBIG;
            s++;
            continue;
        }
        /* the variable ends at the first '}' outside a quoted default */
        const char *e = s + 2;
        int quoted = 0;
        while (*e && (quoted || *e != '}')) {
            if (*e == '\'')
                quoted = !quoted; /* '' inside a default toggles twice: still quoted */
            e++;
        }
        if (!*e)
            return ERR_INVALID;
        int rc = vars_one(s + 2, (size_t)(e - s - 2), who, ctx, &o);
        if (rc)
            return rc;
        s = e + 1;
    }
    return 0;
}

int policy_vars_present(const char *s)
{
    return strstr(s, "${") != NULL;
}
