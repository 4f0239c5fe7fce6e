/* inv_pipe.h — the inventory scan on a thread of its own (issue 15: reports on both cores).
 *
 *     scan thread: meta_inventory_scan (one snapshot) ─► rows copied into batches
 *                  (INV_PIPE_ROWS rows, strings in the batch's arena)
 *        ─► bounded queue (INV_PIPE_BATCHES batches in all, recycled: flat memory) ─►
 *     calling thread: cb for each row, in scan order (row fill, format, compression)
 *
 * The backend's op and its contract are unchanged: the scan thread makes one ordinary
 * meta_inventory_scan call (one read transaction, so one consistent snapshot); only the
 * consumer moves to another thread. The rows handed to cb are meta_inventory_scan's (the same
 * fields filled), valid during the call. */
#ifndef STOCKTAKE_INVENTORY_PIPE_H
#define STOCKTAKE_INVENTORY_PIPE_H

#include "meta/meta.h"

#define INV_PIPE_ROWS 4096
#define INV_PIPE_ARENA (1024 * 1024) /* a batch's string bytes (more for one huge row) */
#define INV_PIPE_BATCHES 4           /* filling + consumed + two queued */

/* As meta_inventory_scan(s, bucket, prefix, all_versions, cb, payload): cb's non-zero value
 * stops the scan and is returned; a scan error is returned with its message (err_msg) on the
 * calling thread. */
int inv_pipe_scan(struct meta_store *s, const char *bucket, const char *prefix, int all_versions,
                  meta_object_cb *cb, void *payload) WARN_UNUSED;

#endif
