/* work_lease.h — a background worker that runs once per cluster.
 *
 * Several `stocktake serve` nodes may share one metadata store. The workers whose work must
 * not be done twice at once — lifecycle, replication, event delivery, tiering — each hold a
 * lease named after them ("worker/lifecycle", …) before a pass: the node that holds it works,
 * the others skip their ticks. The lease is an inventory-style run lease (inv_lease.h, with
 * bucket "" so it never names a configuration): it names its holder, a background thread
 * renews it, and another node takes it over when the holder dies (at once on the same host, by
 * its process table; after INV_LEASE_TTL_MS elsewhere). A holder that stalled past the TTL and
 * lost the lease drops it and tries again at its next tick. */
#ifndef STOCKTAKE_CLUSTER_WORK_LEASE_H
#define STOCKTAKE_CLUSTER_WORK_LEASE_H

#include "meta/meta.h"

struct work_lease;

/* A lease for worker `name` (a short word: "lifecycle"), not taken yet. */
struct work_lease *work_lease_new(struct meta_store *meta, const char *name);
/* Called at the start of each pass: 1 when this process holds the lease (taking it when it is
 * free or its holder is gone), 0 when another live node holds it (or the store failed: logged,
 * the pass is skipped). */
int work_lease_hold(struct work_lease *l);
/* Release the lease (when held) and free l. NULL is a no-op. */
void work_lease_free(struct work_lease *l);

#endif
