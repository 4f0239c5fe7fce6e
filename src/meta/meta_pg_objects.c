/* meta_pg_objects.c — object versions in the PostgreSQL backend: put, get, delete, the listing
 * scans, and the object layer's block (the commit with its preconditions, completed uploads,
 * dead blobs). */
#include "meta/meta_pg_stmt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/fault.h"
#include "core/str.h"
#include "meta/meta_pg_int.h"

/* ---- objects ----
 * Scans hand each row to a callback that may move the caller's markers, so their parameters
 * are bound PGX_TRANSIENT (copied), never PGX_STATIC. */

/* The leading PGX_INVENTORY_COLS of a row; key, acl and sse borrowed from the statement
 * (valid until the next step; NULL when empty), the rest copied. */
void meta_pg_inventory_row(pgx_stmt *stmt, struct meta_object *o)
{
    memset(o, 0, sizeof(*o));
    o->key = (char *)pgx_column_text(stmt, 0);
    meta_pg_copy(o->version_id, sizeof(o->version_id), stmt, 1);
    o->is_latest = pgx_column_int(stmt, 2);
    o->is_delete_marker = pgx_column_int(stmt, 3);
    o->size = pgx_column_int64(stmt, 4);
    o->last_modified_ms = pgx_column_int64(stmt, 5);
    meta_pg_copy(o->etag, sizeof(o->etag), stmt, 6);
    meta_pg_copy(o->storage_class, sizeof(o->storage_class), stmt, 7);
    meta_pg_copy(o->owner_id, sizeof(o->owner_id), stmt, 8);
    o->multipart = pgx_column_int(stmt, 9);
    meta_pg_copy(o->checksum_algorithm, sizeof(o->checksum_algorithm), stmt, 10);
    o->seq = pgx_column_int64(stmt, 11);
    const char *acl = (const char *)pgx_column_text(stmt, 12);
    o->acl = acl && *acl ? (char *)acl : NULL;
    meta_pg_copy(o->lock_mode, sizeof(o->lock_mode), stmt, 13);
    o->lock_until_ms = pgx_column_int64(stmt, 14);
    o->legal_hold = pgx_column_int(stmt, 15);
    const char *sse = (const char *)pgx_column_text(stmt, 16);
    o->sse = sse && *sse ? (char *)sse : NULL;
    meta_pg_copy(o->tier, sizeof(o->tier), stmt, 17);
}

/* Column i as a heap string, NULL when it is empty (or NULL). */
static char *pgm_dup_nonempty(pgx_stmt *stmt, int i)
{
    const char *v = (const char *)pgx_column_text(stmt, i);
    return v && *v ? meta_pg_dup(stmt, i) : NULL;
}

/* A whole row, owned by the caller (meta_object_dispose). */
void meta_pg_object_row(pgx_stmt *stmt, struct meta_object *o)
{
    meta_pg_inventory_row(stmt, o);
    o->key = meta_pg_dup(stmt, 0);
    o->acl = pgm_dup_nonempty(stmt, 12);
    o->sse = pgm_dup_nonempty(stmt, 16);
    o->headers = meta_pg_dup(stmt, 18);
    meta_pg_copy(o->blob_id, sizeof(o->blob_id), stmt, 19);
    o->checksum_value = meta_pg_dup(stmt, 20);
    meta_pg_copy(o->checksum_type, sizeof(o->checksum_type), stmt, 21);
    o->parts = pgx_column_type(stmt, 22) == PGX_NULL ? NULL : meta_pg_dup(stmt, 22);
    o->tags = pgm_dup_nonempty(stmt, 23);
    o->last_access_ms = pgx_column_int64(stmt, 24);
    o->restore = pgm_dup_nonempty(stmt, 25);
    meta_pg_copy(o->replication_status, sizeof(o->replication_status), stmt, 26);
}

/* Record as dead, inside the open transaction, the blobs that sql selects (its first column
 * is a blob id, ?1..?3 bind a, b, c; ?4 is the time of death). The collector removes them
 * after the grace period, so a reader that already has the row still finds its bytes. */
int meta_pg_dead_add(pgx *db, const char *sql, const char *a, const char *b, const char *c)
{
    pgx_stmt *stmt;
    char full[512];
    snprintf(full, sizeof(full), "%s ON CONFLICT DO NOTHING", sql);
    if (pgx_prepare_v2(db, full, -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, a, -1, PGX_STATIC);
    if (b)
        pgx_bind_text(stmt, 2, b, -1, PGX_STATIC);
    if (c)
        pgx_bind_text(stmt, 3, c, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, clock_now_ms());
    return meta_pg_step_done(db, stmt);
}

static int pgm_object_insert(pgx *db, const char *bucket, const struct meta_object *o)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db,
                       "INSERT INTO objects(bucket, key, version_id, is_latest,"
                       " is_delete_marker, size, last_modified_ms, etag, storage_class,"
                       " owner_id, headers, blob_id, multipart, checksum_algorithm,"
                       " checksum_value, checksum_type, parts, acl, tags, lock_mode,"
                       " lock_until_ms, legal_hold, sse, tier, last_access_ms, restore,"
                       " replication_status)"
                       " VALUES (?,?,?,1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, o->key, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, o->version_id, -1, PGX_STATIC);
    pgx_bind_int(stmt, 4, o->is_delete_marker);
    pgx_bind_int64(stmt, 5, o->size);
    pgx_bind_int64(stmt, 6, o->last_modified_ms);
    pgx_bind_text(stmt, 7, o->etag, -1, PGX_STATIC);
    pgx_bind_text(stmt, 8, o->storage_class, -1, PGX_STATIC);
    pgx_bind_text(stmt, 9, o->owner_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 10, o->headers ? o->headers : "[]", -1, PGX_STATIC);
    pgx_bind_text(stmt, 11, o->blob_id, -1, PGX_STATIC);
    pgx_bind_int(stmt, 12, o->multipart);
    pgx_bind_text(stmt, 13, o->checksum_algorithm, -1, PGX_STATIC);
    pgx_bind_text(stmt, 14, o->checksum_value ? o->checksum_value : "", -1, PGX_STATIC);
    pgx_bind_text(stmt, 15, o->checksum_type, -1, PGX_STATIC);
    if (o->parts)
        pgx_bind_text(stmt, 16, o->parts, -1, PGX_STATIC);
    pgx_bind_text(stmt, 17, o->acl ? o->acl : "", -1, PGX_STATIC);
    pgx_bind_text(stmt, 18, o->tags ? o->tags : "", -1, PGX_STATIC);
    pgx_bind_text(stmt, 19, o->lock_mode, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 20, o->lock_until_ms);
    pgx_bind_int(stmt, 21, o->legal_hold);
    pgx_bind_text(stmt, 22, o->sse ? o->sse : "", -1, PGX_STATIC);
    pgx_bind_text(stmt, 23, o->tier, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 24, o->last_access_ms);
    pgx_bind_text(stmt, 25, o->restore ? o->restore : "", -1, PGX_STATIC);
    pgx_bind_text(stmt, 26, o->replication_status, -1, PGX_STATIC);
    return meta_pg_step_done(db, stmt);
}

int meta_pg_object_put_txn(pgx *db, const char *bucket, const struct meta_object *o)
{
    /* the change journal first: the version as it was (a replaced null version) */
    int rc = meta_pg_journal_note(db, bucket, o->key, o->version_id, 0, "put");
    if (!rc && strcmp(o->version_id, "null") == 0) {
        rc = meta_pg_dead_add(db,
                              PGX_DEAD_INSERT "FROM objects WHERE bucket=?1 AND key=?2 AND"
                                              " version_id=?3 AND blob_id != ''",
                              bucket, o->key, "null");
        if (!rc)
            rc = meta_pg_run(db, "DELETE FROM objects WHERE bucket=? AND key=? AND version_id=?",
                             bucket, o->key, "null");
    }
    if (!rc)
        rc = meta_pg_run(db,
                         "UPDATE objects SET is_latest=0 WHERE bucket=? AND key=? AND is_latest=1",
                         bucket, o->key, NULL);
    if (!rc)
        rc = pgm_object_insert(db, bucket, o);
    if (!rc)
        rc = meta_pg_changed(db, META_CHANGE_PUT, bucket, o);
    return rc;
}

int meta_pg_object_put(struct meta_store *s, const char *bucket, const struct meta_object *o)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, meta_pg_object_put_txn(db, bucket, o));
    return rc;
}

/* One object row of bucket/key: the version_id one, or the latest when version_id is NULL. */
int meta_pg_object_select(pgx *db, const char *bucket, const char *key, const char *version_id,
                          struct meta_object *out)
{
    pgx_stmt *stmt;
    const char *sql = version_id ? "SELECT " PGX_OBJECT_COLS
                                   " FROM objects WHERE bucket=? AND key=? AND version_id=?"
                                 : "SELECT " PGX_OBJECT_COLS
                                   " FROM objects WHERE bucket=? AND key=? AND is_latest=1";
    if (pgx_prepare_v2(db, sql, -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, key, -1, PGX_STATIC);
    if (version_id)
        pgx_bind_text(stmt, 3, version_id, -1, PGX_STATIC);
    int rc = pgx_step(stmt);
    if (rc == PGX_ROW) {
        meta_pg_object_row(stmt, out);
        rc = 0;
    } else if (rc == PGX_DONE) {
        err_set(version_id ? "no such version" : "no such key");
        rc = ERR_NOTFOUND;
    } else {
        rc = meta_pg_fail(db, "step");
    }
    pgx_finalize(stmt);
    return rc;
}

int meta_pg_object_get(struct meta_store *s, const char *bucket, const char *key,
                       const char *version_id, struct meta_object *out)
{
    pgx *db;
    int rc = meta_pg_connect((struct pg_store *)s, &db);
    return rc ? rc : meta_pg_object_select(db, bucket, key, version_id, out);
}

static int pgm_object_delete_txn(pgx *db, const char *bucket, const char *key,
                                 const char *version_id, const char *expect_blob,
                                 meta_object_guard *guard, void *arg, struct meta_object *out)
{
    meta_object_dispose(out); /* a try before may have read it (its commit failed) */
    int rc = meta_pg_object_select(db, bucket, key, version_id, out);
    if (rc)
        return rc;
    if (guard && (rc = guard(arg, out)) != 0) {
        meta_object_dispose(out);
        return rc;
    }
    if (expect_blob && strcmp(out->blob_id, expect_blob) != 0) {
        meta_object_dispose(out);
        err_set("%s of %s/%s holds another blob now", version_id, bucket, key);
        return ERR_NOTFOUND;
    }
    rc = meta_pg_journal_note(db, bucket, key, version_id, out->seq, "remove");
    if (!rc)
        rc = meta_pg_dead_add(db,
                              PGX_DEAD_INSERT "FROM objects WHERE bucket=?1 AND key=?2 AND"
                                              " version_id=?3 AND blob_id != ''",
                              bucket, key, version_id);
    if (!rc)
        rc = meta_pg_run(db, "DELETE FROM objects WHERE bucket=? AND key=? AND version_id=?",
                         bucket, key, version_id);
    /* the newest remaining version, if any, becomes the latest */
    if (!rc)
        rc = meta_pg_run(db,
                         "UPDATE objects SET is_latest=1 WHERE id=(SELECT max(id) FROM objects"
                         " WHERE bucket=?1 AND key=?2) AND NOT EXISTS (SELECT 1 FROM objects"
                         " WHERE bucket=?1 AND key=?2 AND is_latest=1)",
                         bucket, key, NULL);
    if (!rc)
        rc = meta_pg_changed(db, META_CHANGE_REMOVE, bucket, out);
    if (rc)
        meta_object_dispose(out);
    return rc;
}

int meta_pg_object_delete_version(struct meta_store *s, const char *bucket, const char *key,
                                  const char *version_id, const char *expect_blob,
                                  meta_object_guard *guard, void *arg, struct meta_object *out)
{
    pgx *db;
    memset(out, 0, sizeof(*out));
    int rc;
    META_PG_TXN(s, db, rc,
                pgm_object_delete_txn(db, bucket, key, version_id, expect_blob, guard, arg, out));
    if (rc)
        meta_object_dispose(out);
    return rc;
}

/* Replace one column (a fixed name, never input) of one version, or of the latest, in the open
 * transaction; then the change's events (kind). */
static int pgm_object_set_text_txn(pgx *db, const char *bucket, const char *key,
                                   const char *version_id, const char *column, const char *value,
                                   enum meta_change_kind kind)
{
    int rc = meta_pg_journal_note(db, bucket, key, version_id, 0, column);
    if (rc)
        return rc;
    pgx_stmt *stmt;
    char sql[160];
    snprintf(sql, sizeof(sql), "UPDATE objects SET %s=?4 WHERE bucket=?1 AND key=?2 AND %s", column,
             version_id ? "version_id=?3" : "is_latest=1");
    if (pgx_prepare_v2(db, sql, -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, key, -1, PGX_STATIC);
    if (version_id)
        pgx_bind_text(stmt, 3, version_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 4, value ? value : "", -1, PGX_STATIC);
    rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set(version_id ? "no such version" : "no such key");
        rc = ERR_NOTFOUND;
    }
    if (rc)
        return rc;
    struct meta_object o;
    rc = meta_pg_object_select(db, bucket, key, version_id, &o);
    if (!rc) {
        rc = meta_pg_changed(db, kind, bucket, &o);
        meta_object_dispose(&o);
    }
    return rc;
}

static int pgm_object_set_text(struct meta_store *s, const char *bucket, const char *key,
                               const char *version_id, const char *column, const char *value,
                               enum meta_change_kind kind)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc,
                pgm_object_set_text_txn(db, bucket, key, version_id, column, value, kind));
    return rc;
}

int meta_pg_object_set_acl(struct meta_store *s, const char *bucket, const char *key,
                           const char *version_id, const char *acl)
{
    return pgm_object_set_text(s, bucket, key, version_id, "acl", acl, META_CHANGE_ACL);
}

int meta_pg_object_set_tags(struct meta_store *s, const char *bucket, const char *key,
                            const char *version_id, const char *tags)
{
    return pgm_object_set_text(s, bucket, key, version_id, "tags", tags, META_CHANGE_TAGS);
}

/* Hand each object row of stmt to cb (stops on non-zero, which is returned); finalizes. */
static int pgm_object_rows(pgx *db, pgx_stmt *stmt, meta_object_cb *cb, void *payload)
{
    int rc, stop = 0;
    while (!stop && (rc = pgx_step(stmt)) == PGX_ROW) {
        struct meta_object o;
        memset(&o, 0, sizeof(o));
        meta_pg_object_row(stmt, &o);
        stop = cb(payload, &o);
        meta_object_dispose(&o);
    }
    int ret = stop ? stop : (rc == PGX_DONE ? 0 : meta_pg_fail(db, "scan"));
    pgx_finalize(stmt);
    return ret;
}

int meta_pg_object_scan(struct meta_store *s, const char *bucket, const char *prefix,
                        const char *start, int start_inclusive, size_t limit, meta_object_cb *cb,
                        void *payload)
{
    pgx *db;
    pgx_stmt *stmt;
    char *pend = str_prefix_successor(prefix ? prefix : "");
    const char *sql = start_inclusive
                          ? "SELECT " PGX_OBJECT_COLS " FROM objects WHERE bucket=?1 AND"
                            " is_latest=1 AND is_delete_marker=0 AND key>=?2 AND key>=?3 AND"
                            " (?4 IS NULL OR key<?4) ORDER BY key LIMIT ?5"
                          : "SELECT " PGX_OBJECT_COLS " FROM objects WHERE bucket=?1 AND"
                            " is_latest=1 AND is_delete_marker=0 AND key>?2 AND key>=?3 AND"
                            " (?4 IS NULL OR key<?4) ORDER BY key LIMIT ?5";
    int rc = meta_pg_prepare(s, sql, &db, &stmt);
    if (rc) {
        free(pend);
        return rc;
    }
    pgx_bind_text(stmt, 1, bucket, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 2, start ? start : "", -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 3, prefix ? prefix : "", -1, PGX_TRANSIENT);
    if (pend)
        pgx_bind_text(stmt, 4, pend, -1, PGX_TRANSIENT);
    pgx_bind_int64(stmt, 5, (pgx_int64)limit);
    int ret = pgm_object_rows(db, stmt, cb, payload);
    free(pend);
    return ret;
}

int meta_pg_version_scan(struct meta_store *s, const char *bucket, const char *prefix,
                         const char *key_marker, int64_t seq_marker, size_t limit,
                         meta_object_cb *cb, void *payload)
{
    pgx *db;
    pgx_stmt *stmt;
    char *pend = str_prefix_successor(prefix ? prefix : "");
    int rc = meta_pg_prepare(s,
                             "SELECT " PGX_OBJECT_COLS " FROM objects WHERE bucket=?1 AND"
                             " key>=?2 AND (?3 IS NULL OR key<?3) AND"
                             " (key>?4 OR (key=?4 AND (?5<0 OR (?5>0 AND id<?5))))"
                             " ORDER BY key, id DESC LIMIT ?6",
                             &db, &stmt);
    if (rc) {
        free(pend);
        return rc;
    }
    pgx_bind_text(stmt, 1, bucket, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 2, prefix ? prefix : "", -1, PGX_TRANSIENT);
    if (pend)
        pgx_bind_text(stmt, 3, pend, -1, PGX_TRANSIENT);
    pgx_bind_text(stmt, 4, key_marker ? key_marker : "", -1, PGX_TRANSIENT);
    pgx_bind_int64(stmt, 5, key_marker ? seq_marker : 0);
    pgx_bind_int64(stmt, 6, (pgx_int64)limit);
    int ret = pgm_object_rows(db, stmt, cb, payload);
    free(pend);
    return ret;
}

/* ---- object commit and dead blobs (the object layer's block) ---- */

/* Does the bucket named c->bucket still have the id the write began with? */
static int pgm_commit_bucket(pgx *db, struct meta_commit *c)
{
    if (!c->bucket_id)
        return 0;
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, "SELECT 1 FROM buckets WHERE name=? AND id=?", -1, &stmt, NULL) !=
        PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, c->bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, c->bucket_id, -1, PGX_STATIC);
    int rc = pgx_step(stmt);
    pgx_finalize(stmt);
    if (rc == PGX_ROW)
        return 0;
    if (rc != PGX_DONE)
        return meta_pg_fail(db, "step");
    err_set("bucket %s is gone (deleted or re-created since the write began)", c->bucket);
    c->failure = META_COMMIT_BUCKET_GONE;
    return ERR_NOTFOUND;
}

/* The caller's preconditions, against the current latest version of the key. */
static int pgm_commit_check(pgx *db, struct meta_commit *c)
{
    if (!c->check)
        return 0;
    struct meta_object cur;
    memset(&cur, 0, sizeof(cur));
    int rc = meta_pg_object_select(db, c->bucket, c->object->key, NULL, &cur);
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
#define PGX_COMPLETED_KEEP_MS (7LL * 24 * 3600 * 1000)

static int pgm_commit_upload(pgx *db, struct meta_commit *c)
{
    int rc = meta_pg_upload_delete_txn(db, c->bucket, c->upload_id);
    if (rc == ERR_NOTFOUND)
        c->failure = META_COMMIT_UPLOAD_GONE;
    if (rc)
        return rc;
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, "DELETE FROM completed_uploads WHERE completed_ms < ?", -1, &stmt,
                       NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_int64(stmt, 1, c->object->last_modified_ms - PGX_COMPLETED_KEEP_MS);
    rc = meta_pg_step_done(db, stmt);
    if (rc)
        return rc;
    if (pgx_prepare_v2(db,
                       "INSERT INTO completed_uploads VALUES (?,?,?,?,?) ON CONFLICT"
                       " (upload_id) DO UPDATE SET bucket=EXCLUDED.bucket, key=EXCLUDED.key,"
                       " version_id=EXCLUDED.version_id, completed_ms=EXCLUDED.completed_ms",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, c->upload_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, c->bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, c->object->key, -1, PGX_STATIC);
    pgx_bind_text(stmt, 4, c->object->version_id, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 5, c->object->last_modified_ms);
    return meta_pg_step_done(db, stmt);
}

static int pgm_object_commit_txn(pgx *db, struct meta_commit *c)
{
    int rc = pgm_commit_bucket(db, c);
    if (!rc && c->upload_id)
        rc = pgm_commit_upload(db, c);
    if (!rc)
        rc = pgm_commit_check(db, c);
    return rc ? rc : meta_pg_object_put_txn(db, c->bucket, c->object);
}

static int pgm_object_commit_faulted(pgx *db, struct meta_commit *c)
{
    c->failure = META_COMMIT_OK; /* a transaction run again starts afresh */
    int rc = pgm_object_commit_txn(db, c);
    if (!rc && fault_hit(FAULT_META_COMMIT)) { /* as if COMMIT failed: all rolls back */
        err_set("injected fault: metadata commit");
        rc = ERR_BACKEND;
    }
    return rc;
}

int meta_pg_object_commit(struct meta_store *s, struct meta_commit *c)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, pgm_object_commit_faulted(db, c));
    return rc;
}

int meta_pg_upload_completed(struct meta_store *s, const char *bucket, const char *upload_id,
                             char *out_version_id, size_t size)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(
        s, "SELECT bucket, version_id FROM completed_uploads WHERE upload_id=? AND bucket=?", &db,
        &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, upload_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, bucket, -1, PGX_STATIC);
    rc = pgx_step(stmt);
    if (rc == PGX_ROW)
        meta_pg_copy(out_version_id, size, stmt, 1);
    pgx_finalize(stmt);
    if (rc != PGX_ROW && rc != PGX_DONE)
        return meta_pg_fail(db, "step");
    if (rc == PGX_DONE) {
        err_set("upload %s was not completed", upload_id);
        return ERR_NOTFOUND;
    }
    return 0;
}

int meta_pg_dead_blob_scan(struct meta_store *s, int64_t dead_before_ms, size_t limit,
                           meta_dead_blob_cb *cb, void *payload)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "SELECT blob_id FROM dead_blobs WHERE dead_ms < ? ORDER BY dead_ms"
                             " LIMIT ?",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_int64(stmt, 1, dead_before_ms);
    pgx_bind_int64(stmt, 2, (pgx_int64)limit);
    int stop = 0;
    while (!stop && (rc = pgx_step(stmt)) == PGX_ROW) {
        char id[72];
        meta_pg_copy(id, sizeof(id), stmt, 0);
        stop = cb(payload, id);
    }
    int ret = stop ? stop : (rc == PGX_DONE ? 0 : meta_pg_fail(db, "dead blob scan"));
    pgx_finalize(stmt);
    return ret;
}

int meta_pg_dead_blob_forget(struct meta_store *s, const char *blob_id)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s, "DELETE FROM dead_blobs WHERE blob_id=?", &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, blob_id, -1, PGX_STATIC);
    return meta_pg_step_done(db, stmt);
}

int meta_pg_blob_referenced(struct meta_store *s, const char *blob_id, int *out)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc =
        meta_pg_prepare(s,
                        "SELECT EXISTS(SELECT 1 FROM objects WHERE blob_id=?1 AND blob_id != '')"
                        " OR EXISTS(SELECT 1 FROM parts WHERE blob_id=?1)"
                        " OR EXISTS(SELECT 1 FROM dead_blobs WHERE blob_id=?1)",
                        &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, blob_id, -1, PGX_STATIC);
    rc = pgx_step(stmt);
    if (rc == PGX_ROW)
        *out = pgx_column_int(stmt, 0);
    pgx_finalize(stmt);
    return rc == PGX_ROW ? 0 : meta_pg_fail(db, "blob referenced");
}
