/* meta_sqlite.c — the embedded metadata backend: SQLite in WAL mode at <data>/meta.db.
 *
 * Each thread gets its own connection (a pthread key per store), so readers never wait on one
 * another and writers serialise in SQLite (BEGIN IMMEDIATE, busy timeout). Keys are compared
 * with SQLite's BINARY collation, which is memcmp: UTF-8 byte order, as S3 lists.
 * Object versions live in one table; the row id grows with every write, so "newest first"
 * within a key is "highest id first".
 *
 * This file holds the store (open/close, connections) and the statement and transaction
 * helpers the other files share (meta_sqlite_int.h), and the ops table. The operations live by
 * concern in meta_sqlite_accounts.c, _buckets.c, _objects.c, _uploads.c, _inventory.c and
 * _lease.c; the schema and its migrations in meta_sqlite_schema.c. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsperm.h"
#include "meta/meta_backend.h"
#include "meta/meta_sqlite_int.h"
#include "meta/meta_sqlite_schema.h"

#define SQLITE_BUSY_TIMEOUT_MS 30000

/* The one place a SQLite failure becomes an ERR_* code: a database still locked when the busy
 * timeout ran out is ERR_BUSY (the caller may retry; S3 answers 503 SlowDown), the rest
 * ERR_BACKEND. */
int meta_sqlite_fail(sqlite3 *db, const char *what)
{
    int code = db ? sqlite3_errcode(db) : SQLITE_ERROR;
    err_set("sqlite %s: %s", what, db ? sqlite3_errmsg(db) : "no connection");
    return code == SQLITE_BUSY || code == SQLITE_LOCKED ? ERR_BUSY : ERR_BACKEND;
}

void meta_sqlite_set_busy_timeout(struct meta_store *s, int ms)
{
    struct sqlite_store *st = (struct sqlite_store *)s;
    st->busy_timeout_ms = ms;
    sqlite3 *db = pthread_getspecific(st->conn_key);
    if (db)
        sqlite3_busy_timeout(db, ms);
}

static void sqlite_conn_free(void *p)
{
    meta_sqlite_stmt_forget(p);
    sqlite3_close_v2(p);
}

int meta_sqlite_connect(struct sqlite_store *st, sqlite3 **out)
{
    sqlite3 *db = pthread_getspecific(st->conn_key);
    if (db) {
        *out = db;
        return 0;
    }
    int rc = sqlite3_open_v2(
        st->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        meta_sqlite_fail(db, "open");
        sqlite3_close_v2(db);
        return ERR_BACKEND;
    }
    sqlite3_busy_timeout(db, st->busy_timeout_ms);
    sqlite3_exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", NULL, NULL, NULL);
    pthread_setspecific(st->conn_key, db);
    *out = db;
    return 0;
}

/* A prepared statement on this thread's connection. */
int meta_sqlite_prepare(struct meta_store *s, const char *sql, sqlite3 **out_db, sqlite3_stmt **out)
{
    struct sqlite_store *st = (struct sqlite_store *)s;
    int rc = meta_sqlite_connect(st, out_db);
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(*out_db, sql, -1, out, NULL) != SQLITE_OK)
        return meta_sqlite_fail(*out_db, "prepare");
    return 0;
}

static int sqlite_exec(struct meta_store *s, const char *sql)
{
    sqlite3 *db;
    int rc = meta_sqlite_connect((struct sqlite_store *)s, &db);
    if (rc)
        return rc;
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, sql);
    return 0;
}

static void sqlite_close(struct meta_store *s)
{
    struct sqlite_store *st = (struct sqlite_store *)s;
    sqlite3 *db = pthread_getspecific(st->conn_key);
    if (db) {
        pthread_setspecific(st->conn_key, NULL);
        meta_sqlite_stmt_forget(db);
        sqlite3_close_v2(db);
    }
    pthread_key_delete(st->conn_key);
    meta_sqlite_group_destroy(st);
    free(st->path);
    free(st);
}

/* SQLite's memory statistics take a global mutex on every allocation, which serialises all
 * connections (docs/internals/PERFORMANCE.md); nothing here reads them. Must run before the
 * library initialises: the first open does it once. */
static void sqlite_global_config(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Bring an older meta.db up to the object layer's schema: buckets get their immutable id. */
static int sqlite_open(struct meta_store **out, const struct meta_config *cfg)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_global_config);
    struct sqlite_store *st = xcalloc(1, sizeof(*st));
    st->base.ops = &meta_sqlite_ops;
    meta_sqlite_group_init(st);
    st->busy_timeout_ms = cfg->busy_timeout_ms > 0 ? cfg->busy_timeout_ms : SQLITE_BUSY_TIMEOUT_MS;
    size_t n = strlen(cfg->data_dir) + 16;
    st->path = xmalloc(n);
    snprintf(st->path, n, "%s/meta.db", cfg->data_dir);
    if (pthread_key_create(&st->conn_key, sqlite_conn_free) != 0) {
        free(st->path);
        free(st);
        err_set("pthread_key_create failed");
        return ERR_NOMEM;
    }
    sqlite3 *db = NULL;
    int rc = fsperm_db(st->path); /* meta.db holds secret keys: 0600, -wal and -shm too */
    if (!rc)
        rc = sqlite_exec(&st->base, "PRAGMA journal_mode=WAL");
    if (!rc)
        rc = meta_sqlite_connect(st, &db);
    if (!rc)
        rc = meta_sqlite_schema_migrate(db, meta_sqlite_schema_latest());
    if (rc) {
        sqlite_close(&st->base);
        return rc;
    }
    *out = &st->base;
    return 0;
}

/* Step a statement that returns no rows; finalize it. SQLITE_CONSTRAINT → ERR_EXISTS. */
int meta_sqlite_step_done(sqlite3 *db, sqlite3_stmt *stmt)
{
    int rc = sqlite3_step(stmt);
    int ret = 0;
    if (rc == SQLITE_CONSTRAINT) {
        err_set("already exists");
        ret = ERR_EXISTS;
    } else if (rc != SQLITE_DONE) {
        ret = meta_sqlite_fail(db, "step");
    }
    sqlite3_finalize(stmt);
    return ret;
}

void meta_sqlite_copy(char *dst, size_t size, sqlite3_stmt *stmt, int col)
{
    const char *v = (const char *)sqlite3_column_text(stmt, col);
    size_t n = v ? (size_t)sqlite3_column_bytes(stmt, col) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, v, n);
    dst[n] = '\0';
}

char *meta_sqlite_dup(sqlite3_stmt *stmt, int col)
{
    const char *v = (const char *)sqlite3_column_text(stmt, col);
    return xstrndup(v ? v : "", (size_t)sqlite3_column_bytes(stmt, col));
}

/* ---- transactions ---- */

int meta_sqlite_run(sqlite3 *db, const char *sql, const char *bucket, const char *key,
                    const char *version_id)
{
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_stmt(db, sql, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
    if (version_id)
        sqlite3_bind_text(stmt, 3, version_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    int ret = 0;
    if (rc == SQLITE_CONSTRAINT) {
        err_set("already exists");
        ret = ERR_EXISTS;
    } else if (rc != SQLITE_DONE) {
        ret = meta_sqlite_fail(db, "step");
    }
    meta_sqlite_stmt_done(stmt);
    return ret;
}

int meta_sqlite_commit_or_rollback(sqlite3 *db, int rc)
{
    if (rc) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = meta_sqlite_fail(db, "commit");
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

/* This thread's connection with a write transaction open (BEGIN IMMEDIATE). */
int meta_sqlite_begin(struct meta_store *s, sqlite3 **out)
{
    int rc = meta_sqlite_connect((struct sqlite_store *)s, out);
    if (!rc && sqlite3_exec(*out, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        rc = meta_sqlite_fail(*out, "begin");
    return rc;
}

int meta_sqlite_query(struct meta_store *s, const char *sql, const char *param,
                      meta_sqlite_row_fn *row_fn, void *ctx)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_connect((struct sqlite_store *)s, &db);
    if (!rc)
        rc = meta_sqlite_stmt(db, sql, &stmt);
    if (rc)
        return rc;
    if (param)
        sqlite3_bind_text(stmt, 1, param, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int stop = row_fn(stmt, ctx);
        if (stop) {
            meta_sqlite_stmt_done(stmt);
            return stop;
        }
    }
    int ret = rc == SQLITE_DONE ? 0 : meta_sqlite_fail(db, "query");
    meta_sqlite_stmt_done(stmt);
    return ret;
}

const struct meta_backend_ops meta_sqlite_ops = {
    .version = META_BACKEND_VERSION,
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .account_create = meta_sqlite_account_create,
    .account_get = meta_sqlite_account_get,
    .account_list = meta_sqlite_account_list,
    .key_create = meta_sqlite_key_create,
    .key_get = meta_sqlite_key_get,
    .key_list = meta_sqlite_key_list,
    .bucket_create = meta_sqlite_bucket_create,
    .bucket_get = meta_sqlite_bucket_get,
    .bucket_delete = meta_sqlite_bucket_delete,
    .bucket_list = meta_sqlite_bucket_list,
    .object_put = meta_sqlite_object_put,
    .object_get = meta_sqlite_object_get,
    .object_delete_version = meta_sqlite_object_delete_version,
    .object_set_acl = meta_sqlite_object_set_acl,
    .object_set_tags = meta_sqlite_object_set_tags,
    .object_set_lock = meta_sqlite_object_set_lock,
    .object_set_tiering = meta_sqlite_object_set_tiering,
    .object_scan = meta_sqlite_object_scan,
    .bucket_set_versioning = meta_sqlite_bucket_set_versioning,
    .version_scan = meta_sqlite_version_scan,
    .inventory_put = meta_sqlite_inventory_put,
    .inventory_get = meta_sqlite_inventory_get,
    .inventory_delete = meta_sqlite_inventory_delete,
    .inventory_list = meta_sqlite_inventory_list,
    .inventory_scan = meta_sqlite_inventory_scan,
    .inventory_changes = meta_sqlite_inventory_changes,
    .inventory_journal_prune = meta_sqlite_journal_prune,
    .inventory_run_begin = meta_sqlite_inventory_run_begin,
    .inventory_run_finish = meta_sqlite_inventory_run_finish,
    .inventory_run_cancel = meta_sqlite_inventory_run_cancel,
    .inventory_run_progress = meta_sqlite_inventory_run_progress,
    .inventory_run_list = meta_sqlite_inventory_run_list,
    .upload_create = meta_sqlite_upload_create,
    .upload_get = meta_sqlite_upload_get,
    .upload_delete = meta_sqlite_upload_delete,
    .upload_scan = meta_sqlite_upload_scan,
    .part_put = meta_sqlite_part_put,
    .part_scan = meta_sqlite_part_scan,
    .inventory_lease_take = meta_sqlite_lease_take,
    .inventory_lease_get = meta_sqlite_lease_get,
    .inventory_lease_renew = meta_sqlite_lease_renew,
    .inventory_live_run_start = meta_sqlite_live_run_start,
    .inventory_lease_release = meta_sqlite_lease_release,
    .inventory_run_object_add = meta_sqlite_run_object_add,
    .inventory_run_object_list = meta_sqlite_run_object_list,
    .inventory_run_object_clear = meta_sqlite_run_object_clear,
    .bucket_config_put = meta_sqlite_bucket_config_put,
    .bucket_config_get = meta_sqlite_bucket_config_get,
    .bucket_config_delete = meta_sqlite_bucket_config_delete,
    .object_commit = meta_sqlite_object_commit,
    .upload_completed = meta_sqlite_upload_completed,
    .dead_blob_scan = meta_sqlite_dead_blob_scan,
    .dead_blob_forget = meta_sqlite_dead_blob_forget,
    .blob_referenced = meta_sqlite_blob_referenced,
    /* lifecycle (issue 12) */
    .object_set_storage_class = meta_sqlite_object_set_storage_class,
    .lifecycle_stat_add = meta_sqlite_lifecycle_stat_add,
    .lifecycle_stat_list = meta_sqlite_lifecycle_stat_list,
    .sse_rewrite = meta_sqlite_sse_rewrite, /* issue 11 */
    /* the key service (issue 11) */
    .kms_key_create = meta_sqlite_kms_key_create,
    .kms_key_get = meta_sqlite_kms_key_get,
    .kms_key_update = meta_sqlite_kms_key_update,
    .kms_key_list = meta_sqlite_kms_key_list,
    .kms_material_add = meta_sqlite_kms_material_add,
    .kms_material_get = meta_sqlite_kms_material_get,
    .kms_alias_create = meta_sqlite_kms_alias_create,
    .kms_alias_get = meta_sqlite_kms_alias_get,
    .kms_alias_set_key = meta_sqlite_kms_alias_set_key,
    .kms_alias_delete = meta_sqlite_kms_alias_delete,
    .kms_alias_list = meta_sqlite_kms_alias_list,
    /* event notifications (issue 13) */
    .notify_target_put = meta_sqlite_notify_target_put,
    .notify_target_get = meta_sqlite_notify_target_get,
    .notify_target_delete = meta_sqlite_notify_target_delete,
    .notify_target_list = meta_sqlite_notify_target_list,
    .notify_enqueue = meta_sqlite_notify_enqueue,
    .notify_due = meta_sqlite_notify_due,
    .notify_delivered = meta_sqlite_notify_delivered,
    .notify_retry = meta_sqlite_notify_retry,
    .notify_pending = meta_sqlite_notify_pending,
    /* replication (issue 13) */
    .repl_due = meta_sqlite_repl_due,
    .repl_finish = meta_sqlite_repl_finish,
    .repl_retry = meta_sqlite_repl_retry,
    .repl_stats = meta_sqlite_repl_stats,
    .remote_put = meta_sqlite_remote_put,
    .remote_get = meta_sqlite_remote_get,
    .remote_delete = meta_sqlite_remote_delete,
    .remote_list = meta_sqlite_remote_list,
};
