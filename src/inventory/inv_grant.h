/* inv_grant.h — may S3 deliver this run's report into its destination bucket?
 *
 * As on AWS, the report writer is the service principal s3.amazonaws.com, with aws:SourceArn
 * = arn:aws:s3:::SOURCE, aws:SourceAccount = the source bucket owner's account and the canned
 * ACL bucket-owner-full-control (s3:x-amz-acl); the destination bucket's policy decides, through
 * the one authorization step (authz_decide_delivery), for a destination of the same account
 * too. The policy is loaded once per run and every report object's key is decided before it is
 * written: a run that may not write all of them fails, and a failed run leaves nothing. */
#ifndef STOCKTAKE_INVENTORY_INV_GRANT_H
#define STOCKTAKE_INVENTORY_INV_GRANT_H

#include <stddef.h>

#include "core/err.h"
#include "meta/meta.h"

struct policy;

struct inv_grant {
    const char *service;     /* the delivering principal: AUTHZ_SERVICE_S3 (inventory) */
    char source[64];         /* the source bucket */
    char source_account[13]; /* its owner: aws:SourceAccount */
    char dest[64];           /* the destination bucket */
    char dest_owner[13];
    struct policy *policy; /* the destination's policy (owned), NULL when it has none */
};

/* Load the destination's policy. ERR_* on a metadata failure (err_msg() says which). */
int inv_grant_load(struct inv_grant *g, struct meta_store *meta, const struct meta_bucket *source,
                   const struct meta_bucket *dest) WARN_UNUSED;
/* The same for another delivering service principal (AUTHZ_SERVICE_LOGGING: server access
 * logs, src/logging/), which must be a string constant. */
int inv_grant_load_for(struct inv_grant *g, const char *service, struct meta_store *meta,
                       const struct meta_bucket *source,
                       const struct meta_bucket *dest) WARN_UNUSED;

/* May the report object key be written? 0 when allowed; else ERR_DENIED with why (a sentence
 * naming the principal, the action, the object and the context keys; size bytes) filled. */
int inv_grant_check(const struct inv_grant *g, const char *key, char *why, size_t size) WARN_UNUSED;

void inv_grant_dispose(struct inv_grant *g);

#endif
