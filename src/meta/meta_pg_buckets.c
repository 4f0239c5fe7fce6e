/* meta_pg_buckets.c — buckets (their immutable id, versioning state) and the per-bucket
 * configuration documents in the PostgreSQL backend. */
#include "meta/meta_pg_stmt.h"
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "meta/meta_pg_int.h"

/* ---- buckets ---- */

#define PGX_BUCKET_COLS "name, owner_id, region, created_ms, versioning, id, config_gen"

int meta_pg_bucket_create(struct meta_store *s, const struct meta_bucket *b)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "INSERT INTO buckets(name, owner_id, region, created_ms, versioning,"
                             " id) VALUES (?,?,?,?,?,replace(gen_random_uuid()::text, '-', ''))",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, b->name, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, b->owner_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, b->region, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, b->created_ms);
    pgx_bind_int(stmt, 5, (int)b->versioning);
    return meta_pg_step_done(db, stmt);
}

static void pgm_bucket_row(pgx_stmt *stmt, struct meta_bucket *b)
{
    meta_pg_copy(b->name, sizeof(b->name), stmt, 0);
    meta_pg_copy(b->owner_id, sizeof(b->owner_id), stmt, 1);
    meta_pg_copy(b->region, sizeof(b->region), stmt, 2);
    b->created_ms = pgx_column_int64(stmt, 3);
    b->versioning = (enum meta_versioning)pgx_column_int(stmt, 4);
    meta_pg_copy(b->id, sizeof(b->id), stmt, 5);
    b->config_gen = pgx_column_int64(stmt, 6);
}

static int pgm_bucket_one(pgx_stmt *stmt, void *ctx)
{
    struct pgm_one *one = ctx;
    pgm_bucket_row(stmt, one->out);
    one->found = 1;
    return 0;
}

int meta_pg_bucket_get(struct meta_store *s, const char *name, struct meta_bucket *out)
{
    struct pgm_one one = {out, 0};
    int rc = meta_pg_query(s, "SELECT " PGX_BUCKET_COLS " FROM buckets WHERE name=?", name,
                           pgm_bucket_one, &one);
    if (!rc && !one.found) {
        err_set("no bucket %s", name);
        return ERR_NOTFOUND;
    }
    return rc;
}

static int pgm_bucket_delete_txn(pgx *db, const char *name)
{
    int rc = meta_pg_run(db,
                         "DELETE FROM buckets WHERE name=?1 AND NOT EXISTS "
                         "(SELECT 1 FROM objects WHERE bucket=?1)",
                         name, NULL, NULL);
    if (rc)
        return rc;
    if (pgx_changes(db) == 0) {
        err_set("bucket %s is missing or not empty", name);
        return ERR_NOTEMPTY;
    }
    /* in-progress uploads do not keep a bucket alive: they go with it, in this transaction,
     * so a bucket re-created under the name (by anyone) never sees them; their parts' blobs
     * are left to the collector */
    rc = meta_pg_dead_add(db,
                          PGX_DEAD_INSERT "FROM parts WHERE upload_id IN"
                                          " (SELECT upload_id FROM uploads WHERE bucket=?1)",
                          name, NULL, NULL);
    if (!rc)
        rc = meta_pg_run(db,
                         "DELETE FROM parts WHERE upload_id IN"
                         " (SELECT upload_id FROM uploads WHERE bucket=?1)",
                         name, NULL, NULL);
    if (!rc)
        rc = meta_pg_run(db, "DELETE FROM uploads WHERE bucket=?", name, NULL, NULL);
    if (!rc)
        rc = meta_pg_run(db, "DELETE FROM completed_uploads WHERE bucket=?", name, NULL, NULL);
    if (!rc)
        rc = meta_pg_run(db, "DELETE FROM inventory_configs WHERE bucket=?", name, NULL, NULL);
    if (!rc)
        rc = meta_pg_journal_sources(db, name);
    if (!rc)
        rc = meta_pg_run(db, "DELETE FROM bucket_configs WHERE bucket=?", name, NULL, NULL);
    return rc;
}

int meta_pg_bucket_delete(struct meta_store *s, const char *name)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, pgm_bucket_delete_txn(db, name));
    if (rc != ERR_NOTEMPTY)
        return rc;
    struct meta_bucket b;
    rc = meta_pg_bucket_get(s, name, &b); /* ERR_NOTFOUND, or it really is not empty */
    if (!rc) {
        err_set("bucket %s is not empty", name);
        rc = ERR_NOTEMPTY;
    }
    return rc;
}

static int pgm_bucket_each(pgx_stmt *stmt, void *ctx)
{
    struct pgm_cb *c = ctx;
    struct meta_bucket b;
    pgm_bucket_row(stmt, &b);
    return ((meta_bucket_cb *)c->cb)(c->payload, &b);
}

int meta_pg_bucket_list(struct meta_store *s, const char *owner_id, meta_bucket_cb *cb,
                        void *payload)
{
    struct pgm_cb c = {(void *)cb, payload};
    if (owner_id)
        return meta_pg_query(
            s, "SELECT " PGX_BUCKET_COLS " FROM buckets WHERE owner_id=? ORDER BY name", owner_id,
            pgm_bucket_each, &c);
    return meta_pg_query(s, "SELECT " PGX_BUCKET_COLS " FROM buckets ORDER BY name", NULL,
                         pgm_bucket_each, &c);
}

int meta_pg_bucket_set_versioning(struct meta_store *s, const char *name, enum meta_versioning v)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s, "UPDATE buckets SET versioning=? WHERE name=?", &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_int(stmt, 1, (int)v);
    pgx_bind_text(stmt, 2, name, -1, PGX_STATIC);
    rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("no bucket %s", name);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

/* ---- bucket configuration documents ----
 * One row per (bucket, kind); kind stored by name so the enum may grow. A put checks the
 * bucket inside its transaction, so a document never outlives a concurrently deleted bucket
 * (bucket delete removes them in its own transaction). */

static int pgm_bucket_exists(pgx *db, const char *bucket)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, "SELECT 1 FROM buckets WHERE name=?", -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    int rc = pgx_step(stmt);
    pgx_finalize(stmt);
    if (rc == PGX_DONE) {
        err_set("no bucket %s", bucket);
        return ERR_NOTFOUND;
    }
    return rc == PGX_ROW ? 0 : meta_pg_fail(db, "step");
}

/* Every change of a bucket's documents moves its generation on (caches of them see it). */
static int pgm_config_gen_bump(pgx *db, const char *bucket)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, "UPDATE buckets SET config_gen=config_gen+1 WHERE name=?", -1, &stmt,
                       NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    return meta_pg_step_done(db, stmt);
}

static int pgm_config_put_txn(pgx *db, const char *bucket, const char *kind, const char *doc)
{
    int rc = pgm_bucket_exists(db, bucket);
    pgx_stmt *stmt;
    if (rc)
        return rc;
    if (pgx_prepare_v2(db,
                       "INSERT INTO bucket_configs VALUES (?,?,?,?)"
                       " ON CONFLICT (bucket, kind) DO UPDATE SET doc=EXCLUDED.doc, "
                       "updated_ms=EXCLUDED.updated_ms",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, kind, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, doc, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, clock_now_ms());
    rc = meta_pg_step_done(db, stmt);
    return rc ? rc : pgm_config_gen_bump(db, bucket);
}

int meta_pg_bucket_config_put(struct meta_store *s, const char *bucket, enum meta_config_kind kind,
                              const char *doc)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, pgm_config_put_txn(db, bucket, meta_config_kind_name(kind), doc));
    return rc;
}

int meta_pg_bucket_config_get(struct meta_store *s, const char *bucket, enum meta_config_kind kind,
                              char **out_doc)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc =
        meta_pg_prepare(s, "SELECT doc FROM bucket_configs WHERE bucket=? AND kind=?", &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, meta_config_kind_name(kind), -1, PGX_STATIC);
    rc = pgx_step(stmt);
    if (rc == PGX_ROW) {
        *out_doc = meta_pg_dup(stmt, 0);
        rc = 0;
    } else if (rc == PGX_DONE) {
        err_set("no %s configuration on bucket %s", meta_config_kind_name(kind), bucket);
        rc = ERR_NOTFOUND;
    } else {
        rc = meta_pg_fail(db, "step");
    }
    pgx_finalize(stmt);
    return rc;
}

static int pgm_config_delete_txn(pgx *db, const char *bucket, const char *kind)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, "DELETE FROM bucket_configs WHERE bucket=? AND kind=?", -1, &stmt,
                       NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, kind, -1, PGX_STATIC);
    int rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("no %s configuration on bucket %s", kind, bucket);
        return ERR_NOTFOUND;
    }
    return rc ? rc : pgm_config_gen_bump(db, bucket);
}

int meta_pg_bucket_config_delete(struct meta_store *s, const char *bucket,
                                 enum meta_config_kind kind)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, pgm_config_delete_txn(db, bucket, meta_config_kind_name(kind)));
    return rc;
}

int meta_pg_bucket_config_in_tx(pgx *db, const char *bucket, const char *kind, char **doc,
                                char owner[16], char region[64])
{
    *doc = NULL;
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db,
                       "SELECT c.doc, b.owner_id, b.region FROM bucket_configs c JOIN buckets b"
                       " ON b.name=c.bucket WHERE c.bucket=? AND c.kind=?",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, kind, -1, PGX_STATIC);
    int rc = pgx_step(stmt);
    if (rc == PGX_ROW) {
        *doc = meta_pg_dup(stmt, 0);
        meta_pg_copy(owner, 16, stmt, 1);
        meta_pg_copy(region, 64, stmt, 2);
    }
    pgx_finalize(stmt);
    return rc == PGX_ROW || rc == PGX_DONE ? 0 : meta_pg_fail(db, "bucket configuration");
}
