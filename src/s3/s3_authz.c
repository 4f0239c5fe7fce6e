/* s3_authz.c — the authorization step of an S3 request, between routing and the operation.
 *
 * The router names the operation; its row in s3_ops.def names the IAM action (the versioned
 * one when the request gives a versionId) and the resource kind. This file turns the request
 * into authz_decide's principal, resource and context, and a denial into AccessDenied. A
 * bucket the request names is loaded first: a missing bucket is NoSuchBucket for everyone,
 * signed or anonymous, as AWS answers; an existing one of another account is AccessDenied.
 * Operations that touch a second resource (the source of a copy) decide it here too, through
 * s3_req_authorize_on. The bucket's policy and Block Public Access settings are loaded for
 * every decision on a bucket or an object in it (s3_authz_state_load), with the tag sets its
 * conditions may read: the object's tags when the policy names s3:ExistingObjectTag/<key>,
 * and the tags the request sets (x-amz-tagging, or a body's: r->authz_request_tags). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authz/authz.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "s3/s3_acl.h"
#include "s3/s3_ownership.h"
#include "s3/s3_pab.h"
#include "s3/s3_post_auth.h"
#include "s3/s3_policy.h"
#include "s3/s3_req.h"
#include "s3/s3_tagging.h"

/* A request header for the condition keys: for a POST upload, the x-amz-* values are the
 * form's fields (AWS: the form carries the object's headers; its acl field is x-amz-acl). */
static const char *s3_authz_header(void *ctx, const char *name)
{
    const struct s3_req *r = ctx;
    if (r->authz_form && strncasecmp(name, "x-amz-", 6) == 0)
        return s3_post_field(r->authz_form, r->authz_form_n,
                             strcasecmp(name, "x-amz-acl") == 0 ? "acl" : name);
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
    out->secure_transport = r->secure;
    out->source_ip = http_req_peer(r->http);
    if (!r->anonymous) {
        out->signature_version = r->auth_sigv2 ? "AWS" : "AWS4-HMAC-SHA256";
        out->auth_type = r->auth_type;
    }
    out->version_id = s3_req_param(r, "versionId");
    out->header = s3_authz_header;
    out->header_ctx = r;
}

static const char *s3_authz_param(void *ctx, const char *name)
{
    return s3_req_param(ctx, name);
}

/* The context keys policy conditions read from the request: s3:prefix, s3:delimiter and
 * s3:max-keys from the query, aws:UserAgent, aws:Referer, aws:CurrentTime / aws:EpochTime. */
static void s3_authz_context_request(struct s3_req *r, struct authz_context *out)
{
    out->param = s3_authz_param;
    out->param_ctx = r;
    out->user_agent = s3_req_header(r, "User-Agent");
    out->referer = s3_req_header(r, "Referer");
    out->now = clock_now_ms() / 1000;
}

/* What the decision on one bucket needs beyond the request: the bucket's policy, its Block
 * Public Access settings and, for anyone but the bucket's owner, its ACL (NULL when its ACLs
 * are disabled) and, for an object action the object's ACL decides, the object's ACL and
 * owner. */
struct s3_authz_state {
    const struct policy *policy;
    struct s3_policy_ref *policy_ref;
    struct pab pab;
    int have_pab;
    struct acl *acl;
    struct acl *object_acl;
    char object_owner[13];
    int object_missing;           /* no such version, or a delete marker */
    struct s3_tags existing_tags; /* the object's, loaded when the policy reads them */
    struct s3_tags request_tags;  /* those the request sets */
    const char *version;          /* the version decided on (s3:VersionId), or NULL */
};

static int s3_authz_tag(void *ctx, enum authz_tag_set set, size_t i, const char **key,
                        const char **value)
{
    const struct s3_authz_state *st = ctx;
    const struct s3_tags *t = set == AUTHZ_TAGS_EXISTING ? &st->existing_tags : &st->request_tags;
    if (i >= t->n)
        return -1;
    *key = t->v[i].key;
    *value = t->v[i].value;
    return 0;
}

static enum s3_error s3_authz_decide_state(struct s3_req *r, const char *action,
                                           const struct authz_resource *res,
                                           const struct s3_authz_state *st)
{
    struct authz_principal p;
    struct authz_context ctx;
    s3_authz_principal(r, &p);
    s3_authz_context(r, &ctx);
    s3_authz_context_request(r, &ctx);
    if (st) {
        ctx.bucket_acl = st->acl;
        ctx.object_acl = st->object_acl;
        ctx.object_owner_id = st->object_owner[0] ? st->object_owner : NULL;
        ctx.bucket_policy = st->policy;
        ctx.public_access_block = st->have_pab ? &st->pab : NULL;
        ctx.tag = s3_authz_tag;
        ctx.tag_ctx = (void *)st;
        if (st->version)
            ctx.version_id = st->version; /* a DeleteObjects key's or a copy source's */
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
    return s3_authz_decide_state(r, action, res, NULL);
}

static void s3_authz_state_dispose(struct s3_authz_state *st)
{
    s3_policy_release(st->policy_ref);
    free(st->acl);
    free(st->object_acl);
    s3_tags_dispose(&st->existing_tags);
    s3_tags_dispose(&st->request_tags);
}

/* The tag sets the bucket policy's conditions may read, for an action on one object. Tags
 * that do not parse are none: the operation refuses a bad x-amz-tagging itself. */
static int s3_authz_tags_load(struct s3_req *r, const struct meta_bucket *b, const char *key,
                              const char *version, struct s3_authz_state *st)
{
    const char *req =
        r->authz_request_tags ? r->authz_request_tags : s3_req_header(r, "x-amz-tagging");
    if (req && s3_tags_parse_query(&st->request_tags, req, strlen(req)))
        memset(&st->request_tags, 0, sizeof(st->request_tags));
    if (!st->policy->reads_existing_tags)
        return 0;
    struct meta_object o;
    int rc = meta_object_get(r->srv->meta, b->name, key, version, &o);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (!rc && !o.is_delete_marker && o.tags &&
        s3_tags_parse_query(&st->existing_tags, o.tags, strlen(o.tags)))
        memset(&st->existing_tags, 0, sizeof(st->existing_tags));
    meta_object_dispose(&o);
    return rc;
}

/* The object's ACL and owner, when the version exists (a missing one, or a delete marker,
 * has none: only the bucket's grants apply). */
static int s3_authz_object_acl(struct s3_req *r, const struct meta_bucket *b, const char *key,
                               const char *version, struct s3_authz_state *st)
{
    struct meta_object o;
    int rc = meta_object_get(r->srv->meta, b->name, key, version, &o);
    st->object_missing = rc == ERR_NOTFOUND || (!rc && o.is_delete_marker);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    if (!o.is_delete_marker) {
        st->object_acl = xcalloc(1, sizeof(*st->object_acl));
        memcpy(st->object_owner, o.owner_id, sizeof(st->object_owner));
        rc = s3_acl_object_load(r->srv->meta, b, &o, 0, st->object_acl);
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

/* The bucket's ACL (and the object's) for anyone but the bucket's owner. */
static int s3_authz_acls_load(struct s3_req *r, const struct meta_bucket *b, const char *key,
                              const char *action, const char *version, struct s3_authz_state *st)
{
    int disabled = 0;
    st->acl = xcalloc(1, sizeof(*st->acl));
    int rc = s3_acl_bucket_load(r->srv->meta, b, st->acl, &disabled);
    if (!rc && disabled) { /* BucketOwnerEnforced: ACLs grant nothing */
        free(st->acl);
        st->acl = NULL;
        return 0;
    }
    if (!rc && key && strcmp(key, "*") != 0 && s3_authz_object_acl_applies(action))
        rc = s3_authz_object_acl(r, b, key, version, st);
    return rc;
}

/* The bucket's owner reading an object (or its ACL) that another account owns, ACLs enabled:
 * AWS lets the object's ACL decide (bucket-owner-read / -full-control grant it), so the
 * object's owner and ACL are loaded. Nothing is read under BucketOwnerEnforced (the cached
 * setting says so); else the object, and its ACL only when it is not the bucket owner's. */
static int s3_authz_owner_object_load(struct s3_req *r, const struct meta_bucket *b,
                                      const char *key, const char *action, const char *version,
                                      struct s3_authz_state *st)
{
    if (!key || strcmp(key, "*") == 0 || !s3_authz_object_acl_applies(action))
        return 0;
    /* BucketOwnerEnforced (AWS's default): the bucket owner owns every object, nothing to read */
    enum s3_ownership own;
    int rc = s3_ownership_of(r->srv->meta, b, &own);
    if (rc || own == S3_OWNERSHIP_BUCKET_OWNER_ENFORCED)
        return rc;
    struct meta_object o;
    rc = meta_object_get(r->srv->meta, b->name, key, version, &o);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    int foreign = !o.is_delete_marker && strcmp(o.owner_id, b->owner_id) != 0;
    if (foreign) {
        st->object_acl = xcalloc(1, sizeof(*st->object_acl));
        memcpy(st->object_owner, o.owner_id, sizeof(st->object_owner));
        rc = s3_acl_object_load(r->srv->meta, b, &o, 0, st->object_acl);
    }
    meta_object_dispose(&o);
    return rc;
}

/* Load what deciding action on bucket b needs: its policy always (it may deny even the owner),
 * the ACLs for anyone but the owner, Block Public Access when an ACL or a public policy could
 * make the bucket public. */
static enum s3_error s3_authz_state_load(struct s3_req *r, const struct meta_bucket *b,
                                         const char *key, const char *action, const char *version,
                                         struct s3_authz_state *st)
{
    memset(st, 0, sizeof(*st));
    st->version = version;
    int rc = s3_policy_load(r->srv->meta, b, &st->policy, &st->policy_ref);
    int owner = !r->anonymous && strcmp(r->account.id, b->owner_id) == 0;
    if (!rc && !owner)
        rc = s3_authz_acls_load(r, b, key, action, version, st);
    else if (!rc)
        rc = s3_authz_owner_object_load(r, b, key, action, version, st);
    if (!rc && st->policy && key && strcmp(key, "*") != 0)
        rc = s3_authz_tags_load(r, b, key, version, st);
    if (!rc && (st->acl || st->object_acl || (st->policy && st->policy->is_public))) {
        rc = s3_pab_load(r->srv->meta, b->name, &st->pab, NULL);
        st->have_pab = 1;
    }
    if (rc) {
        log_warn("request %s: the access settings of %s/%s: %s", r->request_id, b->name,
                 key ? key : "", err_msg());
        return S3E_INTERNAL_ERROR;
    }
    return S3_OK;
}

/* AWS on a read of an object that does not exist: 404 for a caller that may list the bucket
 * (s3:ListBucket), else 403 — so the operation runs on and answers NoSuchKey / NoSuchVersion. */
static int s3_authz_may_learn_missing(struct s3_req *r, const char *action,
                                      const struct meta_bucket *b, const struct s3_authz_state *st)
{
    if (!st->object_missing || strncmp(action, "s3:GetObject", 12) != 0)
        return 0;
    struct authz_resource bucket = {b->name, NULL, b->owner_id};
    return s3_authz_decide_state(r, "s3:ListBucket", &bucket, st) == S3_OK;
}

/* Every action on a bucket or an object in it is decided with the bucket's policy, and for
 * anyone but the bucket's owner with the bucket's ACL and the object's (unless the bucket's
 * ACLs are disabled). */
enum s3_error s3_req_authorize_version(struct s3_req *r, const char *action,
                                       const struct meta_bucket *b, const char *key,
                                       const char *version)
{
    struct authz_resource res = {b->name, key, b->owner_id};
    struct s3_authz_state st;
    enum s3_error e = s3_authz_state_load(r, b, key, action, version, &st);
    if (!e)
        e = s3_authz_decide_state(r, action, &res, &st);
    if (e == S3E_ACCESS_DENIED && s3_authz_may_learn_missing(r, action, b, &st)) {
        r->authz_missing_only = 1; /* written since: still not the caller's to read */
        e = S3_OK;
    }
    s3_authz_state_dispose(&st);
    return e;
}

enum s3_error s3_req_authorize_on(struct s3_req *r, const char *action, const struct meta_bucket *b,
                                  const char *key)
{
    return s3_req_authorize_version(r, action, b, key, NULL);
}

enum s3_error s3_req_missing_key(struct s3_req *r, const char *bucket)
{
    struct meta_bucket b;
    if (strcmp(bucket, r->bucket) == 0 && r->bucket_info.name[0])
        b = r->bucket_info;
    else if (meta_bucket_get(r->srv->meta, bucket, &b))
        return S3E_ACCESS_DENIED;
    return s3_req_authorize_on(r, "s3:ListBucket", &b, NULL) == S3_OK ? S3E_NO_SUCH_KEY
                                                                      : S3E_ACCESS_DENIED;
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
    if (r->op->resource == S3_RES_OBJECTS)
        return S3_OK; /* DeleteObjects: each key is decided by the operation, as on AWS (a
                       * grant on a prefix deletes under it, not a "*" of the bucket) */
    if (r->op->resource == S3_RES_OBJECT || r->op->resource == S3_RES_OBJECT_BODY)
        key = r->key;
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
    case S3_RES_NONE:
        return S3_OK; /* the CORS preflight: answered for anyone (s3_op_cors.c) */
    default:
        return s3_req_load_bucket(r);
    }
}
