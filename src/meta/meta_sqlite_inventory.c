/* meta_sqlite_inventory.c — inventory configurations, the inventory scan and the run records
 * in the SQLite backend (leases and run objects: meta_sqlite_lease.c). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"
#include "meta/meta_sqlite_int.h"

/* ---- inventory configurations ---- */

static int sqlite_inventory_count(sqlite3 *db, const char *bucket, const char *id, int64_t *total,
                                  int *exists)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "SELECT count(*), sum(id=?2) FROM inventory_configs WHERE bucket=?1",
                           -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *total = sqlite3_column_int64(stmt, 0);
        *exists = sqlite3_column_int(stmt, 1) > 0;
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : meta_sqlite_fail(db, "count");
}

static int sqlite_inventory_put_txn(sqlite3 *db, const char *bucket, const char *id,
                                    const char *config, size_t max_configs)
{
    int64_t total = 0;
    int exists = 0;
    int rc = sqlite_inventory_count(db, bucket, id, &total, &exists);
    if (rc)
        return rc;
    if (!exists && (size_t)total >= max_configs) {
        err_set("the bucket has %lld inventory configurations", (long long)total);
        return ERR_TOOBIG;
    }
    sqlite3_stmt *stmt;
    /* changes: an enabled Changes configuration (as inv_config_render writes them), whose
     * bucket is journaled; a disabled one never runs, so it would never prune the journal */
    if (sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO inventory_configs(bucket, id, config,"
                           " updated_ms, changes) VALUES (?1,?2,?3,?4,"
                           " instr(?3, '<ReportType>Changes</ReportType>') > 0 AND"
                           " instr(?3, '<IsEnabled>true</IsEnabled>') > 0)",
                           -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, config, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, clock_now_ms());
    rc = meta_sqlite_step_done(db, stmt);
    return rc ? rc : meta_sqlite_journal_sources(db, bucket);
}

int meta_sqlite_inventory_put(struct meta_store *s, const char *bucket, const char *id,
                              const char *config, size_t max_configs)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    return rc ? rc
              : meta_sqlite_commit_or_rollback(
                    db, sqlite_inventory_put_txn(db, bucket, id, config, max_configs));
}

int meta_sqlite_inventory_get(struct meta_store *s, const char *bucket, const char *id,
                              char **out_config)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s, "SELECT config FROM inventory_configs WHERE bucket=? AND id=?",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out_config = meta_sqlite_dup(stmt, 0);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        err_set("no inventory configuration %s", id);
        rc = ERR_NOTFOUND;
    } else {
        rc = meta_sqlite_fail(db, "step");
    }
    sqlite3_finalize(stmt);
    return rc;
}

static int sqlite_inventory_delete_txn(sqlite3 *db, const char *bucket, const char *id)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "DELETE FROM inventory_configs WHERE bucket=? AND id=?", -1, &stmt,
                           NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
    int rc = meta_sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no inventory configuration %s", id);
        rc = ERR_NOTFOUND;
    }
    return rc ? rc : meta_sqlite_journal_sources(db, bucket);
}

int meta_sqlite_inventory_delete(struct meta_store *s, const char *bucket, const char *id)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    return rc ? rc
              : meta_sqlite_commit_or_rollback(db, sqlite_inventory_delete_txn(db, bucket, id));
}

int meta_sqlite_inventory_list(struct meta_store *s, const char *bucket, const char *from_id,
                               size_t limit, meta_inventory_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc =
        meta_sqlite_prepare(s,
                            "SELECT bucket, id, config FROM inventory_configs WHERE"
                            " (?1 IS NULL OR bucket=?1) AND id>=?2 ORDER BY bucket, id LIMIT ?3",
                            &db, &stmt);
    if (rc)
        return rc;
    if (bucket)
        sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, from_id ? from_id : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64)limit);
    int stop = 0;
    while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
        stop = cb(payload, (const char *)sqlite3_column_text(stmt, 0),
                  (const char *)sqlite3_column_text(stmt, 1),
                  (const char *)sqlite3_column_text(stmt, 2));
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : meta_sqlite_fail(db, "inventory list"));
    sqlite3_finalize(stmt);
    return ret;
}

/* ---- inventory scans and runs ---- */

int meta_sqlite_inventory_scan_txn(sqlite3 *db, const char *bucket, const char *prefix,
                                   int all_versions, meta_object_cb *cb, void *payload)
{
    int rc;
    char *pend = str_prefix_successor(prefix ? prefix : "");
    sqlite3_stmt *stmt;
    const char *sql =
        all_versions ? "SELECT " SQLITE_INVENTORY_COLS
                       ", tags, headers, replication_status FROM objects WHERE"
                       " bucket=?1 AND key>=?2 AND (?3 IS NULL OR key<?3) ORDER BY key, id DESC"
                     : "SELECT " SQLITE_INVENTORY_COLS
                       ", tags, headers, replication_status FROM objects WHERE"
                       " bucket=?1 AND is_latest=1 AND is_delete_marker=0 AND key>=?2 AND"
                       " (?3 IS NULL OR key<?3) ORDER BY key";
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        rc = meta_sqlite_fail(db, "prepare");
    } else {
        sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 2, prefix ? prefix : "", -1, SQLITE_TRANSIENT);
        if (pend)
            sqlite3_bind_text(stmt, 3, pend, -1, SQLITE_TRANSIENT);
        int step, stop = 0;
        while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
            struct meta_object o;
            meta_sqlite_inventory_row(stmt, &o);
            /* the scan's trailing tags, headers, replication_status */
            int ncol = sqlite3_column_count(stmt);
            const char *tags = (const char *)sqlite3_column_text(stmt, ncol - 3);
            o.tags = tags && *tags ? (char *)tags : NULL;
            o.headers = (char *)sqlite3_column_text(stmt, ncol - 2);
            meta_sqlite_copy(o.replication_status, sizeof(o.replication_status), stmt, ncol - 1);
            stop = cb(payload, &o);
        }
        rc = stop ? stop : (step == SQLITE_DONE ? 0 : meta_sqlite_fail(db, "inventory scan"));
        sqlite3_finalize(stmt);
    }
    free(pend);
    return rc;
}

int meta_sqlite_inventory_scan(struct meta_store *s, const char *bucket, const char *prefix,
                               int all_versions, meta_object_cb *cb, void *payload)
{
    sqlite3 *db;
    int rc = meta_sqlite_connect((struct sqlite_store *)s, &db);
    if (rc)
        return rc;
    /* one read transaction: the WAL snapshot taken at the first read holds for the scan */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "begin");
    rc = meta_sqlite_inventory_scan_txn(db, bucket, prefix, all_versions, cb, payload);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

int meta_sqlite_inventory_run_begin(struct meta_store *s, struct meta_inventory_run *run)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    if (rc)
        return rc;
    rc = meta_sqlite_run(db,
                         "UPDATE inventory_runs SET outcome='interrupted' WHERE bucket=? AND"
                         " config_id=? AND outcome IN ('running', 'cancelling')",
                         run->bucket, run->config_id, NULL);
    sqlite3_stmt *stmt = NULL;
    if (!rc && sqlite3_prepare_v2(db,
                                  "INSERT INTO inventory_runs(bucket, config_id, started_ms,"
                                  " finished_ms, report_ms, rows, files, bytes, outcome, error,"
                                  " manifest_key) VALUES (?,?,?,0,?,0,0,0,'running','','')",
                                  -1, &stmt, NULL) != SQLITE_OK)
        rc = meta_sqlite_fail(db, "prepare");
    if (!rc) {
        sqlite3_bind_text(stmt, 1, run->bucket, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, run->config_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 3, run->started_ms);
        sqlite3_bind_int64(stmt, 4, run->report_ms);
        rc = meta_sqlite_step_done(db, stmt);
        run->run_id = sqlite3_last_insert_rowid(db);
    }
    snprintf(run->outcome, sizeof(run->outcome), "running");
    return meta_sqlite_commit_or_rollback(db, rc);
}

int meta_sqlite_inventory_run_finish(struct meta_store *s, const struct meta_inventory_run *run)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc =
        meta_sqlite_prepare(s,
                            "UPDATE inventory_runs SET finished_ms=?, rows=?, files=?, bytes=?,"
                            " outcome=?, error=?, manifest_key=?, journal_seq=? WHERE run_id=?",
                            &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_int64(stmt, 1, run->finished_ms);
    sqlite3_bind_int64(stmt, 2, run->rows);
    sqlite3_bind_int64(stmt, 3, run->files);
    sqlite3_bind_int64(stmt, 4, run->bytes);
    sqlite3_bind_text(stmt, 5, run->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 6, run->error, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 7, run->manifest_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 8, run->has_journal_seq ? run->journal_seq : -1);
    sqlite3_bind_int64(stmt, 9, run->run_id);
    return meta_sqlite_step_done(db, stmt);
}

int meta_sqlite_inventory_run_cancel(struct meta_store *s, const char *bucket,
                                     const char *config_id)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "UPDATE inventory_runs SET outcome='cancelling' WHERE bucket=?"
                                 " AND config_id=? AND outcome='running'",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, config_id, -1, SQLITE_TRANSIENT);
    rc = meta_sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no run of %s/%s is running", bucket, config_id);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

/* On a connection of its own: the job calls it inside its scan's read transaction on the
 * thread's connection, whose snapshot would neither publish the count nor see a cancel. */
int meta_sqlite_inventory_run_progress(struct meta_store *s, int64_t run_id, int64_t rows,
                                       int *cancelled)
{
    struct sqlite_store *st = (struct sqlite_store *)s;
    sqlite3 *db = NULL;
    *cancelled = 0;
    if (sqlite3_open_v2(st->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        int rc = meta_sqlite_fail(db, "open");
        sqlite3_close_v2(db);
        return rc;
    }
    sqlite3_busy_timeout(db, st->busy_timeout_ms);
    sqlite3_stmt *stmt = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, "UPDATE inventory_runs SET rows=? WHERE run_id=?", -1, &stmt,
                           NULL) != SQLITE_OK)
        rc = meta_sqlite_fail(db, "prepare");
    if (!rc) {
        sqlite3_bind_int64(stmt, 1, rows);
        sqlite3_bind_int64(stmt, 2, run_id);
        rc = meta_sqlite_step_done(db, stmt);
    }
    if (!rc && sqlite3_prepare_v2(db, "SELECT outcome FROM inventory_runs WHERE run_id=?", -1,
                                  &stmt, NULL) != SQLITE_OK)
        rc = meta_sqlite_fail(db, "prepare");
    if (!rc) {
        sqlite3_bind_int64(stmt, 1, run_id);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_ROW) {
            const unsigned char *o = sqlite3_column_text(stmt, 0);
            *cancelled = o && strcmp((const char *)o, "cancelling") == 0;
        }
        if (step != SQLITE_ROW && step != SQLITE_DONE)
            rc = meta_sqlite_fail(db, "run progress");
        sqlite3_finalize(stmt);
    }
    sqlite3_close_v2(db);
    return rc;
}

int meta_sqlite_inventory_run_list(struct meta_store *s, const char *bucket, const char *config_id,
                                   size_t limit, meta_inventory_run_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "SELECT run_id, bucket, config_id, started_ms, finished_ms,"
                                 " report_ms, rows, files, bytes, outcome, error, manifest_key FROM"
                                 " inventory_runs WHERE (?1 IS NULL OR bucket=?1) AND"
                                 " (?2 IS NULL OR config_id=?2) ORDER BY run_id DESC LIMIT ?3",
                                 &db, &stmt);
    if (rc)
        return rc;
    if (bucket)
        sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
    if (config_id)
        sqlite3_bind_text(stmt, 2, config_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64)limit);
    int stop = 0;
    while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct meta_inventory_run r;
        memset(&r, 0, sizeof(r));
        r.run_id = sqlite3_column_int64(stmt, 0);
        meta_sqlite_copy(r.bucket, sizeof(r.bucket), stmt, 1);
        meta_sqlite_copy(r.config_id, sizeof(r.config_id), stmt, 2);
        r.started_ms = sqlite3_column_int64(stmt, 3);
        r.finished_ms = sqlite3_column_int64(stmt, 4);
        r.report_ms = sqlite3_column_int64(stmt, 5);
        r.rows = sqlite3_column_int64(stmt, 6);
        r.files = sqlite3_column_int64(stmt, 7);
        r.bytes = sqlite3_column_int64(stmt, 8);
        meta_sqlite_copy(r.outcome, sizeof(r.outcome), stmt, 9);
        meta_sqlite_copy(r.error, sizeof(r.error), stmt, 10);
        meta_sqlite_copy(r.manifest_key, sizeof(r.manifest_key), stmt, 11);
        stop = cb(payload, &r);
    }
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : meta_sqlite_fail(db, "run list"));
    sqlite3_finalize(stmt);
    return ret;
}
