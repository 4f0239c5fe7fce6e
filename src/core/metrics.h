/* metrics.h — the server's counters for `GET /_stocktake/metrics` (Prometheus text 0.0.4).
 *
 * Every counter is a relaxed atomic: the request path adds to it without a lock, and a scrape
 * reads whatever values are there (each one exact, the set not a snapshot). The operation
 * label is an index into the names the S3 layer registers once at start (its operations and a
 * few of its own); statuses are HTTP status codes. */
#ifndef STOCKTAKE_CORE_METRICS_H
#define STOCKTAKE_CORE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define METRICS_OPS_MAX 192

/* The operation names, by index (borrowed for the life of the process; at most
 * METRICS_OPS_MAX). Called once before the server starts. */
void metrics_set_operations(const char *const *names, size_t n);

/* One request ended: its operation, status, body bytes received and sent, and how long it took
 * from its first byte to its end. */
void metrics_http_request(size_t op, int status, uint64_t bytes_in, uint64_t bytes_out,
                          int64_t duration_us);
/* A connection opened (+1) or closed (-1). */
void metrics_connections_add(int delta);
/* An inventory run ended with outcome ("succeeded", "failed", "cancelled") after rows rows. */
void metrics_inventory_run(const char *outcome, int64_t rows, int64_t duration_ms);

/* The counters above in the text exposition format (HELP, TYPE, samples). */
int metrics_render(struct buf *out) WARN_UNUSED;

#endif
