/* meta_pg_lock.c — the Object Lock fields of one version in the PostgreSQL backend
 * (PutObjectRetention, PutObjectLegalHold): the stored version is read, the caller's guard
 * decides on it, and the fields change, all in one transaction (meta.h). */
#include "meta/meta_pg_stmt.h"
#include <string.h>

#include "meta/meta_pg_int.h"

/* UPDATE the fields what names of the row with this id. */
static int pgm_lock_update(pgx *db, int64_t seq, int what, const struct meta_object *lock)
{
    const char *sql = what == META_LOCK_SET_RETENTION
                          ? "UPDATE objects SET lock_mode=?1, lock_until_ms=?2 WHERE id=?4"
                      : what == META_LOCK_SET_LEGAL_HOLD
                          ? "UPDATE objects SET legal_hold=?3 WHERE id=?4"
                          : "UPDATE objects SET lock_mode=?1, lock_until_ms=?2, legal_hold=?3"
                            " WHERE id=?4";
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, sql, -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    if (what & META_LOCK_SET_RETENTION) {
        pgx_bind_text(stmt, 1, lock->lock_mode, -1, PGX_STATIC);
        pgx_bind_int64(stmt, 2, lock->lock_mode[0] ? lock->lock_until_ms : 0);
    }
    if (what & META_LOCK_SET_LEGAL_HOLD)
        pgx_bind_int(stmt, 3, lock->legal_hold);
    pgx_bind_int64(stmt, 4, seq);
    int rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) != 1)
        rc = meta_pg_fail(db, "lock update changed no row");
    return rc;
}

static int pgm_lock_txn(pgx *db, const char *bucket, const char *key, const char *version_id,
                        int what, const struct meta_object *lock, meta_object_guard *guard,
                        void *arg, struct meta_object *cur)
{
    meta_object_dispose(cur); /* a try before may have read it (its commit failed) */
    int rc = meta_pg_object_select(db, bucket, key, version_id, cur);
    if (rc)
        return rc;
    if (guard)
        rc = guard(arg, cur);
    if (!rc)
        rc = meta_pg_journal_note(db, bucket, key, version_id, cur->seq, "lock");
    if (!rc)
        rc = pgm_lock_update(db, cur->seq, what, lock);
    if (!rc && (what & META_LOCK_SET_RETENTION)) {
        memcpy(cur->lock_mode, lock->lock_mode, sizeof(cur->lock_mode));
        cur->lock_until_ms = lock->lock_mode[0] ? lock->lock_until_ms : 0;
    }
    if (!rc && (what & META_LOCK_SET_LEGAL_HOLD))
        cur->legal_hold = lock->legal_hold;
    if (rc)
        meta_object_dispose(cur);
    return rc;
}

int meta_pg_object_set_lock(struct meta_store *s, const char *bucket, const char *key,
                            const char *version_id, int what, const struct meta_object *lock,
                            meta_object_guard *guard, void *arg, struct meta_object *out)
{
    if (!(what & (META_LOCK_SET_RETENTION | META_LOCK_SET_LEGAL_HOLD)))
        return ERR_INVALID;
    struct meta_object cur;
    memset(&cur, 0, sizeof(cur));
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, pgm_lock_txn(db, bucket, key, version_id, what, lock, guard, arg, &cur));
    if (rc)
        return rc;
    if (out)
        *out = cur;
    else
        meta_object_dispose(&cur);
    return 0;
}
