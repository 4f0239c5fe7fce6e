/* s3_policy.h — a bucket's policy as stored (META_CONFIG_POLICY: the JSON document exactly as
 * PutBucketPolicy received it) and as the authorization step uses it (parsed, authz/policy.h).
 *
 * Reading and parsing a policy costs more than the rest of a small GET's authorization, so
 * parsed policies (and "no policy") are cached per bucket id and configuration generation
 * (meta_bucket.config_gen, which every configuration change bumps in its transaction, read
 * with the bucket the request loads anyway): a PutBucketPolicy or DeleteBucketPolicy — by this
 * process or another node sharing the metadata — is seen by the next request that loads the
 * bucket, without reading the document on every request or any invalidation message. */
#ifndef STOCKTAKE_S3_POLICY_H
#define STOCKTAKE_S3_POLICY_H

#include "authz/policy.h"
#include "meta/meta.h"

/* A borrowed parsed policy, valid until s3_policy_release. */
struct s3_policy_ref;

/* The parsed policy of bucket b (as loaded from the metadata, with its config_gen) into *out
 * (NULL when the bucket has none) and the reference that keeps it alive into *ref (release it
 * whatever *out is). A stored document that no longer
 * parses is logged and ERR_INVALID. */
int s3_policy_load(struct meta_store *meta, const struct meta_bucket *b, const struct policy **out,
                   struct s3_policy_ref **ref) WARN_UNUSED;
/* Release what s3_policy_load returned; NULL is a no-op. */
void s3_policy_release(struct s3_policy_ref *ref);

/* Parse a PutBucketPolicy body for bucket, checking named principals against the accounts of
 * meta. ERR_INVALID / ERR_TOOBIG with AWS's message in err_msg() (policy_parse). */
int s3_policy_parse(struct meta_store *meta, const char *bucket, const char *json, size_t len,
                    struct policy **out) WARN_UNUSED;

#endif
