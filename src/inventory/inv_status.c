/* inv_status.c — a recorded run's state and progress (see inv_status.h). */
#include "inventory/inv_status.h"

#include <stdlib.h>
#include <string.h>

#include "inventory/inv_config.h"
#include "inventory/inv_lease.h"

static const char *inv_status_state(struct meta_store *meta, const struct meta_inventory_run *r,
                                    int64_t now_ms)
{
    if (strcmp(r->outcome, "running") != 0 && strcmp(r->outcome, "cancelling") != 0)
        return r->outcome;
    struct meta_inventory_lease l;
    if (meta_inventory_lease_get(meta, r->bucket, r->config_id, &l) != 0 || l.run_id != r->run_id ||
        inv_lease_stale(&l, now_ms))
        return "interrupted";
    return r->outcome;
}

static int inv_status_count_row(void *payload, const struct meta_object *o)
{
    (void)o;
    ++*(int64_t *)payload;
    return 0;
}

/* The versions the run's scan covers now, or -1. */
static int64_t inv_status_total(struct meta_store *meta, const struct meta_inventory_run *r)
{
    char *stored = NULL;
    struct inv_config c;
    if (meta_inventory_get(meta, r->bucket, r->config_id, &stored) != 0)
        return -1;
    int rc = inv_config_parse_stored(&c, stored);
    free(stored);
    if (rc)
        return -1;
    int64_t total = 0;
    rc = meta_inventory_scan(meta, r->bucket, c.filter_prefix ? c.filter_prefix : "",
                             strcmp(c.included_versions, "All") == 0, inv_status_count_row, &total);
    inv_config_dispose(&c);
    return rc ? -1 : total;
}

void inv_status_of(struct meta_store *meta, const struct meta_inventory_run *r, int64_t now_ms,
                   struct inv_status *out)
{
    memset(out, 0, sizeof(*out));
    out->state = inv_status_state(meta, r, now_ms);
    out->live = strcmp(out->state, "running") == 0 || strcmp(out->state, "cancelling") == 0;
    out->rows_total = -1;
    out->eta_s = -1;
    int64_t end = r->finished_ms ? r->finished_ms : now_ms;
    int64_t elapsed = end - r->started_ms;
    if (r->rows > 0 && elapsed > 0)
        out->rate = (double)r->rows * 1000.0 / (double)elapsed;
    if (!out->live)
        return;
    out->rows_total = inv_status_total(meta, r);
    if (out->rows_total >= 0 && r->rows > 0 && elapsed > 0) {
        int64_t left = out->rows_total > r->rows ? out->rows_total - r->rows : 0;
        out->eta_s = (int64_t)((double)left * (double)elapsed / (double)r->rows / 1000.0 + 0.999);
    }
}
