/* meta_pg_tiering.c — a version's Intelligent-Tiering tier, last access and restore record
 * in the PostgreSQL backend: read, decided on by the caller's guard, and changed in one
 * transaction (meta.h). */
#include "meta/meta_pg_stmt.h"
#include <string.h>

#include "meta/meta_pg_int.h"

static int pgm_tiering_update(pgx *db, int64_t id, const struct meta_tiering *t)
{
    pgx_stmt *stmt;
    const char *sql = "UPDATE objects SET tier=coalesce(?1, tier),"
                      " last_access_ms=CASE WHEN ?2 < 0 THEN last_access_ms ELSE ?2 END,"
                      " restore=coalesce(?3, restore) WHERE id=?4";
    if (pgx_prepare_v2(db, sql, -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    if (t->tier)
        pgx_bind_text(stmt, 1, t->tier, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 2, t->last_access_ms);
    if (t->restore)
        pgx_bind_text(stmt, 3, t->restore, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, id);
    int rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) != 1)
        rc = meta_pg_fail(db, "tiering update changed no row");
    return rc;
}

static int pgm_tiering_txn(pgx *db, const char *bucket, const char *key, const char *version_id,
                           const struct meta_tiering *t, meta_object_guard *guard, void *arg)
{
    struct meta_object cur;
    int rc = meta_pg_object_select(db, bucket, key, version_id, &cur);
    if (rc)
        return rc;
    if (guard)
        rc = guard(arg, &cur);
    if (!rc && (t->tier || t->restore)) /* report columns change (not for an access alone) */
        rc = meta_pg_journal_note(db, bucket, key, version_id, cur.seq, "tiering");
    if (!rc)
        rc = pgm_tiering_update(db, cur.seq, t);
    meta_object_dispose(&cur);
    if (!rc && t->restore) { /* a restore started, finished or expired: its events */
        rc = meta_pg_object_select(db, bucket, key, version_id, &cur);
        if (!rc) {
            rc = meta_pg_changed(db, META_CHANGE_RESTORE, bucket, &cur);
            meta_object_dispose(&cur);
        }
    }
    return rc;
}

int meta_pg_object_set_tiering(struct meta_store *s, const char *bucket, const char *key,
                               const char *version_id, const struct meta_tiering *t,
                               meta_object_guard *guard, void *arg)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, pgm_tiering_txn(db, bucket, key, version_id, t, guard, arg));
    return rc;
}
