/* meta_sqlite.c — the embedded metadata backend: SQLite in WAL mode at <data>/meta.db.
 *
 * Each thread gets its own connection (a pthread key per store), so readers never wait on one
 * another and writers serialise in SQLite (BEGIN IMMEDIATE, busy timeout). Keys are compared
 * with SQLite's BINARY collation, which is memcmp: UTF-8 byte order, as S3 lists.
 * Object versions live in one table; the row id grows with every write, so "newest first"
 * within a key is "highest id first". */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/fsperm.h"
#include "core/fault.h"
#include "core/str.h"
#include "meta/meta_backend.h"
#include "meta/meta_sqlite_int.h"
#include "meta/meta_sqlite_schema.h"

#define SQLITE_BUSY_TIMEOUT_MS 30000

struct sqlite_store {
    struct meta_store base;
    char *path;
    int busy_timeout_ms;
    pthread_key_t conn_key;
};

/* The one place a SQLite failure becomes an ERR_* code: a database still locked when the busy
 * timeout ran out is ERR_BUSY (the caller may retry; S3 answers 503 SlowDown), the rest
 * ERR_BACKEND. */
static int sqlite_fail(sqlite3 *db, const char *what)
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
    sqlite3_close_v2(p);
}

static int sqlite_connect(struct sqlite_store *st, sqlite3 **out)
{
    sqlite3 *db = pthread_getspecific(st->conn_key);
    if (db) {
        *out = db;
        return 0;
    }
    int rc = sqlite3_open_v2(
        st->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        sqlite_fail(db, "open");
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
static int sqlite_prepare(struct meta_store *s, const char *sql, sqlite3 **out_db,
                          sqlite3_stmt **out)
{
    struct sqlite_store *st = (struct sqlite_store *)s;
    int rc = sqlite_connect(st, out_db);
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(*out_db, sql, -1, out, NULL) != SQLITE_OK)
        return sqlite_fail(*out_db, "prepare");
    return 0;
}

static int sqlite_exec(struct meta_store *s, const char *sql)
{
    sqlite3 *db;
    int rc = sqlite_connect((struct sqlite_store *)s, &db);
    if (rc)
        return rc;
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sqlite_fail(db, sql);
    return 0;
}

static void sqlite_close(struct meta_store *s)
{
    struct sqlite_store *st = (struct sqlite_store *)s;
    sqlite3 *db = pthread_getspecific(st->conn_key);
    if (db) {
        pthread_setspecific(st->conn_key, NULL);
        sqlite3_close_v2(db);
    }
    pthread_key_delete(st->conn_key);
    free(st->path);
    free(st);
}

/* Bring an older meta.db up to the object layer's schema: buckets get their immutable id. */
static int sqlite_open(struct meta_store **out, const struct meta_config *cfg)
{
    struct sqlite_store *st = xcalloc(1, sizeof(*st));
    st->base.ops = &meta_sqlite_ops;
    st->busy_timeout_ms = SQLITE_BUSY_TIMEOUT_MS;
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
        rc = sqlite_connect(st, &db);
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
static int sqlite_step_done(sqlite3 *db, sqlite3_stmt *stmt)
{
    int rc = sqlite3_step(stmt);
    int ret = 0;
    if (rc == SQLITE_CONSTRAINT) {
        err_set("already exists");
        ret = ERR_EXISTS;
    } else if (rc != SQLITE_DONE) {
        ret = sqlite_fail(db, "step");
    }
    sqlite3_finalize(stmt);
    return ret;
}

static void sqlite_copy(char *dst, size_t size, sqlite3_stmt *stmt, int col)
{
    const char *v = (const char *)sqlite3_column_text(stmt, col);
    size_t n = v ? (size_t)sqlite3_column_bytes(stmt, col) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, v, n);
    dst[n] = '\0';
}

static char *sqlite_dup(sqlite3_stmt *stmt, int col)
{
    const char *v = (const char *)sqlite3_column_text(stmt, col);
    return xstrndup(v ? v : "", (size_t)sqlite3_column_bytes(stmt, col));
}

/* ---- transactions ---- */

static int sqlite_run(sqlite3 *db, const char *sql, const char *bucket, const char *key,
                      const char *version_id)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
    if (version_id)
        sqlite3_bind_text(stmt, 3, version_id, -1, SQLITE_STATIC);
    return sqlite_step_done(db, stmt);
}

static int sqlite_commit_or_rollback(sqlite3 *db, int rc)
{
    if (rc) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = sqlite_fail(db, "commit");
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

/* This thread's connection with a write transaction open (BEGIN IMMEDIATE). */
static int sqlite_begin(struct meta_store *s, sqlite3 **out)
{
    int rc = sqlite_connect((struct sqlite_store *)s, out);
    if (!rc && sqlite3_exec(*out, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        rc = sqlite_fail(*out, "begin");
    return rc;
}

/* ---- accounts and keys ---- */

static int sqlite_account_create(struct meta_store *s, const struct meta_account *a)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s, "INSERT INTO accounts VALUES (?,?,?,?)", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, a->canonical_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, a->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, a->created_ms);
    return sqlite_step_done(db, stmt);
}

static void sqlite_account_row(sqlite3_stmt *stmt, struct meta_account *a)
{
    sqlite_copy(a->id, sizeof(a->id), stmt, 0);
    sqlite_copy(a->canonical_id, sizeof(a->canonical_id), stmt, 1);
    sqlite_copy(a->name, sizeof(a->name), stmt, 2);
    a->created_ms = sqlite3_column_int64(stmt, 3);
}

/* Run a SELECT with up to one text parameter, handing each row to row_fn. */
typedef int sqlite_row_fn(sqlite3_stmt *stmt, void *ctx);

static int sqlite_query(struct meta_store *s, const char *sql, const char *param,
                        sqlite_row_fn *row_fn, void *ctx)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s, sql, &db, &stmt);
    if (rc)
        return rc;
    if (param)
        sqlite3_bind_text(stmt, 1, param, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int stop = row_fn(stmt, ctx);
        if (stop) {
            sqlite3_finalize(stmt);
            return stop;
        }
    }
    int ret = rc == SQLITE_DONE ? 0 : sqlite_fail(db, "query");
    sqlite3_finalize(stmt);
    return ret;
}

struct sqlite_one {
    void *out;
    int found;
};

static int sqlite_account_one(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_one *one = ctx;
    sqlite_account_row(stmt, one->out);
    one->found = 1;
    return 0;
}

static int sqlite_account_get(struct meta_store *s, const char *id, struct meta_account *out)
{
    struct sqlite_one one = {out, 0};
    int rc = sqlite_query(s, "SELECT id, canonical_id, name, created_ms FROM accounts WHERE id=?",
                          id, sqlite_account_one, &one);
    if (!rc && !one.found) {
        err_set("no account %s", id);
        return ERR_NOTFOUND;
    }
    return rc;
}

struct sqlite_cb {
    void *cb;
    void *payload;
};

static int sqlite_account_each(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_cb *c = ctx;
    struct meta_account a;
    sqlite_account_row(stmt, &a);
    return ((meta_account_cb *)c->cb)(c->payload, &a);
}

static int sqlite_account_list(struct meta_store *s, meta_account_cb *cb, void *payload)
{
    struct sqlite_cb c = {(void *)cb, payload};
    return sqlite_query(s, "SELECT id, canonical_id, name, created_ms FROM accounts ORDER BY id",
                        NULL, sqlite_account_each, &c);
}

static int sqlite_key_create(struct meta_store *s, const struct meta_access_key *k)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s, "INSERT INTO access_keys VALUES (?,?,?,?)", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, k->access_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, k->secret, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, k->account_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, k->created_ms);
    return sqlite_step_done(db, stmt);
}

static void sqlite_key_row(sqlite3_stmt *stmt, struct meta_access_key *k)
{
    sqlite_copy(k->access_key, sizeof(k->access_key), stmt, 0);
    sqlite_copy(k->secret, sizeof(k->secret), stmt, 1);
    sqlite_copy(k->account_id, sizeof(k->account_id), stmt, 2);
    k->created_ms = sqlite3_column_int64(stmt, 3);
}

static int sqlite_key_one(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_one *one = ctx;
    sqlite_key_row(stmt, one->out);
    one->found = 1;
    return 0;
}

static int sqlite_key_get(struct meta_store *s, const char *access_key, struct meta_access_key *out)
{
    struct sqlite_one one = {out, 0};
    int rc = sqlite_query(s,
                          "SELECT access_key, secret, account_id, created_ms FROM access_keys "
                          "WHERE access_key=?",
                          access_key, sqlite_key_one, &one);
    if (!rc && !one.found) {
        err_set("no access key");
        return ERR_NOTFOUND;
    }
    return rc;
}

static int sqlite_key_each(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_cb *c = ctx;
    struct meta_access_key k;
    sqlite_key_row(stmt, &k);
    return ((meta_key_cb *)c->cb)(c->payload, &k);
}

static int sqlite_key_list(struct meta_store *s, meta_key_cb *cb, void *payload)
{
    struct sqlite_cb c = {(void *)cb, payload};
    return sqlite_query(s,
                        "SELECT access_key, secret, account_id, created_ms FROM access_keys "
                        "ORDER BY created_ms, rowid",
                        NULL, sqlite_key_each, &c);
}

/* ---- buckets ---- */

#define SQLITE_BUCKET_COLS "name, owner_id, region, created_ms, versioning, id"

static int sqlite_bucket_create(struct meta_store *s, const struct meta_bucket *b)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s,
                            "INSERT INTO buckets(name, owner_id, region, created_ms, versioning,"
                            " id) VALUES (?,?,?,?,?,lower(hex(randomblob(16))))",
                            &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, b->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, b->owner_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, b->region, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, b->created_ms);
    sqlite3_bind_int(stmt, 5, (int)b->versioning);
    return sqlite_step_done(db, stmt);
}

static void sqlite_bucket_row(sqlite3_stmt *stmt, struct meta_bucket *b)
{
    sqlite_copy(b->name, sizeof(b->name), stmt, 0);
    sqlite_copy(b->owner_id, sizeof(b->owner_id), stmt, 1);
    sqlite_copy(b->region, sizeof(b->region), stmt, 2);
    b->created_ms = sqlite3_column_int64(stmt, 3);
    b->versioning = (enum meta_versioning)sqlite3_column_int(stmt, 4);
    sqlite_copy(b->id, sizeof(b->id), stmt, 5);
}

static int sqlite_bucket_one(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_one *one = ctx;
    sqlite_bucket_row(stmt, one->out);
    one->found = 1;
    return 0;
}

static int sqlite_bucket_get(struct meta_store *s, const char *name, struct meta_bucket *out)
{
    struct sqlite_one one = {out, 0};
    int rc = sqlite_query(s, "SELECT " SQLITE_BUCKET_COLS " FROM buckets WHERE name=?", name,
                          sqlite_bucket_one, &one);
    if (!rc && !one.found) {
        err_set("no bucket %s", name);
        return ERR_NOTFOUND;
    }
    return rc;
}

static int sqlite_bucket_delete_txn(sqlite3 *db, const char *name)
{
    int rc = sqlite_run(db,
                        "DELETE FROM buckets WHERE name=?1 AND NOT EXISTS "
                        "(SELECT 1 FROM objects WHERE bucket=?1)",
                        name, NULL, NULL);
    if (rc)
        return rc;
    if (sqlite3_changes(db) == 0) {
        err_set("bucket %s is missing or not empty", name);
        return ERR_NOTEMPTY;
    }
    rc = sqlite_run(db, "DELETE FROM completed_uploads WHERE bucket=?", name, NULL, NULL);
    if (!rc)
        rc = sqlite_run(db, "DELETE FROM inventory_configs WHERE bucket=?", name, NULL, NULL);
    if (!rc)
        rc = sqlite_run(db, "DELETE FROM bucket_configs WHERE bucket=?", name, NULL, NULL);
    return rc;
}

static int sqlite_bucket_delete(struct meta_store *s, const char *name)
{
    sqlite3 *db;
    int rc = sqlite_begin(s, &db);
    if (!rc)
        rc = sqlite_commit_or_rollback(db, sqlite_bucket_delete_txn(db, name));
    if (rc != ERR_NOTEMPTY)
        return rc;
    struct meta_bucket b;
    rc = sqlite_bucket_get(s, name, &b); /* ERR_NOTFOUND, or it really is not empty */
    if (!rc) {
        err_set("bucket %s is not empty", name);
        rc = ERR_NOTEMPTY;
    }
    return rc;
}

static int sqlite_bucket_each(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_cb *c = ctx;
    struct meta_bucket b;
    sqlite_bucket_row(stmt, &b);
    return ((meta_bucket_cb *)c->cb)(c->payload, &b);
}

static int sqlite_bucket_list(struct meta_store *s, const char *owner_id, meta_bucket_cb *cb,
                              void *payload)
{
    struct sqlite_cb c = {(void *)cb, payload};
    if (owner_id)
        return sqlite_query(
            s, "SELECT " SQLITE_BUCKET_COLS " FROM buckets WHERE owner_id=? ORDER BY name",
            owner_id, sqlite_bucket_each, &c);
    return sqlite_query(s, "SELECT " SQLITE_BUCKET_COLS " FROM buckets ORDER BY name", NULL,
                        sqlite_bucket_each, &c);
}

/* ---- objects ----
 * Scans hand each row to a callback that may move the caller's markers, so their parameters
 * are bound SQLITE_TRANSIENT (copied), never SQLITE_STATIC. */

/* The report's columns come first (see sqlite_inventory_row), then the rest. */
#define SQLITE_INVENTORY_COLS                                                                      \
    "key, version_id, is_latest, is_delete_marker, size, last_modified_ms, etag,"                  \
    " storage_class, owner_id, multipart, checksum_algorithm, id"
#define SQLITE_OBJECT_COLS                                                                         \
    SQLITE_INVENTORY_COLS ", headers, blob_id, checksum_value, checksum_type, parts"

/* The leading SQLITE_INVENTORY_COLS of a row; key borrowed from the statement (valid until
 * the next step), the rest copied. */
static void sqlite_inventory_row(sqlite3_stmt *stmt, struct meta_object *o)
{
    memset(o, 0, sizeof(*o));
    o->key = (char *)sqlite3_column_text(stmt, 0);
    sqlite_copy(o->version_id, sizeof(o->version_id), stmt, 1);
    o->is_latest = sqlite3_column_int(stmt, 2);
    o->is_delete_marker = sqlite3_column_int(stmt, 3);
    o->size = sqlite3_column_int64(stmt, 4);
    o->last_modified_ms = sqlite3_column_int64(stmt, 5);
    sqlite_copy(o->etag, sizeof(o->etag), stmt, 6);
    sqlite_copy(o->storage_class, sizeof(o->storage_class), stmt, 7);
    sqlite_copy(o->owner_id, sizeof(o->owner_id), stmt, 8);
    o->multipart = sqlite3_column_int(stmt, 9);
    sqlite_copy(o->checksum_algorithm, sizeof(o->checksum_algorithm), stmt, 10);
    o->seq = sqlite3_column_int64(stmt, 11);
}

/* A whole row, owned by the caller (meta_object_dispose). */
static void sqlite_object_row(sqlite3_stmt *stmt, struct meta_object *o)
{
    sqlite_inventory_row(stmt, o);
    o->key = sqlite_dup(stmt, 0);
    o->headers = sqlite_dup(stmt, 12);
    sqlite_copy(o->blob_id, sizeof(o->blob_id), stmt, 13);
    o->checksum_value = sqlite_dup(stmt, 14);
    sqlite_copy(o->checksum_type, sizeof(o->checksum_type), stmt, 15);
    o->parts = sqlite3_column_type(stmt, 16) == SQLITE_NULL ? NULL : sqlite_dup(stmt, 16);
}

/* Record as dead, inside the open transaction, the blobs that sql selects (its first column
 * is a blob id, ?1..?3 bind a, b, c; ?4 is the time of death). The collector removes them
 * after the grace period, so a reader that already has the row still finds its bytes. */
static int sqlite_dead_add(sqlite3 *db, const char *sql, const char *a, const char *b,
                           const char *c)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(stmt, 2, b, -1, SQLITE_STATIC);
    if (c)
        sqlite3_bind_text(stmt, 3, c, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, clock_now_ms());
    return sqlite_step_done(db, stmt);
}

#define SQLITE_DEAD_INSERT "INSERT OR IGNORE INTO dead_blobs(blob_id, dead_ms) SELECT blob_id, ?4 "

static int sqlite_object_insert(sqlite3 *db, const char *bucket, const struct meta_object *o)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO objects(bucket, key, version_id, is_latest,"
                           " is_delete_marker, size, last_modified_ms, etag, storage_class,"
                           " owner_id, headers, blob_id, multipart, checksum_algorithm,"
                           " checksum_value, checksum_type, parts)"
                           " VALUES (?,?,?,1,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &stmt, NULL) != SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, o->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, o->version_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 4, o->is_delete_marker);
    sqlite3_bind_int64(stmt, 5, o->size);
    sqlite3_bind_int64(stmt, 6, o->last_modified_ms);
    sqlite3_bind_text(stmt, 7, o->etag, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 8, o->storage_class, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 9, o->owner_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 10, o->headers ? o->headers : "[]", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 11, o->blob_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 12, o->multipart);
    sqlite3_bind_text(stmt, 13, o->checksum_algorithm, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 14, o->checksum_value ? o->checksum_value : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 15, o->checksum_type, -1, SQLITE_STATIC);
    if (o->parts)
        sqlite3_bind_text(stmt, 16, o->parts, -1, SQLITE_STATIC);
    return sqlite_step_done(db, stmt);
}

static int sqlite_object_put_txn(sqlite3 *db, const char *bucket, const struct meta_object *o)
{
    int rc = 0;
    if (strcmp(o->version_id, "null") == 0) {
        rc = sqlite_dead_add(db,
                             SQLITE_DEAD_INSERT "FROM objects WHERE bucket=?1 AND key=?2 AND"
                                                " version_id=?3 AND blob_id != ''",
                             bucket, o->key, "null");
        if (!rc)
            rc = sqlite_run(db, "DELETE FROM objects WHERE bucket=? AND key=? AND version_id=?",
                            bucket, o->key, "null");
    }
    if (!rc)
        rc = sqlite_run(db,
                        "UPDATE objects SET is_latest=0 WHERE bucket=? AND key=? AND is_latest=1",
                        bucket, o->key, NULL);
    if (!rc)
        rc = sqlite_object_insert(db, bucket, o);
    return rc;
}

static int sqlite_object_put(struct meta_store *s, const char *bucket, const struct meta_object *o)
{
    sqlite3 *db;
    int rc = sqlite_begin(s, &db);
    return rc ? rc : sqlite_commit_or_rollback(db, sqlite_object_put_txn(db, bucket, o));
}

/* One object row of bucket/key: the version_id one, or the latest when version_id is NULL. */
static int sqlite_object_select(sqlite3 *db, const char *bucket, const char *key,
                                const char *version_id, struct meta_object *out)
{
    sqlite3_stmt *stmt;
    const char *sql = version_id ? "SELECT " SQLITE_OBJECT_COLS
                                   " FROM objects WHERE bucket=? AND key=? AND version_id=?"
                                 : "SELECT " SQLITE_OBJECT_COLS
                                   " FROM objects WHERE bucket=? AND key=? AND is_latest=1";
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
    if (version_id)
        sqlite3_bind_text(stmt, 3, version_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        sqlite_object_row(stmt, out);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        err_set(version_id ? "no such version" : "no such key");
        rc = ERR_NOTFOUND;
    } else {
        rc = sqlite_fail(db, "step");
    }
    sqlite3_finalize(stmt);
    return rc;
}

static int sqlite_object_get(struct meta_store *s, const char *bucket, const char *key,
                             const char *version_id, struct meta_object *out)
{
    sqlite3 *db;
    int rc = sqlite_connect((struct sqlite_store *)s, &db);
    return rc ? rc : sqlite_object_select(db, bucket, key, version_id, out);
}

static int sqlite_object_delete_txn(sqlite3 *db, const char *bucket, const char *key,
                                    const char *version_id, struct meta_object *out)
{
    int rc = sqlite_object_select(db, bucket, key, version_id, out);
    if (rc)
        return rc;
    rc = sqlite_dead_add(db,
                         SQLITE_DEAD_INSERT "FROM objects WHERE bucket=?1 AND key=?2 AND"
                                            " version_id=?3 AND blob_id != ''",
                         bucket, key, version_id);
    if (!rc)
        rc = sqlite_run(db, "DELETE FROM objects WHERE bucket=? AND key=? AND version_id=?", bucket,
                        key, version_id);
    /* the newest remaining version, if any, becomes the latest */
    if (!rc)
        rc = sqlite_run(db,
                        "UPDATE objects SET is_latest=1 WHERE id=(SELECT max(id) FROM objects"
                        " WHERE bucket=?1 AND key=?2) AND NOT EXISTS (SELECT 1 FROM objects"
                        " WHERE bucket=?1 AND key=?2 AND is_latest=1)",
                        bucket, key, NULL);
    if (rc)
        meta_object_dispose(out);
    return rc;
}

static int sqlite_object_delete_version(struct meta_store *s, const char *bucket, const char *key,
                                        const char *version_id, struct meta_object *out)
{
    sqlite3 *db;
    memset(out, 0, sizeof(*out));
    int rc = sqlite_begin(s, &db);
    if (!rc)
        rc = sqlite_commit_or_rollback(db,
                                       sqlite_object_delete_txn(db, bucket, key, version_id, out));
    if (rc)
        meta_object_dispose(out);
    return rc;
}

/* Hand each object row of stmt to cb (stops on non-zero, which is returned); finalizes. */
static int sqlite_object_rows(sqlite3 *db, sqlite3_stmt *stmt, meta_object_cb *cb, void *payload)
{
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct meta_object o;
        memset(&o, 0, sizeof(o));
        sqlite_object_row(stmt, &o);
        stop = cb(payload, &o);
        meta_object_dispose(&o);
    }
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : sqlite_fail(db, "scan"));
    sqlite3_finalize(stmt);
    return ret;
}

static int sqlite_object_scan(struct meta_store *s, const char *bucket, const char *prefix,
                              const char *start, int start_inclusive, size_t limit,
                              meta_object_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    char *pend = str_prefix_successor(prefix ? prefix : "");
    const char *sql = start_inclusive
                          ? "SELECT " SQLITE_OBJECT_COLS " FROM objects WHERE bucket=?1 AND"
                            " is_latest=1 AND is_delete_marker=0 AND key>=?2 AND key>=?3 AND"
                            " (?4 IS NULL OR key<?4) ORDER BY key LIMIT ?5"
                          : "SELECT " SQLITE_OBJECT_COLS " FROM objects WHERE bucket=?1 AND"
                            " is_latest=1 AND is_delete_marker=0 AND key>?2 AND key>=?3 AND"
                            " (?4 IS NULL OR key<?4) ORDER BY key LIMIT ?5";
    int rc = sqlite_prepare(s, sql, &db, &stmt);
    if (rc) {
        free(pend);
        return rc;
    }
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, start ? start : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, prefix ? prefix : "", -1, SQLITE_TRANSIENT);
    if (pend)
        sqlite3_bind_text(stmt, 4, pend, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 5, (sqlite3_int64)limit);
    int ret = sqlite_object_rows(db, stmt, cb, payload);
    free(pend);
    return ret;
}

static int sqlite_bucket_set_versioning(struct meta_store *s, const char *name,
                                        enum meta_versioning v)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s, "UPDATE buckets SET versioning=? WHERE name=?", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_int(stmt, 1, (int)v);
    sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
    rc = sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no bucket %s", name);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

static int sqlite_version_scan(struct meta_store *s, const char *bucket, const char *prefix,
                               const char *key_marker, int64_t seq_marker, size_t limit,
                               meta_object_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    char *pend = str_prefix_successor(prefix ? prefix : "");
    int rc = sqlite_prepare(s,
                            "SELECT " SQLITE_OBJECT_COLS " FROM objects WHERE bucket=?1 AND"
                            " key>=?2 AND (?3 IS NULL OR key<?3) AND"
                            " (key>?4 OR (key=?4 AND (?5<0 OR (?5>0 AND id<?5))))"
                            " ORDER BY key, id DESC LIMIT ?6",
                            &db, &stmt);
    if (rc) {
        free(pend);
        return rc;
    }
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, prefix ? prefix : "", -1, SQLITE_TRANSIENT);
    if (pend)
        sqlite3_bind_text(stmt, 3, pend, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 4, key_marker ? key_marker : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 5, key_marker ? seq_marker : 0);
    sqlite3_bind_int64(stmt, 6, (sqlite3_int64)limit);
    int ret = sqlite_object_rows(db, stmt, cb, payload);
    free(pend);
    return ret;
}

/* ---- multipart uploads ---- */

#define SQLITE_UPLOAD_COLS                                                                         \
    "upload_id, bucket, key, initiated_ms, owner_id, headers, storage_class, checksum_algorithm,"  \
    " checksum_type"

static int sqlite_upload_create(struct meta_store *s, const struct meta_upload *u)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s, "INSERT INTO uploads VALUES (?,?,?,?,?,?,?,?,?)", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, u->upload_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, u->bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, u->key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, u->initiated_ms);
    sqlite3_bind_text(stmt, 5, u->owner_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 6, u->headers ? u->headers : "[]", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 7, u->storage_class, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 8, u->checksum_algorithm, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 9, u->checksum_type, -1, SQLITE_STATIC);
    return sqlite_step_done(db, stmt);
}

static void sqlite_upload_row(sqlite3_stmt *stmt, struct meta_upload *u)
{
    memset(u, 0, sizeof(*u));
    sqlite_copy(u->upload_id, sizeof(u->upload_id), stmt, 0);
    sqlite_copy(u->bucket, sizeof(u->bucket), stmt, 1);
    u->key = sqlite_dup(stmt, 2);
    u->initiated_ms = sqlite3_column_int64(stmt, 3);
    sqlite_copy(u->owner_id, sizeof(u->owner_id), stmt, 4);
    u->headers = sqlite_dup(stmt, 5);
    sqlite_copy(u->storage_class, sizeof(u->storage_class), stmt, 6);
    sqlite_copy(u->checksum_algorithm, sizeof(u->checksum_algorithm), stmt, 7);
    sqlite_copy(u->checksum_type, sizeof(u->checksum_type), stmt, 8);
}

struct sqlite_upload_one {
    const char *bucket;
    struct meta_upload *out;
    int found;
};

static int sqlite_upload_one(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_upload_one *one = ctx;
    sqlite_upload_row(stmt, one->out);
    if (strcmp(one->out->bucket, one->bucket) != 0) {
        meta_upload_dispose(one->out);
        return 0;
    }
    one->found = 1;
    return 0;
}

static int sqlite_upload_get(struct meta_store *s, const char *bucket, const char *upload_id,
                             struct meta_upload *out)
{
    struct sqlite_upload_one one = {bucket, out, 0};
    int rc = sqlite_query(s, "SELECT " SQLITE_UPLOAD_COLS " FROM uploads WHERE upload_id=?",
                          upload_id, sqlite_upload_one, &one);
    if (!rc && !one.found) {
        err_set("no such upload");
        return ERR_NOTFOUND;
    }
    return rc;
}

static int sqlite_upload_delete_txn(sqlite3 *db, const char *bucket, const char *upload_id)
{
    int rc = sqlite_dead_add(db,
                             SQLITE_DEAD_INSERT "FROM parts WHERE upload_id=?2 AND EXISTS (SELECT 1"
                                                " FROM uploads WHERE upload_id=?2 AND bucket=?1)",
                             bucket, upload_id, NULL);
    if (!rc)
        rc = sqlite_run(db,
                        "DELETE FROM parts WHERE upload_id=?2 AND EXISTS (SELECT 1 FROM"
                        " uploads WHERE upload_id=?2 AND bucket=?1)",
                        bucket, upload_id, NULL);
    if (!rc)
        rc = sqlite_run(db, "DELETE FROM uploads WHERE bucket=? AND upload_id=?", bucket, upload_id,
                        NULL);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no such upload");
        rc = ERR_NOTFOUND;
    }
    return rc;
}

static int sqlite_upload_delete(struct meta_store *s, const char *bucket, const char *upload_id)
{
    sqlite3 *db;
    int rc = sqlite_begin(s, &db);
    return rc ? rc : sqlite_commit_or_rollback(db, sqlite_upload_delete_txn(db, bucket, upload_id));
}

static int sqlite_upload_scan(struct meta_store *s, const char *bucket, const char *prefix,
                              const char *key_marker, const char *upload_id_marker,
                              int64_t initiated_before, size_t limit, meta_upload_cb *cb,
                              void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    char *pend = str_prefix_successor(prefix ? prefix : "");
    int rc = sqlite_prepare(s,
                            "SELECT " SQLITE_UPLOAD_COLS
                            " FROM uploads WHERE (?1 IS NULL OR bucket=?1) AND"
                            " key>=?2 AND (?3 IS NULL OR key<?3) AND (?7=0 OR initiated_ms<?7) AND"
                            /* after the marker upload; a marker upload gone since (aborted or
                               completed between pages) resumes at the key's first upload left */
                            " (key>?4 OR (key=?4 AND ?5 IS NOT NULL AND COALESCE((initiated_ms,"
                            " upload_id) > (SELECT initiated_ms, upload_id FROM uploads WHERE"
                            " upload_id=?5 AND key=?4), 1)))"
                            " ORDER BY bucket, key, initiated_ms, upload_id LIMIT ?6",
                            &db, &stmt);
    if (rc) {
        free(pend);
        return rc;
    }
    if (bucket)
        sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, prefix ? prefix : "", -1, SQLITE_TRANSIENT);
    if (pend)
        sqlite3_bind_text(stmt, 3, pend, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 4, key_marker ? key_marker : "", -1, SQLITE_TRANSIENT);
    if (upload_id_marker && key_marker)
        sqlite3_bind_text(stmt, 5, upload_id_marker, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 6, (sqlite3_int64)limit);
    sqlite3_bind_int64(stmt, 7, initiated_before);
    int stop = 0;
    while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct meta_upload u;
        sqlite_upload_row(stmt, &u);
        stop = cb(payload, &u);
        meta_upload_dispose(&u);
    }
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : sqlite_fail(db, "upload scan"));
    sqlite3_finalize(stmt);
    free(pend);
    return ret;
}

static int sqlite_part_put_txn(sqlite3 *db, const char *upload_id, const struct meta_part *p)
{
    char number[16];
    snprintf(number, sizeof(number), "%d", p->number);
    int rc = sqlite_dead_add(db, SQLITE_DEAD_INSERT "FROM parts WHERE upload_id=?1 AND number=?2",
                             upload_id, number, NULL);
    sqlite3_stmt *stmt;
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO parts VALUES (?,?,?,?,?,?,?)", -1, &stmt,
                           NULL) != SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, upload_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 2, p->number);
    sqlite3_bind_text(stmt, 3, p->etag, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, p->size);
    sqlite3_bind_int64(stmt, 5, p->last_modified_ms);
    sqlite3_bind_text(stmt, 6, p->blob_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 7, p->checksum_value, -1, SQLITE_STATIC);
    rc = sqlite_step_done(db, stmt);
    if (rc == ERR_EXISTS) { /* the upload is gone (foreign key) */
        err_set("no such upload");
        rc = ERR_NOTFOUND;
    }
    return rc;
}

static int sqlite_part_put(struct meta_store *s, const char *upload_id, const struct meta_part *p)
{
    sqlite3 *db;
    int rc = sqlite_begin(s, &db);
    return rc ? rc : sqlite_commit_or_rollback(db, sqlite_part_put_txn(db, upload_id, p));
}

static int sqlite_part_scan(struct meta_store *s, const char *upload_id, int after_number,
                            size_t limit, meta_part_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s,
                            "SELECT number, etag, size, last_modified_ms, blob_id, checksum_value"
                            " FROM parts WHERE upload_id=? AND number>? ORDER BY number LIMIT ?",
                            &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, upload_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(stmt, 2, after_number);
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64)limit);
    int stop = 0;
    while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct meta_part p;
        memset(&p, 0, sizeof(p));
        p.number = sqlite3_column_int(stmt, 0);
        sqlite_copy(p.etag, sizeof(p.etag), stmt, 1);
        p.size = sqlite3_column_int64(stmt, 2);
        p.last_modified_ms = sqlite3_column_int64(stmt, 3);
        sqlite_copy(p.blob_id, sizeof(p.blob_id), stmt, 4);
        sqlite_copy(p.checksum_value, sizeof(p.checksum_value), stmt, 5);
        stop = cb(payload, &p);
    }
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : sqlite_fail(db, "part scan"));
    sqlite3_finalize(stmt);
    return ret;
}

/* ---- object commit and dead blobs (the object layer's block) ---- */

/* Does the bucket named c->bucket still have the id the write began with? */
static int sqlite_commit_bucket(sqlite3 *db, struct meta_commit *c)
{
    if (!c->bucket_id)
        return 0;
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM buckets WHERE name=? AND id=?", -1, &stmt, NULL) !=
        SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, c->bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, c->bucket_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc != SQLITE_DONE)
        return sqlite_fail(db, "step");
    err_set("bucket %s is gone (deleted or re-created since the write began)", c->bucket);
    c->failure = META_COMMIT_BUCKET_GONE;
    return ERR_NOTFOUND;
}

/* The caller's preconditions, against the current latest version of the key. */
static int sqlite_commit_check(sqlite3 *db, struct meta_commit *c)
{
    if (!c->check)
        return 0;
    struct meta_object cur;
    memset(&cur, 0, sizeof(cur));
    int rc = sqlite_object_select(db, c->bucket, c->object->key, NULL, &cur);
    if (rc && rc != ERR_NOTFOUND)
        return rc;
    int found = rc == 0;
    rc = c->check(c->check_arg, found ? &cur : NULL);
    if (found)
        meta_object_dispose(&cur);
    if (rc)
        c->failure = META_COMMIT_CHECK;
    return rc;
}

/* How long a completed upload is remembered for a repeated Complete. */
#define SQLITE_COMPLETED_KEEP_MS (7LL * 24 * 3600 * 1000)

static int sqlite_commit_upload(sqlite3 *db, struct meta_commit *c)
{
    int rc = sqlite_upload_delete_txn(db, c->bucket, c->upload_id);
    if (rc == ERR_NOTFOUND)
        c->failure = META_COMMIT_UPLOAD_GONE;
    if (rc)
        return rc;
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "DELETE FROM completed_uploads WHERE completed_ms < ?", -1, &stmt,
                           NULL) != SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_int64(stmt, 1, c->object->last_modified_ms - SQLITE_COMPLETED_KEEP_MS);
    rc = sqlite_step_done(db, stmt);
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO completed_uploads VALUES (?,?,?,?,?)", -1,
                           &stmt, NULL) != SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, c->upload_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, c->bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, c->object->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, c->object->version_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 5, c->object->last_modified_ms);
    return sqlite_step_done(db, stmt);
}

static int sqlite_object_commit_txn(sqlite3 *db, struct meta_commit *c)
{
    int rc = sqlite_commit_bucket(db, c);
    if (!rc && c->upload_id)
        rc = sqlite_commit_upload(db, c);
    if (!rc)
        rc = sqlite_commit_check(db, c);
    return rc ? rc : sqlite_object_put_txn(db, c->bucket, c->object);
}

static int sqlite_object_commit(struct meta_store *s, struct meta_commit *c)
{
    sqlite3 *db;
    int rc = sqlite_begin(s, &db);
    if (rc)
        return rc;
    rc = sqlite_object_commit_txn(db, c);
    if (!rc && fault_hit(FAULT_META_COMMIT)) { /* as if COMMIT failed: all rolls back */
        err_set("injected fault: metadata commit");
        rc = ERR_BACKEND;
    }
    return sqlite_commit_or_rollback(db, rc);
}

static int sqlite_upload_completed(struct meta_store *s, const char *bucket, const char *upload_id,
                                   char *out_version_id, size_t size)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(
        s, "SELECT bucket, version_id FROM completed_uploads WHERE upload_id=? AND bucket=?", &db,
        &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, upload_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, bucket, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        sqlite_copy(out_version_id, size, stmt, 1);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sqlite_fail(db, "step");
    if (rc == SQLITE_DONE) {
        err_set("upload %s was not completed", upload_id);
        return ERR_NOTFOUND;
    }
    return 0;
}

static int sqlite_dead_blob_scan(struct meta_store *s, int64_t dead_before_ms, size_t limit,
                                 meta_dead_blob_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s,
                            "SELECT blob_id FROM dead_blobs WHERE dead_ms < ? ORDER BY dead_ms"
                            " LIMIT ?",
                            &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_int64(stmt, 1, dead_before_ms);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)limit);
    int stop = 0;
    while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        char id[72];
        sqlite_copy(id, sizeof(id), stmt, 0);
        stop = cb(payload, id);
    }
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : sqlite_fail(db, "dead blob scan"));
    sqlite3_finalize(stmt);
    return ret;
}

static int sqlite_dead_blob_forget(struct meta_store *s, const char *blob_id)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s, "DELETE FROM dead_blobs WHERE blob_id=?", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, blob_id, -1, SQLITE_STATIC);
    return sqlite_step_done(db, stmt);
}

static int sqlite_blob_referenced(struct meta_store *s, const char *blob_id, int *out)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc =
        sqlite_prepare(s,
                       "SELECT EXISTS(SELECT 1 FROM objects WHERE blob_id=?1 AND blob_id != '')"
                       " OR EXISTS(SELECT 1 FROM parts WHERE blob_id=?1)"
                       " OR EXISTS(SELECT 1 FROM dead_blobs WHERE blob_id=?1)",
                       &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, blob_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : sqlite_fail(db, "blob referenced");
}

/* ---- inventory configurations ---- */

static int sqlite_inventory_count(sqlite3 *db, const char *bucket, const char *id, int64_t *total,
                                  int *exists)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "SELECT count(*), sum(id=?2) FROM inventory_configs WHERE bucket=?1",
                           -1, &stmt, NULL) != SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *total = sqlite3_column_int64(stmt, 0);
        *exists = sqlite3_column_int(stmt, 1) > 0;
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : sqlite_fail(db, "count");
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
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO inventory_configs VALUES (?,?,?,?)", -1,
                           &stmt, NULL) != SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, config, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, clock_now_ms());
    return sqlite_step_done(db, stmt);
}

static int sqlite_inventory_put(struct meta_store *s, const char *bucket, const char *id,
                                const char *config, size_t max_configs)
{
    sqlite3 *db;
    int rc = sqlite_begin(s, &db);
    return rc ? rc
              : sqlite_commit_or_rollback(
                    db, sqlite_inventory_put_txn(db, bucket, id, config, max_configs));
}

static int sqlite_inventory_get(struct meta_store *s, const char *bucket, const char *id,
                                char **out_config)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s, "SELECT config FROM inventory_configs WHERE bucket=? AND id=?", &db,
                            &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out_config = sqlite_dup(stmt, 0);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        err_set("no inventory configuration %s", id);
        rc = ERR_NOTFOUND;
    } else {
        rc = sqlite_fail(db, "step");
    }
    sqlite3_finalize(stmt);
    return rc;
}

static int sqlite_inventory_delete(struct meta_store *s, const char *bucket, const char *id)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s, "DELETE FROM inventory_configs WHERE bucket=? AND id=?", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
    rc = sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no inventory configuration %s", id);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

static int sqlite_inventory_list(struct meta_store *s, const char *bucket, const char *from_id,
                                 size_t limit, meta_inventory_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s,
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
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : sqlite_fail(db, "inventory list"));
    sqlite3_finalize(stmt);
    return ret;
}

/* ---- bucket configuration documents ----
 * One row per (bucket, kind); kind stored by name so the enum may grow. A put checks the
 * bucket inside its transaction, so a document never outlives a concurrently deleted bucket
 * (bucket delete removes them in its own transaction). */

static int sqlite_bucket_exists(sqlite3 *db, const char *bucket)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM buckets WHERE name=?", -1, &stmt, NULL) != SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE) {
        err_set("no bucket %s", bucket);
        return ERR_NOTFOUND;
    }
    return rc == SQLITE_ROW ? 0 : sqlite_fail(db, "step");
}

static int sqlite_config_put_txn(sqlite3 *db, const char *bucket, const char *kind, const char *doc)
{
    int rc = sqlite_bucket_exists(db, bucket);
    sqlite3_stmt *stmt;
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO bucket_configs VALUES (?,?,?,?)", -1, &stmt,
                           NULL) != SQLITE_OK)
        return sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, doc, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, clock_now_ms());
    return sqlite_step_done(db, stmt);
}

static int sqlite_bucket_config_put(struct meta_store *s, const char *bucket,
                                    enum meta_config_kind kind, const char *doc)
{
    sqlite3 *db;
    int rc = sqlite_begin(s, &db);
    return rc ? rc
              : sqlite_commit_or_rollback(
                    db, sqlite_config_put_txn(db, bucket, meta_config_kind_name(kind), doc));
}

static int sqlite_bucket_config_get(struct meta_store *s, const char *bucket,
                                    enum meta_config_kind kind, char **out_doc)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc =
        sqlite_prepare(s, "SELECT doc FROM bucket_configs WHERE bucket=? AND kind=?", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, meta_config_kind_name(kind), -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out_doc = sqlite_dup(stmt, 0);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        err_set("no %s configuration on bucket %s", meta_config_kind_name(kind), bucket);
        rc = ERR_NOTFOUND;
    } else {
        rc = sqlite_fail(db, "step");
    }
    sqlite3_finalize(stmt);
    return rc;
}

static int sqlite_bucket_config_delete(struct meta_store *s, const char *bucket,
                                       enum meta_config_kind kind)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s, "DELETE FROM bucket_configs WHERE bucket=? AND kind=?", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, meta_config_kind_name(kind), -1, SQLITE_STATIC);
    rc = sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no %s configuration on bucket %s", meta_config_kind_name(kind), bucket);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

/* ---- inventory scans and runs ---- */

static int sqlite_inventory_scan(struct meta_store *s, const char *bucket, const char *prefix,
                                 int all_versions, meta_object_cb *cb, void *payload)
{
    sqlite3 *db;
    int rc = sqlite_connect((struct sqlite_store *)s, &db);
    if (rc)
        return rc;
    /* one read transaction: the WAL snapshot taken at the first read holds for the scan */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return sqlite_fail(db, "begin");
    char *pend = str_prefix_successor(prefix ? prefix : "");
    sqlite3_stmt *stmt;
    const char *sql = all_versions
                          ? "SELECT " SQLITE_INVENTORY_COLS " FROM objects WHERE bucket=?1 AND"
                            " key>=?2 AND (?3 IS NULL OR key<?3) ORDER BY key, id DESC"
                          : "SELECT " SQLITE_INVENTORY_COLS " FROM objects WHERE bucket=?1 AND"
                            " is_latest=1 AND is_delete_marker=0 AND key>=?2 AND"
                            " (?3 IS NULL OR key<?3) ORDER BY key";
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        rc = sqlite_fail(db, "prepare");
    } else {
        sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 2, prefix ? prefix : "", -1, SQLITE_TRANSIENT);
        if (pend)
            sqlite3_bind_text(stmt, 3, pend, -1, SQLITE_TRANSIENT);
        int step, stop = 0;
        while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
            struct meta_object o;
            sqlite_inventory_row(stmt, &o);
            stop = cb(payload, &o);
        }
        rc = stop ? stop : (step == SQLITE_DONE ? 0 : sqlite_fail(db, "inventory scan"));
        sqlite3_finalize(stmt);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    free(pend);
    return rc;
}

static int sqlite_inventory_run_begin(struct meta_store *s, struct meta_inventory_run *run)
{
    sqlite3 *db;
    int rc = sqlite_begin(s, &db);
    if (rc)
        return rc;
    rc = sqlite_run(db,
                    "UPDATE inventory_runs SET outcome='interrupted' WHERE bucket=? AND"
                    " config_id=? AND outcome='running'",
                    run->bucket, run->config_id, NULL);
    sqlite3_stmt *stmt = NULL;
    if (!rc && sqlite3_prepare_v2(db,
                                  "INSERT INTO inventory_runs(bucket, config_id, started_ms,"
                                  " finished_ms, report_ms, rows, files, bytes, outcome, error,"
                                  " manifest_key) VALUES (?,?,?,0,?,0,0,0,'running','','')",
                                  -1, &stmt, NULL) != SQLITE_OK)
        rc = sqlite_fail(db, "prepare");
    if (!rc) {
        sqlite3_bind_text(stmt, 1, run->bucket, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, run->config_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 3, run->started_ms);
        sqlite3_bind_int64(stmt, 4, run->report_ms);
        rc = sqlite_step_done(db, stmt);
        run->run_id = sqlite3_last_insert_rowid(db);
    }
    snprintf(run->outcome, sizeof(run->outcome), "running");
    return sqlite_commit_or_rollback(db, rc);
}

static int sqlite_inventory_run_finish(struct meta_store *s, const struct meta_inventory_run *run)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s,
                            "UPDATE inventory_runs SET finished_ms=?, rows=?, files=?, bytes=?,"
                            " outcome=?, error=?, manifest_key=? WHERE run_id=?",
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
    sqlite3_bind_int64(stmt, 8, run->run_id);
    return sqlite_step_done(db, stmt);
}

static int sqlite_inventory_run_list(struct meta_store *s, const char *bucket,
                                     const char *config_id, size_t limit, meta_inventory_run_cb *cb,
                                     void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = sqlite_prepare(s,
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
        sqlite_copy(r.bucket, sizeof(r.bucket), stmt, 1);
        sqlite_copy(r.config_id, sizeof(r.config_id), stmt, 2);
        r.started_ms = sqlite3_column_int64(stmt, 3);
        r.finished_ms = sqlite3_column_int64(stmt, 4);
        r.report_ms = sqlite3_column_int64(stmt, 5);
        r.rows = sqlite3_column_int64(stmt, 6);
        r.files = sqlite3_column_int64(stmt, 7);
        r.bytes = sqlite3_column_int64(stmt, 8);
        sqlite_copy(r.outcome, sizeof(r.outcome), stmt, 9);
        sqlite_copy(r.error, sizeof(r.error), stmt, 10);
        sqlite_copy(r.manifest_key, sizeof(r.manifest_key), stmt, 11);
        stop = cb(payload, &r);
    }
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : sqlite_fail(db, "run list"));
    sqlite3_finalize(stmt);
    return ret;
}

/* ---- shared with the other meta_sqlite_*.c files (meta_sqlite_int.h) ---- */

int meta_sqlite_prepare(struct meta_store *s, const char *sql, sqlite3 **out_db, sqlite3_stmt **out)
{
    return sqlite_prepare(s, sql, out_db, out);
}

int meta_sqlite_begin(struct meta_store *s, sqlite3 **out)
{
    return sqlite_begin(s, out);
}

int meta_sqlite_commit_or_rollback(sqlite3 *db, int rc)
{
    return sqlite_commit_or_rollback(db, rc);
}

int meta_sqlite_step_done(sqlite3 *db, sqlite3_stmt *stmt)
{
    return sqlite_step_done(db, stmt);
}

void meta_sqlite_copy(char *dst, size_t size, sqlite3_stmt *stmt, int col)
{
    sqlite_copy(dst, size, stmt, col);
}

int meta_sqlite_fail(sqlite3 *db, const char *what)
{
    return sqlite_fail(db, what);
}

const struct meta_backend_ops meta_sqlite_ops = {
    .version = META_BACKEND_VERSION,
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .account_create = sqlite_account_create,
    .account_get = sqlite_account_get,
    .account_list = sqlite_account_list,
    .key_create = sqlite_key_create,
    .key_get = sqlite_key_get,
    .key_list = sqlite_key_list,
    .bucket_create = sqlite_bucket_create,
    .bucket_get = sqlite_bucket_get,
    .bucket_delete = sqlite_bucket_delete,
    .bucket_list = sqlite_bucket_list,
    .object_put = sqlite_object_put,
    .object_get = sqlite_object_get,
    .object_delete_version = sqlite_object_delete_version,
    .object_scan = sqlite_object_scan,
    .bucket_set_versioning = sqlite_bucket_set_versioning,
    .version_scan = sqlite_version_scan,
    .inventory_put = sqlite_inventory_put,
    .inventory_get = sqlite_inventory_get,
    .inventory_delete = sqlite_inventory_delete,
    .inventory_list = sqlite_inventory_list,
    .inventory_scan = sqlite_inventory_scan,
    .inventory_run_begin = sqlite_inventory_run_begin,
    .inventory_run_finish = sqlite_inventory_run_finish,
    .inventory_run_list = sqlite_inventory_run_list,
    .upload_create = sqlite_upload_create,
    .upload_get = sqlite_upload_get,
    .upload_delete = sqlite_upload_delete,
    .upload_scan = sqlite_upload_scan,
    .part_put = sqlite_part_put,
    .part_scan = sqlite_part_scan,
    .inventory_lease_take = meta_sqlite_lease_take,
    .inventory_lease_get = meta_sqlite_lease_get,
    .inventory_lease_renew = meta_sqlite_lease_renew,
    .inventory_lease_release = meta_sqlite_lease_release,
    .inventory_run_object_add = meta_sqlite_run_object_add,
    .inventory_run_object_list = meta_sqlite_run_object_list,
    .inventory_run_object_clear = meta_sqlite_run_object_clear,
    .bucket_config_put = sqlite_bucket_config_put,
    .bucket_config_get = sqlite_bucket_config_get,
    .bucket_config_delete = sqlite_bucket_config_delete,
    .object_commit = sqlite_object_commit,
    .upload_completed = sqlite_upload_completed,
    .dead_blob_scan = sqlite_dead_blob_scan,
    .dead_blob_forget = sqlite_dead_blob_forget,
    .blob_referenced = sqlite_blob_referenced,
};
