/* meta_sqlite_objects.c — object versions in the SQLite backend: put, get, delete, the listing
 * scans, and the object layer's block (the commit with its preconditions, completed uploads,
 * dead blobs). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/fault.h"
#include "core/str.h"
#include "meta/meta_sqlite_int.h"

/* ---- objects ----
 * Scans hand each row to a callback that may move the caller's markers, so their parameters
 * are bound SQLITE_TRANSIENT (copied), never SQLITE_STATIC. */

/* The leading SQLITE_INVENTORY_COLS of a row; key, acl and sse borrowed from the statement
 * (valid until the next step; NULL when empty), the rest copied. */
void meta_sqlite_inventory_row(sqlite3_stmt *stmt, struct meta_object *o)
{
    memset(o, 0, sizeof(*o));
    o->key = (char *)sqlite3_column_text(stmt, 0);
    meta_sqlite_copy(o->version_id, sizeof(o->version_id), stmt, 1);
    o->is_latest = sqlite3_column_int(stmt, 2);
    o->is_delete_marker = sqlite3_column_int(stmt, 3);
    o->size = sqlite3_column_int64(stmt, 4);
    o->last_modified_ms = sqlite3_column_int64(stmt, 5);
    meta_sqlite_copy(o->etag, sizeof(o->etag), stmt, 6);
    meta_sqlite_copy(o->storage_class, sizeof(o->storage_class), stmt, 7);
    meta_sqlite_copy(o->owner_id, sizeof(o->owner_id), stmt, 8);
    o->multipart = sqlite3_column_int(stmt, 9);
    meta_sqlite_copy(o->checksum_algorithm, sizeof(o->checksum_algorithm), stmt, 10);
    o->seq = sqlite3_column_int64(stmt, 11);
    const char *acl = (const char *)sqlite3_column_text(stmt, 12);
    o->acl = acl && *acl ? (char *)acl : NULL;
    meta_sqlite_copy(o->lock_mode, sizeof(o->lock_mode), stmt, 13);
    o->lock_until_ms = sqlite3_column_int64(stmt, 14);
    o->legal_hold = sqlite3_column_int(stmt, 15);
    const char *sse = (const char *)sqlite3_column_text(stmt, 16);
    o->sse = sse && *sse ? (char *)sse : NULL;
    meta_sqlite_copy(o->tier, sizeof(o->tier), stmt, 17);
}

/* Column i as a heap string, NULL when it is empty (or NULL). */
static char *sqlite_dup_nonempty(sqlite3_stmt *stmt, int i)
{
    const char *v = (const char *)sqlite3_column_text(stmt, i);
    return v && *v ? meta_sqlite_dup(stmt, i) : NULL;
}

/* A whole row, owned by the caller (meta_object_dispose). */
void meta_sqlite_object_row(sqlite3_stmt *stmt, struct meta_object *o)
{
    meta_sqlite_inventory_row(stmt, o);
    o->key = meta_sqlite_dup(stmt, 0);
    o->acl = sqlite_dup_nonempty(stmt, 12);
    o->sse = sqlite_dup_nonempty(stmt, 16);
    o->headers = meta_sqlite_dup(stmt, 18);
    meta_sqlite_copy(o->blob_id, sizeof(o->blob_id), stmt, 19);
    o->checksum_value = meta_sqlite_dup(stmt, 20);
    meta_sqlite_copy(o->checksum_type, sizeof(o->checksum_type), stmt, 21);
    o->parts = sqlite3_column_type(stmt, 22) == SQLITE_NULL ? NULL : meta_sqlite_dup(stmt, 22);
    o->tags = sqlite_dup_nonempty(stmt, 23);
    o->last_access_ms = sqlite3_column_int64(stmt, 24);
    o->restore = sqlite_dup_nonempty(stmt, 25);
    meta_sqlite_copy(o->replication_status, sizeof(o->replication_status), stmt, 26);
}

/* Record as dead, inside the open transaction, the blobs that sql selects (its first column
 * is a blob id, ?1..?3 bind a, b, c; ?4 is the time of death). The collector removes them
 * after the grace period, so a reader that already has the row still finds its bytes. */
int meta_sqlite_dead_add(sqlite3 *db, const char *sql, const char *a, const char *b, const char *c)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(stmt, 2, b, -1, SQLITE_STATIC);
    if (c)
        sqlite3_bind_text(stmt, 3, c, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, clock_now_ms());
    return meta_sqlite_step_done(db, stmt);
}

static int sqlite_object_insert(sqlite3 *db, const char *bucket, const struct meta_object *o)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO objects(bucket, key, version_id, is_latest,"
                           " is_delete_marker, size, last_modified_ms, etag, storage_class,"
                           " owner_id, headers, blob_id, multipart, checksum_algorithm,"
                           " checksum_value, checksum_type, parts, acl, tags, lock_mode,"
                           " lock_until_ms, legal_hold, sse, tier, last_access_ms, restore,"
                           " replication_status)"
                           " VALUES (?,?,?,1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, o->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, o->version_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 4, o->is_delete_marker);
    sqlite3_bind_int64(stmt, 5, o->size);
    sqlite3_bind_int64(stmt, 6, o->last_modified_ms);
    sqlite3_bind_text(stmt, 7, o->etag, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 8, o->storage_class, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 9, o->owner_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 10, o->headers ? o->headers : "[]", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 11, o->blob_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 12, o->multipart);
    sqlite3_bind_text(stmt, 13, o->checksum_algorithm, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 14, o->checksum_value ? o->checksum_value : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 15, o->checksum_type, -1, SQLITE_STATIC);
    if (o->parts)
        sqlite3_bind_text(stmt, 16, o->parts, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 17, o->acl ? o->acl : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 18, o->tags ? o->tags : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 19, o->lock_mode, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 20, o->lock_until_ms);
    sqlite3_bind_int(stmt, 21, o->legal_hold);
    sqlite3_bind_text(stmt, 22, o->sse ? o->sse : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 23, o->tier, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 24, o->last_access_ms);
    sqlite3_bind_text(stmt, 25, o->restore ? o->restore : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 26, o->replication_status, -1, SQLITE_STATIC);
    return meta_sqlite_step_done(db, stmt);
}

int meta_sqlite_object_put_txn(sqlite3 *db, const char *bucket, const struct meta_object *o)
{
    /* the change journal first: the version as it was (a replaced null version) */
    int rc = meta_sqlite_journal_note(db, bucket, o->key, o->version_id, 0, "put");
    if (!rc && strcmp(o->version_id, "null") == 0) {
        rc = meta_sqlite_dead_add(db,
                                  SQLITE_DEAD_INSERT "FROM objects WHERE bucket=?1 AND key=?2 AND"
                                                     " version_id=?3 AND blob_id != ''",
                                  bucket, o->key, "null");
        if (!rc)
            rc =
                meta_sqlite_run(db, "DELETE FROM objects WHERE bucket=? AND key=? AND version_id=?",
                                bucket, o->key, "null");
    }
    if (!rc)
        rc = meta_sqlite_run(
            db, "UPDATE objects SET is_latest=0 WHERE bucket=? AND key=? AND is_latest=1", bucket,
            o->key, NULL);
    if (!rc)
        rc = sqlite_object_insert(db, bucket, o);
    if (!rc)
        rc = meta_sqlite_changed(db, META_CHANGE_PUT, bucket, o);
    return rc;
}

int meta_sqlite_object_put(struct meta_store *s, const char *bucket, const struct meta_object *o)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    return rc ? rc : meta_sqlite_commit_or_rollback(db, meta_sqlite_object_put_txn(db, bucket, o));
}

/* One object row of bucket/key: the version_id one, or the latest when version_id is NULL. */
int meta_sqlite_object_select(sqlite3 *db, const char *bucket, const char *key,
                              const char *version_id, struct meta_object *out)
{
    sqlite3_stmt *stmt;
    const char *sql = version_id ? "SELECT " SQLITE_OBJECT_COLS
                                   " FROM objects WHERE bucket=? AND key=? AND version_id=?"
                                 : "SELECT " SQLITE_OBJECT_COLS
                                   " FROM objects WHERE bucket=? AND key=? AND is_latest=1";
    int rc = meta_sqlite_stmt(db, sql, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
    if (version_id)
        sqlite3_bind_text(stmt, 3, version_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        meta_sqlite_object_row(stmt, out);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        err_set(version_id ? "no such version" : "no such key");
        rc = ERR_NOTFOUND;
    } else {
        rc = meta_sqlite_fail(db, "step");
    }
    meta_sqlite_stmt_done(stmt);
    return rc;
}

int meta_sqlite_object_get(struct meta_store *s, const char *bucket, const char *key,
                           const char *version_id, struct meta_object *out)
{
    sqlite3 *db;
    int rc = meta_sqlite_connect((struct sqlite_store *)s, &db);
    return rc ? rc : meta_sqlite_object_select(db, bucket, key, version_id, out);
}

static int sqlite_object_delete_txn(sqlite3 *db, const char *bucket, const char *key,
                                    const char *version_id, const char *expect_blob,
                                    meta_object_guard *guard, void *arg, struct meta_object *out)
{
    int rc = meta_sqlite_object_select(db, bucket, key, version_id, out);
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
    rc = meta_sqlite_journal_note(db, bucket, key, version_id, out->seq, "remove");
    if (!rc)
        rc = meta_sqlite_dead_add(db,
                                  SQLITE_DEAD_INSERT "FROM objects WHERE bucket=?1 AND key=?2 AND"
                                                     " version_id=?3 AND blob_id != ''",
                                  bucket, key, version_id);
    if (!rc)
        rc = meta_sqlite_run(db, "DELETE FROM objects WHERE bucket=? AND key=? AND version_id=?",
                             bucket, key, version_id);
    /* the newest remaining version, if any, becomes the latest */
    if (!rc)
        rc = meta_sqlite_run(db,
                             "UPDATE objects SET is_latest=1 WHERE id=(SELECT max(id) FROM objects"
                             " WHERE bucket=?1 AND key=?2) AND NOT EXISTS (SELECT 1 FROM objects"
                             " WHERE bucket=?1 AND key=?2 AND is_latest=1)",
                             bucket, key, NULL);
    if (!rc)
        rc = meta_sqlite_changed(db, META_CHANGE_REMOVE, bucket, out);
    if (rc)
        meta_object_dispose(out);
    return rc;
}

int meta_sqlite_object_delete_version(struct meta_store *s, const char *bucket, const char *key,
                                      const char *version_id, const char *expect_blob,
                                      meta_object_guard *guard, void *arg, struct meta_object *out)
{
    sqlite3 *db;
    memset(out, 0, sizeof(*out));
    int rc = meta_sqlite_begin(s, &db);
    if (!rc)
        rc = meta_sqlite_commit_or_rollback(
            db,
            sqlite_object_delete_txn(db, bucket, key, version_id, expect_blob, guard, arg, out));
    if (rc)
        meta_object_dispose(out);
    return rc;
}

/* Replace one column (a fixed name, never input) of one version, or of the latest, in the open
 * transaction; then the change's events (kind). */
static int sqlite_object_set_text_txn(sqlite3 *db, const char *bucket, const char *key,
                                      const char *version_id, const char *column, const char *value,
                                      enum meta_change_kind kind)
{
    int rc = meta_sqlite_journal_note(db, bucket, key, version_id, 0, column);
    if (rc)
        return rc;
    sqlite3_stmt *stmt;
    char sql[160];
    snprintf(sql, sizeof(sql), "UPDATE objects SET %s=?4 WHERE bucket=?1 AND key=?2 AND %s", column,
             version_id ? "version_id=?3" : "is_latest=1");
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
    if (version_id)
        sqlite3_bind_text(stmt, 3, version_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, value ? value : "", -1, SQLITE_STATIC);
    rc = meta_sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set(version_id ? "no such version" : "no such key");
        rc = ERR_NOTFOUND;
    }
    if (rc)
        return rc;
    struct meta_object o;
    rc = meta_sqlite_object_select(db, bucket, key, version_id, &o);
    if (!rc) {
        rc = meta_sqlite_changed(db, kind, bucket, &o);
        meta_object_dispose(&o);
    }
    return rc;
}

static int sqlite_object_set_text(struct meta_store *s, const char *bucket, const char *key,
                                  const char *version_id, const char *column, const char *value,
                                  enum meta_change_kind kind)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    return rc ? rc
              : meta_sqlite_commit_or_rollback(
                    db,
                    sqlite_object_set_text_txn(db, bucket, key, version_id, column, value, kind));
}

int meta_sqlite_object_set_acl(struct meta_store *s, const char *bucket, const char *key,
                               const char *version_id, const char *acl)
{
    return sqlite_object_set_text(s, bucket, key, version_id, "acl", acl, META_CHANGE_ACL);
}

int meta_sqlite_object_set_tags(struct meta_store *s, const char *bucket, const char *key,
                                const char *version_id, const char *tags)
{
    return sqlite_object_set_text(s, bucket, key, version_id, "tags", tags, META_CHANGE_TAGS);
}

/* Hand each object row of stmt to cb (stops on non-zero, which is returned); finalizes. */
static int sqlite_object_rows(sqlite3 *db, sqlite3_stmt *stmt, meta_object_cb *cb, void *payload)
{
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct meta_object o;
        memset(&o, 0, sizeof(o));
        meta_sqlite_object_row(stmt, &o);
        stop = cb(payload, &o);
        meta_object_dispose(&o);
    }
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : meta_sqlite_fail(db, "scan"));
    sqlite3_finalize(stmt);
    return ret;
}

int meta_sqlite_object_scan(struct meta_store *s, const char *bucket, const char *prefix,
                            const char *start, int start_inclusive, size_t limit,
                            meta_object_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    char *pend = str_prefix_successor(prefix ? prefix : "");
    const char *sql = start_inclusive
                          ? "SELECT " SQLITE_OBJECT_COLS " FROM objects WHERE bucket=?1 AND"
                            " is_latest=1 AND is_delete_marker=0 AND key>=?2 AND key>=?3 AND"
                            " (?4 IS NULL OR key<?4) ORDER BY key LIMIT ?5"
                          : "SELECT " SQLITE_OBJECT_COLS " FROM objects WHERE bucket=?1 AND"
                            " is_latest=1 AND is_delete_marker=0 AND key>?2 AND key>=?3 AND"
                            " (?4 IS NULL OR key<?4) ORDER BY key LIMIT ?5";
    int rc = meta_sqlite_prepare(s, sql, &db, &stmt);
    if (rc) {
        free(pend);
        return rc;
    }
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, start ? start : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, prefix ? prefix : "", -1, SQLITE_TRANSIENT);
    if (pend)
        sqlite3_bind_text(stmt, 4, pend, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 5, (sqlite3_int64)limit);
    int ret = sqlite_object_rows(db, stmt, cb, payload);
    free(pend);
    return ret;
}

int meta_sqlite_version_scan(struct meta_store *s, const char *bucket, const char *prefix,
                             const char *key_marker, int64_t seq_marker, size_t limit,
                             meta_object_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    char *pend = str_prefix_successor(prefix ? prefix : "");
    int rc = meta_sqlite_prepare(s,
                                 "SELECT " SQLITE_OBJECT_COLS " FROM objects WHERE bucket=?1 AND"
                                 " key>=?2 AND (?3 IS NULL OR key<?3) AND"
                                 " (key>?4 OR (key=?4 AND (?5<0 OR (?5>0 AND id<?5))))"
                                 " ORDER BY key, id DESC LIMIT ?6",
                                 &db, &stmt);
    if (rc) {
        free(pend);
        return rc;
    }
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, prefix ? prefix : "", -1, SQLITE_TRANSIENT);
    if (pend)
        sqlite3_bind_text(stmt, 3, pend, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 4, key_marker ? key_marker : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 5, key_marker ? seq_marker : 0);
    sqlite3_bind_int64(stmt, 6, (sqlite3_int64)limit);
    int ret = sqlite_object_rows(db, stmt, cb, payload);
    free(pend);
    return ret;
}

/* ---- object commit and dead blobs (the object layer's block) ---- */

/* Does the bucket named c->bucket still have the id the write began with? */
static int sqlite_commit_bucket(sqlite3 *db, struct meta_commit *c)
{
    if (!c->bucket_id)
        return 0;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_stmt(db, "SELECT 1 FROM buckets WHERE name=? AND id=?", &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, c->bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, c->bucket_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    meta_sqlite_stmt_done(stmt);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc != SQLITE_DONE)
        return meta_sqlite_fail(db, "step");
    err_set("bucket %s is gone (deleted or re-created since the write began)", c->bucket);
    c->failure = META_COMMIT_BUCKET_GONE;
    return ERR_NOTFOUND;
}

/* The caller's preconditions, against the current latest version of the key. */
static int sqlite_commit_check(sqlite3 *db, struct meta_commit *c)
{
    if (!c->check)
        return 0;
    struct meta_object cur;
    memset(&cur, 0, sizeof(cur));
    int rc = meta_sqlite_object_select(db, c->bucket, c->object->key, NULL, &cur);
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
#define SQLITE_COMPLETED_KEEP_MS (7LL * 24 * 3600 * 1000)

static int sqlite_commit_upload(sqlite3 *db, struct meta_commit *c)
{
    int rc = meta_sqlite_upload_delete_txn(db, c->bucket, c->upload_id);
    if (rc == ERR_NOTFOUND)
        c->failure = META_COMMIT_UPLOAD_GONE;
    if (rc)
        return rc;
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "DELETE FROM completed_uploads WHERE completed_ms < ?", -1, &stmt,
                           NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_int64(stmt, 1, c->object->last_modified_ms - SQLITE_COMPLETED_KEEP_MS);
    rc = meta_sqlite_step_done(db, stmt);
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO completed_uploads VALUES (?,?,?,?,?)", -1,
                           &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, c->upload_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, c->bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, c->object->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, c->object->version_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 5, c->object->last_modified_ms);
    return meta_sqlite_step_done(db, stmt);
}

static int sqlite_object_commit_txn(sqlite3 *db, struct meta_commit *c)
{
    int rc = sqlite_commit_bucket(db, c);
    if (!rc && c->upload_id)
        rc = sqlite_commit_upload(db, c);
    if (!rc)
        rc = sqlite_commit_check(db, c);
    return rc ? rc : meta_sqlite_object_put_txn(db, c->bucket, c->object);
}

int meta_sqlite_object_commit_one(sqlite3 *db, struct meta_commit *c)
{
    int rc = sqlite_object_commit_txn(db, c);
    if (!rc && fault_hit(FAULT_META_COMMIT)) { /* as if COMMIT failed: all of it rolls back */
        err_set("injected fault: metadata commit");
        rc = ERR_BACKEND;
    }
    return rc;
}

int meta_sqlite_upload_completed(struct meta_store *s, const char *bucket, const char *upload_id,
                                 char *out_version_id, size_t size)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(
        s, "SELECT bucket, version_id FROM completed_uploads WHERE upload_id=? AND bucket=?", &db,
        &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, upload_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, bucket, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        meta_sqlite_copy(out_version_id, size, stmt, 1);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return meta_sqlite_fail(db, "step");
    if (rc == SQLITE_DONE) {
        err_set("upload %s was not completed", upload_id);
        return ERR_NOTFOUND;
    }
    return 0;
}

int meta_sqlite_dead_blob_scan(struct meta_store *s, int64_t dead_before_ms, size_t limit,
                               meta_dead_blob_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "SELECT blob_id FROM dead_blobs WHERE dead_ms < ? ORDER BY dead_ms"
                                 " LIMIT ?",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_int64(stmt, 1, dead_before_ms);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)limit);
    int stop = 0;
    while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        char id[72];
        meta_sqlite_copy(id, sizeof(id), stmt, 0);
        stop = cb(payload, id);
    }
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : meta_sqlite_fail(db, "dead blob scan"));
    sqlite3_finalize(stmt);
    return ret;
}

int meta_sqlite_dead_blob_forget(struct meta_store *s, const char *blob_id)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s, "DELETE FROM dead_blobs WHERE blob_id=?", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, blob_id, -1, SQLITE_STATIC);
    return meta_sqlite_step_done(db, stmt);
}

int meta_sqlite_blob_referenced(struct meta_store *s, const char *blob_id, int *out)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(
        s,
        "SELECT EXISTS(SELECT 1 FROM objects WHERE blob_id=?1 AND blob_id != '')"
        " OR EXISTS(SELECT 1 FROM parts WHERE blob_id=?1)"
        " OR EXISTS(SELECT 1 FROM dead_blobs WHERE blob_id=?1)",
        &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, blob_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : meta_sqlite_fail(db, "blob referenced");
}
