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
/* Store acl as the ACL of the request's bucket. */
enum s3_error s3_acl_bucket_store(struct s3_req *r, const struct acl *acl);

#endif
