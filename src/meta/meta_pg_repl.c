/* meta_pg_repl.c — the replication queue in the PostgreSQL backend: meta_pg_repl_changed,
 * which every change of an object version calls inside its transaction (through
 * meta_pg_changed), so that the task the replication hook decides commits with the
 * change; the worker's due / finish / retry; the numbers `stocktake replication status`
 * shows. */
#include "meta/meta_pg_stmt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "meta/meta_pg_int.h"

static int pgm_repl_set_status(pgx *db, const char *bucket, const char *key, const char *version_id,
                               const char *status)
{
    /* the status is a report column: change reports see its change (meta_pg_journal.c) */
    int rc = meta_pg_journal_note(db, bucket, key, version_id, 0, "replication");
    if (rc)
        return rc;
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db,
                       "UPDATE objects SET replication_status=?4 WHERE bucket=?1 AND key=?2"
                       " AND version_id=?3",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, key, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, version_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 4, status, -1, PGX_STATIC);
    return meta_pg_step_done(db, stmt);
}

int meta_pg_repl_changed(pgx *db, enum meta_change_kind kind, const char *bucket,
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
    int rc = meta_pg_bucket_config_in_tx(db, bucket, "replication", &doc, owner, region);
    if (rc || !doc)
        return rc;
    pgx_stmt *stmt;
    struct meta_change ch = {kind, bucket, owner, region, o, doc, "", NULL, NULL, NULL, 0};
    struct meta_repl_decision d;
    memset(&d, 0, sizeof(d));
    rc = hook(&ch, doc, &d);
    free(doc);
    if (rc <= 0)
        return rc;
    if (pgx_prepare_v2(db,
                       "INSERT INTO repl_queue(bucket, key, version_id, op, rule_id,"
                       " dest_bucket, attempts, next_attempt_ms, created_ms, remote)"
                       " VALUES (?,?,?,?,?,?,0,0,?,?)",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, o->key, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, o->version_id, -1, PGX_STATIC);
    pgx_bind_int(stmt, 4, (int)d.op);
    pgx_bind_text(stmt, 5, d.rule_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 6, d.dest_bucket, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 7, clock_now_ms());
    pgx_bind_text(stmt, 8, d.remote, -1, PGX_STATIC);
    rc = meta_pg_step_done(db, stmt);
    if (!rc)
        rc = pgm_repl_set_status(db, bucket, o->key, o->version_id, "PENDING");
    return rc;
}

int meta_pg_repl_due(struct meta_store *s, int64_t now_ms, size_t limit, meta_repl_task_cb *cb,
                     void *payload)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(
        s,
        "SELECT id, bucket, key, version_id, op, rule_id, dest_bucket, attempts,"
        " next_attempt_ms, created_ms, remote FROM repl_queue q WHERE next_attempt_ms <= ?1 AND NOT"
        " EXISTS (SELECT 1 FROM repl_queue p WHERE p.bucket=q.bucket AND p.key=q.key AND"
        " p.id < q.id) ORDER BY id LIMIT ?2",
        &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_int64(stmt, 1, now_ms);
    pgx_bind_int64(stmt, 2, (pgx_int64)limit);
    int stop = 0;
    while (!stop && (rc = pgx_step(stmt)) == PGX_ROW) {
        struct meta_repl_task t;
        memset(&t, 0, sizeof(t));
        t.id = pgx_column_int64(stmt, 0);
        meta_pg_copy(t.bucket, sizeof(t.bucket), stmt, 1);
        t.key = (char *)pgx_column_text(stmt, 2);
        meta_pg_copy(t.version_id, sizeof(t.version_id), stmt, 3);
        t.op = (enum meta_repl_op)pgx_column_int(stmt, 4);
        meta_pg_copy(t.rule_id, sizeof(t.rule_id), stmt, 5);
        meta_pg_copy(t.dest_bucket, sizeof(t.dest_bucket), stmt, 6);
        t.attempts = pgx_column_int64(stmt, 7);
        t.next_attempt_ms = pgx_column_int64(stmt, 8);
        t.created_ms = pgx_column_int64(stmt, 9);
        meta_pg_copy(t.remote, sizeof(t.remote), stmt, 10);
        stop = cb(payload, &t);
    }
    int ret = stop ? stop : (rc == PGX_DONE ? 0 : meta_pg_fail(db, "replication queue"));
    pgx_finalize(stmt);
    return ret;
}

/* The task's bucket, key and version, in the open transaction; ERR_NOTFOUND when gone. */
static int pgm_repl_task_version(pgx *db, int64_t id, char bucket[64], char **key, char version[64],
                                 struct meta_repl_task *t)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db,
                       "SELECT bucket, key, version_id, rule_id, dest_bucket, created_ms FROM"
                       " repl_queue WHERE id=?",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_int64(stmt, 1, id);
    int rc = pgx_step(stmt);
    if (rc == PGX_ROW) {
        meta_pg_copy(bucket, 64, stmt, 0);
        *key = meta_pg_dup(stmt, 1);
        meta_pg_copy(version, 64, stmt, 2);
        meta_pg_copy(t->rule_id, sizeof(t->rule_id), stmt, 3);
        meta_pg_copy(t->dest_bucket, sizeof(t->dest_bucket), stmt, 4);
        t->created_ms = pgx_column_int64(stmt, 5);
    }
    pgx_finalize(stmt);
    if (rc == PGX_DONE)
        return ERR_NOTFOUND;
    return rc == PGX_ROW ? 0 : meta_pg_fail(db, "replication task");
}

/* The FAILED version's change (its s3:Replication:OperationFailedReplication events). */
static int pgm_repl_failed_event(pgx *db, const char *bucket, const char *key, const char *version,
                                 const struct meta_repl_task *t, const char *reason)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    int rc = meta_pg_object_select(db, bucket, key, version, &o);
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
        rc = meta_pg_changed_ex(db, &ch, &o);
    }
    meta_object_dispose(&o);
    return rc;
}

int meta_pg_repl_finish(struct meta_store *s, int64_t id, const char *status, const char *reason)
{
    struct meta_repl_task t;
    memset(&t, 0, sizeof(t));
    pgx *db;
    int rc = meta_pg_begin(s, &db);
    if (rc)
        return rc;
    char bucket[64], version[64];
    char *key = NULL;
    rc = pgm_repl_task_version(db, id, bucket, &key, version, &t);
    pgx_stmt *stmt = NULL;
    if (!rc && pgx_prepare_v2(db, "DELETE FROM repl_queue WHERE id=?", -1, &stmt, NULL) != PGX_OK)
        rc = meta_pg_fail(db, "prepare");
    if (!rc) {
        pgx_bind_int64(stmt, 1, id);
        rc = meta_pg_step_done(db, stmt);
    }
    int others = 0;
    if (!rc && status) {
        if (pgx_prepare_v2(db,
                           "SELECT EXISTS(SELECT 1 FROM repl_queue WHERE bucket=?1 AND"
                           " key=?2 AND version_id=?3)",
                           -1, &stmt, NULL) != PGX_OK) {
            rc = meta_pg_fail(db, "prepare");
        } else {
            pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
            pgx_bind_text(stmt, 2, key, -1, PGX_STATIC);
            pgx_bind_text(stmt, 3, version, -1, PGX_STATIC);
            if (pgx_step(stmt) == PGX_ROW)
                others = pgx_column_int(stmt, 0);
            else
                rc = meta_pg_fail(db, "replication queue");
            pgx_finalize(stmt);
        }
    }
    if (!rc && status && !others)
        rc = pgm_repl_set_status(db, bucket, key, version, status);
    if (!rc && status && !others && reason)
        rc = pgm_repl_failed_event(db, bucket, key, version, &t, reason);
    free(key);
    if (rc == ERR_NOTFOUND) /* already finished (another worker pass) */
        rc = 0;
    return meta_pg_commit_or_rollback(db, rc);
}

int meta_pg_repl_retry(struct meta_store *s, int64_t id, int64_t next_attempt_ms)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(
        s, "UPDATE repl_queue SET attempts=attempts+1, next_attempt_ms=?2 WHERE id=?1", &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_int64(stmt, 1, id);
    pgx_bind_int64(stmt, 2, next_attempt_ms);
    return meta_pg_step_done(db, stmt);
}

static int pgm_repl_queue_row(pgx_stmt *stmt, void *ctx)
{
    struct meta_repl_stats *st = ctx;
    st->queued = pgx_column_int64(stmt, 0);
    st->oldest_ms = pgx_column_int64(stmt, 1);
    st->retrying = pgx_column_int64(stmt, 2);
    return 0;
}

static int pgm_repl_status_row(pgx_stmt *stmt, void *ctx)
{
    struct meta_repl_stats *st = ctx;
    st->failed = pgx_column_int64(stmt, 0);
    st->completed = pgx_column_int64(stmt, 1);
    return 0;
}

int meta_pg_repl_stats(struct meta_store *s, struct meta_repl_stats *out)
{
    int rc = meta_pg_query(s,
                           "SELECT count(*), coalesce(min(created_ms), 0),"
                           " count(*) FILTER (WHERE attempts > 0) FROM repl_queue",
                           NULL, pgm_repl_queue_row, out);
    if (!rc)
        rc = meta_pg_query(s,
                           "SELECT count(*) FILTER (WHERE replication_status='FAILED'),"
                           " count(*) FILTER (WHERE replication_status='COMPLETED') FROM objects"
                           " WHERE replication_status != ''",
                           NULL, pgm_repl_status_row, out);
    return rc;
}
