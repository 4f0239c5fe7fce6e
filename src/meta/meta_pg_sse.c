/* meta_pg_sse.c — rewriting every encryption record in one transaction (meta.h,
 * meta_sse_rewrite: master-key rotation): objects' and uploads' records and the key
 * service's wrapped key material. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "meta/meta_pg_int.h"

struct pgm_sse_row {
    char ctid[32]; /* the row's address: no update moves another row */
    char *sse;
};

/* The rows of table with a record in column (read before any update, so the scan is not
 * disturbed). */
static int pgm_sse_rows(pgx *db, const char *table, const char *column, struct pgm_sse_row **out,
                        size_t *n)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT ctid::text, %s FROM %s WHERE %s != ''", column, table,
             column);
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, sql, -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    while ((rc = pgx_step(stmt)) == PGX_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        meta_pg_copy((*out)[*n].ctid, sizeof((*out)[*n].ctid), stmt, 0);
        (*out)[(*n)++].sse = meta_pg_dup(stmt, 1);
    }
    pgx_finalize(stmt);
    return rc == PGX_DONE ? 0 : meta_pg_fail(db, "scan");
}

static int pgm_sse_rewrite_table(pgx *db, const char *table, const char *column,
                                 meta_sse_rewrite_fn *fn, void *ctx, long *changed)
{
    struct pgm_sse_row *rows = NULL;
    size_t n = 0;
    int rc = pgm_sse_rows(db, table, column, &rows, &n);
    char sql[128];
    snprintf(sql, sizeof(sql), "UPDATE %s SET %s=?1 WHERE ctid=?2::tid", table, column);
    for (size_t i = 0; i < n && !rc; i++) {
        char *next = NULL;
        rc = fn(ctx, rows[i].sse, &next);
        if (rc || !next)
            continue;
        pgx_stmt *stmt;
        if (pgx_prepare_v2(db, sql, -1, &stmt, NULL) != PGX_OK) {
            free(next);
            rc = meta_pg_fail(db, "prepare");
            break;
        }
        pgx_bind_text(stmt, 1, next, -1, PGX_STATIC);
        pgx_bind_text(stmt, 2, rows[i].ctid, -1, PGX_STATIC);
        rc = meta_pg_step_done(db, stmt);
        free(next);
        if (!rc)
            (*changed)++;
    }
    for (size_t i = 0; i < n; i++)
        free(rows[i].sse);
    free(rows);
    return rc;
}

int meta_pg_sse_rewrite(struct meta_store *s, meta_sse_rewrite_fn *fn, void *ctx, long *changed)
{
    pgx *db;
    int rc = meta_pg_begin(s, &db);
    if (rc)
        return rc;
    rc = pgm_sse_rewrite_table(db, "objects", "sse", fn, ctx, changed);
    if (!rc)
        rc = pgm_sse_rewrite_table(db, "uploads", "sse", fn, ctx, changed);
    /* the key service's backing keys are wrapped the same way (src/kms/, schema v11) */
    if (!rc)
        rc = pgm_sse_rewrite_table(db, "kms_key_material", "wrapped", fn, ctx, changed);
    rc = meta_pg_commit_or_rollback(db, rc);
    if (rc)
        *changed = 0;
    return rc;
}
