/* inv_leftovers.h — the objects of inventory runs that did not complete.
 *
 * Every object a run delivers is recorded (meta_inventory_run_object_add) before it is
 * written; a run that succeeds forgets its records. What remains recorded belongs to a run that
 * was killed or failed half-way: data files no manifest.checksum vouches for. The next run of
 * the configuration (holding its lease, so none of those runs is still writing) removes exactly
 * those versions — a recorded version whose blob is no longer the one the run wrote (the key
 * was overwritten since) is left alone — and a failed run removes its own at once. */
#ifndef STOCKTAKE_INVENTORY_LEFTOVERS_H
#define STOCKTAKE_INVENTORY_LEFTOVERS_H

#include "meta/meta.h"

/* Remove the recorded objects of every run of bucket/config_id and forget their records; the
 * removed versions' blobs become dead, for the blob collector (readers keep their grace).
 * Returns the number of objects removed, or a negative ERR_*. */
long inv_leftovers_remove(struct meta_store *meta, const char *bucket, const char *config_id);

#endif
