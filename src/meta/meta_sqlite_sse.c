/* meta_sqlite_sse.c — rewriting every encryption record in one transaction (meta.h,
 * meta_sse_rewrite: master-key rotation): objects' and uploads' records and the key
 * service's wrapped key material. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "meta/meta_sqlite_int.h"

struct sqlite_sse_row {
    sqlite3_int64 rowid;
    char *sse;
};

/* The rows of table with a record in column (read before any update, so the scan is not
 * disturbed). */
static int sqlite_sse_rows(sqlite3 *db, const char *table, const char *column,
                           struct sqlite_sse_row **out, size_t *n)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT rowid, %s FROM %s WHERE %s != ''", column, table, column);
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        (*out)[*n].rowid = sqlite3_column_int64(stmt, 0);
        (*out)[(*n)++].sse = meta_sqlite_dup(stmt, 1);
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : meta_sqlite_fail(db, "scan");
}

static int sqlite_sse_rewrite_table(sqlite3 *db, const char *table, const char *column,
                                    meta_sse_rewrite_fn *fn, void *ctx, long *changed)
{
    struct sqlite_sse_row *rows = NULL;
    size_t n = 0;
    int rc = sqlite_sse_rows(db, table, column, &rows, &n);
    char sql[128];
    snprintf(sql, sizeof(sql), "UPDATE %s SET %s=?1 WHERE rowid=?2", table, column);
    for (size_t i = 0; i < n && !rc; i++) {
        char *next = NULL;
        rc = fn(ctx, rows[i].sse, &next);
        if (rc || !next)
            continue;
        sqlite3_stmt *stmt;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
            free(next);
            rc = meta_sqlite_fail(db, "prepare");
            break;
        }
        sqlite3_bind_text(stmt, 1, next, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, rows[i].rowid);
        rc = meta_sqlite_step_done(db, stmt);
        free(next);
        if (!rc)
            (*changed)++;
    }
    for (size_t i = 0; i < n; i++)
        free(rows[i].sse);
    free(rows);
    return rc;
}

int meta_sqlite_sse_rewrite(struct meta_store *s, meta_sse_rewrite_fn *fn, void *ctx, long *changed)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    if (rc)
        return rc;
    rc = sqlite_sse_rewrite_table(db, "objects", "sse", fn, ctx, changed);
    if (!rc)
        rc = sqlite_sse_rewrite_table(db, "uploads", "sse", fn, ctx, changed);
    /* the key service's backing keys are wrapped the same way (src/kms/, schema v11) */
    if (!rc)
        rc = sqlite_sse_rewrite_table(db, "kms_key_material", "wrapped", fn, ctx, changed);
    rc = meta_sqlite_commit_or_rollback(db, rc);
    if (rc)
        *changed = 0;
    return rc;
}
