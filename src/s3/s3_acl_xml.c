/* s3_acl_xml.c — AccessControlPolicy documents to and from the ACL model. */
#include "s3/s3_acl_xml.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmlw.h"
#include "s3/s3_xml.h"

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* The text of parent's child name into dst (size bytes); "" when absent. ERR_INVALID when
 * required and absent or empty, or when too long. */
static int child_text(const xmlNode *parent, const char *name, char *dst, size_t size, int required)
{
    xmlNode *n = s3_xml_child(parent, name);
    char *t = n ? s3_xml_text(n) : NULL;
    if (n && !t)
        return ERR_NOMEM;
    size_t len = t ? strlen(t) : 0;
    int rc = 0;
    if (required && len == 0) {
        err_set("the ACL is missing %s", name);
        rc = ERR_INVALID;
    } else if (len >= size) {
        err_set("%s is too long in the ACL", name);
        rc = ERR_INVALID;
    } else {
        memcpy(dst, t ? t : "", len);
        dst[len] = '\0';
    }
    free(t);
    return rc;
}

static int grantee_type(const xmlNode *grantee, char *out, size_t size)
{
    xmlChar *t = xmlGetNsProp(grantee, (const xmlChar *)"type", (const xmlChar *)XSI_NS);
    if (!t)
        t = xmlGetProp(grantee, (const xmlChar *)"type");
    if (!t || strlen((const char *)t) >= size) {
        xmlFree(t);
        err_set("a Grantee needs an xsi:type");
        return ERR_INVALID;
    }
    memcpy(out, t, strlen((const char *)t) + 1);
    xmlFree(t);
    return 0;
}

static int grant_parse(struct acl *acl, const xmlNode *grant)
{
    char perm_s[32], type[32], v[256], name[65];
    enum acl_perm perm;
    xmlNode *grantee = s3_xml_child(grant, "Grantee");
    if (!grantee) {
        err_set("a Grant needs a Grantee");
        return ERR_INVALID;
    }
    int rc = child_text(grant, "Permission", perm_s, sizeof(perm_s), 1);
    if (!rc)
        rc = acl_perm_parse(perm_s, &perm);
    if (!rc)
        rc = grantee_type(grantee, type, sizeof(type));
    if (rc)
        return rc;
    if (strcmp(type, "CanonicalUser") == 0) {
        rc = child_text(grantee, "ID", v, sizeof(v), 1);
        if (!rc)
            rc = child_text(grantee, "DisplayName", name, sizeof(name), 0);
        return rc ? rc : acl_add_user(acl, v, name, perm);
    }
    if (strcmp(type, "Group") == 0) {
        enum acl_group g;
        rc = child_text(grantee, "URI", v, sizeof(v), 1);
        if (!rc)
            rc = acl_group_parse(v, &g);
        return rc ? rc : acl_add_group(acl, g, perm);
    }
    if (strcmp(type, "AmazonCustomerByEmail") == 0) {
        rc = child_text(grantee, "EmailAddress", v, sizeof(v), 1);
        return rc ? rc : acl_add_email(acl, v, perm);
    }
    err_set("unknown Grantee xsi:type");
    return ERR_INVALID;
}

static int policy_parse(struct acl *acl, const xmlNode *root)
{
    xmlNode *owner = s3_xml_child(root, "Owner");
    xmlNode *list = s3_xml_child(root, "AccessControlList");
    if (!owner || !list) {
        err_set("the ACL needs an Owner and an AccessControlList");
        return ERR_INVALID;
    }
    char id[65], name[65];
    int rc = child_text(owner, "ID", id, sizeof(id), 1);
    if (!rc)
        rc = child_text(owner, "DisplayName", name, sizeof(name), 0);
    if (rc)
        return rc;
    acl_init(acl, id, name);
    for (xmlNode *g = s3_xml_child(list, "Grant"); g; g = s3_xml_next(g, "Grant")) {
        rc = grant_parse(acl, g);
        if (rc)
            return rc;
    }
    return 0;
}

int s3_acl_xml_parse(struct acl *acl, const char *data, size_t len)
{
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, data, len, "AccessControlPolicy")) {
        err_set("the ACL document is not well-formed");
        return ERR_INVALID;
    }
    int rc = policy_parse(acl, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    return rc;
}

static int grant_render(struct buf *b, const struct acl_grant *g)
{
    static const char *const types[] = {"CanonicalUser", "Group", "AmazonCustomerByEmail"};
    int rc =
        buf_printf(b, "<Grant><Grantee xmlns:xsi=\"" XSI_NS "\" xsi:type=\"%s\">", types[g->kind]);
    if (!rc && g->kind == ACL_GRANTEE_USER) {
        rc = xmlw_elem(b, "ID", g->id);
        if (!rc && g->display_name[0])
            rc = xmlw_elem(b, "DisplayName", g->display_name);
    } else if (!rc && g->kind == ACL_GRANTEE_GROUP) {
        rc = xmlw_elem(b, "URI", acl_group_uri(g->group));
    } else if (!rc) {
        rc = xmlw_elem(b, "EmailAddress", g->email);
    }
    if (!rc)
        rc = buf_puts(b, "</Grantee>");
    if (!rc)
        rc = xmlw_elem(b, "Permission", acl_perm_name(g->perm));
    return rc ? rc : buf_puts(b, "</Grant>");
}

int s3_acl_xml_render(struct buf *b, const struct acl *acl)
{
    int rc = buf_puts(b, XML_DECL "<AccessControlPolicy xmlns=\"" S3_XMLNS "\"><Owner>");
    if (!rc)
        rc = xmlw_elem(b, "ID", acl->owner_id);
    if (!rc && acl->owner_name[0])
        rc = xmlw_elem(b, "DisplayName", acl->owner_name);
    if (!rc)
        rc = buf_puts(b, "</Owner><AccessControlList>");
    for (size_t i = 0; !rc && i < acl->n; i++)
        rc = grant_render(b, &acl->grants[i]);
    return rc ? rc : buf_puts(b, "</AccessControlList></AccessControlPolicy>");
}
