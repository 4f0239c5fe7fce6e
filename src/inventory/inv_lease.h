/* inv_lease.h — the run lease of an inventory configuration: one run at a time.
 *
 * A run takes the configuration's lease before it records itself and holds it to the end. The
 * lease names its holder — host name, kernel boot id, pid and the pid's start time — and
 * expires INV_LEASE_TTL_MS after its last renewal; a background thread of the holder renews it
 * every quarter of that. A lease is stale, and the next run takes it over, when its holder ran
 * on this host and boot and that process is gone (or its pid now names another process) — a
 * kill -9 is noticed at once — or, for a holder on another host, when it has expired. A holder
 * whose lease was taken over (it stalled past the TTL) sees inv_lease_lost / inv_lease_confirm
 * and stops writing. */
#ifndef STOCKTAKE_INVENTORY_LEASE_H
#define STOCKTAKE_INVENTORY_LEASE_H

#include <stddef.h>
#include <stdint.h>

#include "meta/meta.h"

#define INV_LEASE_TTL_MS 60000

struct inv_lease;

/* Take the lease of bucket/config_id, taking over a stale one. ERR_CONFLICT when a live run
 * holds it; its lease is then copied to *holder (may be NULL). */
int inv_lease_acquire(struct inv_lease **out, struct meta_store *meta, const char *bucket,
                      const char *config_id, struct meta_inventory_lease *holder) WARN_UNUSED;
/* Record the run the lease covers (renews it at once). */
void inv_lease_set_run(struct inv_lease *l, int64_t run_id);
/* Was the lease taken over by another run (as the renewer last saw)? */
int inv_lease_lost(struct inv_lease *l);
/* Renew now: 0 while the lease is ours, ERR_CONFLICT once it was taken over. Called before
 * each object a run writes. */
int inv_lease_confirm(struct inv_lease *l) WARN_UNUSED;
/* Stop renewing, drop the lease and free l. NULL is a no-op. */
void inv_lease_release(struct inv_lease *l);

/* Is lease l, seen at now_ms, no longer held by a live run? */
int inv_lease_stale(const struct meta_inventory_lease *l, int64_t now_ms);
/* "run 12, pid 345 on host h, renewed until 2026-…Z" into out. */
void inv_lease_describe(const struct meta_inventory_lease *l, char *out, size_t size);

#endif
