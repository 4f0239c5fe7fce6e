/* meta_pg_lifecycle.c — the lifecycle worker's writes in the PostgreSQL backend: a version's
 * storage class (transitions) and the per-bucket action counts (lifecycle_stats, schema v10). */
#include "meta/meta_pg_stmt.h"
#include <stdio.h>
#include <string.h>

#include "meta/meta_pg_int.h"

static int pgm_storage_class_txn(pgx *db, const char *bucket, const char *key,
                                 const char *version_id, const char *expect_blob,
                                 const char *storage_class)
{
    int rc = meta_pg_journal_note(db, bucket, key, version_id, 0, "storage_class");
    pgx_stmt *stmt;
    if (!rc && pgx_prepare_v2(db,
                              "UPDATE objects SET storage_class=?4 WHERE bucket=?1 AND key=?2"
                              " AND version_id=?3 AND is_delete_marker=0"
                              " AND (?5 IS NULL OR blob_id=?5)",
                              -1, &stmt, NULL) != PGX_OK)
        rc = meta_pg_fail(db, "prepare");
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, key, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, version_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 4, storage_class, -1, PGX_STATIC);
    if (expect_blob)
        pgx_bind_text(stmt, 5, expect_blob, -1, PGX_STATIC);
    rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("no such version %s of %s/%s (or it holds another blob now)", version_id, bucket,
                key);
        rc = ERR_NOTFOUND;
    }
    if (!rc) { /* the transition's events (s3:LifecycleTransition), in its transaction */
        struct meta_object cur;
        rc = meta_pg_object_select(db, bucket, key, version_id, &cur);
        if (!rc) {
            rc = meta_pg_changed(db, META_CHANGE_STORAGE_CLASS, bucket, &cur);
            meta_object_dispose(&cur);
        }
    }
    return rc;
}

/* In one transaction with its change-journal entry (meta_pg_journal.c). */
int meta_pg_object_set_storage_class(struct meta_store *s, const char *bucket, const char *key,
                                     const char *version_id, const char *expect_blob,
                                     const char *storage_class)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc,
                pgm_storage_class_txn(db, bucket, key, version_id, expect_blob, storage_class));
    return rc;
}

int meta_pg_lifecycle_stat_add(struct meta_store *s, const char *bucket, const char *action,
                               int64_t count, int64_t now_ms)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc =
        meta_pg_prepare(s,
                        "INSERT INTO lifecycle_stats(bucket, action, count, last_ms)"
                        " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(bucket, action) DO UPDATE"
                        " SET count=lifecycle_stats.count+excluded.count, last_ms=excluded.last_ms",
                        &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, action, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 3, count);
    pgx_bind_int64(stmt, 4, now_ms);
    return meta_pg_step_done(db, stmt);
}

struct pgm_stat_list {
    meta_lifecycle_stat_cb *cb;
    void *payload;
};

static int pgm_stat_row(pgx_stmt *stmt, void *ctx)
{
    struct pgm_stat_list *l = ctx;
    struct meta_lifecycle_stat st;
    memset(&st, 0, sizeof(st));
    meta_pg_copy(st.bucket, sizeof(st.bucket), stmt, 0);
    meta_pg_copy(st.action, sizeof(st.action), stmt, 1);
    st.count = pgx_column_int64(stmt, 2);
    st.last_ms = pgx_column_int64(stmt, 3);
    return l->cb(l->payload, &st);
}

int meta_pg_lifecycle_stat_list(struct meta_store *s, const char *bucket,
                                meta_lifecycle_stat_cb *cb, void *payload)
{
    struct pgm_stat_list l = {cb, payload};
    return meta_pg_query(s,
                         bucket ? "SELECT bucket, action, count, last_ms FROM lifecycle_stats"
                                  " WHERE bucket=?1 ORDER BY bucket, action"
                                : "SELECT bucket, action, count, last_ms FROM lifecycle_stats"
                                  " ORDER BY bucket, action",
                         bucket, pgm_stat_row, &l);
}
