/* meta_pg.c — the PostgreSQL metadata backend (libpq), selected with a libpq URI or conninfo
 * (`--meta postgres://…`).
 *
 * Each thread gets its own connection (a pthread key per store, as the SQLite backend does),
 * so requests never wait on one another in the client; the server orders them. Write
 * transactions run SERIALIZABLE and run again, a bounded number of times, when the server
 * aborts one on a serialization failure or deadlock (META_PG_TXN); lasting contention and lock
 * timeouts are ERR_BUSY (503 SlowDown), as a busy SQLite database is. Scans that must see one
 * state (inventory) read a REPEATABLE READ READ ONLY snapshot through a cursor. Key and bucket
 * columns are COLLATE "C": byte order, as S3 lists.
 *
 * This file holds the store (open/close, connections), the statement and transaction helpers
 * the other files share (meta_pg_int.h) and the ops table. The statement layer is
 * meta_pg_stmt.c; the operations live by concern in meta_pg_accounts.c, _buckets.c,
 * _objects.c, _uploads.c, _inventory.c, _lease.c, …; the schema in meta_pg_schema.c. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "meta/meta_backend.h"
#include "meta/meta_pg_int.h"
#include "meta/meta_pg_schema.h"

#define PG_LOCK_TIMEOUT_MS 30000

int meta_pg_fail(pgx *db, const char *what)
{
    if (!db) {
        err_set("postgres %s: no connection", what);
        return ERR_BACKEND;
    }
    err_set("postgres %s: %s", what, db->errmsg[0] ? db->errmsg : "failed");
    return db->last_rc ? db->last_rc : ERR_BACKEND;
}

static void pg_notice_ignore(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static void pg_conn_free(void *p)
{
    pgx *db = p;
    if (!db)
        return;
    PQfinish(db->conn);
    pgx_cache_clear(db);
    free(db);
}

/* Session settings of a new (or reset) connection. */
static int pg_session(struct pg_store *st, pgx *db)
{
    PQsetNoticeProcessor(db->conn, pg_notice_ignore, NULL);
    char sql[160];
    snprintf(sql, sizeof(sql),
             "SET lock_timeout=%d; SET client_min_messages=warning; SET TIME ZONE 'UTC'",
             st->busy_timeout_ms);
    return pgx_exec(db, sql, NULL, NULL, NULL) == PGX_OK ? 0 : meta_pg_fail(db, "session");
}

static int pg_connect_key(struct pg_store *st, pthread_key_t key, pgx **out)
{
    pgx *db = pthread_getspecific(key);
    if (db && PQstatus(db->conn) == CONNECTION_OK) {
        *out = db;
        return 0;
    }
    if (db) { /* the server went away: connect again, its statements are gone */
        pgx_cache_clear(db);
        db->in_txn = 0;
        PQreset(db->conn);
    } else {
        db = xcalloc(1, sizeof(*db));
        db->conn = PQconnectdb(st->conninfo);
    }
    if (PQstatus(db->conn) != CONNECTION_OK) {
        err_set("postgres connect: %s", PQerrorMessage(db->conn));
        pthread_setspecific(key, NULL);
        pg_conn_free(db);
        return ERR_BACKEND;
    }
    pthread_setspecific(key, db);
    int rc = pg_session(st, db);
    if (rc)
        return rc;
    *out = db;
    return 0;
}

int meta_pg_connect(struct pg_store *st, pgx **out)
{
    return pg_connect_key(st, st->conn_key, out);
}

int meta_pg_connect_side(struct pg_store *st, pgx **out)
{
    return pg_connect_key(st, st->side_key, out);
}

int meta_pg_prepare(struct meta_store *s, const char *sql, pgx **out_db, pgx_stmt **out)
{
    struct pg_store *st = (struct pg_store *)s;
    int rc = meta_pg_connect(st, out_db);
    if (rc)
        return rc;
    if (pgx_prepare_v2(*out_db, sql, -1, out, NULL) != PGX_OK)
        return meta_pg_fail(*out_db, "prepare");
    return 0;
}

static void pg_close(struct meta_store *s)
{
    struct pg_store *st = (struct pg_store *)s;
    pgx *db = pthread_getspecific(st->conn_key);
    if (db) {
        pthread_setspecific(st->conn_key, NULL);
        pg_conn_free(db);
    }
    db = pthread_getspecific(st->side_key);
    if (db) {
        pthread_setspecific(st->side_key, NULL);
        pg_conn_free(db);
    }
    pthread_key_delete(st->conn_key);
    pthread_key_delete(st->side_key);
    free(st->conninfo);
    free(st);
}

static int pg_open(struct meta_store **out, const struct meta_config *cfg)
{
    if (!cfg->conninfo || !*cfg->conninfo) {
        err_set("the postgres metadata backend needs a connection URI (--meta postgres://…)");
        return ERR_INVALID;
    }
    struct pg_store *st = xcalloc(1, sizeof(*st));
    st->base.ops = &meta_pg_ops;
    st->busy_timeout_ms = cfg->busy_timeout_ms > 0 ? cfg->busy_timeout_ms : PG_LOCK_TIMEOUT_MS;
    st->conninfo = xstrdup(cfg->conninfo);
    if (pthread_key_create(&st->conn_key, pg_conn_free) != 0) {
        free(st->conninfo);
        free(st);
        err_set("pthread_key_create failed");
        return ERR_NOMEM;
    }
    if (pthread_key_create(&st->side_key, pg_conn_free) != 0) {
        pthread_key_delete(st->conn_key);
        free(st->conninfo);
        free(st);
        err_set("pthread_key_create failed");
        return ERR_NOMEM;
    }
    pgx *db = NULL;
    int rc = meta_pg_connect(st, &db);
    if (!rc)
        rc = meta_pg_schema_migrate(db, meta_pg_schema_latest());
    if (rc) {
        pg_close(&st->base);
        return rc;
    }
    *out = &st->base;
    return 0;
}

/* Step a statement that returns no rows; finalize it. A constraint violation → ERR_EXISTS. */
int meta_pg_step_done(pgx *db, pgx_stmt *stmt)
{
    int rc = pgx_step(stmt);
    int ret = 0;
    if (rc == PGX_CONSTRAINT) {
        err_set("already exists");
        ret = ERR_EXISTS;
    } else if (rc != PGX_DONE && rc != PGX_ROW) {
        ret = meta_pg_fail(db, "step");
    }
    pgx_finalize(stmt);
    return ret;
}

void meta_pg_copy(char *dst, size_t size, pgx_stmt *stmt, int col)
{
    const char *v = (const char *)pgx_column_text(stmt, col);
    size_t n = v ? (size_t)pgx_column_bytes(stmt, col) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, v, n);
    dst[n] = '\0';
}

char *meta_pg_dup(pgx_stmt *stmt, int col)
{
    const char *v = (const char *)pgx_column_text(stmt, col);
    return xstrndup(v ? v : "", (size_t)pgx_column_bytes(stmt, col));
}

/* ---- transactions ---- */

int meta_pg_run(pgx *db, const char *sql, const char *bucket, const char *key,
                const char *version_id)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, sql, -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, key, -1, PGX_STATIC);
    if (version_id)
        pgx_bind_text(stmt, 3, version_id, -1, PGX_STATIC);
    return meta_pg_step_done(db, stmt);
}

int meta_pg_commit_or_rollback(pgx *db, int rc)
{
    if (!rc && pgx_exec(db, "COMMIT", NULL, NULL, NULL) != PGX_OK)
        rc = meta_pg_fail(db, "commit");
    if (rc && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
        pgx_exec(db, "ROLLBACK", NULL, NULL, NULL);
    db->in_txn = 0;
    if (rc && db->retryable) {
        err_set("postgres: the transaction met a concurrent one (serialization failure or"
                " deadlock): %s",
                db->errmsg);
        rc = ERR_BUSY;
    }
    return rc;
}

static int pg_begin_with(struct meta_store *s, pgx **out, const char *sql)
{
    int rc = meta_pg_connect((struct pg_store *)s, out);
    if (rc)
        return rc;
    (*out)->retryable = 0;
    (*out)->unique_race = 0;
    if (pgx_exec(*out, sql, NULL, NULL, NULL) != PGX_OK)
        return meta_pg_fail(*out, "begin");
    (*out)->in_txn = 1;
    return 0;
}

int meta_pg_begin(struct meta_store *s, pgx **out)
{
    return pg_begin_with(s, out, "BEGIN ISOLATION LEVEL SERIALIZABLE");
}

int meta_pg_begin_snapshot(struct meta_store *s, pgx **out)
{
    return pg_begin_with(s, out, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

int meta_pg_txn_again(struct meta_store *s, int rc, int attempt)
{
    struct pg_store *st = (struct pg_store *)s;
    pgx *db = pthread_getspecific(st->conn_key);
    if (!db || attempt + 1 >= META_PG_TXN_TRIES)
        return 0;
    /* a unique violation is run again a few times: when it came from a concurrent insert
     * the next try sees that row; a real duplicate stays ERR_EXISTS */
    int race = rc == ERR_EXISTS && db->unique_race && attempt < META_PG_UNIQUE_TRIES;
    if (!race && (rc != ERR_BUSY || !db->retryable))
        return 0;
    static _Thread_local unsigned seed;
    if (!seed)
        seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)&seed;
    int cap = attempt < 6 ? 2 << attempt : 128;
    struct timespec ts = {0, (long)(1 + rand_r(&seed) % (unsigned)cap) * 1000000L};
    nanosleep(&ts, NULL);
    return 1;
}

int meta_pg_query(struct meta_store *s, const char *sql, const char *param, meta_pg_row_fn *row_fn,
                  void *ctx)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s, sql, &db, &stmt);
    if (rc)
        return rc;
    if (param)
        pgx_bind_text(stmt, 1, param, -1, PGX_STATIC);
    while ((rc = pgx_step(stmt)) == PGX_ROW) {
        int stop = row_fn(stmt, ctx);
        if (stop) {
            pgx_finalize(stmt);
            return stop;
        }
    }
    int ret = rc == PGX_DONE ? 0 : meta_pg_fail(db, "query");
    pgx_finalize(stmt);
    return ret;
}

const struct meta_backend_ops meta_pg_ops = {
    .version = META_BACKEND_VERSION,
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .account_create = meta_pg_account_create,
    .account_get = meta_pg_account_get,
    .account_list = meta_pg_account_list,
    .key_create = meta_pg_key_create,
    .key_get = meta_pg_key_get,
    .key_list = meta_pg_key_list,
    .bucket_create = meta_pg_bucket_create,
    .bucket_get = meta_pg_bucket_get,
    .bucket_delete = meta_pg_bucket_delete,
    .bucket_list = meta_pg_bucket_list,
    .object_put = meta_pg_object_put,
    .object_get = meta_pg_object_get,
    .object_delete_version = meta_pg_object_delete_version,
    .object_set_acl = meta_pg_object_set_acl,
    .object_set_tags = meta_pg_object_set_tags,
    .object_set_lock = meta_pg_object_set_lock,
    .object_set_tiering = meta_pg_object_set_tiering,
    .object_scan = meta_pg_object_scan,
    .bucket_set_versioning = meta_pg_bucket_set_versioning,
    .version_scan = meta_pg_version_scan,
    .inventory_put = meta_pg_inventory_put,
    .inventory_get = meta_pg_inventory_get,
    .inventory_delete = meta_pg_inventory_delete,
    .inventory_list = meta_pg_inventory_list,
    .inventory_scan = meta_pg_inventory_scan,
    .inventory_changes = meta_pg_inventory_changes,
    .inventory_journal_prune = meta_pg_journal_prune,
    .inventory_run_begin = meta_pg_inventory_run_begin,
    .inventory_run_finish = meta_pg_inventory_run_finish,
    .inventory_run_cancel = meta_pg_inventory_run_cancel,
    .inventory_run_progress = meta_pg_inventory_run_progress,
    .inventory_run_list = meta_pg_inventory_run_list,
    .upload_create = meta_pg_upload_create,
    .upload_get = meta_pg_upload_get,
    .upload_delete = meta_pg_upload_delete,
    .upload_scan = meta_pg_upload_scan,
    .part_put = meta_pg_part_put,
    .part_scan = meta_pg_part_scan,
    .inventory_lease_take = meta_pg_lease_take,
    .inventory_lease_get = meta_pg_lease_get,
    .inventory_lease_renew = meta_pg_lease_renew,
    .inventory_live_run_start = meta_pg_live_run_start,
    .inventory_lease_release = meta_pg_lease_release,
    .inventory_run_object_add = meta_pg_run_object_add,
    .inventory_run_object_list = meta_pg_run_object_list,
    .inventory_run_object_clear = meta_pg_run_object_clear,
    .bucket_config_put = meta_pg_bucket_config_put,
    .bucket_config_get = meta_pg_bucket_config_get,
    .bucket_config_delete = meta_pg_bucket_config_delete,
    .object_commit = meta_pg_object_commit,
    .upload_completed = meta_pg_upload_completed,
    .dead_blob_scan = meta_pg_dead_blob_scan,
    .dead_blob_forget = meta_pg_dead_blob_forget,
    .blob_referenced = meta_pg_blob_referenced,
    /* lifecycle (issue 12) */
    .object_set_storage_class = meta_pg_object_set_storage_class,
    .lifecycle_stat_add = meta_pg_lifecycle_stat_add,
    .lifecycle_stat_list = meta_pg_lifecycle_stat_list,
    .sse_rewrite = meta_pg_sse_rewrite, /* issue 11 */
    /* the key service (issue 11) */
    .kms_key_create = meta_pg_kms_key_create,
    .kms_key_get = meta_pg_kms_key_get,
    .kms_key_update = meta_pg_kms_key_update,
    .kms_key_list = meta_pg_kms_key_list,
    .kms_material_add = meta_pg_kms_material_add,
    .kms_material_get = meta_pg_kms_material_get,
    .kms_alias_create = meta_pg_kms_alias_create,
    .kms_alias_get = meta_pg_kms_alias_get,
    .kms_alias_set_key = meta_pg_kms_alias_set_key,
    .kms_alias_delete = meta_pg_kms_alias_delete,
    .kms_alias_list = meta_pg_kms_alias_list,
    /* event notifications (issue 13) */
    .notify_target_put = meta_pg_notify_target_put,
    .notify_target_get = meta_pg_notify_target_get,
    .notify_target_delete = meta_pg_notify_target_delete,
    .notify_target_list = meta_pg_notify_target_list,
    .notify_enqueue = meta_pg_notify_enqueue,
    .notify_due = meta_pg_notify_due,
    .notify_delivered = meta_pg_notify_delivered,
    .notify_retry = meta_pg_notify_retry,
    .notify_pending = meta_pg_notify_pending,
    /* replication (issue 13) */
    .repl_due = meta_pg_repl_due,
    .repl_finish = meta_pg_repl_finish,
    .repl_retry = meta_pg_repl_retry,
    .repl_stats = meta_pg_repl_stats,
    .remote_put = meta_pg_remote_put,
    .remote_get = meta_pg_remote_get,
    .remote_delete = meta_pg_remote_delete,
    .remote_list = meta_pg_remote_list,
};
