/* authz.c — the authorization decision (see authz.h).
 *
 * authz_decide follows AWS's evaluation logic: an explicit Deny in the bucket policy wins
 * (except that the bucket owner keeps Get/Put/DeleteBucketPolicy, as the root user does on
 * AWS); then an Allow from the owner rule, the bucket policy or the ACL rule; else the implicit
 * deny. Block Public Access changes what counts: RestrictPublicBuckets limits a public
 * policy's Allows to the bucket owner's account and service principals, IgnorePublicAcls drops
 * AllUsers / AuthenticatedUsers grants. */
#include "authz/authz.h"

#include "authz/acl.h"
#include "authz/pab.h"
#include "authz/policy.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int authz_str_empty(const char *s)
{
    return !s || !*s;
}

static enum authz_decision authz_deny(const char **reason, const char *why)
{
    if (reason)
        *reason = why;
    return AUTHZ_DENY;
}

/* A service principal owns nothing: only a statement of the bucket's policy lets it in (AWS:
 * the destination policy of inventory reports), the same-account destination included. */
static enum authz_decision authz_owner_service(const struct authz_principal *p,
                                               const struct authz_context *ctx, const char **reason)
{
    if (strcmp(p->service, AUTHZ_SERVICE_S3) != 0 && strcmp(p->service, AUTHZ_SERVICE_LOGGING) != 0)
        return authz_deny(reason, "unknown service principal");
    if (!ctx || !ctx->bucket_policy)
        return authz_deny(reason, "the bucket has no policy");
    return authz_deny(reason, "no statement of the bucket policy allows it");
}

/* Reading an object another account owns (written under ObjectWriter or
 * BucketOwnerPreferred), or its ACL, or changing its ACL: AWS lets neither the bucket's owner
 * nor the bucket's policy reach it; only the object's ACL does. */
static int authz_foreign_object_acl_action(const char *action, const struct authz_resource *res,
                                           const struct authz_context *ctx)
{
    if (!res->key || !ctx || authz_str_empty(ctx->object_owner_id) ||
        authz_str_empty(res->owner_id) || strcmp(ctx->object_owner_id, res->owner_id) == 0)
        return 0;
    return strncmp(action, "s3:GetObject", 12) == 0 || strcmp(action, "s3:PutObjectAcl") == 0 ||
           strcmp(action, "s3:PutObjectVersionAcl") == 0;
}

/* The owner rule: an account owns its buckets and everything in them (but for reading the
 * objects other accounts own in them, authz_foreign_object_acl_action). */
static enum authz_decision authz_owner_rule(const struct authz_principal *p, const char *action,
                                            const struct authz_resource *res,
                                            const struct authz_context *ctx, const char **reason)
{
    switch (p->kind) {
    case AUTHZ_PRINCIPAL_ANONYMOUS:
        return authz_deny(reason, "anonymous access is not granted by any policy");
    case AUTHZ_PRINCIPAL_SERVICE:
        return authz_owner_service(p, ctx, reason);
    case AUTHZ_PRINCIPAL_ACCOUNT:
        break;
    default:
        return authz_deny(reason, "unknown principal");
    }
    if (authz_str_empty(p->account_id))
        return authz_deny(reason, "the principal has no account");
    if (!res->bucket) /* "*": ListAllMyBuckets lists the caller's own buckets */
        return AUTHZ_ALLOW;
    if (strcmp(action, "s3:CreateBucket") == 0 && authz_str_empty(res->owner_id))
        return AUTHZ_ALLOW;
    if (authz_str_empty(res->owner_id) || strcmp(res->owner_id, p->account_id) != 0)
        return authz_deny(reason, "the principal does not own the bucket");
    if (authz_foreign_object_acl_action(action, res, ctx))
        return authz_deny(reason, "the object belongs to another account: its ACL decides");
    return AUTHZ_ALLOW;
}

/* Is the principal the bucket owner's account, or a service principal? (Who a public policy
 * still serves under RestrictPublicBuckets.) */
static int authz_owner_account_or_service(const struct authz_principal *p,
                                          const struct authz_resource *res)
{
    if (p->kind == AUTHZ_PRINCIPAL_SERVICE)
        return 1;
    return p->kind == AUTHZ_PRINCIPAL_ACCOUNT && !authz_str_empty(res->owner_id) &&
           strcmp(p->account_id, res->owner_id) == 0;
}

/* The bucket owner may always read, replace and delete the bucket's policy, whatever it
 * denies (AWS: the root user cannot be locked out of its bucket). */
static int authz_owner_keeps_policy(const struct authz_principal *p,
                                    const struct authz_resource *res, const char *action)
{
    static const char *const actions[] = {"s3:GetBucketPolicy", "s3:PutBucketPolicy",
                                          "s3:DeleteBucketPolicy"};
    if (p->kind != AUTHZ_PRINCIPAL_ACCOUNT || res->key || authz_str_empty(res->owner_id) ||
        strcmp(p->account_id, res->owner_id) != 0)
        return 0;
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
        if (strcmp(action, actions[i]) == 0)
            return 1;
    return 0;
}

/* The bucket policy's answer for this request, RestrictPublicBuckets applied. */
static enum policy_effect authz_policy_rule(const struct authz_principal *p, const char *action,
                                            const struct authz_resource *res,
                                            const struct authz_context *ctx)
{
    if (!ctx || !ctx->bucket_policy || !res->bucket)
        return POLICY_NO_MATCH;
    char arn[1200];
    if (authz_resource_arn(arn, sizeof(arn), res))
        return POLICY_DENIES; /* no such resource can exist (keys stop at 1,024 bytes): fail
                               * closed rather than skip the policy's Deny statements */
    enum policy_effect e = policy_eval(ctx->bucket_policy, p, action, arn, ctx);
    const struct pab *pab = ctx->public_access_block;
    if (e == POLICY_ALLOWS && pab && pab->restrict_public_buckets &&
        ctx->bucket_policy->is_public && !authz_owner_account_or_service(p, res))
        return POLICY_NO_MATCH;
    return e;
}

/* The ACL rule: a bucket-level action the bucket's ACL grants the principal. */
static int authz_acl_rule(const struct authz_principal *p, const char *action,
                          const struct authz_resource *res, const struct authz_context *ctx)
{
    static const struct {
        const char *action;
        enum acl_perm perm;
    } bucket_actions[] = {{"s3:ListBucket", ACL_PERM_READ},
                          {"s3:ListBucketVersions", ACL_PERM_READ},
                          {"s3:ListBucketMultipartUploads", ACL_PERM_READ},
                          {"s3:GetBucketAcl", ACL_PERM_READ_ACP},
                          {"s3:PutBucketAcl", ACL_PERM_WRITE_ACP}};
    if (!ctx || !ctx->bucket_acl || !res->bucket || res->key || p->kind == AUTHZ_PRINCIPAL_SERVICE)
        return 0;
    for (size_t i = 0; i < sizeof(bucket_actions) / sizeof(bucket_actions[0]); i++)
        if (strcmp(action, bucket_actions[i].action) == 0)
            return pab_acl_allows(ctx->public_access_block, ctx->bucket_acl, p,
                                  bucket_actions[i].perm);
    return 0;
}

/* The object ACL rule: an object-level action the object's ACL grants (READ: reading the
 * object; READ_ACP / WRITE_ACP: its ACL), or that the bucket's ACL grants with WRITE (AWS:
 * WRITE on a bucket lets the grantee create, overwrite and delete any object in it). The
 * object's owner may always read and write its ACL, as AWS lets a resource owner. */
static int authz_object_acl_rule(const struct authz_principal *p, const char *action,
                                 const struct authz_resource *res, const struct authz_context *ctx)
{
    static const struct {
        const char *action;
        enum acl_perm perm;
        int bucket_write; /* granted by the bucket's WRITE, not the object's ACL */
    } object_actions[] = {{"s3:GetObject", ACL_PERM_READ, 0},
                          {"s3:GetObjectVersion", ACL_PERM_READ, 0},
                          {"s3:GetObjectAttributes", ACL_PERM_READ, 0},
                          {"s3:GetObjectVersionAttributes", ACL_PERM_READ, 0},
                          {"s3:GetObjectAcl", ACL_PERM_READ_ACP, 0},
                          {"s3:GetObjectVersionAcl", ACL_PERM_READ_ACP, 0},
                          {"s3:PutObjectAcl", ACL_PERM_WRITE_ACP, 0},
                          {"s3:PutObjectVersionAcl", ACL_PERM_WRITE_ACP, 0},
                          {"s3:PutObject", ACL_PERM_WRITE, 1},
                          {"s3:DeleteObject", ACL_PERM_WRITE, 1},
                          {"s3:DeleteObjectVersion", ACL_PERM_WRITE, 1},
                          {"s3:AbortMultipartUpload", ACL_PERM_WRITE, 1},
                          {"s3:ListMultipartUploadParts", ACL_PERM_WRITE, 1}};
    if (!ctx || !res->bucket || !res->key || p->kind == AUTHZ_PRINCIPAL_SERVICE)
        return 0;
    for (size_t i = 0; i < sizeof(object_actions) / sizeof(object_actions[0]); i++) {
        if (strcmp(action, object_actions[i].action) != 0)
            continue;
        enum acl_perm perm = object_actions[i].perm;
        /* IgnorePublicAcls drops AllUsers / AuthenticatedUsers grants here too: the object's
         * ACL and the bucket's WRITE, not only the bucket-level actions */
        if (object_actions[i].bucket_write)
            return ctx->bucket_acl &&
                   pab_acl_allows(ctx->public_access_block, ctx->bucket_acl, p, perm);
        if ((perm == ACL_PERM_READ_ACP || perm == ACL_PERM_WRITE_ACP) &&
            p->kind == AUTHZ_PRINCIPAL_ACCOUNT && !authz_str_empty(ctx->object_owner_id) &&
            strcmp(ctx->object_owner_id, p->account_id) == 0)
            return 1;
        return ctx->object_acl &&
               pab_acl_allows(ctx->public_access_block, ctx->object_acl, p, perm);
    }
    return 0;
}

enum authz_decision authz_decide(const struct authz_principal *principal, const char *action,
                                 const struct authz_resource *resource,
                                 const struct authz_context *context, const char **reason)
{
    if (reason)
        *reason = "";
    if (!principal || authz_str_empty(action) || !resource)
        return authz_deny(reason, "incomplete request");
    enum policy_effect pe = authz_policy_rule(principal, action, resource, context);
    if (pe == POLICY_DENIES && !authz_owner_keeps_policy(principal, resource, action))
        return authz_deny(reason, "explicitly denied by the bucket policy");
    const char *owner_reason = "";
    if (authz_owner_rule(principal, action, resource, context, &owner_reason) == AUTHZ_ALLOW)
        return AUTHZ_ALLOW;
    if (pe == POLICY_ALLOWS && !authz_foreign_object_acl_action(action, resource, context))
        return AUTHZ_ALLOW;
    if (authz_acl_rule(principal, action, resource, context))
        return AUTHZ_ALLOW;
    if (authz_object_acl_rule(principal, action, resource, context))
        return AUTHZ_ALLOW;
    return authz_deny(reason, owner_reason);
}

/* Delivery asks for the canned ACL AWS's delivery writes with (s3:x-amz-acl). */
static const char *authz_delivery_header(void *ctx, const char *name)
{
    (void)ctx;
    return strcasecmp(name, "x-amz-acl") == 0 ? "bucket-owner-full-control" : NULL;
}

enum authz_decision authz_decide_delivery(const char *service, const char *source_bucket,
                                          const char *source_account,
                                          const struct authz_resource *dest,
                                          const struct policy *dest_policy, const char **reason)
{
    struct authz_principal p;
    authz_principal_service(&p, service);
    char source_arn[80];
    struct authz_resource src = {source_bucket, NULL, source_account};
    if (authz_resource_arn(source_arn, sizeof(source_arn), &src))
        return authz_deny(reason, "source bucket name too long");
    struct authz_context ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.source_account = source_account;
    ctx.source_arn = source_arn;
    ctx.header = authz_delivery_header;
    ctx.bucket_policy = dest_policy;
    return authz_decide(&p, "s3:PutObject", dest, &ctx, reason);
}

int authz_resource_arn(char *out, size_t size, const struct authz_resource *resource)
{
    int n;
    if (!resource->bucket)
        n = snprintf(out, size, "*");
    else if (!resource->key)
        n = snprintf(out, size, "arn:aws:s3:::%s", resource->bucket);
    else
        n = snprintf(out, size, "arn:aws:s3:::%s/%s", resource->bucket, resource->key);
    if (n < 0 || (size_t)n >= size) {
        err_set("resource ARN longer than %zu bytes", size);
        return ERR_TOOBIG;
    }
    return 0;
}

void authz_principal_account(struct authz_principal *out, const char *account_id,
                             const char *canonical_id)
{
    memset(out, 0, sizeof(*out));
    out->kind = AUTHZ_PRINCIPAL_ACCOUNT;
    snprintf(out->account_id, sizeof(out->account_id), "%s", account_id ? account_id : "");
    snprintf(out->canonical_id, sizeof(out->canonical_id), "%s", canonical_id ? canonical_id : "");
}

void authz_principal_service(struct authz_principal *out, const char *service)
{
    memset(out, 0, sizeof(*out));
    out->kind = AUTHZ_PRINCIPAL_SERVICE;
    snprintf(out->service, sizeof(out->service), "%s", service);
}

void authz_principal_anonymous(struct authz_principal *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = AUTHZ_PRINCIPAL_ANONYMOUS;
}

const char *authz_auth_type_name(enum authz_auth_type t)
{
    switch (t) {
    case AUTHZ_AUTH_HEADER:
        return "REST-HEADER";
    case AUTHZ_AUTH_QUERY:
        return "REST-QUERY-STRING";
    case AUTHZ_AUTH_POST:
        return "POST";
    default:
        return "";
    }
}
