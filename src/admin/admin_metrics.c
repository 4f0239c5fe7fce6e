/* admin_metrics.c — the metrics page (see admin_metrics.h). A queue the store cannot read
 * now is left out of the page (and logged) rather than shown as 0. */
#include "admin/admin_metrics.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"

static int admin_metric(struct buf *out, const char *name, const char *type, const char *help,
                        double v)
{
    return buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type, name,
                      v);
}

static int admin_metrics_queues(struct meta_store *meta, struct buf *out)
{
    int rc = 0;
    int64_t pending = 0;
    if (meta_notify_pending(meta, &pending) == 0)
        rc = admin_metric(out, "stocktake_notification_queue_depth", "gauge",
                          "Event notifications waiting in the outbox.", (double)pending);
    else
        log_warn("metrics: the notification outbox: %s", err_msg());
    struct meta_repl_stats rs;
    if (!rc && meta_repl_stats(meta, &rs) == 0) {
        int64_t lag = rs.oldest_ms ? clock_now_ms() - rs.oldest_ms : 0;
        rc = admin_metric(out, "stocktake_replication_queue_depth", "gauge",
                          "Replication tasks waiting.", (double)rs.queued);
        if (!rc)
            rc = admin_metric(out, "stocktake_replication_retrying", "gauge",
                              "Replication tasks with at least one failed attempt.",
                              (double)rs.retrying);
        if (!rc)
            rc = admin_metric(out, "stocktake_replication_lag_seconds", "gauge",
                              "Age of the oldest waiting replication task (0: none waits).",
                              lag > 0 ? (double)lag / 1000.0 : 0.0);
        if (!rc)
            rc = admin_metric(out, "stocktake_replication_failed_versions", "gauge",
                              "Source versions whose replication FAILED.", (double)rs.failed);
        if (!rc)
            rc = admin_metric(out, "stocktake_replication_completed_versions", "gauge",
                              "Source versions whose replication COMPLETED.", (double)rs.completed);
    } else if (!rc) {
        log_warn("metrics: the replication queue: %s", err_msg());
    }
    return rc;
}

struct admin_lc {
    struct buf *out;
    int rc;
    int64_t last_ms;
};

static int admin_lc_stat(void *payload, const struct meta_lifecycle_stat *st)
{
    struct admin_lc *l = payload;
    if (st->last_ms > l->last_ms)
        l->last_ms = st->last_ms;
    l->rc =
        buf_printf(l->out, "stocktake_lifecycle_actions_total{bucket=\"%s\",action=\"%s\"} %lld\n",
                   st->bucket, st->action, (long long)st->count);
    return l->rc;
}

static int admin_metrics_lifecycle(struct meta_store *meta, struct buf *out)
{
    int rc = buf_printf(out, "# HELP stocktake_lifecycle_actions_total Lifecycle actions applied, "
                             "by bucket and action.\n# TYPE stocktake_lifecycle_actions_total "
                             "counter\n");
    struct admin_lc l = {out, 0, 0};
    if (!rc && meta_lifecycle_stat_list(meta, NULL, admin_lc_stat, &l) && !l.rc)
        log_warn("metrics: the lifecycle statistics: %s", err_msg());
    rc = rc ? rc : l.rc;
    if (!rc)
        rc = admin_metric(out, "stocktake_lifecycle_last_action_age_seconds", "gauge",
                          "Seconds since the lifecycle worker last applied an action (-1: never).",
                          l.last_ms ? (double)(clock_now_ms() - l.last_ms) / 1000.0 : -1.0);
    return rc;
}

int admin_metrics_render(struct meta_store *meta, struct buf *out)
{
    int rc = metrics_render(out);
    if (!rc)
        rc = admin_metrics_queues(meta, out);
    if (!rc)
        rc = admin_metrics_lifecycle(meta, out);
    return rc;
}
