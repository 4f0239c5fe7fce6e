/* authz.h — the one authorization decision: may this principal perform this action on this
 * resource, in this request context?
 *
 * Every S3 request is decided here once, after routing (s3_ops.def names each operation's IAM
 * action and resource kind); copy sources (s3:GetObject on the source object) and inventory
 * delivery (s3:PutObject on the destination, as the service principal s3.amazonaws.com) are
 * decided by the same function. The only policy today is the owner rule:
 *
 *   - an account may do anything to the buckets it owns and the objects in them, may list its
 *     buckets (resource "*") and may create buckets — but reading an object another account
 *     owns (context->object_owner_id), or reading or writing its ACL, is that object's ACL to
 *     grant (AWS, ObjectWriter);
 *   - a service principal (s3.amazonaws.com delivering inventory reports) owns nothing: only a
 *     statement of the bucket policy lets it in, whoever owns the bucket (as AWS);
 *   - then the ACL rule: the bucket's ACL (context->bucket_acl) grants bucket-level actions,
 *     READ: s3:ListBucket, s3:ListBucketVersions, s3:ListBucketMultipartUploads; READ_ACP:
 *     s3:GetBucketAcl; WRITE_ACP: s3:PutBucketAcl (FULL_CONTROL: all of them), to the grantee
 *     (AllUsers: everyone, anonymous included; AuthenticatedUsers: any signed account);
 *   - then the object ACL rule: the object's ACL (context->object_acl) grants READ:
 *     s3:GetObject(Version), s3:GetObject(Version)Attributes; READ_ACP: s3:GetObject(Version)Acl;
 *     WRITE_ACP: s3:PutObject(Version)Acl; the object's owner (context->object_owner_id) may
 *     always read and write its ACL; the bucket's ACL WRITE grants s3:PutObject,
 *     s3:DeleteObject(Version), s3:AbortMultipartUpload, s3:ListMultipartUploadParts on any
 *     object of the bucket;
 *   - everything else is denied.
 *
 * The bucket policy (context->bucket_policy, authz/policy.h) is evaluated on every request,
 * anonymous ones included: its explicit Deny beats every Allow (the bucket owner keeps
 * Get/Put/DeleteBucketPolicy), its Allow grants like the owner rule does — to other accounts,
 * service principals and anonymous callers. Block Public Access (context->public_access_block)
 * applies RestrictPublicBuckets and IgnorePublicAcls here (docs/internals/POLICY.md).
 * Pure functions: no I/O, no allocation, safe from any thread. */
#ifndef STOCKTAKE_AUTHZ_H
#define STOCKTAKE_AUTHZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define AUTHZ_SERVICE_S3 "s3.amazonaws.com"
/* the principal that writes server access logs (src/logging/) */
#define AUTHZ_SERVICE_LOGGING "logging.s3.amazonaws.com"

struct acl;    /* authz/acl.h */
struct policy; /* authz/policy.h: a parsed bucket policy */
struct pab;    /* authz/pab.h: Block Public Access settings */

enum authz_principal_kind {
    AUTHZ_PRINCIPAL_ANONYMOUS = 0, /* an unsigned request */
    AUTHZ_PRINCIPAL_ACCOUNT,       /* a request signed with one of an account's keys */
    AUTHZ_PRINCIPAL_SERVICE        /* the service itself acting for a feature (inventory) */
};

/* Who is asking. Strings are empty when they do not apply (anonymous has no account). */
struct authz_principal {
    enum authz_principal_kind kind;
    char account_id[13];   /* 12-digit account id */
    char canonical_id[65]; /* 64-hex canonical user id (what ACL grants name) */
    char service[64];      /* AUTHZ_PRINCIPAL_SERVICE: "s3.amazonaws.com" */
};

/* s3:authType */
enum authz_auth_type {
    AUTHZ_AUTH_NONE = 0, /* anonymous, or a service principal */
    AUTHZ_AUTH_HEADER,   /* REST-HEADER: Authorization header */
    AUTHZ_AUTH_QUERY,    /* REST-QUERY-STRING: presigned URL */
    AUTHZ_AUTH_POST      /* POST: browser-based upload form */
};

/* What the action is on. bucket NULL: every resource ("*", as ListAllMyBuckets needs);
 * key NULL: the bucket itself (arn:aws:s3:::bucket), else the object (arn:aws:s3:::bucket/key).
 * owner_id: the owning account of the bucket, "" or NULL when the bucket does not exist
 * (CreateBucket). Borrowed strings. */
struct authz_resource {
    const char *bucket;
    const char *key;
    const char *owner_id;
};

/* A request header by name (case-insensitive), or NULL. */
typedef const char *authz_header_fn(void *ctx, const char *name);

/* Tag sets conditions read: the tags of the object the action is on (s3:ExistingObjectTag/<key>)
 * and the tags the request sets (s3:RequestObjectTag/<key>, s3:RequestObjectTagKeys). */
enum authz_tag_set { AUTHZ_TAGS_EXISTING = 0, AUTHZ_TAGS_REQUEST };
/* The i-th tag (from 0, in order) of set into *key and *value (borrowed for the call):
 * 0, or -1 past the last tag (or when the set is unknown). */
typedef int authz_tag_fn(void *ctx, enum authz_tag_set set, size_t i, const char **key,
                         const char **value);

/* The request context conditions are evaluated against. Every member may be NULL / 0 when it
 * does not apply; strings are borrowed for the call. */
struct authz_context {
    const char *source_ip;         /* aws:SourceIp (the peer address) */
    int secure_transport;          /* aws:SecureTransport: over TLS */
    const char *signature_version; /* s3:signatureversion: "AWS4-HMAC-SHA256" */
    enum authz_auth_type auth_type;
    const char *version_id;     /* s3:versionid, when the request names one */
    const char *source_account; /* aws:SourceAccount (service principals) */
    const char *source_arn;     /* aws:SourceArn (service principals) */
    authz_header_fn *header;    /* request headers (s3:x-amz-*, conditions on headers) */
    void *header_ctx;
    /* The ACL of the bucket the action is on (NULL when the bucket's ACLs are disabled,
     * BucketOwnerEnforced, or the caller owns the bucket): see authz_acl_rule, and for its
     * WRITE grant on objects authz_object_acl_rule. */
    const struct acl *bucket_acl;
    /* The ACL of the object an object-level action is on (NULL when the bucket's ACLs are
     * disabled or no existing object applies), and its owner's account id. */
    const struct acl *object_acl;
    const char *object_owner_id;
    /* The policy of the bucket the resource is in (NULL: the bucket has none). */
    const struct policy *bucket_policy;
    /* Block Public Access in force for the bucket (NULL: all four settings off). */
    const struct pab *public_access_block;
    /* Request query parameters by name (s3:prefix, s3:delimiter, s3:max-keys), or NULL. */
    authz_header_fn *param;
    void *param_ctx;
    const char *user_agent; /* aws:UserAgent */
    const char *referer;    /* aws:Referer */
    int64_t now;            /* aws:CurrentTime / aws:EpochTime, Unix seconds (0: unknown) */
    /* The object's and the request's tags (NULL: neither has any). The caller fills the
     * existing object's tags only when the policy reads them (policy->reads_existing_tags). */
    authz_tag_fn *tag;
    void *tag_ctx;
};

enum authz_decision {
    AUTHZ_ALLOW = 0,
    AUTHZ_DENY = 1 /* implicit or explicit: the request is answered AccessDenied */
};

/* Decide. *reason (optional) gets a fixed, human-readable sentence on a denial, for logs and
 * never shown to the client beyond AccessDenied; "" when allowed. action is an IAM action name
 * ("s3:GetObject"). */
enum authz_decision authz_decide(const struct authz_principal *principal, const char *action,
                                 const struct authz_resource *resource,
                                 const struct authz_context *context, const char **reason);

/* Delivery by the service principal service (AUTHZ_SERVICE_S3 for inventory reports,
 * AUTHZ_SERVICE_LOGGING for server access logs): s3:PutObject on dest, with aws:SourceAccount
 * source_account, aws:SourceArn the ARN of source_bucket and s3:x-amz-acl
 * "bucket-owner-full-control" in the context, decided by dest_policy (the destination bucket's
 * policy) as AWS does. dest_policy NULL: the older owner rule (dest owned by source_account)
 * decides instead. */
enum authz_decision authz_decide_delivery(const char *service, const char *source_bucket,
                                          const char *source_account,
                                          const struct authz_resource *dest,
                                          const struct policy *dest_policy, const char **reason);

/* The resource's ARN into out ("*", "arn:aws:s3:::b", "arn:aws:s3:::b/key").
 * ERR_TOOBIG when it does not fit (out is then truncated but terminated). */
int authz_resource_arn(char *out, size_t size, const struct authz_resource *resource) WARN_UNUSED;

/* Principals: an account's, the service principal's, the anonymous one. */
void authz_principal_account(struct authz_principal *out, const char *account_id,
                             const char *canonical_id);
void authz_principal_service(struct authz_principal *out, const char *service);
void authz_principal_anonymous(struct authz_principal *out);

/* The s3:authType condition value ("REST-HEADER", …; "" for AUTHZ_AUTH_NONE). */
const char *authz_auth_type_name(enum authz_auth_type t);

#endif
