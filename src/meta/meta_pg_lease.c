/* meta_pg_lease.c — inventory run leases and the objects runs wrote, in PostgreSQL (tables
 * inventory_leases and inventory_run_objects of schema version 3 (meta_pg_schema.c); see
 * meta.h). A take is one write transaction (BEGIN IMMEDIATE), so two runs racing for a lease
 * serialise and exactly one wins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "meta/meta_pg_int.h"

/* The current lease's token into token (33 bytes): 1 when there is one, 0 when none. */
static int lease_current(pgx *db, const char *bucket, const char *config_id, char *token)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, "SELECT token FROM inventory_leases WHERE bucket=? AND config_id=?", -1,
                       &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, config_id, -1, PGX_STATIC);
    int rc = pgx_step(stmt);
    int ret = 0;
    if (rc == PGX_ROW) {
        meta_pg_copy(token, 33, stmt, 0);
        ret = 1;
    } else if (rc != PGX_DONE) {
        ret = meta_pg_fail(db, "lease get");
    }
    pgx_finalize(stmt);
    return ret;
}

static int lease_store(pgx *db, const struct meta_inventory_lease *l)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(
            db,
            "INSERT INTO inventory_leases(bucket, config_id, token,"
            " run_id, host, boot_id, pid, pid_start, expires_ms)"
            " VALUES (?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (bucket, config_id) DO UPDATE SET token=EXCLUDED.token, "
            "run_id=EXCLUDED.run_id, host=EXCLUDED.host, boot_id=EXCLUDED.boot_id, "
            "pid=EXCLUDED.pid, pid_start=EXCLUDED.pid_start, expires_ms=EXCLUDED.expires_ms",
            -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, l->bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, l->config_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, l->token, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, l->run_id);
    pgx_bind_text(stmt, 5, l->host, -1, PGX_STATIC);
    pgx_bind_text(stmt, 6, l->boot_id, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 7, l->pid);
    pgx_bind_int64(stmt, 8, l->pid_start);
    pgx_bind_int64(stmt, 9, l->expires_ms);
    return meta_pg_step_done(db, stmt);
}

static int lease_take_txn(pgx *db, const struct meta_inventory_lease *lease,
                          const char *expect_token);

int meta_pg_lease_take(struct meta_store *s, const struct meta_inventory_lease *lease,
                       const char *expect_token)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, lease_take_txn(db, lease, expect_token));
    return rc;
}

static int lease_take_txn(pgx *db, const struct meta_inventory_lease *lease,
                          const char *expect_token)
{
    int rc;
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
    return rc;
}

int meta_pg_lease_get(struct meta_store *s, const char *bucket, const char *config_id,
                      struct meta_inventory_lease *out)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "SELECT token, run_id, host, boot_id, pid, pid_start, expires_ms"
                             " FROM inventory_leases WHERE bucket=? AND config_id=?",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, bucket, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 2, config_id, -1, PGX_TRANSIENT);
    rc = pgx_step(stmt);
    int ret = 0;
    if (rc == PGX_ROW) {
        memset(out, 0, sizeof(*out));
        snprintf(out->bucket, sizeof(out->bucket), "%s", bucket);
        snprintf(out->config_id, sizeof(out->config_id), "%s", config_id);
        meta_pg_copy(out->token, sizeof(out->token), stmt, 0);
        out->run_id = pgx_column_int64(stmt, 1);
        meta_pg_copy(out->host, sizeof(out->host), stmt, 2);
        meta_pg_copy(out->boot_id, sizeof(out->boot_id), stmt, 3);
        out->pid = pgx_column_int64(stmt, 4);
        out->pid_start = pgx_column_int64(stmt, 5);
        out->expires_ms = pgx_column_int64(stmt, 6);
    } else if (rc == PGX_DONE) {
        err_set("no lease on inventory %s/%s", bucket, config_id);
        ret = ERR_NOTFOUND;
    } else {
        ret = meta_pg_fail(db, "lease get");
    }
    pgx_finalize(stmt);
    return ret;
}

int meta_pg_lease_renew(struct meta_store *s, const struct meta_inventory_lease *lease)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "UPDATE inventory_leases SET expires_ms=?, run_id=? WHERE"
                             " bucket=? AND config_id=? AND token=?",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_int64(stmt, 1, lease->expires_ms);
    pgx_bind_int64(stmt, 2, lease->run_id);
    pgx_bind_text(stmt, 3, lease->bucket, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 4, lease->config_id, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 5, lease->token, -1, PGX_TRANSIENT);
    rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("the lease on inventory %s/%s was taken over", lease->bucket, lease->config_id);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_pg_lease_release(struct meta_store *s, const char *bucket, const char *config_id,
                          const char *token)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(
        s, "DELETE FROM inventory_leases WHERE bucket=? AND config_id=? AND token=?", &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, bucket, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 2, config_id, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 3, token, -1, PGX_TRANSIENT);
    return meta_pg_step_done(db, stmt);
}

/* ---- objects a run wrote ---- */

int meta_pg_run_object_add(struct meta_store *s, const char *bucket, const char *config_id,
                           const struct meta_inventory_run_object *o)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "INSERT INTO inventory_run_objects(run_id, bucket, config_id,"
                             " dest_bucket, key, version_id, blob_id) VALUES (?,?,?,?,?,?,?)",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_int64(stmt, 1, o->run_id);
    pgx_bind_text(stmt, 2, bucket, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 3, config_id, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 4, o->dest_bucket, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 5, o->key, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 6, o->version_id, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 7, o->blob_id, -1, PGX_TRANSIENT);
    return meta_pg_step_done(db, stmt);
}

int meta_pg_run_object_list(struct meta_store *s, const char *bucket, const char *config_id,
                            meta_inventory_run_object_cb *cb, void *payload)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "SELECT run_id, dest_bucket, key, version_id, blob_id FROM"
                             " inventory_run_objects WHERE bucket=? AND config_id=?"
                             " ORDER BY run_id, seq",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, bucket, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 2, config_id, -1, PGX_TRANSIENT);
    int stop = 0;
    while (!stop && (rc = pgx_step(stmt)) == PGX_ROW) {
        struct meta_inventory_run_object o;
        memset(&o, 0, sizeof(o));
        o.run_id = pgx_column_int64(stmt, 0);
        meta_pg_copy(o.dest_bucket, sizeof(o.dest_bucket), stmt, 1);
        const char *key = (const char *)pgx_column_text(stmt, 2);
        o.key = xstrndup(key ? key : "", (size_t)pgx_column_bytes(stmt, 2));
        meta_pg_copy(o.version_id, sizeof(o.version_id), stmt, 3);
        meta_pg_copy(o.blob_id, sizeof(o.blob_id), stmt, 4);
        stop = cb(payload, &o);
        free(o.key);
    }
    int ret = stop ? stop : (rc == PGX_DONE ? 0 : meta_pg_fail(db, "run object list"));
    pgx_finalize(stmt);
    return ret;
}

int meta_pg_run_object_clear(struct meta_store *s, int64_t run_id)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s, "DELETE FROM inventory_run_objects WHERE run_id=?", &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_int64(stmt, 1, run_id);
    return meta_pg_step_done(db, stmt);
}

int meta_pg_live_run_start(struct meta_store *s, int64_t now_ms, int64_t *out_ms)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "SELECT COALESCE(MIN(r.started_ms), 0) FROM inventory_leases l"
                             " JOIN inventory_runs r ON r.run_id = l.run_id"
                             " WHERE l.expires_ms > ?",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_int64(stmt, 1, now_ms);
    rc = pgx_step(stmt);
    if (rc == PGX_ROW)
        *out_ms = pgx_column_int64(stmt, 0);
    pgx_finalize(stmt);
    return rc == PGX_ROW ? 0 : meta_pg_fail(db, "live runs");
}
