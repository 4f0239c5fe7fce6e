/* pab.h — S3 Block Public Access: the four settings of a PublicAccessBlockConfiguration.
 *
 * BlockPublicAcls: PUTs that carry a public ACL (bucket or object, canned or grants) are
 * refused with AccessDenied. IgnorePublicAcls: grants to AllUsers / AuthenticatedUsers are
 * ignored when authorizing. BlockPublicPolicy: PutBucketPolicy with a public policy is refused.
 * RestrictPublicBuckets: while the bucket's policy is public, only the bucket owner's account
 * and AWS service principals are allowed by it. */
#ifndef STOCKTAKE_AUTHZ_PAB_H
#define STOCKTAKE_AUTHZ_PAB_H

struct pab {
    int block_public_acls;
    int ignore_public_acls;
    int block_public_policy;
    int restrict_public_buckets;
};

#endif
