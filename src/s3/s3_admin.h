/* s3_admin.h — private to src/s3: the admin API and metrics endpoints (s3_admin.c), and the
 * operation names requests are counted and logged under (s3_observe.c). */
#ifndef STOCKTAKE_S3_ADMIN_H
#define STOCKTAKE_S3_ADMIN_H

#include "s3/s3_req.h"

#define S3_RESERVED_PREFIX "_stocktake"

/* Operations that are not S3's, numbered after s3_ops.def's (r->metric_op). */
enum s3_metric_op {
    S3_METRIC_UNKNOWN = S3_OP_COUNT, /* not routed to an operation (a bad request) */
    S3_METRIC_HEALTH,
    S3_METRIC_METRICS,
    S3_METRIC_ADMIN_INVENTORY_RUN,
    S3_METRIC_ADMIN_INVENTORY_STATUS,
    S3_METRIC_ADMIN_INVENTORY_CANCEL,
    S3_METRIC_ADMIN_OTHER,
    S3_METRIC_COUNT
};

/* Does r name /_stocktake/api/… or /_stocktake/metrics? */
int s3_admin_is_api(const struct s3_req *r);
int s3_admin_is_metrics(const struct s3_req *r);
/* Answer them (always with a response set). */
void s3_admin_api(struct s3_req *r);
void s3_admin_metrics(struct s3_req *r);

/* The name of a metric operation (an s3_ops.def operation's, or one of the above). */
const char *s3_metric_op_name(int op);
/* Count r in the metrics and write its access log line (s3_observe.c); at its end. */
void s3_observe_request(struct s3_req *r);

#endif
