/* meta_pg_uploads.c — multipart uploads and their parts in the PostgreSQL backend. */
#include "meta/meta_pg_stmt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "meta/meta_pg_int.h"

/* ---- multipart uploads ---- */

#define PGX_UPLOAD_COLS                                                                            \
    "upload_id, bucket, key, initiated_ms, owner_id, headers, storage_class, checksum_algorithm,"  \
    " checksum_type, acl, tags, lock_mode, lock_until_ms, legal_hold, sse"

int meta_pg_upload_create(struct meta_store *s, const struct meta_upload *u)
{
    pgx *db;
    pgx_stmt *stmt;
    /* only into the bucket the request loaded: not one deleted, or re-created, since */
    int rc = meta_pg_prepare(s,
                             "INSERT INTO uploads(" PGX_UPLOAD_COLS
                             ") SELECT ?1,?2,?3,?4,?5,?6,?7,?8,?9,?11,?12,?13,?14,?15,?16 WHERE"
                             " EXISTS(SELECT 1 FROM buckets WHERE name=?2 AND id=?10)",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 10, u->bucket_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 1, u->upload_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, u->bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, u->key, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, u->initiated_ms);
    pgx_bind_text(stmt, 5, u->owner_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 6, u->headers ? u->headers : "[]", -1, PGX_STATIC);
    pgx_bind_text(stmt, 7, u->storage_class, -1, PGX_STATIC);
    pgx_bind_text(stmt, 8, u->checksum_algorithm, -1, PGX_STATIC);
    pgx_bind_text(stmt, 9, u->checksum_type, -1, PGX_STATIC);
    pgx_bind_text(stmt, 11, u->acl ? u->acl : "", -1, PGX_STATIC);
    pgx_bind_text(stmt, 12, u->tags ? u->tags : "", -1, PGX_STATIC);
    pgx_bind_text(stmt, 13, u->lock_mode, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 14, u->lock_until_ms);
    pgx_bind_int(stmt, 15, u->legal_hold);
    pgx_bind_text(stmt, 16, u->sse ? u->sse : "", -1, PGX_STATIC);
    rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("bucket %s is gone", u->bucket);
        return ERR_NOTFOUND;
    }
    return rc;
}

static void pgm_upload_row(pgx_stmt *stmt, struct meta_upload *u)
{
    memset(u, 0, sizeof(*u));
    meta_pg_copy(u->upload_id, sizeof(u->upload_id), stmt, 0);
    meta_pg_copy(u->bucket, sizeof(u->bucket), stmt, 1);
    u->key = meta_pg_dup(stmt, 2);
    u->initiated_ms = pgx_column_int64(stmt, 3);
    meta_pg_copy(u->owner_id, sizeof(u->owner_id), stmt, 4);
    u->headers = meta_pg_dup(stmt, 5);
    meta_pg_copy(u->storage_class, sizeof(u->storage_class), stmt, 6);
    meta_pg_copy(u->checksum_algorithm, sizeof(u->checksum_algorithm), stmt, 7);
    meta_pg_copy(u->checksum_type, sizeof(u->checksum_type), stmt, 8);
    const char *acl = (const char *)pgx_column_text(stmt, 9);
    u->acl = acl && *acl ? meta_pg_dup(stmt, 9) : NULL;
    const char *tags = (const char *)pgx_column_text(stmt, 10);
    u->tags = tags && *tags ? meta_pg_dup(stmt, 10) : NULL;
    meta_pg_copy(u->lock_mode, sizeof(u->lock_mode), stmt, 11);
    u->lock_until_ms = pgx_column_int64(stmt, 12);
    u->legal_hold = pgx_column_int(stmt, 13);
    const char *sse = (const char *)pgx_column_text(stmt, 14);
    u->sse = sse && *sse ? meta_pg_dup(stmt, 14) : NULL;
}

struct pgm_upload_one {
    const char *bucket;
    struct meta_upload *out;
    int found;
};

static int pgm_upload_one(pgx_stmt *stmt, void *ctx)
{
    struct pgm_upload_one *one = ctx;
    pgm_upload_row(stmt, one->out);
    if (strcmp(one->out->bucket, one->bucket) != 0) {
        meta_upload_dispose(one->out);
        return 0;
    }
    one->found = 1;
    return 0;
}

int meta_pg_upload_get(struct meta_store *s, const char *bucket, const char *upload_id,
                       struct meta_upload *out)
{
    struct pgm_upload_one one = {bucket, out, 0};
    int rc = meta_pg_query(s, "SELECT " PGX_UPLOAD_COLS " FROM uploads WHERE upload_id=?",
                           upload_id, pgm_upload_one, &one);
    if (!rc && !one.found) {
        err_set("no such upload");
        return ERR_NOTFOUND;
    }
    return rc;
}

int meta_pg_upload_delete_txn(pgx *db, const char *bucket, const char *upload_id)
{
    int rc = meta_pg_dead_add(db,
                              PGX_DEAD_INSERT "FROM parts WHERE upload_id=?2 AND EXISTS (SELECT 1"
                                              " FROM uploads WHERE upload_id=?2 AND bucket=?1)",
                              bucket, upload_id, NULL);
    if (!rc)
        rc = meta_pg_run(db,
                         "DELETE FROM parts WHERE upload_id=?2 AND EXISTS (SELECT 1 FROM"
                         " uploads WHERE upload_id=?2 AND bucket=?1)",
                         bucket, upload_id, NULL);
    if (!rc)
        rc = meta_pg_run(db, "DELETE FROM uploads WHERE bucket=? AND upload_id=?", bucket,
                         upload_id, NULL);
    if (!rc && pgx_changes(db) == 0) {
        err_set("no such upload");
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_pg_upload_delete(struct meta_store *s, const char *bucket, const char *upload_id)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, meta_pg_upload_delete_txn(db, bucket, upload_id));
    return rc;
}

int meta_pg_upload_scan(struct meta_store *s, const char *bucket, const char *prefix,
                        const char *key_marker, const char *upload_id_marker,
                        int64_t initiated_before, size_t limit, meta_upload_cb *cb, void *payload)
{
    pgx *db;
    pgx_stmt *stmt;
    char *pend = str_prefix_successor(prefix ? prefix : "");
    int rc = meta_pg_prepare(s,
                             "SELECT " PGX_UPLOAD_COLS
                             " FROM uploads WHERE (?1 IS NULL OR bucket=?1) AND"
                             " key>=?2 AND (?3 IS NULL OR key<?3) AND (?7=0 OR initiated_ms<?7) AND"
                             /* after the marker upload; a marker upload gone since (aborted or
                                completed between pages) resumes at the key's first upload left */
                             " (key>?4 OR (key=?4 AND ?5 IS NOT NULL AND COALESCE((initiated_ms,"
                             " upload_id) > (SELECT initiated_ms, upload_id FROM uploads WHERE"
                             " upload_id=?5 AND key=?4), true)))"
                             " ORDER BY bucket, key, initiated_ms, upload_id LIMIT ?6",
                             &db, &stmt);
    if (rc) {
        free(pend);
        return rc;
    }
    if (bucket)
        pgx_bind_text(stmt, 1, bucket, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 2, prefix ? prefix : "", -1, PGX_TRANSIENT);
    if (pend)
        pgx_bind_text(stmt, 3, pend, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 4, key_marker ? key_marker : "", -1, PGX_TRANSIENT);
    if (upload_id_marker && key_marker)
        pgx_bind_text(stmt, 5, upload_id_marker, -1, PGX_TRANSIENT);
    pgx_bind_int64(stmt, 6, (pgx_int64)limit);
    pgx_bind_int64(stmt, 7, initiated_before);
    int stop = 0;
    while (!stop && (rc = pgx_step(stmt)) == PGX_ROW) {
        struct meta_upload u;
        pgm_upload_row(stmt, &u);
        stop = cb(payload, &u);
        meta_upload_dispose(&u);
    }
    int ret = stop ? stop : (rc == PGX_DONE ? 0 : meta_pg_fail(db, "upload scan"));
    pgx_finalize(stmt);
    free(pend);
    return ret;
}

static int pgm_part_put_txn(pgx *db, const char *upload_id, const struct meta_part *p)
{
    char number[16];
    snprintf(number, sizeof(number), "%d", p->number);
    int rc = meta_pg_dead_add(
        db, PGX_DEAD_INSERT "FROM parts WHERE upload_id=?1 AND number=CAST(?2 AS BIGINT)",
        upload_id, number, NULL);
    pgx_stmt *stmt;
    if (rc)
        return rc;
    if (pgx_prepare_v2(db,
                       "INSERT INTO parts VALUES (?,?,?,?,?,?,?)"
                       " ON CONFLICT (upload_id, number) DO UPDATE SET etag=EXCLUDED.etag, "
                       "size=EXCLUDED.size, last_modified_ms=EXCLUDED.last_modified_ms, "
                       "blob_id=EXCLUDED.blob_id, checksum_value=EXCLUDED.checksum_value",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, upload_id, -1, PGX_STATIC);
    pgx_bind_int(stmt, 2, p->number);
    pgx_bind_text(stmt, 3, p->etag, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, p->size);
    pgx_bind_int64(stmt, 5, p->last_modified_ms);
    pgx_bind_text(stmt, 6, p->blob_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 7, p->checksum_value, -1, PGX_STATIC);
    rc = meta_pg_step_done(db, stmt);
    if (rc == ERR_EXISTS) { /* the upload is gone (foreign key) */
        err_set("no such upload");
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_pg_part_put(struct meta_store *s, const char *upload_id, const struct meta_part *p)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, pgm_part_put_txn(db, upload_id, p));
    return rc;
}

int meta_pg_part_scan(struct meta_store *s, const char *upload_id, int after_number, size_t limit,
                      meta_part_cb *cb, void *payload)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "SELECT number, etag, size, last_modified_ms, blob_id, checksum_value"
                             " FROM parts WHERE upload_id=? AND number>? ORDER BY number LIMIT ?",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, upload_id, -1, PGX_TRANSIENT);
    pgx_bind_int(stmt, 2, after_number);
    pgx_bind_int64(stmt, 3, (pgx_int64)limit);
    int stop = 0;
    while (!stop && (rc = pgx_step(stmt)) == PGX_ROW) {
        struct meta_part p;
        memset(&p, 0, sizeof(p));
        p.number = pgx_column_int(stmt, 0);
        meta_pg_copy(p.etag, sizeof(p.etag), stmt, 1);
        p.size = pgx_column_int64(stmt, 2);
        p.last_modified_ms = pgx_column_int64(stmt, 3);
        meta_pg_copy(p.blob_id, sizeof(p.blob_id), stmt, 4);
        meta_pg_copy(p.checksum_value, sizeof(p.checksum_value), stmt, 5);
        stop = cb(payload, &p);
    }
    int ret = stop ? stop : (rc == PGX_DONE ? 0 : meta_pg_fail(db, "part scan"));
    pgx_finalize(stmt);
    return ret;
}
