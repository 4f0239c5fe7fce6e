/* admin_metrics.h — the whole /_stocktake/metrics page: the request and inventory counters
 * (core/metrics.h) and the background queues read from the store at scrape time (notification
 * outbox, replication queue and its lag, lifecycle actions applied). */
#ifndef STOCKTAKE_ADMIN_METRICS_H
#define STOCKTAKE_ADMIN_METRICS_H

#include "core/buf.h"
#include "meta/meta.h"

int admin_metrics_render(struct meta_store *meta, struct buf *out) WARN_UNUSED;

#endif
