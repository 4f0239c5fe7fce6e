/* s3_pab.c — Block Public Access settings: the stored document, its XML, and the checks of
 * PUT requests that carry ACLs (see s3_pab.h). */
#include "s3/s3_pab.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xmlw.h"
#include "s3/s3_req.h"
#include "s3/s3_xml.h"

static const char *const pab_names[] = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                                        "RestrictPublicBuckets"};

static int *pab_field(struct pab *p, size_t i)
{
    int *fields[] = {&p->block_public_acls, &p->ignore_public_acls, &p->block_public_policy,
                     &p->restrict_public_buckets};
    return fields[i];
}

/* One element: its name must be a setting, its text true or false. */
static int pab_parse_elem(const xmlNode *n, struct pab *out)
{
    for (size_t i = 0; i < 4; i++) {
        if (strcmp((const char *)n->name, pab_names[i]) != 0)
            continue;
        char *v = s3_xml_text(n);
        int rc = 0;
        if (strcmp(v, "true") == 0)
            *pab_field(out, i) = 1;
        else if (strcmp(v, "false") == 0)
            *pab_field(out, i) = 0;
        else
            rc = ERR_INVALID;
        free(v);
        return rc;
    }
    return ERR_INVALID;
}

int s3_pab_parse(const char *xml, size_t len, struct pab *out)
{
    memset(out, 0, sizeof(*out));
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, xml, len, "PublicAccessBlockConfiguration"))
        return ERR_INVALID;
    int rc = 0;
    for (xmlNode *n = xmlDocGetRootElement(doc)->children; n && !rc; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            rc = pab_parse_elem(n, out);
    xmlFreeDoc(doc);
    if (rc)
        err_set("malformed PublicAccessBlockConfiguration");
    return rc;
}

int s3_pab_render(struct buf *out, const struct pab *p)
{
    struct pab copy = *p;
    int rc = buf_puts(out, XML_DECL "<PublicAccessBlockConfiguration xmlns=\"" S3_XMLNS "\">");
    for (size_t i = 0; !rc && i < 4; i++)
        rc = xmlw_elem(out, pab_names[i], *pab_field(&copy, i) ? "true" : "false");
    if (!rc)
        rc = buf_puts(out, "</PublicAccessBlockConfiguration>");
    return rc;
}

int s3_pab_load(struct meta_store *meta, const char *bucket, struct pab *out, int *stored)
{
    memset(out, 0, sizeof(*out));
    char *doc = NULL;
    int rc = meta_bucket_config_get(meta, bucket, META_CONFIG_PUBLIC_ACCESS_BLOCK, &doc);
    if (stored)
        *stored = rc == 0;
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    rc = s3_pab_parse(doc, strlen(doc), out);
    free(doc);
    return rc;
}

enum s3_error s3_pab_check_acl(struct s3_req *r, const struct meta_bucket *b, const struct acl *acl)
{
    if (!acl || !acl_is_public(acl))
        return S3_OK;
    struct pab p;
    if (s3_pab_load(r->srv->meta, b->name, &p, NULL)) {
        log_warn("request %s: the public access block of %s: %s", r->request_id, b->name,
                 err_msg());
        return S3E_INTERNAL_ERROR;
    }
    return p.block_public_acls ? S3E_ACCESS_DENIED : S3_OK;
}

enum s3_error s3_pab_new_bucket_check(struct s3_req *r, const struct acl *acl)
{
    if (r->srv->legacy_bucket_defaults || !acl || !acl_is_public(acl))
        return S3_OK;
    return S3E_INVALID_BUCKET_ACL_WITH_BLOCK_PUBLIC_ACCESS;
}

int s3_pab_new_bucket_store(struct s3_req *r)
{
    if (r->srv->legacy_bucket_defaults)
        return 0;
    struct pab all = {1, 1, 1, 1};
    struct buf doc;
    buf_init(&doc, META_CONFIG_DOC_MAX);
    int rc = s3_pab_render(&doc, &all);
    if (!rc)
        rc = meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_PUBLIC_ACCESS_BLOCK,
                                    doc.data);
    buf_dispose(&doc);
    return rc;
}
