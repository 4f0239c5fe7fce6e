/* obj_deliver.h — an object S3 itself writes into a bucket (inventory reports, server access
 * logs), as AWS's deliveries do: the version belongs to the destination bucket's owner
 * (bucket-owner-full-control), STANDARD, a new version id when the bucket is versioned (else
 * "null"), committed through the object layer's commit into the bucket the caller resolved
 * (same bucket id). Whether the service may write it at all is the caller's decision
 * (inventory/inv_grant.h) and must come first. */
#ifndef STOCKTAKE_OBJECT_OBJ_DELIVER_H
#define STOCKTAKE_OBJECT_OBJ_DELIVER_H

#include <stdint.h>

#include "core/checksum.h"
#include "meta/meta.h"
#include "object/object.h"

struct obj_delivery {
    const char *key;
    const char *version_id; /* from obj_deliver_version_id (NULL: chosen here) */
    const char *blob_id;    /* the written blob; consumed: committed, or removed on failure */
    uint64_t size;
    const char *md5_hex;              /* the ETag, without quotes */
    enum checksum_algo checksum_algo; /* CHECKSUM_NONE: none */
    const char *checksum;             /* base64, or NULL */
    const char *sse;                  /* the blob's encryption record, or NULL */
    const char *content_type;
};

/* The version id a delivery into dest gets: a new one when dest is versioned, else "null"
 * (out: 64 bytes). */
void obj_deliver_version_id(const struct meta_bucket *dest, char *out, size_t size);

/* Commit d as key's newest version in dest. 0 or the commit's ERR_* (err_msg() says why). */
int obj_deliver_put(struct meta_store *meta, struct blob_store *bs, const struct meta_bucket *dest,
                    const struct obj_delivery *d) WARN_UNUSED;

#endif
