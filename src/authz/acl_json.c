/* acl_json.c — the compact JSON form of ACL grants (see acl_json.h). Rendering is plain
 * formatting (the fields are ids, fixed names and URIs: nothing needs escaping); parsing
 * goes through jansson and accepts exactly the rendered shape. */
#include "authz/acl_json.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static int acl_json_grant(const struct acl_grant *g, char *out, size_t size, size_t *len)
{
    const char *perm = acl_perm_name(g->perm);
    int n;
    if (g->kind == ACL_GRANTEE_USER)
        n = snprintf(out + *len, size - *len,
                     "%s{\"permission\":\"%s\",\"type\":\"CanonicalUser\",\"canonicalId\":\"%s\"}",
                     *len && out[*len - 1] == '}' ? "," : "", perm, g->id);
    else if (g->kind == ACL_GRANTEE_GROUP)
        n = snprintf(out + *len, size - *len,
                     "%s{\"permission\":\"%s\",\"type\":\"Group\",\"uri\":\"%s\"}",
                     *len && out[*len - 1] == '}' ? "," : "", perm, acl_group_uri(g->group));
    else {
        err_set("an e-mail grantee must be resolved before the ACL is stored");
        return ERR_INVALID;
    }
    if (n < 0 || (size_t)n >= size - *len) {
        err_set("ACL document longer than %zu bytes", size);
        return ERR_TOOBIG;
    }
    *len += (size_t)n;
    return 0;
}

int acl_json_render(const struct acl *acl, char *out, size_t size)
{
    int n = snprintf(out, size,
                     "{\"version\":\"" ACL_JSON_VERSION "\",\"status\":\"AVAILABLE\",\"grants\":[");
    if (n < 0 || (size_t)n >= size) {
        err_set("ACL document longer than %zu bytes", size);
        return ERR_TOOBIG;
    }
    size_t len = (size_t)n;
    for (size_t i = 0; i < acl->n; i++) {
        int rc = acl_json_grant(&acl->grants[i], out, size, &len);
        if (rc)
            return rc;
    }
    if (size - len < 3) {
        err_set("ACL document longer than %zu bytes", size);
        return ERR_TOOBIG;
    }
    memcpy(out + len, "]}", 3);
    return 0;
}

static int acl_json_bad(const char *why)
{
    err_set("stored ACL: %s", why);
    return ERR_INVALID;
}

static int acl_json_parse_grant(struct acl *acl, json_t *g)
{
    const char *type = json_string_value(json_object_get(g, "type"));
    enum acl_perm perm;
    if (!json_is_object(g) || !type ||
        acl_perm_parse(json_string_value(json_object_get(g, "permission")), &perm))
        return acl_json_bad("a grant lacks its type or permission");
    if (strcmp(type, "CanonicalUser") == 0) {
        const char *id = json_string_value(json_object_get(g, "canonicalId"));
        if (!id || !*id)
            return acl_json_bad("a CanonicalUser grant lacks its canonicalId");
        return acl_add_user(acl, id, "", perm);
    }
    if (strcmp(type, "Group") == 0) {
        enum acl_group group;
        if (acl_group_parse(json_string_value(json_object_get(g, "uri")), &group))
            return acl_json_bad("a Group grant has no known uri");
        return acl_add_group(acl, group, perm);
    }
    return acl_json_bad("unknown grantee type");
}

int acl_json_parse(struct acl *acl, const char *doc, size_t len)
{
    json_error_t jerr;
    json_t *root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return acl_json_bad("not JSON");
    json_t *grants = json_object_get(root, "grants");
    const char *version = json_string_value(json_object_get(root, "version"));
    int rc = 0;
    if (!json_is_array(grants) || !version || strcmp(version, ACL_JSON_VERSION) != 0)
        rc = acl_json_bad("no grants list of version " ACL_JSON_VERSION);
    for (size_t i = 0; !rc && i < json_array_size(grants); i++)
        rc = acl_json_parse_grant(acl, json_array_get(grants, i));
    json_decref(root);
    return rc;
}

int acl_is_default(const struct acl *acl)
{
    return acl->n == 1 && acl->grants[0].kind == ACL_GRANTEE_USER &&
           acl->grants[0].perm == ACL_PERM_FULL_CONTROL &&
           strcmp(acl->grants[0].id, acl->owner_id) == 0;
}
