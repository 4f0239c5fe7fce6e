/* metrics.c — lock-free counters (see metrics.h). */
#include "core/metrics.h"

#include <stdatomic.h>
#include <string.h>

#define METRICS_STATUS_MIN 100
#define METRICS_STATUS_N 500 /* 100 … 599 */

static const double metrics_http_bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                             1,     2.5,  5,     10,   30,  60};
#define METRICS_HTTP_BUCKETS (sizeof(metrics_http_bounds) / sizeof(metrics_http_bounds[0]))
static const double metrics_inv_bounds[] = {1, 5, 15, 60, 300, 900, 3600, 14400};
#define METRICS_INV_BUCKETS (sizeof(metrics_inv_bounds) / sizeof(metrics_inv_bounds[0]))

static const char *const metrics_inv_outcomes[] = {"succeeded", "failed", "cancelled"};
#define METRICS_INV_OUTCOMES 3

static const char *const *metrics_op_names;
static size_t metrics_n_ops;

static _Atomic uint64_t metrics_requests[METRICS_OPS_MAX][METRICS_STATUS_N];
/* per operation: requests in each latency bucket (the last one: above every bound) */
static _Atomic uint64_t metrics_latency[METRICS_OPS_MAX][METRICS_HTTP_BUCKETS + 1];
static _Atomic uint64_t metrics_latency_sum_us[METRICS_OPS_MAX];
static _Atomic uint64_t metrics_bytes_in, metrics_bytes_out;
static _Atomic int64_t metrics_connections;
static _Atomic uint64_t metrics_inv_runs[METRICS_INV_OUTCOMES];
static _Atomic uint64_t metrics_inv_rows;
static _Atomic uint64_t metrics_inv_duration[METRICS_INV_BUCKETS + 1];
static _Atomic uint64_t metrics_inv_duration_sum_ms;

void metrics_set_operations(const char *const *names, size_t n)
{
    metrics_op_names = names;
    metrics_n_ops = n < METRICS_OPS_MAX ? n : METRICS_OPS_MAX;
}

static void metrics_add(_Atomic uint64_t *c, uint64_t v)
{
    atomic_fetch_add_explicit(c, v, memory_order_relaxed);
}

static uint64_t metrics_get(_Atomic uint64_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

static size_t metrics_bucket(const double *bounds, size_t n, double v)
{
    size_t i = 0;
    while (i < n && v > bounds[i])
        i++;
    return i;
}

void metrics_http_request(size_t op, int status, uint64_t bytes_in, uint64_t bytes_out,
                          int64_t duration_us)
{
    metrics_add(&metrics_bytes_in, bytes_in);
    metrics_add(&metrics_bytes_out, bytes_out);
    if (op >= metrics_n_ops)
        return;
    if (status >= METRICS_STATUS_MIN && status < METRICS_STATUS_MIN + METRICS_STATUS_N)
        metrics_add(&metrics_requests[op][status - METRICS_STATUS_MIN], 1);
    if (duration_us < 0)
        duration_us = 0;
    size_t b = metrics_bucket(metrics_http_bounds, METRICS_HTTP_BUCKETS, (double)duration_us / 1e6);
    metrics_add(&metrics_latency[op][b], 1);
    metrics_add(&metrics_latency_sum_us[op], (uint64_t)duration_us);
}

void metrics_connections_add(int delta)
{
    atomic_fetch_add_explicit(&metrics_connections, delta, memory_order_relaxed);
}

void metrics_inventory_run(const char *outcome, int64_t rows, int64_t duration_ms)
{
    for (size_t i = 0; i < METRICS_INV_OUTCOMES; i++) {
        if (strcmp(outcome, metrics_inv_outcomes[i]) == 0)
            metrics_add(&metrics_inv_runs[i], 1);
    }
    if (rows > 0)
        metrics_add(&metrics_inv_rows, (uint64_t)rows);
    if (duration_ms < 0)
        duration_ms = 0;
    size_t b = metrics_bucket(metrics_inv_bounds, METRICS_INV_BUCKETS, (double)duration_ms / 1e3);
    metrics_add(&metrics_inv_duration[b], 1);
    metrics_add(&metrics_inv_duration_sum_ms, (uint64_t)duration_ms);
}

static int metrics_header(struct buf *out, const char *name, const char *type, const char *help)
{
    return buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int metrics_render_requests(struct buf *out)
{
    int rc = metrics_header(out, "stocktake_http_requests_total", "counter",
                            "HTTP requests answered, by operation and status.");
    for (size_t op = 0; op < metrics_n_ops && !rc; op++) {
        for (int s = 0; s < METRICS_STATUS_N && !rc; s++) {
            uint64_t v = metrics_get(&metrics_requests[op][s]);
            if (v)
                rc =
                    buf_printf(out,
                               "stocktake_http_requests_total{operation=\"%s\",status=\"%d\"} "
                               "%llu\n",
                               metrics_op_names[op], s + METRICS_STATUS_MIN, (unsigned long long)v);
        }
    }
    return rc;
}

static int metrics_render_latency(struct buf *out)
{
    const char *name = "stocktake_http_request_duration_seconds";
    int rc = metrics_header(out, name, "histogram",
                            "Time from a request's first byte to its end, by operation.");
    for (size_t op = 0; op < metrics_n_ops && !rc; op++) {
        uint64_t counts[METRICS_HTTP_BUCKETS + 1], total = 0;
        for (size_t b = 0; b <= METRICS_HTTP_BUCKETS; b++)
            total += counts[b] = metrics_get(&metrics_latency[op][b]);
        if (!total)
            continue;
        const char *o = metrics_op_names[op];
        uint64_t cum = 0;
        for (size_t b = 0; b < METRICS_HTTP_BUCKETS && !rc; b++) {
            cum += counts[b];
            rc = buf_printf(out, "%s_bucket{operation=\"%s\",le=\"%g\"} %llu\n", name, o,
                            metrics_http_bounds[b], (unsigned long long)cum);
        }
        if (!rc)
            rc = buf_printf(out,
                            "%s_bucket{operation=\"%s\",le=\"+Inf\"} %llu\n"
                            "%s_sum{operation=\"%s\"} %.6f\n%s_count{operation=\"%s\"} %llu\n",
                            name, o, (unsigned long long)total, name, o,
                            (double)metrics_get(&metrics_latency_sum_us[op]) / 1e6, name, o,
                            (unsigned long long)total);
    }
    return rc;
}

static int metrics_render_inventory(struct buf *out)
{
    int rc = metrics_header(out, "stocktake_inventory_runs_total", "counter",
                            "Inventory runs that ended, by outcome.");
    for (size_t i = 0; i < METRICS_INV_OUTCOMES && !rc; i++)
        rc = buf_printf(out, "stocktake_inventory_runs_total{outcome=\"%s\"} %llu\n",
                        metrics_inv_outcomes[i],
                        (unsigned long long)metrics_get(&metrics_inv_runs[i]));
    if (!rc)
        rc = metrics_header(out, "stocktake_inventory_run_failures_total", "counter",
                            "Inventory runs that failed.");
    if (!rc)
        rc = buf_printf(out, "stocktake_inventory_run_failures_total %llu\n",
                        (unsigned long long)metrics_get(&metrics_inv_runs[1]));
    if (!rc)
        rc = metrics_header(out, "stocktake_inventory_rows_total", "counter",
                            "Rows written into inventory reports by runs that ended.");
    if (!rc)
        rc = buf_printf(out, "stocktake_inventory_rows_total %llu\n",
                        (unsigned long long)metrics_get(&metrics_inv_rows));
    const char *name = "stocktake_inventory_run_duration_seconds";
    if (!rc)
        rc = metrics_header(out, name, "histogram", "How long inventory runs took.");
    uint64_t cum = 0;
    for (size_t b = 0; b < METRICS_INV_BUCKETS && !rc; b++) {
        cum += metrics_get(&metrics_inv_duration[b]);
        rc = buf_printf(out, "%s_bucket{le=\"%g\"} %llu\n", name, metrics_inv_bounds[b],
                        (unsigned long long)cum);
    }
    cum += metrics_get(&metrics_inv_duration[METRICS_INV_BUCKETS]);
    if (!rc)
        rc = buf_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.3f\n%s_count %llu\n", name,
                        (unsigned long long)cum, name,
                        (double)metrics_get(&metrics_inv_duration_sum_ms) / 1e3, name,
                        (unsigned long long)cum);
    return rc;
}

int metrics_render(struct buf *out)
{
    int rc = metrics_render_requests(out);
    if (!rc)
        rc = metrics_render_latency(out);
    if (!rc)
        rc = metrics_header(out, "stocktake_http_received_bytes_total", "counter",
                            "Request body bytes received.");
    if (!rc)
        rc = buf_printf(out, "stocktake_http_received_bytes_total %llu\n",
                        (unsigned long long)metrics_get(&metrics_bytes_in));
    if (!rc)
        rc = metrics_header(out, "stocktake_http_sent_bytes_total", "counter",
                            "Response body bytes sent (as the responses declared them).");
    if (!rc)
        rc = buf_printf(out, "stocktake_http_sent_bytes_total %llu\n",
                        (unsigned long long)metrics_get(&metrics_bytes_out));
    if (!rc)
        rc = metrics_header(out, "stocktake_http_open_connections", "gauge",
                            "Client connections open now.");
    if (!rc)
        rc =
            buf_printf(out, "stocktake_http_open_connections %lld\n",
                       (long long)atomic_load_explicit(&metrics_connections, memory_order_relaxed));
    if (!rc)
        rc = metrics_render_inventory(out);
    return rc;
}
