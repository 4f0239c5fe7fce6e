/* s3_op_acl.c — PutBucketAcl and GetBucketAcl.
 *
 * The new ACL comes from x-amz-acl (a canned ACL), from x-amz-grant-* headers, or from an
 * AccessControlPolicy body; a canned ACL together with grant headers is InvalidRequest, as on
 * AWS. The body's Owner must be the bucket's owner (else AccessDenied); a CanonicalUser
 * grantee must be an account of this server (else InvalidArgument); e-mail grantees cannot be
 * resolved (accounts have no e-mail address): UnresolvableGrantByEmailAddress. With Object
 * Ownership BucketOwnerEnforced only an ACL that grants the owner alone is accepted (else
 * AccessControlListNotSupported), and GetBucketAcl shows the owner's FULL_CONTROL.
 * CreateBucket's ACL headers are read here too (s3_acl_new_bucket), and the request-ACL
 * helpers object ACLs share (s3_acl_from_request, s3_acl_from_body, s3_acl_resolve). */
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "core/alloc.h"
#include "s3/s3_acl.h"
#include "s3/s3_acl_xml.h"
#include "s3/s3_pab.h"
#include "s3/s3_req.h"

struct acl_find {
    const char *canonical_id;
    struct meta_account found;
    int hit;
};

static int acl_find_cb(void *payload, const struct meta_account *a)
{
    struct acl_find *f = payload;
    if (strcmp(a->canonical_id, f->canonical_id) == 0) {
        f->found = *a;
        f->hit = 1;
    }
    return 0;
}

enum s3_error s3_acl_resolve(struct s3_req *r, struct acl *acl)
{
    for (size_t i = 0; i < acl->n; i++) {
        struct acl_grant *g = &acl->grants[i];
        if (g->kind == ACL_GRANTEE_EMAIL) { /* AWS stores (and shows) the account it names */
            struct meta_account a;
            int rc = account_find_by_email(r->srv->meta, g->email, &a);
            if (rc == ERR_NOTFOUND)
                return S3E_UNRESOLVABLE_GRANT_BY_EMAIL;
            if (rc)
                return S3E_INTERNAL_ERROR;
            g->kind = ACL_GRANTEE_USER;
            memcpy(g->id, a.canonical_id, sizeof(g->id));
            memcpy(g->display_name, a.name, sizeof(g->display_name));
            g->email[0] = '\0';
            continue;
        }
        if (g->kind != ACL_GRANTEE_USER)
            continue;
        struct acl_find f;
        memset(&f, 0, sizeof(f));
        f.canonical_id = g->id;
        if (meta_account_list(r->srv->meta, acl_find_cb, &f))
            return S3E_INTERNAL_ERROR;
        if (!f.hit) {
            s3_req_set_message(r, "Invalid id");
            s3_req_error_elem(r, "ArgumentName", "CanonicalUser/ID");
            s3_req_error_elem(r, "ArgumentValue", g->id);
            return S3E_INVALID_ARGUMENT;
        }
        memcpy(g->display_name, f.found.name, sizeof(g->display_name));
    }
    return S3_OK;
}

enum s3_error s3_acl_from_request(struct s3_req *r, struct acl *acl,
                                  const struct meta_account *owner, const char *bucket_owner_id,
                                  int form, const char *form_acl, int *given)
{
    static const char *const grant_headers[] = {"x-amz-grant-read", "x-amz-grant-write",
                                                "x-amz-grant-read-acp", "x-amz-grant-write-acp",
                                                "x-amz-grant-full-control"};
    const char *canned = form ? form_acl : s3_req_header(r, "x-amz-acl");
    acl_init(acl, owner->canonical_id, owner->name);
    int grants = 0;
    for (int i = 0; !form && i < ACL_PERM_COUNT; i++) {
        const char *v = s3_req_header(r, grant_headers[i]);
        if (!v)
            continue;
        grants = 1;
        if (acl_grant_header(acl, (enum acl_perm)i, v)) {
            s3_req_set_message(r, "%s", err_msg());
            s3_req_error_elem(r, "ArgumentName", grant_headers[i]);
            return S3E_INVALID_ARGUMENT;
        }
    }
    *given = canned || grants;
    if (canned && grants) {
        s3_req_set_message(r, "Specifying both Canned ACLs and Header Grants is not allowed");
        return S3E_INVALID_REQUEST;
    }
    if (canned && acl_canned(acl, canned, owner->canonical_id, owner->name, bucket_owner_id)) {
        s3_req_error_elem(r, "ArgumentName", "x-amz-acl");
        s3_req_error_elem(r, "ArgumentValue", canned);
        return S3E_INVALID_ARGUMENT;
    }
    return S3_OK;
}

enum s3_error s3_acl_from_body(struct s3_req *r, struct acl *acl, const struct meta_account *owner)
{
    if (r->body.xml.len == 0)
        return S3E_MISSING_REQUEST_BODY;
    int rc = s3_acl_xml_parse(acl, r->body.xml.data, r->body.xml.len);
    if (rc == ERR_TOOBIG || rc == ERR_INVALID)
        return S3E_MALFORMED_ACL;
    if (rc)
        return s3_error_from_rc(rc);
    if (strcmp(acl->owner_id, owner->canonical_id) != 0)
        return S3E_ACCESS_DENIED;
    memcpy(acl->owner_name, owner->name, sizeof(acl->owner_name));
    return S3_OK;
}

enum s3_error s3_acl_bucket_store(struct s3_req *r, const struct acl *acl)
{
    struct buf doc;
    buf_init(&doc, META_CONFIG_DOC_MAX);
    int rc = s3_acl_xml_render(&doc, acl);
    if (!rc)
        rc = meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_ACL, doc.data);
    buf_dispose(&doc);
    return rc ? s3_error_from_rc(rc) : S3_OK;
}

static enum s3_error put_bucket_acl(struct s3_req *r, struct acl *acl)
{
    struct meta_account owner;
    int disabled = 0;
    if (meta_account_get(r->srv->meta, r->bucket_info.owner_id, &owner) ||
        s3_acl_bucket_load(r->srv->meta, &r->bucket_info, acl, &disabled))
        return S3E_INTERNAL_ERROR;
    int given = 0;
    const struct meta_account *asker = disabled && !r->anonymous ? &r->account : &owner;
    enum s3_error e = s3_acl_from_request(r, acl, asker, NULL, 0, NULL, &given);
    if (!e && !given)
        e = s3_acl_from_body(r, acl, &owner);
    if (!e && disabled && !s3_acl_bucket_owner_only(acl, owner.canonical_id))
        e = S3E_ACCESS_CONTROL_LIST_NOT_SUPPORTED;
    if (!e)
        e = s3_acl_resolve(r, acl);
    if (!e && !disabled)
        e = s3_pab_check_acl(r, &r->bucket_info, acl);
    if (!e && !disabled)
        e = s3_acl_bucket_store(r, acl);
    return e;
}

enum s3_error s3_acl_bucket_reset(struct s3_req *r, const struct meta_bucket *b)
{
    struct acl *acl = xcalloc(1, sizeof(*acl));
    int disabled = 0, given = 0;
    enum s3_error e = S3_OK;
    if (s3_acl_bucket_load(r->srv->meta, b, acl, &disabled))
        e = S3E_INTERNAL_ERROR;
    if (!e) {
        memset(acl, 0, sizeof(*acl));
        e = s3_acl_from_request(r, acl, &r->account, NULL, 0, NULL, &given);
    }
    if (!e && given && disabled && acl_grants_beyond_owner(acl, r->account.canonical_id))
        e = S3E_INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP;
    if (!e && given)
        e = s3_acl_resolve(r, acl);
    if (!e && given && !disabled)
        e = s3_pab_check_acl(r, b, acl);
    if (!e && given && !disabled) {
        e = s3_acl_bucket_store(r, acl);
    } else if (!e) { /* the default ACL: none stored */
        int rc = meta_bucket_config_delete(r->srv->meta, b->name, META_CONFIG_ACL);
        if (rc && rc != ERR_NOTFOUND)
            e = s3_error_from_rc(rc);
    }
    free(acl);
    return e;
}

enum s3_error s3_acl_new_bucket(struct s3_req *r, int enforced, struct acl **out)
{
    *out = NULL;
    struct acl *acl = xcalloc(1, sizeof(*acl));
    int given = 0;
    enum s3_error e = s3_acl_from_request(r, acl, &r->account, NULL, 0, NULL, &given);
    if (!e && given && enforced && acl_grants_beyond_owner(acl, r->account.canonical_id))
        e = S3E_INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP;
    if (!e && given)
        e = s3_acl_resolve(r, acl);
    if (e || !given || enforced) {
        free(acl);
        return e;
    }
    *out = acl;
    return S3_OK;
}

enum s3_error s3_op_put_bucket_acl(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    struct acl *acl = xcalloc(1, sizeof(*acl));
    e = put_bucket_acl(r, acl);
    free(acl);
    if (!e)
        s3_respond_empty(r, 200);
    return e;
}

enum s3_error s3_op_get_bucket_acl(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    struct acl *acl = xcalloc(1, sizeof(*acl));
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = s3_acl_bucket_load(r->srv->meta, &r->bucket_info, acl, NULL);
    if (!rc)
        rc = s3_acl_xml_render(&xml, acl);
    free(acl);
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}
