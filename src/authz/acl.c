/* acl.c — the ACL model: names, canned ACLs, grant headers and the permission check. */
#include "authz/acl.h"

#include <string.h>
#include <strings.h>

static const char *const perm_names[ACL_PERM_COUNT] = {"READ", "WRITE", "READ_ACP", "WRITE_ACP",
                                                       "FULL_CONTROL"};
static const char *const group_uris[] = {ACL_GROUP_URI_ALL_USERS, ACL_GROUP_URI_AUTHENTICATED,
                                         ACL_GROUP_URI_LOG_DELIVERY};

const char *acl_perm_name(enum acl_perm p)
{
    return (unsigned)p < ACL_PERM_COUNT ? perm_names[p] : "";
}

int acl_perm_parse(const char *s, enum acl_perm *out)
{
    for (int i = 0; s && i < ACL_PERM_COUNT; i++)
        if (strcmp(s, perm_names[i]) == 0) {
            *out = (enum acl_perm)i;
            return 0;
        }
    err_set("unknown ACL permission");
    return ERR_INVALID;
}

const char *acl_group_uri(enum acl_group g)
{
    return (unsigned)g <= ACL_GROUP_LOG_DELIVERY ? group_uris[g] : "";
}

int acl_group_parse(const char *uri, enum acl_group *out)
{
    for (int i = 0; uri && i <= ACL_GROUP_LOG_DELIVERY; i++)
        if (strcmp(uri, group_uris[i]) == 0) {
            *out = (enum acl_group)i;
            return 0;
        }
    err_set("unknown ACL group URI");
    return ERR_INVALID;
}

static int copy_field(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= size) {
        err_set("ACL field too long");
        return ERR_INVALID;
    }
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
    return 0;
}

void acl_init(struct acl *acl, const char *owner_id, const char *owner_name)
{
    memset(acl->owner_id, 0, sizeof(acl->owner_id));
    memset(acl->owner_name, 0, sizeof(acl->owner_name));
    if (copy_field(acl->owner_id, sizeof(acl->owner_id), owner_id))
        acl->owner_id[0] = '\0';
    if (copy_field(acl->owner_name, sizeof(acl->owner_name), owner_name))
        acl->owner_name[0] = '\0';
    acl->n = 0;
}

static struct acl_grant *grant_new(struct acl *acl, enum acl_grantee_kind kind, enum acl_perm perm)
{
    if (acl->n >= ACL_MAX_GRANTS) {
        err_set("too many grants in the ACL (at most %d)", ACL_MAX_GRANTS);
        return NULL;
    }
    struct acl_grant *g = &acl->grants[acl->n];
    memset(g, 0, sizeof(*g));
    g->kind = kind;
    g->perm = perm;
    return g;
}

int acl_add_user(struct acl *acl, const char *id, const char *display_name, enum acl_perm perm)
{
    struct acl_grant *g = grant_new(acl, ACL_GRANTEE_USER, perm);
    if (!g)
        return ERR_TOOBIG;
    if (!id || !*id) {
        err_set("a CanonicalUser grantee needs an ID");
        return ERR_INVALID;
    }
    if (copy_field(g->id, sizeof(g->id), id) ||
        copy_field(g->display_name, sizeof(g->display_name), display_name))
        return ERR_INVALID;
    acl->n++;
    return 0;
}

int acl_add_group(struct acl *acl, enum acl_group group, enum acl_perm perm)
{
    struct acl_grant *g = grant_new(acl, ACL_GRANTEE_GROUP, perm);
    if (!g)
        return ERR_TOOBIG;
    g->group = group;
    acl->n++;
    return 0;
}

int acl_add_email(struct acl *acl, const char *email, enum acl_perm perm)
{
    struct acl_grant *g = grant_new(acl, ACL_GRANTEE_EMAIL, perm);
    if (!g)
        return ERR_TOOBIG;
    if (!email || !*email) {
        err_set("an AmazonCustomerByEmail grantee needs an EmailAddress");
        return ERR_INVALID;
    }
    if (copy_field(g->email, sizeof(g->email), email))
        return ERR_INVALID;
    acl->n++;
    return 0;
}

int acl_canned(struct acl *acl, const char *name, const char *owner_id, const char *owner_name,
               const char *bucket_owner_id)
{
    acl_init(acl, owner_id, owner_name);
    int rc = acl_add_user(acl, owner_id, owner_name, ACL_PERM_FULL_CONTROL);
    if (rc)
        return rc;
    int other_owner = bucket_owner_id && *bucket_owner_id && strcmp(bucket_owner_id, owner_id);
    if (!name || strcmp(name, "private") == 0)
        return 0;
    if (strcmp(name, "public-read") == 0)
        return acl_add_group(acl, ACL_GROUP_ALL_USERS, ACL_PERM_READ);
    if (strcmp(name, "public-read-write") == 0) {
        rc = acl_add_group(acl, ACL_GROUP_ALL_USERS, ACL_PERM_READ);
        return rc ? rc : acl_add_group(acl, ACL_GROUP_ALL_USERS, ACL_PERM_WRITE);
    }
    if (strcmp(name, "authenticated-read") == 0)
        return acl_add_group(acl, ACL_GROUP_AUTHENTICATED, ACL_PERM_READ);
    if (strcmp(name, "bucket-owner-read") == 0)
        return other_owner ? acl_add_user(acl, bucket_owner_id, "", ACL_PERM_READ) : 0;
    if (strcmp(name, "bucket-owner-full-control") == 0)
        return other_owner ? acl_add_user(acl, bucket_owner_id, "", ACL_PERM_FULL_CONTROL) : 0;
    if (strcmp(name, "log-delivery-write") == 0) {
        rc = acl_add_group(acl, ACL_GROUP_LOG_DELIVERY, ACL_PERM_WRITE);
        return rc ? rc : acl_add_group(acl, ACL_GROUP_LOG_DELIVERY, ACL_PERM_READ_ACP);
    }
    err_set("unknown canned ACL");
    return ERR_INVALID;
}

int acl_grant_header_perm(const char *header, enum acl_perm *out)
{
    static const char *const names[ACL_PERM_COUNT] = {
        "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp",
        "x-amz-grant-full-control"};
    for (int i = 0; header && i < ACL_PERM_COUNT; i++)
        if (strcasecmp(header, names[i]) == 0) {
            *out = (enum acl_perm)i;
            return 0;
        }
    err_set("not an x-amz-grant-* header");
    return ERR_INVALID;
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* One grantee "type=value" at *pp into type/value; *pp moves past it and a following comma. */
static int grant_item_next(const char **pp, char *type, size_t tsize, char *value, size_t vsize)
{
    const char *p = skip_space(*pp);
    const char *eq = strchr(p, '=');
    if (!eq || eq == p || (size_t)(eq - p) >= tsize)
        goto bad;
    size_t tl = (size_t)(eq - p);
    while (tl > 0 && (p[tl - 1] == ' ' || p[tl - 1] == '\t'))
        tl--;
    memcpy(type, p, tl);
    type[tl] = '\0';
    p = skip_space(eq + 1);
    const char *end;
    if (*p == '"') {
        p++;
        end = strchr(p, '"');
        if (!end)
            goto bad;
    } else {
        end = p + strcspn(p, ", \t");
    }
    if (end == p || (size_t)(end - p) >= vsize)
        goto bad;
    memcpy(value, p, (size_t)(end - p));
    value[end - p] = '\0';
    p = skip_space(*end == '"' ? end + 1 : end);
    if (*p == ',')
        p++;
    else if (*p)
        goto bad;
    *pp = p;
    return 0;
bad:
    err_set("malformed x-amz-grant-* header");
    return ERR_INVALID;
}

int acl_grant_header(struct acl *acl, enum acl_perm perm, const char *value)
{
    const char *p = value ? value : "";
    if (!*skip_space(p)) {
        err_set("empty x-amz-grant-* header");
        return ERR_INVALID;
    }
    while (*skip_space(p)) {
        char type[32], v[256];
        int rc = grant_item_next(&p, type, sizeof(type), v, sizeof(v));
        if (rc)
            return rc;
        if (strcasecmp(type, "id") == 0) {
            rc = acl_add_user(acl, v, "", perm);
        } else if (strcasecmp(type, "uri") == 0) {
            enum acl_group g;
            rc = acl_group_parse(v, &g);
            if (!rc)
                rc = acl_add_group(acl, g, perm);
        } else if (strcasecmp(type, "emailAddress") == 0) {
            rc = acl_add_email(acl, v, perm);
        } else {
            err_set("unknown grantee type in an x-amz-grant-* header");
            rc = ERR_INVALID;
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int grantee_matches(const struct acl_grant *g, const struct authz_principal *principal)
{
    switch (g->kind) {
    case ACL_GRANTEE_USER:
        return principal->kind == AUTHZ_PRINCIPAL_ACCOUNT && principal->canonical_id[0] &&
               strcmp(g->id, principal->canonical_id) == 0;
    case ACL_GRANTEE_GROUP:
        if (g->group == ACL_GROUP_ALL_USERS)
            return 1;
        return g->group == ACL_GROUP_AUTHENTICATED && principal->kind == AUTHZ_PRINCIPAL_ACCOUNT;
    case ACL_GRANTEE_EMAIL:
        return 0;
    }
    return 0;
}

int acl_allows(const struct acl *acl, const struct authz_principal *principal, enum acl_perm perm)
{
    for (size_t i = 0; acl && i < acl->n; i++) {
        const struct acl_grant *g = &acl->grants[i];
        if ((g->perm == perm || g->perm == ACL_PERM_FULL_CONTROL) && grantee_matches(g, principal))
            return 1;
    }
    return 0;
}

int acl_grants_beyond_owner(const struct acl *acl, const char *bucket_owner_id)
{
    for (size_t i = 0; i < acl->n; i++) {
        const struct acl_grant *g = &acl->grants[i];
        if (g->kind != ACL_GRANTEE_USER || g->perm != ACL_PERM_FULL_CONTROL)
            return 1;
        int own = strcmp(g->id, acl->owner_id) == 0 ||
                  (bucket_owner_id && strcmp(g->id, bucket_owner_id) == 0);
        if (!own)
            return 1;
    }
    return 0;
}

int acl_is_public(const struct acl *acl)
{
    for (size_t i = 0; i < acl->n; i++) {
        const struct acl_grant *g = &acl->grants[i];
        if (g->kind == ACL_GRANTEE_GROUP &&
            (g->group == ACL_GROUP_ALL_USERS || g->group == ACL_GROUP_AUTHENTICATED))
            return 1;
    }
    return 0;
}
