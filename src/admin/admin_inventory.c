/* admin_inventory.c — runs as JSON (see admin_inventory.h). */
#include "admin/admin_inventory.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "inventory/inv_config.h"
#include "inventory/inv_status.h"

static json_t *admin_time(int64_t ms)
{
    if (ms <= 0)
        return json_null();
    char s[40];
    clock_format_iso8601(s, sizeof(s), ms);
    return json_string(s);
}

static json_t *admin_text_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

/* The destination bucket the configuration names now ("" when it is gone). */
static void admin_destination(struct meta_store *meta, const struct meta_inventory_run *r,
                              char *out, size_t size)
{
    out[0] = '\0';
    char *stored = NULL;
    struct inv_config c;
    if (meta_inventory_get(meta, r->bucket, r->config_id, &stored) != 0)
        return;
    int rc = inv_config_parse_stored(&c, stored);
    free(stored);
    if (rc)
        return;
    const char *name = NULL;
    if (!inv_config_destination_error(&c, &name) && name)
        snprintf(out, size, "%s", name);
    inv_config_dispose(&c);
}

json_t *admin_inventory_run_json(struct meta_store *meta, const struct meta_inventory_run *r,
                                 int64_t now_ms)
{
    struct inv_status st;
    inv_status_of(meta, r, now_ms, &st);
    char dest[64];
    admin_destination(meta, r, dest, sizeof(dest));
    int ok = strcmp(st.state, "succeeded") == 0;
    const char *error = r->error;
    if (strcmp(st.state, "interrupted") == 0 && !error[0])
        error = "the run stopped before it completed (the server was killed?)";
    json_t *o = json_object();
    json_object_set_new(o, "runId", json_integer(r->run_id));
    json_object_set_new(o, "bucket", json_string(r->bucket));
    json_object_set_new(o, "id", json_string(r->config_id));
    json_object_set_new(o, "state", json_string(st.state));
    json_object_set_new(o, "startedAt", admin_time(r->started_ms));
    json_object_set_new(o, "finishedAt", admin_time(r->finished_ms));
    json_object_set_new(o, "reportAt", admin_time(r->report_ms));
    json_object_set_new(o, "rows", json_integer(r->rows));
    json_object_set_new(o, "rowsTotal",
                        st.rows_total >= 0 ? json_integer(st.rows_total) : json_null());
    json_object_set_new(o, "rate", json_real(st.rate));
    json_object_set_new(o, "etaSeconds", st.eta_s >= 0 ? json_integer(st.eta_s) : json_null());
    json_object_set_new(o, "files", json_integer(r->files));
    json_object_set_new(o, "bytes", json_integer(r->bytes));
    /* a succeeded change report's note (baseline, journal position) is no error */
    json_object_set_new(o, "error", ok ? json_null() : admin_text_or_null(error));
    json_object_set_new(o, "note", ok ? admin_text_or_null(r->error) : json_null());
    json_object_set_new(o, "manifestKey", admin_text_or_null(ok ? r->manifest_key : NULL));
    json_object_set_new(o, "destinationBucket", json_string(dest));
    return o;
}

struct admin_collect {
    struct meta_inventory_run *runs;
    size_t n, cap;
};

static int admin_collect_run(void *payload, const struct meta_inventory_run *r)
{
    struct admin_collect *c = payload;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->runs = xrealloc(c->runs, c->cap * sizeof(*c->runs));
    }
    c->runs[c->n++] = *r;
    return 0;
}

int admin_inventory_status(struct meta_store *meta, const char *bucket, const char *id,
                           size_t limit, char **out)
{
    struct admin_collect c = {NULL, 0, 0};
    /* collected first: the status of each reads the store again */
    int rc = meta_inventory_run_list(meta, bucket, id, limit, admin_collect_run, &c);
    if (rc) {
        free(c.runs);
        return rc;
    }
    int64_t now = clock_now_ms();
    json_t *runs = json_array();
    for (size_t i = 0; i < c.n; i++)
        json_array_append_new(runs, admin_inventory_run_json(meta, &c.runs[i], now));
    free(c.runs);
    json_t *doc = json_object();
    json_object_set_new(doc, "runs", runs);
    *out = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return *out ? 0 : ERR_NOMEM;
}

int admin_inventory_latest(struct meta_store *meta, const char *bucket, const char *id,
                           struct meta_inventory_run *out)
{
    struct admin_collect c = {NULL, 0, 0};
    int rc = meta_inventory_run_list(meta, bucket, id, 1, admin_collect_run, &c);
    if (!rc && c.n == 0)
        rc = ERR_NOTFOUND;
    if (!rc)
        *out = c.runs[0];
    free(c.runs);
    return rc;
}
