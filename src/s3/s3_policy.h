/* s3_policy.h — a bucket's policy as stored (META_CONFIG_POLICY: the JSON document exactly as
 * PutBucketPolicy received it) and as the authorization step uses it (parsed, authz/policy.h).
 */
#ifndef STOCKTAKE_S3_POLICY_H
#define STOCKTAKE_S3_POLICY_H

#include "authz/policy.h"
#include "meta/meta.h"

/* The parsed policy of bucket b into *out (caller frees with policy_free), NULL when the bucket
 * has none. A stored document that no longer parses (it was validated when stored) is logged
 * and treated as ERR_INVALID. */
int s3_policy_load(struct meta_store *meta, const struct meta_bucket *b,
                   struct policy **out) WARN_UNUSED;

/* Parse a PutBucketPolicy body for bucket, checking named principals against the accounts of
 * meta. ERR_INVALID / ERR_TOOBIG with AWS's message in err_msg() (policy_parse). */
int s3_policy_parse(struct meta_store *meta, const char *bucket, const char *json, size_t len,
                    struct policy **out) WARN_UNUSED;

#endif
