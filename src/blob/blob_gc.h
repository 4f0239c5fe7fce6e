/* blob_gc.h — what the collector needs from the blob store: the committed blobs older than a
 * time, one at a time. */
#ifndef STOCKTAKE_BLOB_GC_H
#define STOCKTAKE_BLOB_GC_H

#include <stdint.h>

#include "blob/blob.h"

/* Call cb for each committed blob last modified before older_than_ms (wall clock); cb
 * returning non-zero stops the scan and is returned. Blobs may be added or removed meanwhile;
 * each one present throughout is seen once. A backend may also remove, on the way, what an
 * interrupted write or removal left that no blob id names any more (rados: chunks of a blob
 * whose head is gone, heads of writes abandoned for more than a day). */
typedef int blob_scan_cb(void *payload, const char *id);
int blob_scan(struct blob_store *bs, int64_t older_than_ms, blob_scan_cb *cb,
              void *payload) WARN_UNUSED;

#endif
