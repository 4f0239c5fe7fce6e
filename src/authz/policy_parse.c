/* policy_parse.c — a bucket policy document (JSON, jansson) → struct policy.
 *
 * The checks and messages are PutBucketPolicy's (MalformedPolicy): the document must be a JSON
 * object; Version, if given, one of the two IAM versions; Statement an object or a non-empty
 * list; each statement names an Effect, a Principal or NotPrincipal, an Action or NotAction and
 * a Resource or NotResource, and no other field. Every action must name an S3 action, every
 * resource must be in the bucket, and the statement's actions must apply to one of its
 * resources. Conditions use a known operator on keys S3 supplies. The first error found is the
 * one reported (err_set), as AWS reports one. */
#include "authz/policy_int.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define POLICY_ARN_S3 "arn:aws:s3:::"
#define POLICY_ARN_IAM "arn:aws:iam::"

static int policy_fail(const char *msg)
{
    err_set("%s", msg);
    return ERR_INVALID;
}

static void policy_list_free(struct policy_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void policy_list_add(struct policy_list *l, const char *s)
{
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n++] = xstrdup(s);
}

/* A scalar as the string IAM compares: strings as is, numbers and booleans as written. */
static int policy_scalar(const json_t *v, char *out, size_t size)
{
    if (json_is_string(v))
        return snprintf(out, size, "%s", json_string_value(v)) < (int)size ? 0 : ERR_TOOBIG;
    if (json_is_integer(v))
        return snprintf(out, size, "%lld", (long long)json_integer_value(v)) < (int)size
                   ? 0
                   : ERR_TOOBIG;
    if (json_is_real(v))
        return snprintf(out, size, "%g", json_real_value(v)) < (int)size ? 0 : ERR_TOOBIG;
    if (json_is_boolean(v))
        return snprintf(out, size, "%s", json_is_true(v) ? "true" : "false") < (int)size
                   ? 0
                   : ERR_TOOBIG;
    return ERR_INVALID;
}

/* A string or a list of strings (scalars when scalars is set) into l. */
static int policy_strings(const json_t *v, struct policy_list *l, int scalars, const char *msg)
{
    char buf[POLICY_MAX_BYTES];
    if (!json_is_array(v)) {
        if ((!scalars && !json_is_string(v)) || policy_scalar(v, buf, sizeof(buf)))
            return policy_fail(msg);
        policy_list_add(l, buf);
        return 0;
    }
    if (json_array_size(v) == 0)
        return policy_fail(msg);
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e)
    {
        if ((!scalars && !json_is_string(e)) || policy_scalar(e, buf, sizeof(buf)))
            return policy_fail(msg);
        policy_list_add(l, buf);
    }
    return 0;
}

static int policy_digits12(const char *s, size_t n)
{
    if (n != 12)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* An AWS principal: "*", a 12-digit account id, or arn:aws:iam::ID:root → the id. */
static int policy_aws_principal(const char *s, struct policy_principal *p,
                                policy_principal_known_fn *known, void *kctx)
{
    if (strcmp(s, "*") == 0) {
        p->any = 1;
        return 0;
    }
    char id[13];
    size_t plen = strlen(POLICY_ARN_IAM);
    if (policy_digits12(s, strlen(s)))
        memcpy(id, s, 13);
    else if (strncmp(s, POLICY_ARN_IAM, plen) == 0 && policy_digits12(s + plen, 12) &&
             strcmp(s + plen + 12, ":root") == 0) {
        memcpy(id, s + plen, 12);
        id[12] = '\0';
    } else
        return policy_fail("Invalid principal in policy");
    if (known && !known(kctx, id, NULL))
        return policy_fail("Invalid principal in policy");
    policy_list_add(&p->aws, id);
    return 0;
}

static int policy_principal_entry(const char *type, const json_t *v, struct policy_principal *p,
                                  policy_principal_known_fn *known, void *kctx)
{
    struct policy_list l = {0, NULL};
    int rc = policy_strings(v, &l, 0, "Invalid principal in policy");
    for (size_t i = 0; !rc && i < l.n; i++) {
        const char *s = l.v[i];
        if (strcmp(type, "AWS") == 0)
            rc = policy_aws_principal(s, p, known, kctx);
        else if (strcmp(type, "CanonicalUser") == 0) {
            if (known && !known(kctx, NULL, s))
                rc = policy_fail("Invalid principal in policy");
            else
                policy_list_add(&p->canonical, s);
        } else if (strcmp(type, "Service") == 0 && s[0])
            policy_list_add(&p->service, s);
        else
            rc = policy_fail("Invalid principal in policy");
    }
    policy_list_free(&l);
    return rc;
}

static int policy_principal_parse(const json_t *v, struct policy_principal *p,
                                  policy_principal_known_fn *known, void *kctx)
{
    if (json_is_string(v)) {
        if (strcmp(json_string_value(v), "*") != 0)
            return policy_fail("Invalid principal in policy");
        p->any = 1;
        return 0;
    }
    if (!json_is_object(v) || json_object_size(v) == 0)
        return policy_fail("Invalid principal in policy");
    const char *type;
    const json_t *e;
    json_object_foreach((json_t *)v, type, e)
    {
        int rc = policy_principal_entry(type, e, p, known, kctx);
        if (rc)
            return rc;
    }
    return 0;
}

static int policy_actions_parse(const json_t *v, struct policy_stmt *s, unsigned *kinds)
{
    int rc = policy_strings(v, &s->actions, 0, "Policy has invalid action");
    *kinds = 0;
    for (size_t i = 0; !rc && i < s->actions.n; i++) {
        const char *a = s->actions.v[i];
        unsigned k = strcmp(a, "*") == 0
                         ? POLICY_KIND_BUCKET | POLICY_KIND_OBJECT | POLICY_KIND_ACCOUNT
                         : policy_action_kinds(a);
        if (k == 0)
            rc = policy_fail("Policy has invalid action");
        *kinds |= k;
    }
    return rc;
}

/* The kinds of resource an ARN pattern names, if it is in bucket; 0 when it is not. */
static unsigned policy_resource_kinds(const char *arn, const char *bucket)
{
    if (strcmp(arn, "*") == 0)
        return POLICY_KIND_BUCKET | POLICY_KIND_OBJECT;
    size_t plen = strlen(POLICY_ARN_S3);
    if (strncmp(arn, POLICY_ARN_S3, plen) != 0)
        return 0;
    const char *rest = arn + plen;
    const char *slash = strchr(rest, '/');
    size_t blen = slash ? (size_t)(slash - rest) : strlen(rest);
    char bpat[1024];
    if (blen == 0 || blen >= sizeof(bpat))
        return 0;
    memcpy(bpat, rest, blen);
    bpat[blen] = '\0';
    if (!policy_glob_match(bpat, bucket, 0))
        return 0;
    if (slash)
        return POLICY_KIND_OBJECT;
    return bpat[blen - 1] == '*' ? POLICY_KIND_BUCKET | POLICY_KIND_OBJECT : POLICY_KIND_BUCKET;
}

static int policy_resources_parse(const json_t *v, struct policy_stmt *s, const char *bucket,
                                  unsigned *kinds)
{
    int rc = policy_strings(v, &s->resources, 0, "Policy has invalid resource");
    *kinds = 0;
    for (size_t i = 0; !rc && i < s->resources.n; i++) {
        unsigned k = policy_resource_kinds(s->resources.v[i], bucket);
        if (k == 0)
            rc = policy_fail("Policy has invalid resource");
        *kinds |= k;
    }
    return rc;
}

void policy_key_normalize(char *key)
{
    for (char *p = key; *p && *p != '/'; p++)
        *p = (char)tolower((unsigned char)*p);
    /* the part after '/' is a name: lower-cased but for tag keys, which are case-sensitive */
    int tag_key = strncmp(key, "s3:existingobjecttag/", 21) == 0 ||
                  strncmp(key, "s3:requestobjecttag/", 20) == 0;
    for (char *p = strchr(key, '/'); p && !tag_key && *p; p++)
        *p = (char)tolower((unsigned char)*p);
}

static int policy_cond_parse_key(const char *opname, const char *key, const json_t *values,
                                 struct policy_stmt *s)
{
    s->conds = xrealloc(s->conds, (s->n_conds + 1) * sizeof(*s->conds));
    struct policy_cond *c = &s->conds[s->n_conds++];
    memset(c, 0, sizeof(*c));
    c->key = xstrdup(key);
    policy_key_normalize(c->key);
    if (policy_cond_op_parse(opname, c)) {
        err_set("Invalid Condition type : %s", opname);
        return ERR_INVALID;
    }
    if (!policy_cond_key_known(c->key))
        return policy_fail("Policy has an invalid condition key");
    return policy_strings(values, &c->values, 1, "Invalid policy syntax.");
}

static int policy_conds_parse(const json_t *v, struct policy_stmt *s)
{
    if (!json_is_object(v))
        return policy_fail("Invalid policy syntax.");
    const char *opname, *key;
    const json_t *block, *values;
    json_object_foreach((json_t *)v, opname, block)
    {
        if (!json_is_object(block) || json_object_size(block) == 0)
            return policy_fail("Invalid policy syntax.");
        json_object_foreach((json_t *)block, key, values)
        {
            int rc = policy_cond_parse_key(opname, key, values, s);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static const char *const stmt_fields[] = {"Sid",          "Effect",      "Principal",
                                          "NotPrincipal", "Action",      "NotAction",
                                          "Resource",     "NotResource", "Condition"};

static int policy_fields_known(const json_t *o, const char *const *fields, size_t n)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        size_t i = 0;
        while (i < n && strcmp(k, fields[i]) != 0)
            i++;
        if (i == n) {
            err_set("Unknown field %s", k);
            return ERR_INVALID;
        }
    }
    return 0;
}

/* Exactly one of the pair (Principal / NotPrincipal, …) must be present. */
static const json_t *policy_one_of(const json_t *o, const char *name, const char *not_name,
                                   int *negated, int *rc)
{
    const json_t *a = json_object_get(o, name), *b = json_object_get(o, not_name);
    *negated = b != NULL;
    if (a && b)
        *rc = policy_fail("Invalid policy syntax.");
    else if (!a && !b) {
        err_set("Missing required field %s", name);
        *rc = ERR_INVALID;
    }
    return a ? a : b;
}

static int policy_effect_parse(const json_t *o, struct policy_stmt *s)
{
    const json_t *e = json_object_get(o, "Effect");
    if (!e)
        return policy_fail("Missing required field Effect");
    const char *v = json_is_string(e) ? json_string_value(e) : "";
    if (strcmp(v, "Allow") != 0 && strcmp(v, "Deny") != 0) {
        err_set("Invalid effect: %s", v);
        return ERR_INVALID;
    }
    s->allow = strcmp(v, "Allow") == 0;
    return 0;
}

struct policy_parse_ctx {
    const char *bucket; /* NULL: a stored document, validated when it was stored */
    policy_principal_known_fn *known;
    void *known_ctx;
};

static int policy_stmt_parse(const json_t *o, struct policy_stmt *s,
                             const struct policy_parse_ctx *pc)
{
    if (!json_is_object(o))
        return policy_fail("Invalid policy syntax.");
    int rc = policy_fields_known(o, stmt_fields, sizeof(stmt_fields) / sizeof(stmt_fields[0]));
    if (!rc)
        rc = policy_effect_parse(o, s);
    const json_t *p =
        rc ? NULL : policy_one_of(o, "Principal", "NotPrincipal", &s->not_principal, &rc);
    if (!rc)
        rc = policy_principal_parse(p, &s->principal, pc->known, pc->known_ctx);
    const json_t *a = rc ? NULL : policy_one_of(o, "Action", "NotAction", &s->not_action, &rc);
    unsigned akinds = 0, rkinds = 0;
    if (!rc)
        rc = pc->bucket ? policy_actions_parse(a, s, &akinds)
                        : policy_strings(a, &s->actions, 0, "Policy has invalid action");
    const json_t *r =
        rc ? NULL : policy_one_of(o, "Resource", "NotResource", &s->not_resource, &rc);
    if (!rc)
        rc = pc->bucket ? policy_resources_parse(r, s, pc->bucket, &rkinds)
                        : policy_strings(r, &s->resources, 0, "Policy has invalid resource");
    if (!rc && pc->bucket && !s->not_action && !s->not_resource && !(akinds & rkinds))
        rc = policy_fail("Action does not apply to any resource(s) in statement");
    const json_t *c = json_object_get(o, "Condition");
    if (!rc && c)
        rc = policy_conds_parse(c, s);
    return rc;
}

static int policy_doc_parse(const json_t *root, struct policy *p, const struct policy_parse_ctx *pc)
{
    static const char *const fields[] = {"Version", "Id", "Statement"};
    int rc = policy_fields_known(root, fields, 3);
    if (rc)
        return rc;
    const json_t *ver = json_object_get(root, "Version");
    if (ver && (!json_is_string(ver) || (strcmp(json_string_value(ver), "2012-10-17") != 0 &&
                                         strcmp(json_string_value(ver), "2008-10-17") != 0)))
        return policy_fail("The policy must contain a valid version string");
    const json_t *st = json_object_get(root, "Statement");
    if (!st || (json_is_array(st) && json_array_size(st) == 0))
        return policy_fail("Missing required field Statement");
    size_t n = json_is_array(st) ? json_array_size(st) : 1;
    p->stmts = xcalloc(n, sizeof(*p->stmts));
    for (size_t i = 0; i < n; i++) {
        p->n = i + 1;
        rc = policy_stmt_parse(json_is_array(st) ? json_array_get(st, i) : st, &p->stmts[i], pc);
        if (rc)
            return rc;
    }
    return 0;
}

static int policy_list_vars(const struct policy_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (policy_vars_present(l->v[i]))
            return 1;
    return 0;
}

/* IAM expands policy variables only in 2012-10-17 policies, in resources and in the values of
 * string and ARN conditions (policy_vars.c). */
static void policy_vars_mark(struct policy *p, const json_t *root)
{
    const json_t *ver = json_object_get(root, "Version");
    if (!ver || strcmp(json_string_value(ver), "2012-10-17") != 0)
        return;
    for (size_t i = 0; i < p->n; i++) {
        struct policy_stmt *st = &p->stmts[i];
        st->resource_vars = policy_list_vars(&st->resources);
        for (size_t j = 0; j < st->n_conds; j++) {
            struct policy_cond *c = &st->conds[j];
            int strings = c->op <= POLICY_OP_STRING_LIKE || c->op == POLICY_OP_ARN_LIKE;
            c->vars = strings && policy_list_vars(&c->values);
        }
    }
}

static int policy_reads_existing_tags(const struct policy *p)
{
    for (size_t i = 0; i < p->n; i++)
        for (size_t j = 0; j < p->stmts[i].n_conds; j++)
            if (strncmp(p->stmts[i].conds[j].key, "s3:existingobjecttag/", 21) == 0)
                return 1;
    return 0;
}

static int policy_parse_ctx(struct policy **out, const char *json, size_t len,
                            const struct policy_parse_ctx *pc)
{
    *out = NULL;
    if (len > POLICY_MAX_BYTES) {
        err_set("Policy exceeds the maximum allowed document size.");
        return ERR_TOOBIG;
    }
    size_t i = 0;
    while (i < len && isspace((unsigned char)json[i]))
        i++;
    json_error_t jerr;
    json_t *root =
        i < len && json[i] == '{' ? json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    if (!root || !json_is_object(root)) {
        json_decref(root);
        return policy_fail("Policies must be valid JSON and the first byte must be '{'");
    }
    struct policy *p = xcalloc(1, sizeof(*p));
    int rc = policy_doc_parse(root, p, pc);
    if (!rc)
        policy_vars_mark(p, root);
    json_decref(root);
    if (rc) {
        policy_free(p);
        return rc;
    }
    p->is_public = policy_is_public(p);
    p->reads_existing_tags = policy_reads_existing_tags(p);
    *out = p;
    return 0;
}

int policy_parse(struct policy **out, const char *json, size_t len, const char *bucket,
                 policy_principal_known_fn *known, void *known_ctx)
{
    struct policy_parse_ctx pc = {bucket, known, known_ctx};
    return policy_parse_ctx(out, json, len, &pc);
}

int policy_parse_stored(struct policy **out, const char *json, size_t len)
{
    struct policy_parse_ctx pc = {NULL, NULL, NULL};
    return policy_parse_ctx(out, json, len, &pc);
}

static void policy_stmt_free(struct policy_stmt *s)
{
    policy_list_free(&s->principal.aws);
    policy_list_free(&s->principal.canonical);
    policy_list_free(&s->principal.service);
    policy_list_free(&s->actions);
    policy_list_free(&s->resources);
    for (size_t i = 0; i < s->n_conds; i++) {
        free(s->conds[i].key);
        policy_list_free(&s->conds[i].values);
    }
    free(s->conds);
}

void policy_free(struct policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        policy_stmt_free(&p->stmts[i]);
    free(p->stmts);
    free(p);
}
