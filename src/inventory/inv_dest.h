/* inv_dest.h — a configuration's destination bucket, as a report run requires it: the bucket
 * its ARN names exists here and, when the configuration has an AccountId, that account owns
 * it (AWS checks it before exporting). Used by each run (inv_job.c) and by
 * `stocktake inventory put`, which refuses a configuration that could not be delivered. */
#ifndef STOCKTAKE_INVENTORY_DEST_H
#define STOCKTAKE_INVENTORY_DEST_H

#include <stddef.h>

#include "inventory/inv_config.h"
#include "meta/meta.h"

/* Load c's destination into *dest. 0; ERR_INVALID (a bad ARN, an AccountId that does not own
 * the bucket), ERR_NOTFOUND (no such bucket) or the store's error, with why set. */
int inv_dest_load(struct meta_store *meta, const struct inv_config *c, struct meta_bucket *dest,
                  char *why, size_t size) WARN_UNUSED;

#endif
