/* meta_pg_notify.c — event notifications in the PostgreSQL backend (schema v13): the
 * administrator's targets, the outbox, and meta_pg_changed, which every change of an
 * object version calls inside its transaction so that the events the change hook emits commit
 * with it. */
#include "meta/meta_pg_stmt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "meta/meta_pg_int.h"

/* ---- targets ---- */

int meta_pg_notify_target_put(struct meta_store *s, const struct meta_notify_target *t)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(
        s,
        "INSERT INTO notify_targets VALUES (?,?,?,?,?)"
        " ON CONFLICT (arn) DO UPDATE SET kind=EXCLUDED.kind, endpoint=EXCLUDED.endpoint, "
        "auth_token=EXCLUDED.auth_token, created_ms=EXCLUDED.created_ms",
        &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, t->arn, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, t->kind, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, t->endpoint, -1, PGX_STATIC);
    pgx_bind_text(stmt, 4, t->auth_token, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 5, t->created_ms);
    return meta_pg_step_done(db, stmt);
}

static void pgm_target_row(pgx_stmt *stmt, struct meta_notify_target *t)
{
    memset(t, 0, sizeof(*t));
    meta_pg_copy(t->arn, sizeof(t->arn), stmt, 0);
    meta_pg_copy(t->kind, sizeof(t->kind), stmt, 1);
    meta_pg_copy(t->endpoint, sizeof(t->endpoint), stmt, 2);
    meta_pg_copy(t->auth_token, sizeof(t->auth_token), stmt, 3);
    t->created_ms = pgx_column_int64(stmt, 4);
}

static int pgm_target_one(pgx_stmt *stmt, void *ctx)
{
    struct pgm_one *one = ctx;
    pgm_target_row(stmt, one->out);
    one->found = 1;
    return 0;
}

int meta_pg_notify_target_get(struct meta_store *s, const char *arn, struct meta_notify_target *out)
{
    struct pgm_one one = {out, 0};
    int rc = meta_pg_query(s,
                           "SELECT arn, kind, endpoint, auth_token, created_ms FROM"
                           " notify_targets WHERE arn=?",
                           arn, pgm_target_one, &one);
    if (!rc && !one.found) {
        err_set("no notification target %s", arn);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_pg_notify_target_delete(struct meta_store *s, const char *arn)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s, "DELETE FROM notify_targets WHERE arn=?", &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, arn, -1, PGX_STATIC);
    rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("no notification target %s", arn);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

static int pgm_target_each(pgx_stmt *stmt, void *ctx)
{
    struct pgm_cb *c = ctx;
    struct meta_notify_target t;
    pgm_target_row(stmt, &t);
    return ((meta_notify_target_cb *)c->cb)(c->payload, &t);
}

int meta_pg_notify_target_list(struct meta_store *s, meta_notify_target_cb *cb, void *payload)
{
    struct pgm_cb c = {(void *)cb, payload};
    return meta_pg_query(s,
                         "SELECT arn, kind, endpoint, auth_token, created_ms FROM"
                         " notify_targets ORDER BY arn",
                         NULL, pgm_target_each, &c);
}

/* ---- the outbox ---- */

/* The next sequencer, in the open transaction. */
static int pgm_notify_sequencer(pgx *db, char out[24])
{
    pgx_stmt *stmt;
    if (pgx_exec(db, "UPDATE notify_sequence SET n=n+1", NULL, NULL, NULL) != PGX_OK)
        return meta_pg_fail(db, "sequencer");
    if (pgx_prepare_v2(db, "SELECT n FROM notify_sequence", -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    int rc = pgx_step(stmt);
    if (rc == PGX_ROW)
        snprintf(out, 24, "%016llX", (unsigned long long)pgx_column_int64(stmt, 0));
    pgx_finalize(stmt);
    return rc == PGX_ROW ? 0 : meta_pg_fail(db, "sequencer");
}

struct pgm_emit {
    pgx *db;
    const char *bucket;
    const char *key;
    const char *sequencer;
};

static int pgm_notify_insert(void *ctx, const char *target, const char *event)
{
    struct pgm_emit *e = ctx;
    pgx_stmt *stmt;
    if (pgx_prepare_v2(e->db,
                       "INSERT INTO notify_outbox(bucket, key, sequencer, target, event,"
                       " attempts, next_attempt_ms, created_ms) VALUES (?,?,?,?,?,0,0,?)",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(e->db, "prepare");
    pgx_bind_text(stmt, 1, e->bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, e->key, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, e->sequencer, -1, PGX_STATIC);
    pgx_bind_text(stmt, 4, target, -1, PGX_STATIC);
    pgx_bind_text(stmt, 5, event, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 6, clock_now_ms());
    return meta_pg_step_done(e->db, stmt);
}

int meta_pg_changed(pgx *db, enum meta_change_kind kind, const char *bucket,
                    const struct meta_object *o)
{
    int rc0 = meta_pg_repl_changed(db, kind, bucket, o);
    if (rc0)
        return rc0;
    struct meta_change base;
    memset(&base, 0, sizeof(base));
    base.kind = kind;
    base.bucket = bucket;
    return meta_pg_changed_ex(db, &base, o);
}

/* The change hook's events of change base (kind, bucket and the repl_* details) of o. */
int meta_pg_changed_ex(pgx *db, const struct meta_change *base, const struct meta_object *o)
{
    const char *bucket = base->bucket;
    meta_change_hook_fn *hook;
    void *arg;
    meta_change_hook_get(&hook, &arg);
    if (!hook)
        return 0;
    char *doc, owner[16], region[64];
    int rc = meta_pg_bucket_config_in_tx(db, bucket, "notification", &doc, owner, region);
    if (rc || !doc)
        return rc;
    char seq[24];
    rc = pgm_notify_sequencer(db, seq);
    if (!rc) {
        struct meta_change ch = *base;
        ch.bucket_owner = owner;
        ch.bucket_region = region;
        ch.object = o;
        ch.config = doc;
        ch.sequencer = seq;
        struct pgm_emit e = {db, bucket, o->key, seq};
        rc = hook(arg, &ch, pgm_notify_insert, &e);
    }
    free(doc);
    return rc;
}

int meta_pg_notify_enqueue(struct meta_store *s, const char *bucket, const char *key,
                           const char *target, const char *event_json)
{
    pgx *db;
    int rc = meta_pg_begin(s, &db);
    if (rc)
        return rc;
    char seq[24];
    rc = pgm_notify_sequencer(db, seq);
    if (!rc) {
        struct pgm_emit e = {db, bucket, key, seq};
        rc = pgm_notify_insert(&e, target, event_json);
    }
    return meta_pg_commit_or_rollback(db, rc);
}

int meta_pg_notify_due(struct meta_store *s, int64_t now_ms, size_t limit, meta_notify_event_cb *cb,
                       void *payload)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(
        s,
        "SELECT id, bucket, key, sequencer, target, event, attempts, next_attempt_ms FROM"
        " notify_outbox o WHERE next_attempt_ms <= ?1 AND NOT EXISTS (SELECT 1 FROM"
        " notify_outbox p WHERE p.bucket=o.bucket AND p.key=o.key AND p.target=o.target AND"
        " p.id < o.id) ORDER BY id LIMIT ?2",
        &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_int64(stmt, 1, now_ms);
    pgx_bind_int64(stmt, 2, (pgx_int64)limit);
    int stop = 0;
    while (!stop && (rc = pgx_step(stmt)) == PGX_ROW) {
        struct meta_notify_event e;
        memset(&e, 0, sizeof(e));
        e.id = pgx_column_int64(stmt, 0);
        meta_pg_copy(e.bucket, sizeof(e.bucket), stmt, 1);
        e.key = (char *)pgx_column_text(stmt, 2);
        meta_pg_copy(e.sequencer, sizeof(e.sequencer), stmt, 3);
        meta_pg_copy(e.target, sizeof(e.target), stmt, 4);
        e.event = (char *)pgx_column_text(stmt, 5);
        e.attempts = pgx_column_int64(stmt, 6);
        e.next_attempt_ms = pgx_column_int64(stmt, 7);
        stop = cb(payload, &e);
    }
    int ret = stop ? stop : (rc == PGX_DONE ? 0 : meta_pg_fail(db, "outbox"));
    pgx_finalize(stmt);
    return ret;
}

static int pgm_notify_update(struct meta_store *s, const char *sql, int64_t id, int64_t v)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s, sql, &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_int64(stmt, 1, id);
    pgx_bind_int64(stmt, 2, v);
    return meta_pg_step_done(db, stmt);
}

int meta_pg_notify_delivered(struct meta_store *s, int64_t id)
{
    return pgm_notify_update(s, "DELETE FROM notify_outbox WHERE id=?1 AND ?2=?2", id, 0);
}

int meta_pg_notify_retry(struct meta_store *s, int64_t id, int64_t next_attempt_ms)
{
    return pgm_notify_update(
        s, "UPDATE notify_outbox SET attempts=attempts+1, next_attempt_ms=?2 WHERE id=?1", id,
        next_attempt_ms);
}

static int pgm_notify_count(pgx_stmt *stmt, void *ctx)
{
    *(int64_t *)ctx = pgx_column_int64(stmt, 0);
    return 0;
}

int meta_pg_notify_pending(struct meta_store *s, int64_t *out)
{
    return meta_pg_query(s, "SELECT count(*) FROM notify_outbox", NULL, pgm_notify_count, out);
}
