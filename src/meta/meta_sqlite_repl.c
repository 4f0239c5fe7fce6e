/* meta_sqlite_repl.c — the replication queue in the SQLite backend: meta_sqlite_repl_changed,
 * which every change of an object version calls inside its transaction (through
 * meta_sqlite_changed), so that the task the replication hook decides commits with the
 * change; the worker's due / finish / retry; the numbers `stocktake replication status`
 * shows. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "meta/meta_sqlite_int.h"

static int sqlite_repl_set_status(sqlite3 *db, const char *bucket, const char *key,
                                  const char *version_id, const char *status)
{
    /* the status is a report column: change reports see its change (meta_sqlite_journal.c) */
    int rc = meta_sqlite_journal_note(db, bucket, key, version_id, 0, "replication");
    if (rc)
        return rc;
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db,
                           "UPDATE objects SET replication_status=?4 WHERE bucket=?1 AND key=?2"
                           " AND version_id=?3",
                           -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, version_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, status, -1, SQLITE_STATIC);
    return meta_sqlite_step_done(db, stmt);
}

int meta_sqlite_repl_changed(sqlite3 *db, enum meta_change_kind kind, const char *bucket,
                             const struct meta_object *o)
{
    meta_repl_hook_fn *hook = meta_repl_hook_get();
    if (!hook || strcmp(o->replication_status, "REPLICA") == 0)
        return 0;
    if (kind != META_CHANGE_PUT && kind != META_CHANGE_TAGS && kind != META_CHANGE_ACL)
        return 0;
    /* metadata changes follow a version that was replicated (or is on its way) */
    if (kind != META_CHANGE_PUT && !o->replication_status[0])
        return 0;
    char *doc, owner[16], region[64];
    int rc = meta_sqlite_bucket_config_in_tx(db, bucket, "replication", &doc, owner, region);
    if (rc || !doc)
        return rc;
    sqlite3_stmt *stmt;
    struct meta_change ch = {kind, bucket, owner, region, o, doc, "", NULL, NULL, NULL, 0};
    struct meta_repl_decision d;
    memset(&d, 0, sizeof(d));
    rc = hook(&ch, doc, &d);
    free(doc);
    if (rc <= 0)
        return rc;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO repl_queue(bucket, key, version_id, op, rule_id,"
                           " dest_bucket, attempts, next_attempt_ms, created_ms, remote)"
                           " VALUES (?,?,?,?,?,?,0,0,?,?)",
                           -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, o->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, o->version_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 4, (int)d.op);
    sqlite3_bind_text(stmt, 5, d.rule_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 6, d.dest_bucket, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 7, clock_now_ms());
    sqlite3_bind_text(stmt, 8, d.remote, -1, SQLITE_STATIC);
    rc = meta_sqlite_step_done(db, stmt);
    if (!rc)
        rc = sqlite_repl_set_status(db, bucket, o->key, o->version_id, "PENDING");
    return rc;
}

int meta_sqlite_repl_due(struct meta_store *s, int64_t now_ms, size_t limit, meta_repl_task_cb *cb,
                         void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(
        s,
        "SELECT id, bucket, key, version_id, op, rule_id, dest_bucket, attempts,"
        " next_attempt_ms, created_ms, remote FROM repl_queue q WHERE next_attempt_ms <= ?1 AND NOT"
        " EXISTS (SELECT 1 FROM repl_queue p WHERE p.bucket=q.bucket AND p.key=q.key AND"
        " p.id < q.id) ORDER BY id LIMIT ?2",
        &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_int64(stmt, 1, now_ms);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)limit);
    int stop = 0;
    while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct meta_repl_task t;
        memset(&t, 0, sizeof(t));
        t.id = sqlite3_column_int64(stmt, 0);
        meta_sqlite_copy(t.bucket, sizeof(t.bucket), stmt, 1);
        t.key = (char *)sqlite3_column_text(stmt, 2);
        meta_sqlite_copy(t.version_id, sizeof(t.version_id), stmt, 3);
        t.op = (enum meta_repl_op)sqlite3_column_int(stmt, 4);
        meta_sqlite_copy(t.rule_id, sizeof(t.rule_id), stmt, 5);
        meta_sqlite_copy(t.dest_bucket, sizeof(t.dest_bucket), stmt, 6);
        t.attempts = sqlite3_column_int64(stmt, 7);
        t.next_attempt_ms = sqlite3_column_int64(stmt, 8);
        t.created_ms = sqlite3_column_int64(stmt, 9);
        meta_sqlite_copy(t.remote, sizeof(t.remote), stmt, 10);
        stop = cb(payload, &t);
    }
    int ret = stop ? stop : (rc == SQLITE_DONE ? 0 : meta_sqlite_fail(db, "replication queue"));
    sqlite3_finalize(stmt);
    return ret;
}

/* The task's bucket, key and version, in the open transaction; ERR_NOTFOUND when gone. */
static int sqlite_repl_task_version(sqlite3 *db, int64_t id, char bucket[64], char **key,
                                    char version[64], struct meta_repl_task *t)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db,
                           "SELECT bucket, key, version_id, rule_id, dest_bucket, created_ms FROM"
                           " repl_queue WHERE id=?",
                           -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        meta_sqlite_copy(bucket, 64, stmt, 0);
        *key = meta_sqlite_dup(stmt, 1);
        meta_sqlite_copy(version, 64, stmt, 2);
        meta_sqlite_copy(t->rule_id, sizeof(t->rule_id), stmt, 3);
        meta_sqlite_copy(t->dest_bucket, sizeof(t->dest_bucket), stmt, 4);
        t->created_ms = sqlite3_column_int64(stmt, 5);
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE)
        return ERR_NOTFOUND;
    return rc == SQLITE_ROW ? 0 : meta_sqlite_fail(db, "replication task");
}

/* The FAILED version's change (its s3:Replication:OperationFailedReplication events). */
static int sqlite_repl_failed_event(sqlite3 *db, const char *bucket, const char *key,
                                    const char *version, const struct meta_repl_task *t,
                                    const char *reason)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    int rc = meta_sqlite_object_select(db, bucket, key, version, &o);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (!rc) {
        struct meta_change ch;
        memset(&ch, 0, sizeof(ch));
        ch.kind = META_CHANGE_REPLICATION_FAILED;
        ch.bucket = bucket;
        ch.repl_rule_id = t->rule_id;
        ch.repl_dest_bucket = t->dest_bucket;
        ch.repl_reason = reason;
        ch.repl_request_ms = t->created_ms;
        rc = meta_sqlite_changed_ex(db, &ch, &o);
    }
    meta_object_dispose(&o);
    return rc;
}

int meta_sqlite_repl_finish(struct meta_store *s, int64_t id, const char *status,
                            const char *reason)
{
    struct meta_repl_task t;
    memset(&t, 0, sizeof(t));
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    if (rc)
        return rc;
    char bucket[64], version[64];
    char *key = NULL;
    rc = sqlite_repl_task_version(db, id, bucket, &key, version, &t);
    sqlite3_stmt *stmt = NULL;
    if (!rc &&
        sqlite3_prepare_v2(db, "DELETE FROM repl_queue WHERE id=?", -1, &stmt, NULL) != SQLITE_OK)
        rc = meta_sqlite_fail(db, "prepare");
    if (!rc) {
        sqlite3_bind_int64(stmt, 1, id);
        rc = meta_sqlite_step_done(db, stmt);
    }
    int others = 0;
    if (!rc && status) {
        if (sqlite3_prepare_v2(db,
                               "SELECT EXISTS(SELECT 1 FROM repl_queue WHERE bucket=?1 AND"
                               " key=?2 AND version_id=?3)",
                               -1, &stmt, NULL) != SQLITE_OK) {
            rc = meta_sqlite_fail(db, "prepare");
        } else {
            sqlite3_bind_text(stmt, 1, bucket, -1, SQLITE_STATIC);
            sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
            sqlite3_bind_text(stmt, 3, version, -1, SQLITE_STATIC);
            if (sqlite3_step(stmt) == SQLITE_ROW)
                others = sqlite3_column_int(stmt, 0);
            else
                rc = meta_sqlite_fail(db, "replication queue");
            sqlite3_finalize(stmt);
        }
    }
    if (!rc && status && !others)
        rc = sqlite_repl_set_status(db, bucket, key, version, status);
    if (!rc && status && !others && reason)
        rc = sqlite_repl_failed_event(db, bucket, key, version, &t, reason);
    free(key);
    if (rc == ERR_NOTFOUND) /* already finished (another worker pass) */
        rc = 0;
    return meta_sqlite_commit_or_rollback(db, rc);
}

int meta_sqlite_repl_retry(struct meta_store *s, int64_t id, int64_t next_attempt_ms)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(
        s, "UPDATE repl_queue SET attempts=attempts+1, next_attempt_ms=?2 WHERE id=?1", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_int64(stmt, 2, next_attempt_ms);
    return meta_sqlite_step_done(db, stmt);
}

static int sqlite_repl_queue_row(sqlite3_stmt *stmt, void *ctx)
{
    struct meta_repl_stats *st = ctx;
    st->queued = sqlite3_column_int64(stmt, 0);
    st->oldest_ms = sqlite3_column_int64(stmt, 1);
    st->retrying = sqlite3_column_int64(stmt, 2);
    return 0;
}

static int sqlite_repl_status_row(sqlite3_stmt *stmt, void *ctx)
{
    struct meta_repl_stats *st = ctx;
    st->failed = sqlite3_column_int64(stmt, 0);
    st->completed = sqlite3_column_int64(stmt, 1);
    return 0;
}

int meta_sqlite_repl_stats(struct meta_store *s, struct meta_repl_stats *out)
{
    int rc = meta_sqlite_query(s,
                               "SELECT count(*), coalesce(min(created_ms), 0),"
                               " coalesce(sum(attempts > 0), 0) FROM repl_queue",
                               NULL, sqlite_repl_queue_row, out);
    if (!rc)
        rc = meta_sqlite_query(s,
                               "SELECT coalesce(sum(replication_status='FAILED'), 0),"
                               " coalesce(sum(replication_status='COMPLETED'), 0) FROM objects"
                               " WHERE replication_status != ''",
                               NULL, sqlite_repl_status_row, out);
    return rc;
}
