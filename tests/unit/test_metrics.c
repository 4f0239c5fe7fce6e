/* test_metrics.c — the counters of core/metrics.h and their Prometheus text: requests by
 * operation and status, cumulative latency buckets, bytes, connections, inventory runs. */
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "core/str.h"
#include "harness.h"

static char *render(void)
{
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(metrics_render(&out) == 0);
    return buf_detach(&out);
}

TEST(metrics_requests_and_latency_histogram)
{
    static const char *const names[] = {"GetObject", "PutObject"};
    metrics_set_operations(names, 2);
    metrics_http_request(0, 200, 0, 10, 3000);    /* 3 ms: le=0.005 */
    metrics_http_request(0, 200, 0, 10, 200000);  /* 200 ms: le=0.25 */
    metrics_http_request(0, 404, 0, 5, 70000000); /* 70 s: only +Inf */
    metrics_http_request(1, 200, 100, 0, 1000);
    metrics_http_request(7, 200, 1, 1, 1000); /* an unknown operation: bytes only */
    metrics_http_request(0, 999, 0, 0, 1000); /* a status out of range: latency only */
    char *t = render();
    CHECK(strstr(t, "# TYPE stocktake_http_requests_total counter\n") != NULL);
    CHECK(strstr(t, "stocktake_http_requests_total{operation=\"GetObject\",status=\"200\"} 2\n"));
    CHECK(strstr(t, "stocktake_http_requests_total{operation=\"GetObject\",status=\"404\"} 1\n"));
    CHECK(strstr(t, "stocktake_http_requests_total{operation=\"PutObject\",status=\"200\"} 1\n"));
    CHECK(strstr(t, "# TYPE stocktake_http_request_duration_seconds histogram\n"));
    const char *h = "stocktake_http_request_duration_seconds_bucket{operation=\"GetObject\",";
    char want[256];
    snprintf(want, sizeof(want), "%sle=\"0.005\"} 2\n", h); /* 3 ms and the 1 ms one */
    CHECK(strstr(t, want) != NULL);
    snprintf(want, sizeof(want), "%sle=\"0.25\"} 3\n", h);
    CHECK(strstr(t, want) != NULL);
    snprintf(want, sizeof(want), "%sle=\"60\"} 3\n", h);
    CHECK(strstr(t, want) != NULL);
    snprintf(want, sizeof(want), "%sle=\"+Inf\"} 4\n", h);
    CHECK(strstr(t, want) != NULL);
    CHECK(strstr(t, "stocktake_http_request_duration_seconds_count{operation=\"GetObject\"} 4\n"));
    CHECK(strstr(t, "stocktake_http_request_duration_seconds_sum{operation=\"GetObject\"} "
                    "70.204000\n"));
    CHECK(strstr(t, "stocktake_http_received_bytes_total 101\n"));
    CHECK(strstr(t, "stocktake_http_sent_bytes_total 26\n"));
    free(t);
}

TEST(metrics_connections_and_inventory)
{
    metrics_connections_add(1);
    metrics_connections_add(1);
    metrics_connections_add(-1);
    char *before = render();
    CHECK(strstr(before, "stocktake_http_open_connections 1\n"));
    const char *s = strstr(before, "stocktake_inventory_runs_total{outcome=\"failed\"} ");
    CHECK(s != NULL);
    int64_t failed = 0;
    if (s) {
        const char *v = s + strlen("stocktake_inventory_runs_total{outcome=\"failed\"} ");
        char num[32];
        size_t n = strcspn(v, "\n");
        snprintf(num, sizeof(num), "%.*s", (int)(n < 31 ? n : 31), v);
        CHECK(str_parse_i64(num, 0, INT64_MAX, &failed) == 0);
    }
    metrics_connections_add(-1);
    metrics_inventory_run("failed", 0, 100);
    metrics_inventory_run("busy", 0, 0); /* not an outcome of a run: not counted */
    char *t = render();
    CHECK(strstr(t, "stocktake_http_open_connections 0\n"));
    char want[128];
    snprintf(want, sizeof(want), "stocktake_inventory_runs_total{outcome=\"failed\"} %lld\n",
             (long long)(failed + 1));
    CHECK(strstr(t, want) != NULL);
    snprintf(want, sizeof(want), "stocktake_inventory_run_failures_total %lld\n",
             (long long)(failed + 1));
    CHECK(strstr(t, want) != NULL);
    CHECK(strstr(t, "# TYPE stocktake_inventory_run_duration_seconds histogram\n"));
    CHECK(strstr(t, "stocktake_inventory_run_duration_seconds_bucket{le=\"+Inf\"} "));
    free(before);
    free(t);
}
