/* s3_acl_object.c — object ACLs: who owns a new object and the ACL it gets, the stored form,
 * and the ACL of a stored version (see s3_acl.h).
 *
 * An object's ACL is stored with each version (meta_object.acl) in the compact form of
 * authz/acl_json.h; the owner's default ACL (FULL_CONTROL alone) is stored as none, so the
 * common private object costs nothing to write, read or report. */
#include <stdlib.h>
#include <string.h>

#include "authz/acl_json.h"
#include "core/alloc.h"
#include "s3/s3_acl.h"
#include "s3/s3_ownership.h"
#include "s3/s3_pab.h"
#include "s3/s3_req.h"

int s3_acl_object_encode(const struct acl *acl, char **out)
{
    *out = NULL;
    if (acl_is_default(acl))
        return 0;
    char *doc = xmalloc(ACL_JSON_MAX);
    int rc = acl_json_render(acl, doc, ACL_JSON_MAX);
    if (rc) {
        free(doc);
        return rc;
    }
    *out = doc;
    return 0;
}

int s3_acl_object_load(struct meta_store *meta, const struct meta_bucket *b,
                       const struct meta_object *o, int disabled, struct acl *acl)
{
    struct meta_account owner;
    int rc = meta_account_get(meta, disabled ? b->owner_id : o->owner_id, &owner);
    if (rc == ERR_NOTFOUND) /* an owner account that is gone: its grants still stand */
        memset(&owner, 0, sizeof(owner));
    else if (rc)
        return rc;
    acl_init(acl, owner.canonical_id, owner.name);
    if (disabled || !o->acl || !*o->acl)
        return acl_add_user(acl, owner.canonical_id, owner.name, ACL_PERM_FULL_CONTROL);
    rc = acl_json_parse(acl, o->acl, strlen(o->acl));
    return rc ? ERR_BACKEND : 0;
}

struct s3_acl_names {
    struct acl *acl;
};

static int s3_acl_names_cb(void *payload, const struct meta_account *a)
{
    struct acl *acl = ((struct s3_acl_names *)payload)->acl;
    for (size_t i = 0; i < acl->n; i++) {
        struct acl_grant *g = &acl->grants[i];
        if (g->kind == ACL_GRANTEE_USER && strcmp(g->id, a->canonical_id) == 0)
            memcpy(g->display_name, a->name, sizeof(g->display_name));
    }
    return 0;
}

void s3_acl_names_fill(struct meta_store *meta, struct acl *acl)
{
    struct s3_acl_names n = {acl};
    int rc = meta_account_list(meta, s3_acl_names_cb, &n);
    (void)rc; /* a name not found stays empty: names are informative only */
}

/* The account that owns the object under the bucket's Object Ownership. */
static void s3_acl_object_owner(struct s3_req *r, enum s3_ownership o, const char *canned,
                                const struct meta_account *bucket_owner, struct meta_account *out)
{
    int to_bucket_owner = r->anonymous || o == S3_OWNERSHIP_BUCKET_OWNER_ENFORCED ||
                          (o == S3_OWNERSHIP_BUCKET_OWNER_PREFERRED && canned &&
                           strcmp(canned, "bucket-owner-full-control") == 0);
    *out = to_bucket_owner ? *bucket_owner : r->account;
}

int s3_acl_bucket_owner_only(const struct acl *acl, const char *bucket_owner_id)
{
    for (size_t i = 0; i < acl->n; i++) {
        const struct acl_grant *g = &acl->grants[i];
        if (g->kind != ACL_GRANTEE_USER || g->perm != ACL_PERM_FULL_CONTROL ||
            strcmp(g->id, bucket_owner_id) != 0)
            return 0;
    }
    return 1;
}

static enum s3_error s3_acl_object_build(struct s3_req *r, enum s3_ownership own, int form,
                                         const char *form_acl, struct acl *acl,
                                         struct s3_object_grant *out)
{
    struct meta_account bucket_owner, owner;
    if (meta_account_get(r->srv->meta, r->bucket_info.owner_id, &bucket_owner))
        return S3E_INTERNAL_ERROR;
    const char *canned = form ? form_acl : s3_req_header(r, "x-amz-acl");
    s3_acl_object_owner(r, own, canned, &bucket_owner, &owner);
    memcpy(out->owner_id, owner.id, sizeof(out->owner_id));
    int given = 0;
    int enforced = own == S3_OWNERSHIP_BUCKET_OWNER_ENFORCED;
    /* with ACLs disabled the ACL asked for is read as the writer's (AWS: another account's
     * "private" grants that account, and is refused) */
    const struct meta_account *acl_owner = enforced && !r->anonymous ? &r->account : &owner;
    enum s3_error e =
        s3_acl_from_request(r, acl, acl_owner, bucket_owner.canonical_id, form, form_acl, &given);
    if (e)
        return e;
    if (enforced) {
        int bofc = canned && strcmp(canned, "bucket-owner-full-control") == 0;
        if (given && !bofc && !s3_acl_bucket_owner_only(acl, bucket_owner.canonical_id)) {
            s3_req_set_message(r, "The bucket does not allow ACLs");
            return S3E_ACCESS_CONTROL_LIST_NOT_SUPPORTED;
        }
        return S3_OK; /* ACLs are disabled: the owner's default ACL */
    }
    if (!given)
        return S3_OK;
    e = s3_pab_check_acl(r, &r->bucket_info, acl); /* BlockPublicAcls */
    if (!e)
        e = s3_acl_resolve(r, acl);
    if (!e && s3_acl_object_encode(acl, &out->acl))
        e = S3E_INTERNAL_ERROR;
    return e;
}

enum s3_error s3_acl_object_for_write(struct s3_req *r, int form, const char *form_acl,
                                      struct s3_object_grant *out)
{
    memset(out, 0, sizeof(*out));
    enum s3_ownership own;
    if (s3_ownership_of(r->srv->meta, &r->bucket_info, &own))
        return S3E_INTERNAL_ERROR;
    struct acl *acl = xcalloc(1, sizeof(*acl));
    enum s3_error e = s3_acl_object_build(r, own, form, form_acl, acl, out);
    free(acl);
    if (e) {
        free(out->acl);
        out->acl = NULL;
    }
    return e;
}
