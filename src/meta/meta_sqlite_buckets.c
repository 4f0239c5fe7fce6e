/* meta_sqlite_buckets.c — buckets (their immutable id, versioning state) and the per-bucket
 * configuration documents in the SQLite backend. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "meta/meta_sqlite_int.h"

/* ---- buckets ---- */

#define SQLITE_BUCKET_COLS "name, owner_id, region, created_ms, versioning, id, config_gen"

int meta_sqlite_bucket_create(struct meta_store *s, const struct meta_bucket *b)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc =
        meta_sqlite_prepare(s,
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
    return meta_sqlite_step_done(db, stmt);
}

static void sqlite_bucket_row(sqlite3_stmt *stmt, struct meta_bucket *b)
{
    meta_sqlite_copy(b->name, sizeof(b->name), stmt, 0);
    meta_sqlite_copy(b->owner_id, sizeof(b->owner_id), stmt, 1);
    meta_sqlite_copy(b->region, sizeof(b->region), stmt, 2);
    b->created_ms = sqlite3_column_int64(stmt, 3);
    b->versioning = (enum meta_versioning)sqlite3_column_int(stmt, 4);
    meta_sqlite_copy(b->id, sizeof(b->id), stmt, 5);
    b->config_gen = sqlite3_column_int64(stmt, 6);
}

static int sqlite_bucket_one(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_one *one = ctx;
    sqlite_bucket_row(stmt, one->out);
    one->found = 1;
    return 0;
}

int meta_sqlite_bucket_get(struct meta_store *s, const char *name, struct meta_bucket *out)
{
    struct sqlite_one one = {out, 0};
    int rc = meta_sqlite_query(s, "SELECT " SQLITE_BUCKET_COLS " FROM buckets WHERE name=?", name,
                               sqlite_bucket_one, &one);
    if (!rc && !one.found) {
        err_set("no bucket %s", name);
        return ERR_NOTFOUND;
    }
    return rc;
}

static int sqlite_bucket_delete_txn(sqlite3 *db, const char *name)
{
    int rc = meta_sqlite_run(db,
                             "DELETE FROM buckets WHERE name=?1 AND NOT EXISTS "
                             "(SELECT 1 FROM objects WHERE bucket=?1)",
                             name, NULL, NULL);
    if (rc)
        return rc;
    if (sqlite3_changes(db) == 0) {
        err_set("bucket %s is missing or not empty", name);
        return ERR_NOTEMPTY;
    }
    /* in-progress uploads do not keep a bucket alive: they go with it, in this transaction,
     * so a bucket re-created under the name (by anyone) never sees them; their parts' blobs
     * are left to the collector */
    rc = meta_sqlite_dead_add(db,
                              SQLITE_DEAD_INSERT "FROM parts WHERE upload_id IN"
                                                 " (SELECT upload_id FROM uploads WHERE bucket=?1)",
                              name, NULL, NULL);
    if (!rc)
        rc = meta_sqlite_run(db,
                             "DELETE FROM parts WHERE upload_id IN"
                             " (SELECT upload_id FROM uploads WHERE bucket=?1)",
                             name, NULL, NULL);
    if (!rc)
        rc = meta_sqlite_run(db, "DELETE FROM uploads WHERE bucket=?", name, NULL, NULL);
    if (!rc)
        rc = meta_sqlite_run(db, "DELETE FROM completed_uploads WHERE bucket=?", name, NULL, NULL);
    if (!rc)
        rc = meta_sqlite_run(db, "DELETE FROM inventory_configs WHERE bucket=?", name, NULL, NULL);
    if (!rc)
        rc = meta_sqlite_journal_sources(db, name);
    if (!rc)
        rc = meta_sqlite_run(db, "DELETE FROM bucket_configs WHERE bucket=?", name, NULL, NULL);
    return rc;
}

int meta_sqlite_bucket_delete(struct meta_store *s, const char *name)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    if (!rc)
        rc = meta_sqlite_commit_or_rollback(db, sqlite_bucket_delete_txn(db, name));
    if (rc != ERR_NOTEMPTY)
        return rc;
    struct meta_bucket b;
    rc = meta_sqlite_bucket_get(s, name, &b); /* ERR_NOTFOUND, or it really is not empty */
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

int meta_sqlite_bucket_list(struct meta_store *s, const char *owner_id, meta_bucket_cb *cb,
                            void *payload)
{
    struct sqlite_cb c = {(void *)cb, payload};
    if (owner_id)
        return meta_sqlite_query(
            s, "SELECT " SQLITE_BUCKET_COLS " FROM buckets WHERE owner_id=? ORDER BY name",
            owner_id, sqlite_bucket_each, &c);
    return meta_sqlite_query(s, "SELECT " SQLITE_BUCKET_COLS " FROM buckets ORDER BY name", NULL,
                             sqlite_bucket_each, &c);
}

int meta_sqlite_bucket_set_versioning(struct meta_store *s, const char *name,
                                      enum meta_versioning v)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s, "UPDATE buckets SET versioning=? WHERE name=?", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_int(stmt, 1, (int)v);
    sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
    rc = meta_sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no bucket %s", name);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

/* ---- bucket configuration documents ----
 * One row per (bucket, kind); kind stored by name so the enum may grow. A put checks the
 * bucket inside its transaction, so a document never outlives a concurrently deleted bucket
 * (bucket delete removes them in its own transaction). */

static int sqlite_bucket_exists(sqlite3 *db, const char *bucket)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM buckets WHERE name=?", -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE) {
        err_set("no bucket %s", bucket);
        return ERR_NOTFOUND;
    }
    return rc == SQLITE_ROW ? 0 : meta_sqlite_fail(db, "step");
}

/* Every change of a bucket's documents moves its generation on (caches of them see it). */
static int sqlite_config_gen_bump(sqlite3 *db, const char *bucket)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "UPDATE buckets SET config_gen=config_gen+1 WHERE name=?", -1, &stmt,
                           NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    return meta_sqlite_step_done(db, stmt);
}

static int sqlite_config_put_txn(sqlite3 *db, const char *bucket, const char *kind, const char *doc)
{
    int rc = sqlite_bucket_exists(db, bucket);
    sqlite3_stmt *stmt;
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO bucket_configs VALUES (?,?,?,?)", -1, &stmt,
                           NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, doc, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, clock_now_ms());
    rc = meta_sqlite_step_done(db, stmt);
    return rc ? rc : sqlite_config_gen_bump(db, bucket);
}

int meta_sqlite_bucket_config_put(struct meta_store *s, const char *bucket,
                                  enum meta_config_kind kind, const char *doc)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    return rc ? rc
              : meta_sqlite_commit_or_rollback(
                    db, sqlite_config_put_txn(db, bucket, meta_config_kind_name(kind), doc));
}

int meta_sqlite_bucket_config_get(struct meta_store *s, const char *bucket,
                                  enum meta_config_kind kind, char **out_doc)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s, "SELECT doc FROM bucket_configs WHERE bucket=? AND kind=?", &db,
                                 &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, meta_config_kind_name(kind), -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out_doc = meta_sqlite_dup(stmt, 0);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        err_set("no %s configuration on bucket %s", meta_config_kind_name(kind), bucket);
        rc = ERR_NOTFOUND;
    } else {
        rc = meta_sqlite_fail(db, "step");
    }
    sqlite3_finalize(stmt);
    return rc;
}

static int sqlite_config_delete_txn(sqlite3 *db, const char *bucket, const char *kind)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "DELETE FROM bucket_configs WHERE bucket=? AND kind=?", -1, &stmt,
                           NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_STATIC);
    int rc = meta_sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no %s configuration on bucket %s", kind, bucket);
        return ERR_NOTFOUND;
    }
    return rc ? rc : sqlite_config_gen_bump(db, bucket);
}

int meta_sqlite_bucket_config_delete(struct meta_store *s, const char *bucket,
                                     enum meta_config_kind kind)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    return rc ? rc
              : meta_sqlite_commit_or_rollback(
                    db, sqlite_config_delete_txn(db, bucket, meta_config_kind_name(kind)));
}

int meta_sqlite_bucket_config_in_tx(sqlite3 *db, const char *bucket, const char *kind, char **doc,
                                    char owner[16], char region[64])
{
    *doc = NULL;
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db,
                           "SELECT c.doc, b.owner_id, b.region FROM bucket_configs c JOIN buckets b"
                           " ON b.name=c.bucket WHERE c.bucket=? AND c.kind=?",
                           -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *doc = meta_sqlite_dup(stmt, 0);
        meta_sqlite_copy(owner, 16, stmt, 1);
        meta_sqlite_copy(region, 64, stmt, 2);
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : meta_sqlite_fail(db, "bucket configuration");
}
