/* s3_authz.c — the authorization step of an S3 request, between routing and the operation.
 *
 * The router names the operation; its row in s3_ops.def names the IAM action (the versioned
 * one when the request gives a versionId) and the resource kind. This file turns the request
 * into authz_decide's principal, resource and context, and a denial into AccessDenied. A
 * bucket the request names is loaded first: a missing bucket is NoSuchBucket for everyone,
 * signed or anonymous, as AWS answers; an existing one of another account is AccessDenied.
 * Operations that touch a second resource (the source of a copy) decide it here too, through
 * s3_req_authorize_on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authz/authz.h"
#include "core/alloc.h"
#include "core/log.h"
#include "s3/s3_acl.h"
#include "s3/s3_req.h"

static const char *s3_authz_header(void *ctx, const char *name)
{
    return s3_req_header(ctx, name);
}

static void s3_authz_principal(const struct s3_req *r, struct authz_principal *out)
{
    if (r->anonymous)
        authz_principal_anonymous(out);
    else
        authz_principal_account(out, r->account.id, r->account.canonical_id);
}

static void s3_authz_context(struct s3_req *r, struct authz_context *out)
{
    memset(out, 0, sizeof(*out));
    out->secure_transport = 0; /* the listener speaks plain HTTP */
    out->source_ip = http_req_peer(r->http);
    if (!r->anonymous) {
        out->signature_version = "AWS4-HMAC-SHA256";
        out->auth_type = s3_req_header(r, "Authorization") ? AUTHZ_AUTH_HEADER : AUTHZ_AUTH_QUERY;
    }
    out->version_id = s3_req_param(r, "versionId");
    out->header = s3_authz_header;
    out->header_ctx = r;
}

/* The ACLs a decision by someone other than the bucket owner is made with: the bucket's
 * (NULL when its ACLs are disabled) and, for an object action, the object's with its owner. */
struct s3_authz_acls {
    struct acl *bucket;
    struct acl *object;
    char object_owner[13];
    int object_missing; /* no such version, or a delete marker */
};

static enum s3_error s3_authz_decide_with(struct s3_req *r, const char *action,
                                          const struct authz_resource *res,
                                          const struct s3_authz_acls *acls)
{
    struct authz_principal p;
    struct authz_context ctx;
    s3_authz_principal(r, &p);
    s3_authz_context(r, &ctx);
    if (acls) {
        ctx.bucket_acl = acls->bucket;
        ctx.object_acl = acls->object;
        ctx.object_owner_id = acls->object_owner[0] ? acls->object_owner : NULL;
    }
    const char *reason = "";
    if (authz_decide(&p, action, res, &ctx, &reason) == AUTHZ_ALLOW)
        return S3_OK;
    char arn[1200];
    if (authz_resource_arn(arn, sizeof(arn), res))
        arn[sizeof(arn) - 1] = '\0';
    log_debug("request %s: %s on %s denied: %s", r->request_id, action, arn, reason);
    return S3E_ACCESS_DENIED;
}

static enum s3_error s3_authz_decide(struct s3_req *r, const char *action,
                                     const struct authz_resource *res)
{
    return s3_authz_decide_with(r, action, res, NULL);
}

/* The object's ACL and owner, when the version exists (a missing one, or a delete marker,
 * has none: only the bucket's grants apply). */
static int s3_authz_object_acl(struct s3_req *r, const struct meta_bucket *b, const char *key,
                               const char *version, struct s3_authz_acls *acls)
{
    struct meta_object o;
    int rc = meta_object_get(r->srv->meta, b->name, key, version, &o);
    acls->object_missing = rc == ERR_NOTFOUND || (!rc && o.is_delete_marker);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    if (!o.is_delete_marker) {
        acls->object = xcalloc(1, sizeof(*acls->object));
        memcpy(acls->object_owner, o.owner_id, sizeof(acls->object_owner));
        rc = s3_acl_object_load(r->srv->meta, b, &o, 0, acls->object);
    }
    meta_object_dispose(&o);
    return rc;
}

/* Does the object's ACL decide action (reading the object or its ACL, writing its ACL)?
 * Writes and deletes are the bucket's WRITE to grant, so those need no object read. */
static int s3_authz_object_acl_applies(const char *action)
{
    return strncmp(action, "s3:GetObject", 12) == 0 || strcmp(action, "s3:PutObjectAcl") == 0 ||
           strcmp(action, "s3:PutObjectVersionAcl") == 0;
}

static int s3_authz_acls_load(struct s3_req *r, const struct meta_bucket *b, const char *key,
                              const char *action, const char *version, struct s3_authz_acls *acls)
{
    int disabled = 0;
    acls->bucket = xcalloc(1, sizeof(*acls->bucket));
    int rc = s3_acl_bucket_load(r->srv->meta, b, acls->bucket, &disabled);
    if (!rc && disabled) { /* BucketOwnerEnforced: ACLs grant nothing */
        free(acls->bucket);
        acls->bucket = NULL;
        return 0;
    }
    if (!rc && key && strcmp(key, "*") != 0 && s3_authz_object_acl_applies(action))
        rc = s3_authz_object_acl(r, b, key, version, acls);
    return rc;
}

/* Anyone but the bucket's owner is decided with the bucket's ACL and, for an object, the
 * object's (unless the bucket's ACLs are disabled). The owner's requests need neither. */
/* AWS on a read of an object that does not exist: 404 for a caller that may list the bucket
 * (s3:ListBucket), else 403 — so the operation runs on and answers NoSuchKey / NoSuchVersion. */
static int s3_authz_may_learn_missing(struct s3_req *r, const char *action,
                                      const struct meta_bucket *b, const struct s3_authz_acls *acls)
{
    if (!acls->object_missing || strncmp(action, "s3:GetObject", 12) != 0)
        return 0;
    struct authz_resource bucket = {b->name, NULL, b->owner_id};
    return s3_authz_decide_with(r, "s3:ListBucket", &bucket, acls) == S3_OK;
}

enum s3_error s3_req_authorize_version(struct s3_req *r, const char *action,
                                       const struct meta_bucket *b, const char *key,
                                       const char *version)
{
    struct authz_resource res = {b->name, key, b->owner_id};
    if (!r->anonymous && strcmp(r->account.id, b->owner_id) == 0)
        return s3_authz_decide(r, action, &res);
    struct s3_authz_acls acls;
    memset(&acls, 0, sizeof(acls));
    enum s3_error e = S3_OK;
    if (s3_authz_acls_load(r, b, key, action, version, &acls)) {
        log_warn("request %s: the ACLs of %s/%s: %s", r->request_id, b->name, key ? key : "",
                 err_msg());
        e = S3E_INTERNAL_ERROR;
    }
    if (!e)
        e = s3_authz_decide_with(r, action, &res, &acls);
    if (e == S3E_ACCESS_DENIED && s3_authz_may_learn_missing(r, action, b, &acls)) {
        r->authz_missing_only = 1; /* written since: still not the caller's to read */
        e = S3_OK;
    }
    free(acls.bucket);
    free(acls.object);
    return e;
}

enum s3_error s3_req_authorize_on(struct s3_req *r, const char *action, const struct meta_bucket *b,
                                  const char *key)
{
    return s3_req_authorize_version(r, action, b, key, NULL);
}

/* The operation's action: the versioned one when the request names a version. */
static const char *s3_authz_action(const struct s3_req *r)
{
    if (r->op->version_action && s3_req_has_param(r, "versionId"))
        return r->op->version_action;
    return r->op->action;
}

/* Decide the routed operation on the bucket now in r->bucket_info. */
static enum s3_error s3_authz_bucket_op(struct s3_req *r)
{
    const char *key = NULL;
    if (r->op->resource == S3_RES_OBJECT)
        key = r->key;
    else if (r->op->resource == S3_RES_OBJECTS)
        key = "*";
    return s3_req_authorize_version(r, s3_authz_action(r), &r->bucket_info, key,
                                    key ? s3_req_param(r, "versionId") : NULL);
}

static int s3_authz_owner_valid(const char *v)
{
    if (strlen(v) != 12)
        return 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
    }
    return 1;
}

static enum s3_error s3_authz_load(struct s3_req *r)
{
    const char *expected = s3_req_header(r, "x-amz-expected-bucket-owner");
    if (expected && !s3_authz_owner_valid(expected)) {
        s3_req_set_message(r,
                           "The value of the expected bucket owner parameter must be an AWS "
                           "Account ID... [%s]",
                           expected);
        return S3E_INVALID_BUCKET_OWNER;
    }
    int rc = meta_bucket_get(r->srv->meta, r->bucket, &r->bucket_info);
    if (rc == ERR_NOTFOUND) {
        s3_req_error_elem(r, "BucketName", r->bucket);
        return S3E_NO_SUCH_BUCKET;
    }
    if (rc)
        return s3_error_from_rc(rc);
    if (expected && strcmp(expected, r->bucket_info.owner_id) != 0)
        return S3E_ACCESS_DENIED;
    return s3_authz_bucket_op(r);
}

enum s3_error s3_req_load_bucket(struct s3_req *r)
{
    if (r->bucket_info.name[0])
        return S3_OK; /* loaded and authorized by the router */
    enum s3_error e = s3_authz_load(r);
    if (e)
        memset(&r->bucket_info, 0, sizeof(r->bucket_info));
    return e;
}

enum s3_error s3_req_authorize(struct s3_req *r)
{
    switch (r->op->resource) {
    case S3_RES_ALL: {
        struct authz_resource all = {NULL, NULL, NULL};
        return s3_authz_decide(r, s3_authz_action(r), &all);
    }
    case S3_RES_NEW_BUCKET: {
        struct authz_resource b = {r->bucket, NULL, NULL};
        return s3_authz_decide(r, s3_authz_action(r), &b);
    }
    default:
        return s3_req_load_bucket(r);
    }
}
