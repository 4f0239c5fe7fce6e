/* s3_op_object_acl.c — PutObjectAcl and GetObjectAcl (with versionId).
 *
 * The new ACL comes from x-amz-acl, x-amz-grant-* or an AccessControlPolicy body, as for a
 * bucket (s3_op_acl.c), for an ACL owned by the object's owner; bucket-owner-* canned ACLs
 * name the bucket's owner. It replaces the version's stored ACL (meta_object_set_acl). With
 * Object Ownership BucketOwnerEnforced, ACLs are disabled: GetObjectAcl shows the bucket
 * owner's FULL_CONTROL, and PutObjectAcl accepts only an ACL that grants the owner alone
 * (storing nothing) — anything else is AccessControlListNotSupported. A delete marker has no
 * ACL: NoSuchKey when it is the latest version, MethodNotAllowed when named by versionId. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "s3/s3_acl.h"
#include "s3/s3_acl_xml.h"
#include "s3/s3_object.h"
#include "s3/s3_pab.h"
#include "s3/s3_req.h"

/* The version the request names (the latest without versionId), not a delete marker. */
static enum s3_error object_acl_target(struct s3_req *r, struct meta_object *o)
{
    return s3_object_find(r, r->bucket, r->key, s3_req_param(r, "versionId"), o);
}

static enum s3_error object_acl_disabled(struct s3_req *r, int *disabled)
{
    struct acl *acl = xcalloc(1, sizeof(*acl));
    int rc = s3_acl_bucket_load(r->srv->meta, &r->bucket_info, acl, disabled);
    free(acl);
    return rc ? S3E_INTERNAL_ERROR : S3_OK;
}

static enum s3_error put_object_acl(struct s3_req *r, const struct meta_object *o, struct acl *acl)
{
    int disabled = 0;
    struct meta_account owner, bucket_owner;
    enum s3_error e = object_acl_disabled(r, &disabled);
    if (e)
        return e;
    if (meta_account_get(r->srv->meta, disabled ? r->bucket_info.owner_id : o->owner_id, &owner) ||
        meta_account_get(r->srv->meta, r->bucket_info.owner_id, &bucket_owner))
        return S3E_INTERNAL_ERROR;
    int given = 0;
    const struct meta_account *asker = disabled && !r->anonymous ? &r->account : &owner;
    e = s3_acl_from_request(r, acl, asker, bucket_owner.canonical_id, 0, NULL, &given);
    if (!e && !given)
        e = s3_acl_from_body(r, acl, &owner);
    if (e)
        return e;
    if (disabled) {
        const char *canned = s3_req_header(r, "x-amz-acl");
        int bofc = canned && strcmp(canned, "bucket-owner-full-control") == 0;
        if (!bofc && !s3_acl_bucket_owner_only(acl, bucket_owner.canonical_id)) {
            s3_req_set_message(r, "The bucket does not allow ACLs");
            return S3E_ACCESS_CONTROL_LIST_NOT_SUPPORTED;
        }
        return S3_OK; /* nothing to store: the owner's FULL_CONTROL is what applies */
    }
    e = s3_pab_check_acl(r, &r->bucket_info, acl); /* BlockPublicAcls */
    if (!e)
        e = s3_acl_resolve(r, acl);
    if (e)
        return e;
    char *doc = NULL;
    if (s3_acl_object_encode(acl, &doc))
        return S3E_INTERNAL_ERROR;
    int rc = meta_object_set_acl(r->srv->meta, r->bucket, r->key, o->version_id, doc);
    free(doc);
    if (rc == ERR_NOTFOUND) { /* removed since it was loaded */
        s3_req_error_elem(r, "Key", r->key);
        return S3E_NO_SUCH_KEY;
    }
    return rc ? s3_error_from_rc(rc) : S3_OK;
}

enum s3_error s3_op_put_object_acl(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    struct meta_object o;
    if (!e)
        e = object_acl_target(r, &o);
    if (e)
        return e;
    struct acl *acl = xcalloc(1, sizeof(*acl));
    e = put_object_acl(r, &o, acl);
    free(acl);
    meta_object_dispose(&o);
    if (!e)
        s3_respond_empty(r, 200);
    return e;
}

enum s3_error s3_op_get_object_acl(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    int disabled = 0;
    if (!e)
        e = object_acl_disabled(r, &disabled);
    struct meta_object o;
    if (!e)
        e = object_acl_target(r, &o);
    if (e)
        return e;
    struct acl *acl = xcalloc(1, sizeof(*acl));
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = s3_acl_object_load(r->srv->meta, &r->bucket_info, &o, disabled, acl);
    if (!rc) {
        s3_acl_names_fill(r->srv->meta, acl);
        rc = s3_acl_xml_render(&xml, acl);
    }
    free(acl);
    meta_object_dispose(&o);
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}
