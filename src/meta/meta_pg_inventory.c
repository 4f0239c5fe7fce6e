/* meta_pg_inventory.c — inventory configurations, the inventory scan and the run records
 * in the PostgreSQL backend (leases and run objects: meta_pg_lease.c). */
#include "meta/meta_pg_stmt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"
#include "meta/meta_pg_int.h"

/* ---- inventory configurations ---- */

static int pgm_inventory_count(pgx *db, const char *bucket, const char *id, int64_t *total,
                               int *exists)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db,
                       "SELECT count(*), count(*) FILTER (WHERE id=?2) FROM inventory_configs"
                       " WHERE bucket=?1",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, id, -1, PGX_STATIC);
    int rc = pgx_step(stmt);
    if (rc == PGX_ROW) {
        *total = pgx_column_int64(stmt, 0);
        *exists = pgx_column_int(stmt, 1) > 0;
    }
    pgx_finalize(stmt);
    return rc == PGX_ROW ? 0 : meta_pg_fail(db, "count");
}

static int pgm_inventory_put_txn(pgx *db, const char *bucket, const char *id, const char *config,
                                 size_t max_configs)
{
    int64_t total = 0;
    int exists = 0;
    int rc = pgm_inventory_count(db, bucket, id, &total, &exists);
    if (rc)
        return rc;
    if (!exists && (size_t)total >= max_configs) {
        err_set("the bucket has %lld inventory configurations", (long long)total);
        return ERR_TOOBIG;
    }
    pgx_stmt *stmt;
    /* changes: an enabled Changes configuration (as inv_config_render writes them), whose
     * bucket is journaled; a disabled one never runs, so it would never prune the journal */
    if (pgx_prepare_v2(db,
                       "INSERT INTO inventory_configs(bucket, id, config, updated_ms, changes)"
                       " VALUES (?1,?2,?3::text,?4,"
                       " (strpos(?3::text, '<ReportType>Changes</ReportType>') > 0 AND"
                       " strpos(?3::text, '<IsEnabled>true</IsEnabled>') > 0)::int)"
                       " ON CONFLICT (bucket, id) DO UPDATE SET config=EXCLUDED.config,"
                       " updated_ms=EXCLUDED.updated_ms, changes=EXCLUDED.changes",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, config, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, clock_now_ms());
    rc = meta_pg_step_done(db, stmt);
    return rc ? rc : meta_pg_journal_sources(db, bucket);
}

int meta_pg_inventory_put(struct meta_store *s, const char *bucket, const char *id,
                          const char *config, size_t max_configs)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, pgm_inventory_put_txn(db, bucket, id, config, max_configs));
    return rc;
}

int meta_pg_inventory_get(struct meta_store *s, const char *bucket, const char *id,
                          char **out_config)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s, "SELECT config FROM inventory_configs WHERE bucket=? AND id=?", &db,
                             &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, id, -1, PGX_STATIC);
    rc = pgx_step(stmt);
    if (rc == PGX_ROW) {
        *out_config = meta_pg_dup(stmt, 0);
        rc = 0;
    } else if (rc == PGX_DONE) {
        err_set("no inventory configuration %s", id);
        rc = ERR_NOTFOUND;
    } else {
        rc = meta_pg_fail(db, "step");
    }
    pgx_finalize(stmt);
    return rc;
}

static int pgm_inventory_delete_txn(pgx *db, const char *bucket, const char *id)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, "DELETE FROM inventory_configs WHERE bucket=? AND id=?", -1, &stmt,
                       NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, id, -1, PGX_STATIC);
    int rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("no inventory configuration %s", id);
        rc = ERR_NOTFOUND;
    }
    return rc ? rc : meta_pg_journal_sources(db, bucket);
}

int meta_pg_inventory_delete(struct meta_store *s, const char *bucket, const char *id)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, pgm_inventory_delete_txn(db, bucket, id));
    return rc;
}

int meta_pg_inventory_list(struct meta_store *s, const char *bucket, const char *from_id,
                           size_t limit, meta_inventory_cb *cb, void *payload)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "SELECT bucket, id, config FROM inventory_configs WHERE"
                             " (?1 IS NULL OR bucket=?1) AND id>=?2 ORDER BY bucket, id LIMIT ?3",
                             &db, &stmt);
    if (rc)
        return rc;
    if (bucket)
        pgx_bind_text(stmt, 1, bucket, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 2, from_id ? from_id : "", -1, PGX_TRANSIENT);
    pgx_bind_int64(stmt, 3, (pgx_int64)limit);
    int stop = 0;
    while (!stop && (rc = pgx_step(stmt)) == PGX_ROW)
        stop = cb(payload, (const char *)pgx_column_text(stmt, 0),
                  (const char *)pgx_column_text(stmt, 1), (const char *)pgx_column_text(stmt, 2));
    int ret = stop ? stop : (rc == PGX_DONE ? 0 : meta_pg_fail(db, "inventory list"));
    pgx_finalize(stmt);
    return ret;
}

/* ---- inventory scans and runs ---- */

int meta_pg_inventory_scan_txn(pgx *db, const char *bucket, const char *prefix, int all_versions,
                               meta_object_cb *cb, void *payload)
{
    int rc;
    char *pend = str_prefix_successor(prefix ? prefix : "");
    pgx_stmt *stmt;
    const char *sql =
        all_versions
            ? "SELECT " PGX_INVENTORY_COLS ", tags, headers, replication_status FROM objects WHERE"
              " bucket=?1 AND key>=?2 AND (?3 IS NULL OR key<?3) ORDER BY key, id DESC"
            : "SELECT " PGX_INVENTORY_COLS ", tags, headers, replication_status FROM objects WHERE"
              " bucket=?1 AND is_latest=1 AND is_delete_marker=0 AND key>=?2 AND"
              " (?3 IS NULL OR key<?3) ORDER BY key";
    if (pgx_prepare_v2(db, sql, -1, &stmt, NULL) != PGX_OK) {
        rc = meta_pg_fail(db, "prepare");
    } else {
        pgx_cursor(stmt, META_PG_FETCH_ROWS); /* flat memory: FETCH in batches */
        pgx_bind_text(stmt, 1, bucket, -1, PGX_TRANSIENT);
        pgx_bind_text(stmt, 2, prefix ? prefix : "", -1, PGX_TRANSIENT);
        if (pend)
            pgx_bind_text(stmt, 3, pend, -1, PGX_TRANSIENT);
        int step, stop = 0;
        while (!stop && (step = pgx_step(stmt)) == PGX_ROW) {
            struct meta_object o;
            meta_pg_inventory_row(stmt, &o);
            /* the scan's trailing tags, headers, replication_status */
            int ncol = pgx_column_count(stmt);
            const char *tags = (const char *)pgx_column_text(stmt, ncol - 3);
            o.tags = tags && *tags ? (char *)tags : NULL;
            o.headers = (char *)pgx_column_text(stmt, ncol - 2);
            meta_pg_copy(o.replication_status, sizeof(o.replication_status), stmt, ncol - 1);
            stop = cb(payload, &o);
        }
        rc = stop ? stop : (step == PGX_DONE ? 0 : meta_pg_fail(db, "inventory scan"));
        pgx_finalize(stmt);
    }
    free(pend);
    return rc;
}

int meta_pg_inventory_scan(struct meta_store *s, const char *bucket, const char *prefix,
                           int all_versions, meta_object_cb *cb, void *payload)
{
    pgx *db;
    /* one read-only REPEATABLE READ transaction: one snapshot for the whole scan */
    int rc = meta_pg_begin_snapshot(s, &db);
    if (rc)
        return rc;
    rc = meta_pg_inventory_scan_txn(db, bucket, prefix, all_versions, cb, payload);
    return meta_pg_commit_or_rollback(db, rc);
}

static int pg_run_begin_txn(pgx *db, struct meta_inventory_run *run);

int meta_pg_inventory_run_begin(struct meta_store *s, struct meta_inventory_run *run)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, pg_run_begin_txn(db, run));
    snprintf(run->outcome, sizeof(run->outcome), "running");
    return rc;
}

static int pg_run_begin_txn(pgx *db, struct meta_inventory_run *run)
{
    int rc = meta_pg_run(db,
                         "UPDATE inventory_runs SET outcome='interrupted' WHERE bucket=? AND"
                         " config_id=? AND outcome IN ('running', 'cancelling')",
                         run->bucket, run->config_id, NULL);
    pgx_stmt *stmt = NULL;
    if (!rc && pgx_prepare_v2(db,
                              "INSERT INTO inventory_runs(bucket, config_id, started_ms,"
                              " finished_ms, report_ms, rows, files, bytes, outcome, error,"
                              " manifest_key) VALUES (?,?,?,0,?,0,0,0,'running','','')"
                              " RETURNING run_id",
                              -1, &stmt, NULL) != PGX_OK)
        rc = meta_pg_fail(db, "prepare");
    if (!rc) {
        pgx_bind_text(stmt, 1, run->bucket, -1, PGX_STATIC);
        pgx_bind_text(stmt, 2, run->config_id, -1, PGX_STATIC);
        pgx_bind_int64(stmt, 3, run->started_ms);
        pgx_bind_int64(stmt, 4, run->report_ms);
        if (pgx_step(stmt) == PGX_ROW)
            run->run_id = pgx_column_int64(stmt, 0);
        else
            rc = meta_pg_fail(db, "run begin");
        pgx_finalize(stmt);
    }
    return rc;
}

int meta_pg_inventory_run_finish(struct meta_store *s, const struct meta_inventory_run *run)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "UPDATE inventory_runs SET finished_ms=?, rows=?, files=?, bytes=?,"
                             " outcome=?, error=?, manifest_key=?, journal_seq=? WHERE run_id=?",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_int64(stmt, 1, run->finished_ms);
    pgx_bind_int64(stmt, 2, run->rows);
    pgx_bind_int64(stmt, 3, run->files);
    pgx_bind_int64(stmt, 4, run->bytes);
    pgx_bind_text(stmt, 5, run->outcome, -1, PGX_STATIC);
    pgx_bind_text(stmt, 6, run->error, -1, PGX_STATIC);
    pgx_bind_text(stmt, 7, run->manifest_key, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 8, run->has_journal_seq ? run->journal_seq : -1);
    pgx_bind_int64(stmt, 9, run->run_id);
    return meta_pg_step_done(db, stmt);
}

int meta_pg_inventory_run_cancel(struct meta_store *s, const char *bucket, const char *config_id)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "UPDATE inventory_runs SET outcome='cancelling' WHERE bucket=?"
                             " AND config_id=? AND outcome='running'",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, bucket, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 2, config_id, -1, PGX_TRANSIENT);
    rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("no run of %s/%s is running", bucket, config_id);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

/* On a connection of its own: the job calls it inside its scan's read transaction on the
 * thread's connection, whose snapshot would neither publish the count nor see a cancel. */
int meta_pg_inventory_run_progress(struct meta_store *s, int64_t run_id, int64_t rows,
                                   int *cancelled)
{
    pgx *db = NULL;
    *cancelled = 0;
    int rc = meta_pg_connect_side((struct pg_store *)s, &db);
    if (rc)
        return rc;
    pgx_stmt *stmt = NULL;
    if (pgx_prepare_v2(db, "UPDATE inventory_runs SET rows=? WHERE run_id=?", -1, &stmt, NULL) !=
        PGX_OK)
        rc = meta_pg_fail(db, "prepare");
    if (!rc) {
        pgx_bind_int64(stmt, 1, rows);
        pgx_bind_int64(stmt, 2, run_id);
        rc = meta_pg_step_done(db, stmt);
    }
    if (!rc && pgx_prepare_v2(db, "SELECT outcome FROM inventory_runs WHERE run_id=?", -1, &stmt,
                              NULL) != PGX_OK)
        rc = meta_pg_fail(db, "prepare");
    if (!rc) {
        pgx_bind_int64(stmt, 1, run_id);
        int step = pgx_step(stmt);
        if (step == PGX_ROW) {
            const unsigned char *o = pgx_column_text(stmt, 0);
            *cancelled = o && strcmp((const char *)o, "cancelling") == 0;
        }
        if (step != PGX_ROW && step != PGX_DONE)
            rc = meta_pg_fail(db, "run progress");
        pgx_finalize(stmt);
    }
    return rc;
}

int meta_pg_inventory_run_list(struct meta_store *s, const char *bucket, const char *config_id,
                               size_t limit, meta_inventory_run_cb *cb, void *payload)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "SELECT run_id, bucket, config_id, started_ms, finished_ms,"
                             " report_ms, rows, files, bytes, outcome, error, manifest_key FROM"
                             " inventory_runs WHERE (?1 IS NULL OR bucket=?1) AND"
                             " (?2 IS NULL OR config_id=?2) ORDER BY run_id DESC LIMIT ?3",
                             &db, &stmt);
    if (rc)
        return rc;
    if (bucket)
        pgx_bind_text(stmt, 1, bucket, -1, PGX_TRANSIENT);
    if (config_id)
        pgx_bind_text(stmt, 2, config_id, -1, PGX_TRANSIENT);
    pgx_bind_int64(stmt, 3, (pgx_int64)limit);
    int stop = 0;
    while (!stop && (rc = pgx_step(stmt)) == PGX_ROW) {
        struct meta_inventory_run r;
        memset(&r, 0, sizeof(r));
        r.run_id = pgx_column_int64(stmt, 0);
        meta_pg_copy(r.bucket, sizeof(r.bucket), stmt, 1);
        meta_pg_copy(r.config_id, sizeof(r.config_id), stmt, 2);
        r.started_ms = pgx_column_int64(stmt, 3);
        r.finished_ms = pgx_column_int64(stmt, 4);
        r.report_ms = pgx_column_int64(stmt, 5);
        r.rows = pgx_column_int64(stmt, 6);
        r.files = pgx_column_int64(stmt, 7);
        r.bytes = pgx_column_int64(stmt, 8);
        meta_pg_copy(r.outcome, sizeof(r.outcome), stmt, 9);
        meta_pg_copy(r.error, sizeof(r.error), stmt, 10);
        meta_pg_copy(r.manifest_key, sizeof(r.manifest_key), stmt, 11);
        stop = cb(payload, &r);
    }
    int ret = stop ? stop : (rc == PGX_DONE ? 0 : meta_pg_fail(db, "run list"));
    pgx_finalize(stmt);
    return ret;
}
