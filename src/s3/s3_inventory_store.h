/* s3_inventory_store.h — PutBucketInventoryConfiguration's validation and store, and
 * GetBucketInventoryConfiguration's document, without a request: one code path for the S3
 * API (s3_op_inventory.c) and `stocktake inventory put/get` (cli/cmd_inventory_config.c).
 *
 * The caller has loaded the source bucket and decided who may change it (the API: the bucket's
 * owner or a policy; the CLI: the operator). */
#ifndef STOCKTAKE_S3_INVENTORY_STORE_H
#define STOCKTAKE_S3_INVENTORY_STORE_H

#include <stddef.h>

#include "core/buf.h"
#include "meta/meta.h"
#include "s3/s3_error.h"

#define S3_INVENTORY_MAX_CONFIGS 1000

struct s3_inventory_put_error {
    char message[256];         /* "" → the error table's message */
    const char *argument_name; /* InvalidArgument's ArgumentName, else NULL */
};

/* Validate the InventoryConfiguration document xml for ?id=id of bucket in AWS's order (body,
 * Id match, destination ARN, report key lengths, the 1,000 limit) and store it. id NULL is a
 * request without ?id (MalformedXML). S3_OK, or the error with err's details filled. */
enum s3_error s3_inventory_put(struct meta_store *meta, const char *bucket, const char *id,
                               const char *xml, size_t len, struct s3_inventory_put_error *err);

/* The GetBucketInventoryConfiguration body of a stored configuration. */
int s3_inventory_document(const char *stored, struct buf *out) WARN_UNUSED;

#endif
