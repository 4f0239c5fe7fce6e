/* s3_op_ownership.c — Put/Get/DeleteBucketOwnershipControls.
 *
 * The body is <OwnershipControls><Rule><ObjectOwnership>…</ObjectOwnership></Rule>
 * </OwnershipControls> with exactly one Rule; anything else is MalformedXML, as on AWS.
 * Without stored controls GetBucketOwnershipControls answers OwnershipControlsNotFoundError. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/xmlw.h"
#include "s3/s3_acl.h"
#include "s3/s3_ownership.h"
#include "s3/s3_req.h"
#include "s3/s3_xml.h"

/* The ObjectOwnership of a well-formed body, else MalformedXML. */
static enum s3_error ownership_body(struct s3_req *r, enum s3_ownership *out)
{
    if (r->body.xml.len == 0)
        return S3E_MISSING_REQUEST_BODY;
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, r->body.xml.data, r->body.xml.len, "OwnershipControls"))
        return S3E_MALFORMED_XML;
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *rule = s3_xml_child(root, "Rule");
    xmlNode *oo = rule ? s3_xml_child(rule, "ObjectOwnership") : NULL;
    char *value = oo && !s3_xml_next(rule, "Rule") ? s3_xml_text(oo) : NULL;
    xmlFreeDoc(doc);
    enum s3_error e = value && s3_ownership_parse(value, out) == 0 ? S3_OK : S3E_MALFORMED_XML;
    free(value);
    return e;
}

/* AWS refuses BucketOwnerEnforced while the bucket's ACL grants anyone but the owner: the
 * grants would silently stop counting, and come back with the next mode. */
static enum s3_error ownership_check_enforced(struct s3_req *r)
{
    struct acl *acl = xcalloc(1, sizeof(*acl));
    int disabled = 0;
    enum s3_error e = S3_OK;
    if (s3_acl_bucket_load(r->srv->meta, &r->bucket_info, acl, &disabled))
        e = S3E_INTERNAL_ERROR;
    else if (!disabled && acl_grants_beyond_owner(acl, acl->owner_id))
        e = S3E_INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP;
    free(acl);
    return e;
}

enum s3_error s3_op_put_bucket_ownership_controls(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    enum s3_ownership o = S3_OWNERSHIP_OBJECT_WRITER;
    if (!e)
        e = ownership_body(r, &o);
    if (!e && o == S3_OWNERSHIP_BUCKET_OWNER_ENFORCED)
        e = ownership_check_enforced(r);
    if (e)
        return e;
    int rc = meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_OWNERSHIP,
                                    s3_ownership_name(o));
    if (rc)
        return s3_error_from_rc(rc);
    s3_respond_empty(r, 200);
    return S3_OK;
}

enum s3_error s3_op_get_bucket_ownership_controls(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    enum s3_ownership o;
    int stored = 0;
    int rc = s3_ownership_get(r->srv->meta, r->bucket, &o, &stored);
    if (rc)
        return s3_error_from_rc(rc);
    if (!stored) {
        s3_req_error_elem(r, "BucketName", r->bucket);
        return S3E_OWNERSHIP_CONTROLS_NOT_FOUND;
    }
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    rc = buf_puts(&xml, XML_DECL "<OwnershipControls xmlns=\"" S3_XMLNS "\"><Rule>");
    if (!rc)
        rc = xmlw_elem(&xml, "ObjectOwnership", s3_ownership_name(o));
    if (!rc)
        rc = buf_puts(&xml, "</Rule></OwnershipControls>");
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}

enum s3_error s3_op_delete_bucket_ownership_controls(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    int rc = meta_bucket_config_delete(r->srv->meta, r->bucket, META_CONFIG_OWNERSHIP);
    if (rc && rc != ERR_NOTFOUND)
        return s3_error_from_rc(rc);
    s3_respond_empty(r, 204);
    return S3_OK;
}
