/* policy_actions.c — the S3 actions a bucket policy may name, and the resource each applies to
 * (AWS's "Actions, resources, and condition keys for Amazon S3"). PutBucketPolicy refuses an
 * action that names none of them ("Policy has invalid action") and a statement whose actions
 * apply to none of its resources ("Action does not apply to any resource(s) in statement"). */
#include "authz/policy_int.h"

#include <string.h>

#define B POLICY_KIND_BUCKET
#define O POLICY_KIND_OBJECT
#define A POLICY_KIND_ACCOUNT

static const struct {
    const char *name;
    unsigned kind;
} actions[] = {
    {"s3:AbortMultipartUpload", O},
    {"s3:BypassGovernanceRetention", O},
    {"s3:CreateBucket", B},
    {"s3:DeleteBucket", B},
    {"s3:DeleteBucketOwnershipControls", B},
    {"s3:DeleteBucketPolicy", B},
    {"s3:DeleteBucketWebsite", B},
    {"s3:DeleteObject", O},
    {"s3:DeleteObjectTagging", O},
    {"s3:DeleteObjectVersion", O},
    {"s3:DeleteObjectVersionTagging", O},
    {"s3:GetAccelerateConfiguration", B},
    {"s3:GetAccountPublicAccessBlock", A},
    {"s3:GetAnalyticsConfiguration", B},
    {"s3:GetBucketAcl", B},
    {"s3:GetBucketCORS", B},
    {"s3:GetBucketLocation", B},
    {"s3:GetBucketLogging", B},
    {"s3:GetBucketNotification", B},
    {"s3:GetBucketObjectLockConfiguration", B},
    {"s3:GetBucketOwnershipControls", B},
    {"s3:GetBucketPolicy", B},
    {"s3:GetBucketPolicyStatus", B},
    {"s3:GetBucketPublicAccessBlock", B},
    {"s3:GetBucketRequestPayment", B},
    {"s3:GetBucketTagging", B},
    {"s3:GetBucketVersioning", B},
    {"s3:GetBucketWebsite", B},
    {"s3:GetEncryptionConfiguration", B},
    {"s3:GetIntelligentTieringConfiguration", B},
    {"s3:GetInventoryConfiguration", B},
    {"s3:GetLifecycleConfiguration", B},
    {"s3:GetMetricsConfiguration", B},
    {"s3:GetObject", O},
    {"s3:GetObjectAcl", O},
    {"s3:GetObjectAttributes", O},
    {"s3:GetObjectLegalHold", O},
    {"s3:GetObjectRetention", O},
    {"s3:GetObjectTagging", O},
    {"s3:GetObjectTorrent", O},
    {"s3:GetObjectVersion", O},
    {"s3:GetObjectVersionAcl", O},
    {"s3:GetObjectVersionAttributes", O},
    {"s3:GetObjectVersionForReplication", O},
    {"s3:GetObjectVersionTagging", O},
    {"s3:GetObjectVersionTorrent", O},
    {"s3:GetReplicationConfiguration", B},
    {"s3:ListAllMyBuckets", A},
    {"s3:ListBucket", B},
    {"s3:ListBucketMultipartUploads", B},
    {"s3:ListBucketVersions", B},
    {"s3:ListMultipartUploadParts", O},
    {"s3:ObjectOwnerOverrideToBucketOwner", O},
    {"s3:PutAccelerateConfiguration", B},
    {"s3:PutAccountPublicAccessBlock", A},
    {"s3:PutAnalyticsConfiguration", B},
    {"s3:PutBucketAcl", B},
    {"s3:PutBucketCORS", B},
    {"s3:PutBucketLogging", B},
    {"s3:PutBucketNotification", B},
    {"s3:PutBucketObjectLockConfiguration", B},
    {"s3:PutBucketOwnershipControls", B},
    {"s3:PutBucketPolicy", B},
    {"s3:PutBucketPublicAccessBlock", B},
    {"s3:PutBucketRequestPayment", B},
    {"s3:PutBucketTagging", B},
    {"s3:PutBucketVersioning", B},
    {"s3:PutBucketWebsite", B},
    {"s3:PutEncryptionConfiguration", B},
    {"s3:PutIntelligentTieringConfiguration", B},
    {"s3:PutInventoryConfiguration", B},
    {"s3:PutLifecycleConfiguration", B},
    {"s3:PutMetricsConfiguration", B},
    {"s3:PutObject", O},
    {"s3:PutObjectAcl", O},
    {"s3:PutObjectLegalHold", O},
    {"s3:PutObjectRetention", O},
    {"s3:PutObjectTagging", O},
    {"s3:PutObjectVersionAcl", O},
    {"s3:PutObjectVersionTagging", O},
    {"s3:PutReplicationConfiguration", B},
    {"s3:ReplicateDelete", O},
    {"s3:ReplicateObject", O},
    {"s3:ReplicateTags", O},
    {"s3:RestoreObject", O},
};

unsigned policy_action_kinds(const char *pattern)
{
    unsigned kinds = 0;
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
        if (policy_glob_match(pattern, actions[i].name, 1))
            kinds |= actions[i].kind;
    return kinds;
}
