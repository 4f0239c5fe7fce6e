/* meta_sqlite_lease.c — inventory run leases and the objects runs wrote, in SQLite (tables
 * inventory_leases and inventory_run_objects of schema version 3 (meta_sqlite_schema.c); see
 * meta.h). A take is one write transaction (BEGIN IMMEDIATE), so two runs racing for a lease
 * serialise and exactly one wins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "meta/meta_sqlite_int.h"

/* The current lease's token into token (33 bytes): 1 when there is one, 0 when none. */
static int lease_current(sqlite3 *db, const char *bucket, const char *config_id, char *token)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "SELECT token FROM inventory_leases WHERE bucket=? AND config_id=?",
                           -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, config_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    int ret = 0;
    if (rc == SQLITE_ROW) {
        meta_sqlite_copy(token, 33, stmt, 0);
        ret = 1;
    } else if (rc != SQLITE_DONE) {
        ret = meta_sqlite_fail(db, "lease get");
    }
    sqlite3_finalize(stmt);
    return ret;
}

static int lease_store(sqlite3 *db, const struct meta_inventory_lease *l)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO inventory_leases(bucket, config_id, token,"
                           " run_id, host, boot_id, pid, pid_start, expires_ms)"
                           " VALUES (?,?,?,?,?,?,?,?,?)",
                           -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, l->bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, l->config_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, l->token, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, l->run_id);
    sqlite3_bind_text(stmt, 5, l->host, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 6, l->boot_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 7, l->pid);
    sqlite3_bind_int64(stmt, 8, l->pid_start);
    sqlite3_bind_int64(stmt, 9, l->expires_ms);
    return meta_sqlite_step_done(db, stmt);
}

int meta_sqlite_lease_take(struct meta_store *s, const struct meta_inventory_lease *lease,
                           const char *expect_token)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    if (rc)
        return rc;
    char current[33];
    int held = lease_current(db, lease->bucket, lease->config_id, current);
    if (held < 0) {
        rc = held;
    } else if (held && !(expect_token && strcmp(current, expect_token) == 0)) {
        err_set("inventory %s/%s is leased to another run", lease->bucket, lease->config_id);
        rc = ERR_CONFLICT;
    } else {
        rc = lease_store(db, lease);
    }
    return meta_sqlite_commit_or_rollback(db, rc);
}

int meta_sqlite_lease_get(struct meta_store *s, const char *bucket, const char *config_id,
                          struct meta_inventory_lease *out)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "SELECT token, run_id, host, boot_id, pid, pid_start, expires_ms"
                                 " FROM inventory_leases WHERE bucket=? AND config_id=?",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, config_id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(stmt);
    int ret = 0;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof(*out));
        snprintf(out->bucket, sizeof(out->bucket), "%s", bucket);
        snprintf(out->config_id, sizeof(out->config_id), "%s", config_id);
        meta_sqlite_copy(out->token, sizeof(out->token), stmt, 0);
        out->run_id = sqlite3_column_int64(stmt, 1);
        meta_sqlite_copy(out->host, sizeof(out->host), stmt, 2);
        meta_sqlite_copy(out->boot_id, sizeof(out->boot_id), stmt, 3);
        out->pid = sqlite3_column_int64(stmt, 4);
        out->pid_start = sqlite3_column_int64(stmt, 5);
        out->expires_ms = sqlite3_column_int64(stmt, 6);
    } else if (rc == SQLITE_DONE) {
        err_set("no lease on inventory %s/%s", bucket, config_id);
        ret = ERR_NOTFOUND;
    } else {
        ret = meta_sqlite_fail(db, "lease get");
    }
    sqlite3_finalize(stmt);
    return ret;
}

int meta_sqlite_lease_renew(struct meta_store *s, const struct meta_inventory_lease *lease)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "UPDATE inventory_leases SET expires_ms=?, run_id=? WHERE"
                                 " bucket=? AND config_id=? AND token=?",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_int64(stmt, 1, lease->expires_ms);
    sqlite3_bind_int64(stmt, 2, lease->run_id);
    sqlite3_bind_text(stmt, 3, lease->bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 4, lease->config_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 5, lease->token, -1, SQLITE_TRANSIENT);
    rc = meta_sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("the lease on inventory %s/%s was taken over", lease->bucket, lease->config_id);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_sqlite_lease_release(struct meta_store *s, const char *bucket, const char *config_id,
                              const char *token)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(
        s, "DELETE FROM inventory_leases WHERE bucket=? AND config_id=? AND token=?", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, config_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, token, -1, SQLITE_TRANSIENT);
    return meta_sqlite_step_done(db, stmt);
}

/* ---- objects a run wrote ---- */

int meta_sqlite_run_object_add(struct meta_store *s, const char *bucket, const char *config_id,
                               const struct meta_inventory_run_object *o)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "INSERT INTO inventory_run_objects(run_id, bucket, config_id,"
                                 " dest_bucket, key, version_id, blob_id) VALUES (?,?,?,?,?,?,?)",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_int64(stmt, 1, o->run_id);
    sqlite3_bind_text(stmt, 2, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, config_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 4, o->dest_bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 5, o->key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 6, o->version_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 7, o->blob_id, -1, SQLITE_TRANSIENT);
    return meta_sqlite_step_done(db, stmt);
}

int meta_sqlite_run_object_list(struct meta_store *s, const char *bucket, const char *config_id,
                                meta_inventory_run_object_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "SELECT run_id, dest_bucket, key, version_id, blob_id FROM"
                                 " inventory_run_objects WHERE bucket=? AND config_id=?"
                                 " ORDER BY run_id, rowid",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, config_id, -1, SQLITE_TRANSIENT);
    int stop = 0;
    while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct meta_inventory_run_object o;
        memset(&o, 0, sizeof(o));
        o.run_id = sqlite3_column_int64(stmt, 0);
        meta_sqlite_copy(o.dest_bucket, sizeof(o.dest_bucket), stmt, 1);
        const char *key = (const char *)sqlite3_column_text(stmt, 2);
        o.key = xstrndup(key ? key : "", (size_t)sqlite3_column_bytes(stmt, 2));
        meta_sqlite_copy(o.version_id, sizeof(o.version_id), stmt, 3);
        meta_sqlite_copy(o.blob_id, sizeof(o.blob_id), stmt, 4);
        stop = cb(payload, &o);
        free(o.key);
    }
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : meta_sqlite_fail(db, "run object list"));
    sqlite3_finalize(stmt);
    return ret;
}

int meta_sqlite_run_object_clear(struct meta_store *s, int64_t run_id)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s, "DELETE FROM inventory_run_objects WHERE run_id=?", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_int64(stmt, 1, run_id);
    return meta_sqlite_step_done(db, stmt);
}

int meta_sqlite_live_run_start(struct meta_store *s, int64_t now_ms, int64_t *out_ms)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "SELECT COALESCE(MIN(r.started_ms), 0) FROM inventory_leases l"
                                 " JOIN inventory_runs r ON r.run_id = l.run_id"
                                 " WHERE l.expires_ms > ?",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_int64(stmt, 1, now_ms);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out_ms = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : meta_sqlite_fail(db, "live runs");
}
