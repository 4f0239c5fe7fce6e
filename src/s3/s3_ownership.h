/* s3_ownership.h — a bucket's Object Ownership setting (OwnershipControls), as AWS defines it:
 *   BucketOwnerEnforced   ACLs are disabled; the bucket owner owns every object;
 *   BucketOwnerPreferred  an object written with bucket-owner-full-control is the bucket owner's;
 *   ObjectWriter          the account that writes an object owns it.
 * Stored as the rule's name in the bucket's META_CONFIG_OWNERSHIP document. A bucket without
 * the document (one created with `serve --legacy-bucket-defaults`, or after
 * DeleteBucketOwnershipControls) behaves as ObjectWriter, as AWS buckets did before 2023. */
#ifndef STOCKTAKE_S3_OWNERSHIP_H
#define STOCKTAKE_S3_OWNERSHIP_H

#include "core/err.h"
#include "meta/meta.h"

enum s3_ownership {
    S3_OWNERSHIP_BUCKET_OWNER_ENFORCED = 0,
    S3_OWNERSHIP_BUCKET_OWNER_PREFERRED,
    S3_OWNERSHIP_OBJECT_WRITER
};

/* AWS's names; parse answers ERR_INVALID for any other string. */
const char *s3_ownership_name(enum s3_ownership o);
int s3_ownership_parse(const char *s, enum s3_ownership *out) WARN_UNUSED;
/* The bucket's effective setting (ObjectWriter when none is stored). *stored (optional) says
 * whether a document exists. */
/* The same for a bucket as loaded from the metadata (its id and config_gen), cached: what the
 * request path asks. */
int s3_ownership_of(struct meta_store *meta, const struct meta_bucket *b,
                    enum s3_ownership *out) WARN_UNUSED;
int s3_ownership_get(struct meta_store *meta, const char *bucket, enum s3_ownership *out,
                     int *stored) WARN_UNUSED;

#endif
