/* admin_inventory.h — inventory runs as the admin API shows them (docs/ADMIN-API.md): one JSON
 * object per run with its state, counters and, while it runs, its progress (inv_status.h). */
#ifndef STOCKTAKE_ADMIN_INVENTORY_H
#define STOCKTAKE_ADMIN_INVENTORY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "meta/meta.h"

#define ADMIN_STATUS_DEFAULT_LIMIT 20
#define ADMIN_STATUS_MAX_LIMIT 1000

/* {"runId":…, "bucket":…, "id":…, "state":…, …} for r seen at now_ms (a new reference). */
json_t *admin_inventory_run_json(struct meta_store *meta, const struct meta_inventory_run *r,
                                 int64_t now_ms);

/* {"runs":[…]}: the last limit runs of bucket (of configuration id when not NULL), newest
 * first, as compact JSON text (*out malloc'd). */
int admin_inventory_status(struct meta_store *meta, const char *bucket, const char *id,
                           size_t limit, char **out) WARN_UNUSED;

/* The newest run of bucket/id into *out; ERR_NOTFOUND when it has none. */
int admin_inventory_latest(struct meta_store *meta, const char *bucket, const char *id,
                           struct meta_inventory_run *out) WARN_UNUSED;

#endif
