/* meta_sqlite_lifecycle.c — the lifecycle worker's writes in the SQLite backend: a version's
 * storage class (transitions) and the per-bucket action counts (lifecycle_stats, schema v10). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "meta/meta_sqlite_int.h"

static int sqlite_storage_class_txn(sqlite3 *db, const char *bucket, const char *key,
                                    const char *version_id, const char *expect_blob,
                                    const char *storage_class)
{
    int rc = meta_sqlite_journal_note(db, bucket, key, version_id, 0, "storage_class");
    sqlite3_stmt *stmt;
    if (!rc && sqlite3_prepare_v2(db,
                                  "UPDATE objects SET storage_class=?4 WHERE bucket=?1 AND key=?2"
                                  " AND version_id=?3 AND is_delete_marker=0"
                                  " AND (?5 IS NULL OR blob_id=?5)",
                                  -1, &stmt, NULL) != SQLITE_OK)
        rc = meta_sqlite_fail(db, "prepare");
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, version_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, storage_class, -1, SQLITE_STATIC);
    if (expect_blob)
        sqlite3_bind_text(stmt, 5, expect_blob, -1, SQLITE_STATIC);
    rc = meta_sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no such version %s of %s/%s (or it holds another blob now)", version_id, bucket,
                key);
        rc = ERR_NOTFOUND;
    }
    if (!rc) { /* the transition's events (s3:LifecycleTransition), in its transaction */
        struct meta_object cur;
        rc = meta_sqlite_object_select(db, bucket, key, version_id, &cur);
        if (!rc) {
            rc = meta_sqlite_changed(db, META_CHANGE_STORAGE_CLASS, bucket, &cur);
            meta_object_dispose(&cur);
        }
    }
    return rc;
}

/* In one transaction with its change-journal entry (meta_sqlite_journal.c). */
int meta_sqlite_object_set_storage_class(struct meta_store *s, const char *bucket, const char *key,
                                         const char *version_id, const char *expect_blob,
                                         const char *storage_class)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    return rc ? rc
              : meta_sqlite_commit_or_rollback(db, sqlite_storage_class_txn(db, bucket, key,
                                                                            version_id, expect_blob,
                                                                            storage_class));
}

int meta_sqlite_lifecycle_stat_add(struct meta_store *s, const char *bucket, const char *action,
                                   int64_t count, int64_t now_ms)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "INSERT INTO lifecycle_stats(bucket, action, count, last_ms)"
                                 " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(bucket, action) DO UPDATE"
                                 " SET count=count+excluded.count, last_ms=excluded.last_ms",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, action, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, count);
    sqlite3_bind_int64(stmt, 4, now_ms);
    return meta_sqlite_step_done(db, stmt);
}

struct sqlite_stat_list {
    meta_lifecycle_stat_cb *cb;
    void *payload;
};

static int sqlite_stat_row(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_stat_list *l = ctx;
    struct meta_lifecycle_stat st;
    memset(&st, 0, sizeof(st));
    meta_sqlite_copy(st.bucket, sizeof(st.bucket), stmt, 0);
    meta_sqlite_copy(st.action, sizeof(st.action), stmt, 1);
    st.count = sqlite3_column_int64(stmt, 2);
    st.last_ms = sqlite3_column_int64(stmt, 3);
    return l->cb(l->payload, &st);
}

int meta_sqlite_lifecycle_stat_list(struct meta_store *s, const char *bucket,
                                    meta_lifecycle_stat_cb *cb, void *payload)
{
    struct sqlite_stat_list l = {cb, payload};
    return meta_sqlite_query(s,
                             bucket ? "SELECT bucket, action, count, last_ms FROM lifecycle_stats"
                                      " WHERE bucket=?1 ORDER BY bucket, action"
                                    : "SELECT bucket, action, count, last_ms FROM lifecycle_stats"
                                      " ORDER BY bucket, action",
                             bucket, sqlite_stat_row, &l);
}
