/* pab.h — S3 Block Public Access: the four settings of a PublicAccessBlockConfiguration.
 *
 * BlockPublicAcls: PUTs that carry a public ACL (bucket or object, canned or grants) are
 * refused with AccessDenied. IgnorePublicAcls: grants to AllUsers / AuthenticatedUsers are
 * ignored when authorizing. BlockPublicPolicy: PutBucketPolicy with a public policy is refused.
 * RestrictPublicBuckets: while the bucket's policy is public, only the bucket owner's account
 * and AWS service principals are allowed by it. */
#ifndef STOCKTAKE_AUTHZ_PAB_H
#define STOCKTAKE_AUTHZ_PAB_H

#include "authz/acl.h"

struct pab {
    int block_public_acls;
    int ignore_public_acls;
    int block_public_policy;
    int restrict_public_buckets;
};

/* Does acl grant perm to principal, with IgnorePublicAcls applied (pab NULL: all settings
 * off)? When it is on, only grants to canonical users count. For the bucket and object ACL
 * rules of authz.c. */
int pab_acl_allows(const struct pab *pab, const struct acl *acl,
                   const struct authz_principal *principal, enum acl_perm perm);

#endif
