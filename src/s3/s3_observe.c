/* s3_observe.c — what the end of every request adds to the metrics (core/metrics.h) and the
 * access log (core/access_log.h): its operation, status, bytes, duration and, for the log,
 * who asked (the access key id, never the secret or the signature). */
#include <stddef.h>

#include "core/access_log.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "s3/s3_admin.h"
#include "s3/s3_req.h"

void s3_observe_request(struct s3_req *r)
{
    int status = http_req_status(r->http);
    uint64_t in = http_req_bytes_in(r->http), out = http_req_bytes_out(r->http);
    int64_t us = http_req_elapsed_us(r->http);
    metrics_http_request((size_t)r->metric_op, status, in, out, us);
    if (!r->srv->access_log)
        return;
    struct access_log_entry e = {
        .time_ms = clock_now_ms(),
        .remote = http_req_peer(r->http),
        .request_id = r->request_id,
        .operation = s3_metric_op_name(r->metric_op),
        .method = http_req_method(r->http),
        .path = http_req_path(r->http),
        .query = http_req_query(r->http),
        .bucket = r->bucket,
        .key = r->key,
        .status = status,
        .bytes_in = in,
        .bytes_out = out,
        .duration_ms = (double)us / 1000.0,
        .user_agent = s3_req_header(r, "User-Agent"),
        .access_key = r->access_key[0] ? r->access_key : NULL,
    };
    access_log_write(r->srv->access_log, &e);
}
