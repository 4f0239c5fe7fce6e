/* s3_acl.h — a bucket's ACL as stored (META_CONFIG_ACL: the AccessControlPolicy document) or,
 * when none is stored, the default one (the owner has FULL_CONTROL). */
#ifndef STOCKTAKE_S3_ACL_H
#define STOCKTAKE_S3_ACL_H

#include "authz/acl.h"
#include "meta/meta.h"
#include "s3/s3_error.h"

/* The ACL of bucket b into acl. *disabled (optional) is set when the bucket's Object
 * Ownership is BucketOwnerEnforced: ACLs do not affect permissions then, and acl is the
 * default one whatever is stored. */
int s3_acl_bucket_load(struct meta_store *meta, const struct meta_bucket *b, struct acl *acl,
                       int *disabled) WARN_UNUSED;

/* CreateBucket's ACL headers (x-amz-acl, x-amz-grant-*), checked before the bucket is
 * created: *out is the ACL to store once it is (caller frees), NULL when the headers give
 * none or the bucket's ACLs are disabled (enforced: BucketOwnerEnforced, where an ACL that
 * grants anyone but the owner is InvalidBucketAclWithObjectOwnership). */
struct s3_req;
enum s3_error s3_acl_new_bucket(struct s3_req *r, int enforced, struct acl **out);
/* CreateBucket of a bucket the requester already owns, in us-east-1: AWS answers 200 OK and
 * resets the bucket's ACL to what the request's headers give (none: the owner's
 * FULL_CONTROL, nothing stored). Checked as a new bucket's ACL, then Block Public Access. */
enum s3_error s3_acl_bucket_reset(struct s3_req *r, const struct meta_bucket *b);
/* Store acl as the ACL of the request's bucket. */
enum s3_error s3_acl_bucket_store(struct s3_req *r, const struct acl *acl);

/* The ACL a request's headers give (s3_op_acl.c): x-amz-acl (canned; NULL header name reads
 * canned instead: a POST form's acl field) or x-amz-grant-*, for an ACL owned by owner;
 * bucket_owner_id is the canonical id bucket-owner-* canned ACLs name (NULL for a bucket).
 * *given says whether the request gave any. InvalidArgument, InvalidRequest (both kinds). */
enum s3_error s3_acl_from_request(struct s3_req *r, struct acl *acl,
                                  const struct meta_account *owner, const char *bucket_owner_id,
                                  int form, const char *form_acl, int *given);
/* The ACL of an AccessControlPolicy body: MissingRequestBody, MalformedACLError; its Owner
 * must be owner (else AccessDenied). */
enum s3_error s3_acl_from_body(struct s3_req *r, struct acl *acl, const struct meta_account *owner);
/* Every grantee must be an account of this server (InvalidArgument; e-mail grantees:
 * UnresolvableGrantByEmailAddress); fills in display names. */
enum s3_error s3_acl_resolve(struct s3_req *r, struct acl *acl);

/* ---- object ACLs (s3_acl_object.c) ---- */

/* Does acl grant FULL_CONTROL to the bucket's owner (its canonical id) and nothing else?
 * With ACLs disabled (BucketOwnerEnforced) that, or bucket-owner-full-control, is all AWS still
 * accepts; the ACL a request asks for is read as the requester's ("private" from another
 * account grants that account, and is refused). */
int s3_acl_bucket_owner_only(const struct acl *acl, const char *bucket_owner_id);

/* Who owns an object a request writes, and its ACL (meta_object.acl): from the
 * request's ACL (x-amz-acl / x-amz-grant-*, or a POST form's acl field when form is set) and
 * the bucket's Object Ownership, as AWS:
 *   BucketOwnerEnforced: the bucket owner owns it; an ACL granting more than the owner's
 *     FULL_CONTROL (anything but private / bucket-owner-full-control) is
 *     AccessControlListNotSupported;
 *   BucketOwnerPreferred: the bucket owner owns what is written with
 *     bucket-owner-full-control, the writer the rest;
 *   ObjectWriter: the writer owns it.
 * An anonymous writer's objects are the bucket owner's. out->acl is NULL for the default ACL
 * (caller frees). */
struct s3_object_grant {
    char owner_id[13];
    char *acl;
};
enum s3_error s3_acl_object_for_write(struct s3_req *r, int form, const char *form_acl,
                                      struct s3_object_grant *out);

/* The ACL of stored version o of a bucket whose ACLs are enabled or not (disabled: the
 * bucket owner's FULL_CONTROL, as AWS shows with BucketOwnerEnforced): owner and grants. */
int s3_acl_object_load(struct meta_store *meta, const struct meta_bucket *b,
                       const struct meta_object *o, int disabled, struct acl *acl) WARN_UNUSED;
/* The stored form of acl: NULL for its owner's default ACL, else the acl_json document
 * (caller frees). */
int s3_acl_object_encode(const struct acl *acl, char **out) WARN_UNUSED;
/* Fill in grantees' display names from the accounts (those not found stay empty). */
void s3_acl_names_fill(struct meta_store *meta, struct acl *acl);

#endif
