/* post_policy.c — POST policy parsing and checking (post_policy.h). */
#include "s3/post_policy.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/str.h"

enum pp_kind { PP_EQ, PP_STARTS_WITH, PP_RANGE };

struct pp_cond {
    enum pp_kind kind;
    char *field; /* without the '$' */
    char *value;
    uint64_t min, max;
};

struct post_policy {
    int64_t expiration_ms;
    struct pp_cond *conds;
    size_t n_conds;
};

void post_policy_free(struct post_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_conds; i++) {
        free(p->conds[i].field);
        free(p->conds[i].value);
    }
    free(p->conds);
    free(p);
}

int post_policy_field_exempt(const char *name)
{
    static const char *const exempt[] = {"x-amz-signature", "awsaccesskeyid", "signature", "policy",
                                         "file"};
    for (size_t i = 0; i < sizeof(exempt) / sizeof(exempt[0]); i++) {
        if (strcasecmp(name, exempt[i]) == 0)
            return 1;
    }
    return strncasecmp(name, "x-ignore-", 9) == 0;
}

/* "2026-12-01T12:00:00Z" or with fractional seconds. */
static int pp_parse_time(const char *s, int64_t *out_ms)
{
    int y, mo, d, h, mi, sec, used = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 ||
        used != 19)
        return -1;
    const char *p = s + 19;
    int ms = 0;
    if (*p == '.') {
        p++;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            if (digits++ < 3)
                ms = ms * 10 + (*p - '0');
            p++;
        }
        if (!digits)
            return -1;
        for (; digits < 3; digits++)
            ms *= 10;
    }
    if (strcmp(p, "Z") != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        sec > 60)
        return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out_ms = (int64_t)timegm(&tm) * 1000 + ms;
    return 0;
}

static int pp_u64(const json_t *v, uint64_t *out)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    if (!*s || strspn(s, "0123456789") != strlen(s))
        return -1;
    return str_parse_u64(s, 10, UINT64_MAX, out) ? -1 : 0;
}

static int pp_add(struct post_policy *p, enum pp_kind kind, const char *field, const char *value)
{
    p->conds = xrealloc(p->conds, (p->n_conds + 1) * sizeof(*p->conds));
    struct pp_cond *c = &p->conds[p->n_conds++];
    memset(c, 0, sizeof(*c));
    c->kind = kind;
    c->field = xstrdup(field);
    c->value = xstrdup(value ? value : "");
    return 0;
}

static int pp_condition(struct post_policy *p, const json_t *c, char *msg, size_t size)
{
    if (json_is_object(c)) {
        if (json_object_size(c) != 1)
            goto bad;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)c, k, v)
        {
            if (!json_is_string(v))
                goto bad;
            return pp_add(p, PP_EQ, k, json_string_value(v));
        }
    }
    if (!json_is_array(c) || json_array_size(c) != 3 || !json_is_string(json_array_get(c, 0)))
        goto bad;
    const char *op = json_string_value(json_array_get(c, 0));
    const json_t *a = json_array_get(c, 1), *b = json_array_get(c, 2);
    if (strcasecmp(op, "content-length-range") == 0) {
        uint64_t lo, hi;
        if (pp_u64(a, &lo) || pp_u64(b, &hi))
            goto bad;
        pp_add(p, PP_RANGE, "content-length", NULL);
        p->conds[p->n_conds - 1].min = lo;
        p->conds[p->n_conds - 1].max = hi;
        return 0;
    }
    enum pp_kind kind;
    if (strcasecmp(op, "eq") == 0)
        kind = PP_EQ;
    else if (strcasecmp(op, "starts-with") == 0)
        kind = PP_STARTS_WITH;
    else {
        snprintf(msg, size, "Invalid Policy: Invalid Condition: unknown operation '%s'.", op);
        return -1;
    }
    if (!json_is_string(a) || !json_is_string(b) || json_string_value(a)[0] != '$')
        goto bad;
    return pp_add(p, kind, json_string_value(a) + 1, json_string_value(b));
bad:
    snprintf(msg, size, "Invalid Policy: Invalid Simple-Condition: value must be a string.");
    return -1;
}

static enum post_policy_result pp_document(struct post_policy *p, const json_t *doc, char *msg,
                                           size_t size)
{
    if (!json_is_object(doc)) {
        snprintf(msg, size, "Invalid Policy: Invalid JSON.");
        return POST_POLICY_INVALID;
    }
    const json_t *exp = json_object_get(doc, "expiration");
    if (!exp) {
        snprintf(msg, size, "Invalid Policy: Policy missing expiration.");
        return POST_POLICY_INVALID;
    }
    if (!json_is_string(exp) || pp_parse_time(json_string_value(exp), &p->expiration_ms)) {
        snprintf(msg, size, "Invalid Policy: Invalid 'expiration' value: '%.64s'",
                 json_is_string(exp) ? json_string_value(exp) : "");
        return POST_POLICY_INVALID;
    }
    const json_t *conds = json_object_get(doc, "conditions");
    if (!conds) {
        snprintf(msg, size, "Invalid Policy: Policy missing conditions.");
        return POST_POLICY_INVALID;
    }
    if (!json_is_array(conds)) {
        snprintf(msg, size, "Invalid Policy: Invalid 'conditions' value: must be a List.");
        return POST_POLICY_INVALID;
    }
    size_t i;
    const json_t *c;
    json_array_foreach(conds, i, c)
    {
        if (pp_condition(p, c, msg, size))
            return POST_POLICY_INVALID;
    }
    return POST_POLICY_OK;
}

enum post_policy_result post_policy_parse(const char *b64, struct post_policy **out, char *msg,
                                          size_t size)
{
    *out = NULL;
    size_t len = strlen(b64);
    uint8_t *raw = xmalloc(len / 4 * 3 + 4);
    long n = len > POST_POLICY_MAX * 4 / 3 + 4 ? -1 : hash_unbase64(b64, len, raw);
    if (n < 0) {
        free(raw);
        snprintf(msg, size, "Invalid Policy: Invalid Base64 Encoding.");
        return POST_POLICY_INVALID;
    }
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)raw, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
    free(raw);
    struct post_policy *p = xcalloc(1, sizeof(*p));
    enum post_policy_result res = pp_document(p, doc, msg, size);
    json_decref(doc);
    if (res) {
        post_policy_free(p);
        return res;
    }
    *out = p;
    return POST_POLICY_OK;
}

static const char *pp_field(const struct kv_pair *fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(fields[i].name, name) == 0)
            return fields[i].value;
    }
    return NULL;
}

static int pp_cond_holds(const struct pp_cond *c, const char *v)
{
    if (c->kind == PP_EQ)
        return v && strcmp(v, c->value) == 0;
    return v && strncmp(v, c->value, strlen(c->value)) == 0;
}

static int pp_field_named(const struct post_policy *p, const char *name)
{
    for (size_t i = 0; i < p->n_conds; i++) {
        if (p->conds[i].kind != PP_RANGE && strcasecmp(p->conds[i].field, name) == 0)
            return 1;
    }
    return 0;
}

enum post_policy_result post_policy_check(const struct post_policy *p, const struct kv_pair *fields,
                                          size_t n, int64_t now_ms, char *msg, size_t size)
{
    if (now_ms >= p->expiration_ms) {
        snprintf(msg, size, "Invalid according to Policy: Policy expired.");
        return POST_POLICY_DENIED;
    }
    for (size_t i = 0; i < p->n_conds; i++) {
        const struct pp_cond *c = &p->conds[i];
        if (c->kind == PP_RANGE || pp_cond_holds(c, pp_field(fields, n, c->field)))
            continue;
        snprintf(msg, size,
                 "Invalid according to Policy: Policy Condition failed: [\"%s\", \"$%s\", \"%s\"]",
                 c->kind == PP_EQ ? "eq" : "starts-with", c->field, c->value);
        return POST_POLICY_DENIED;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(fields[i].name, "bucket") == 0 || post_policy_field_exempt(fields[i].name) ||
            pp_field_named(p, fields[i].name))
            continue;
        snprintf(msg, size, "Invalid according to Policy: Extra input fields: %s", fields[i].name);
        return POST_POLICY_DENIED;
    }
    return POST_POLICY_OK;
}

int post_policy_length_range(const struct post_policy *p, uint64_t *min, uint64_t *max)
{
    for (size_t i = 0; i < p->n_conds; i++) {
        if (p->conds[i].kind == PP_RANGE) {
            *min = p->conds[i].min;
            *max = p->conds[i].max;
            return 1;
        }
    }
    return 0;
}
