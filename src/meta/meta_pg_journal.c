/* meta_pg_journal.c — the change journal of inventory change reports in the PostgreSQL backend
 * (schema v14): which buckets are journaled, the entries written before each change of a
 * version in its transaction, the change scan of one snapshot and the pruning. */
#include "meta/meta_pg_stmt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/str.h"
#include "meta/meta_pg_int.h"

/* ---- journaled buckets ---- */

int meta_pg_journal_sources(pgx *db, const char *bucket)
{
    int rc = meta_pg_run(
        db,
        "INSERT INTO change_journal_buckets(bucket, since_seq, pruned_seq) SELECT ?1::text,"
        " s, s FROM (SELECT n AS s FROM change_journal_counter) AS c WHERE EXISTS (SELECT 1"
        " FROM inventory_configs WHERE bucket=?1 AND changes=1) ON CONFLICT DO NOTHING",
        bucket, NULL, NULL);
    if (!rc)
        rc = meta_pg_run(db,
                         "DELETE FROM change_journal_buckets WHERE bucket=?1 AND NOT EXISTS"
                         " (SELECT 1 FROM inventory_configs WHERE bucket=?1 AND changes=1)",
                         bucket, NULL, NULL);
    if (!rc)
        rc = meta_pg_run(db,
                         "DELETE FROM change_journal WHERE bucket=?1 AND NOT EXISTS"
                         " (SELECT 1 FROM change_journal_buckets WHERE bucket=?1)",
                         bucket, NULL, NULL);
    return rc;
}

/* ---- entries ---- */

#define JOURNAL_INSERT                                                                             \
    "INSERT INTO change_journal(seq, bucket, kind, at_ms, existed, key, version_id, is_latest,"    \
    " is_delete_marker, size, last_modified_ms, etag, storage_class, owner_id, multipart,"         \
    " checksum_algorithm, id, acl, lock_mode, lock_until_ms, legal_hold, sse, tier, headers,"      \
    " blob_id, checksum_value, checksum_type, parts, tags, last_access_ms, restore,"               \
    " replication_status)"                                                                         \
    " SELECT (SELECT n FROM change_journal_counter), ?1::text, ?5::text, ?6, (o.id IS NOT "        \
    "NULL)::int, coalesce(o.key, ?2),"                                                             \
    " coalesce(o.version_id, ?3, ''),"                                                             \
    " o.is_latest, o.is_delete_marker, o.size, o.last_modified_ms, o.etag, o.storage_class,"       \
    " o.owner_id, o.multipart, o.checksum_algorithm, o.id, o.acl, o.lock_mode, o.lock_until_ms,"   \
    " o.legal_hold, o.sse, o.tier, o.headers, o.blob_id, o.checksum_value, o.checksum_type,"       \
    " o.parts, o.tags, o.last_access_ms, o.restore, coalesce(o.replication_status, '')"            \
    " FROM (SELECT 1) AS one LEFT JOIN objects o ON "
#define JOURNAL_WHERE " WHERE EXISTS (SELECT 1 FROM change_journal_buckets WHERE bucket=?1)"

int meta_pg_journal_note(pgx *db, const char *bucket, const char *key, const char *version_id,
                         int64_t row_id, const char *kind)
{
    const char *sql =
        row_id > 0   ? JOURNAL_INSERT "o.id=?4 AND o.bucket=?1" JOURNAL_WHERE
        : version_id ? JOURNAL_INSERT "o.bucket=?1 AND o.key=?2 AND o.version_id=?3" JOURNAL_WHERE
                     : JOURNAL_INSERT "o.bucket=?1 AND o.key=?2 AND o.is_latest=1" JOURNAL_WHERE;
    /* the entry's position: the counter moves in the change's transaction, so a snapshot that
     * reads the counter holds every entry up to it (and the journal's writers take turns) */
    int rc = meta_pg_run(db,
                         "UPDATE change_journal_counter SET n=n+1 WHERE EXISTS (SELECT 1 FROM"
                         " change_journal_buckets WHERE bucket=?1)",
                         bucket, NULL, NULL);
    if (rc)
        return rc;
    if (pgx_changes(db) == 0)
        return 0; /* not journaled */
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, sql, -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, key ? key : "", -1, PGX_STATIC);
    if (version_id)
        pgx_bind_text(stmt, 3, version_id, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, row_id);
    pgx_bind_text(stmt, 5, kind, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 6, clock_now_ms());
    return meta_pg_step_done(db, stmt);
}

/* ---- the change scan ---- */

static int pgm_journal_int(pgx *db, const char *sql, const char *a, const char *b, int64_t *out,
                           int *found)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db, sql, -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    if (a)
        pgx_bind_text(stmt, 1, a, -1, PGX_STATIC);
    if (b)
        pgx_bind_text(stmt, 2, b, -1, PGX_STATIC);
    int rc = pgx_step(stmt);
    *found = rc == PGX_ROW && pgx_column_type(stmt, 0) != PGX_NULL;
    if (*found)
        *out = pgx_column_int64(stmt, 0);
    pgx_finalize(stmt);
    return rc == PGX_ROW || rc == PGX_DONE ? 0 : meta_pg_fail(db, "journal position");
}

/* The position of this snapshot and the previous report's, or why there is none. */
static int pgm_journal_positions(pgx *db, const char *bucket, const char *config_id,
                                 struct meta_inventory_changes_pos *pos)
{
    int found = 0;
    int64_t v = 0, prev = -1, started = 0, updated = 0, since = 0, pruned = 0;
    pos->position = 0;
    pos->since = -1;
    int rc = pgm_journal_int(db, "SELECT n FROM change_journal_counter", NULL, NULL, &v, &found);
    if (!rc && found)
        pos->position = v;
#define LAST_RUN(col)                                                                              \
    "SELECT " col " FROM inventory_runs WHERE bucket=?1 AND config_id=?2 AND"                      \
    " outcome='succeeded' AND journal_seq>=0 ORDER BY run_id DESC LIMIT 1"
    if (!rc &&
        (rc = pgm_journal_int(db, LAST_RUN("journal_seq"), bucket, config_id, &prev, &found)) ==
            0 &&
        !found)
        prev = -1;
    if (!rc && prev >= 0)
        rc = pgm_journal_int(db, LAST_RUN("started_ms"), bucket, config_id, &started, &found);
    if (!rc)
        rc = pgm_journal_int(db,
                             "SELECT updated_ms FROM inventory_configs WHERE bucket=?1 AND id=?2",
                             bucket, config_id, &updated, &found);
    int journaled = 0;
    if (!rc)
        rc = pgm_journal_int(db, "SELECT since_seq FROM change_journal_buckets WHERE bucket=?1",
                             bucket, NULL, &since, &journaled);
    if (!rc && journaled)
        rc = pgm_journal_int(db, "SELECT pruned_seq FROM change_journal_buckets WHERE bucket=?1",
                             bucket, NULL, &pruned, &found);
    if (rc)
        return rc;
    if (prev < 0)
        snprintf(pos->baseline, sizeof(pos->baseline), "full baseline: first change report");
    else if (updated >= started)
        snprintf(pos->baseline, sizeof(pos->baseline),
                 "full baseline: the configuration changed since the previous report");
    else if (!journaled || prev < since || prev < pruned)
        snprintf(pos->baseline, sizeof(pos->baseline),
                 "full baseline: the journal no longer reaches back to position %lld",
                 (long long)prev);
    else
        pos->since = prev;
    return 0;
}

struct pgm_key_versions {
    struct meta_object *v;
    size_t n, cap;
};

static struct meta_object *pgm_key_push(struct pgm_key_versions *kv)
{
    if (kv->n == kv->cap) {
        kv->cap = kv->cap ? 2 * kv->cap : 8;
        kv->v = xrealloc(kv->v, kv->cap * sizeof(*kv->v));
    }
    return &kv->v[kv->n++];
}

static void pgm_key_clear(struct pgm_key_versions *kv)
{
    for (size_t i = 0; i < kv->n; i++)
        meta_object_dispose(&kv->v[i]);
    kv->n = 0;
}

static int pgm_key_cmp_newest(const void *a, const void *b)
{
    const struct meta_object *x = a, *y = b;
    return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* One key: the versions now (this snapshot) and then (now's versions without a journal entry
 * after the previous position, plus the first such entry's image of those that existed). */
struct pgm_key_state {
    pgx *db;
    const char *bucket;
    struct pgm_key_versions then, now;
    char **touched; /* version ids with an entry after the position */
    size_t n_touched, cap_touched;
};

static int pgm_key_touched(const struct pgm_key_state *k, const char *version_id)
{
    for (size_t i = 0; i < k->n_touched; i++)
        if (strcmp(k->touched[i], version_id) == 0)
            return 1;
    return 0;
}

static int pgm_key_flush(struct pgm_key_state *k, const char *key, meta_inventory_key_cb *cb,
                         void *payload)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(k->db,
                       "SELECT " PGX_OBJECT_COLS
                       " FROM objects WHERE bucket=?1 AND key=?2 ORDER BY id DESC",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(k->db, "prepare");
    pgx_bind_text(stmt, 1, k->bucket, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, key, -1, PGX_STATIC);
    int step;
    while ((step = pgx_step(stmt)) == PGX_ROW) {
        meta_pg_object_row(stmt, pgm_key_push(&k->now));
        if (!pgm_key_touched(k, k->now.v[k->now.n - 1].version_id))
            meta_pg_object_row(stmt, pgm_key_push(&k->then));
    }
    pgx_finalize(stmt);
    if (step != PGX_DONE)
        return meta_pg_fail(k->db, "versions of a key");
    if (k->then.n > 1)
        qsort(k->then.v, k->then.n, sizeof(*k->then.v), pgm_key_cmp_newest);
    for (size_t i = 0; i < k->then.n; i++) /* the newest version is the latest */
        k->then.v[i].is_latest = i == 0;
    /* a key created and removed again since the position has no row either way */
    int rc = k->then.n || k->now.n ? cb(payload, k->then.v, k->then.n, k->now.v, k->now.n) : 0;
    pgm_key_clear(&k->then);
    pgm_key_clear(&k->now);
    for (size_t i = 0; i < k->n_touched; i++)
        free(k->touched[i]);
    k->n_touched = 0;
    return rc;
}

static int pgm_journal_diff(pgx *db, const char *bucket, const char *prefix, int64_t since,
                            meta_inventory_key_cb *cb, void *payload)
{
    char *pend = str_prefix_successor(prefix ? prefix : "");
    pgx_stmt *stmt;
    int rc = 0;
    if (pgx_prepare_v2(
            db,
            "SELECT " PGX_OBJECT_COLS ", existed FROM change_journal j WHERE bucket=?1 AND"
            " seq>?2 AND key>=?3 AND (?4 IS NULL OR key<?4) AND seq=(SELECT min(seq) FROM"
            " change_journal k WHERE k.bucket=?1 AND k.key=j.key AND k.version_id=j.version_id"
            " AND k.seq>?2) ORDER BY key, version_id",
            -1, &stmt, NULL) != PGX_OK) {
        free(pend);
        return meta_pg_fail(db, "prepare");
    }
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 2, since);
    pgx_bind_text(stmt, 3, prefix ? prefix : "", -1, PGX_STATIC);
    if (pend)
        pgx_bind_text(stmt, 4, pend, -1, PGX_STATIC);
    struct pgm_key_state k;
    memset(&k, 0, sizeof(k));
    k.db = db;
    k.bucket = bucket;
    char *key = NULL;
    int step;
    while (!rc && (step = pgx_step(stmt)) == PGX_ROW) {
        const char *row_key = (const char *)pgx_column_text(stmt, 0);
        if (key && strcmp(key, row_key) != 0) {
            rc = pgm_key_flush(&k, key, cb, payload);
            free(key);
            key = NULL;
        }
        if (rc)
            break;
        if (!key)
            key = xstrdup(row_key);
        if (k.n_touched == k.cap_touched) {
            k.cap_touched = k.cap_touched ? 2 * k.cap_touched : 8;
            k.touched = xrealloc(k.touched, k.cap_touched * sizeof(*k.touched));
        }
        k.touched[k.n_touched++] = meta_pg_dup(stmt, 1);
        if (pgx_column_int(stmt, PGX_OBJECT_NCOLS)) /* existed */
            meta_pg_object_row(stmt, pgm_key_push(&k.then));
    }
    if (!rc && step != PGX_DONE)
        rc = meta_pg_fail(db, "change journal");
    if (!rc && key)
        rc = pgm_key_flush(&k, key, cb, payload);
    pgx_finalize(stmt);
    pgm_key_clear(&k.then);
    pgm_key_clear(&k.now);
    for (size_t i = 0; i < k.n_touched; i++)
        free(k.touched[i]);
    free(k.touched);
    free(k.then.v);
    free(k.now.v);
    free(key);
    free(pend);
    return rc;
}

int meta_pg_inventory_changes(struct meta_store *s, const char *bucket, const char *config_id,
                              const char *prefix, int all_versions, meta_object_cb *full_cb,
                              meta_inventory_key_cb *key_cb, void *payload,
                              struct meta_inventory_changes_pos *pos)
{
    pgx *db;
    memset(pos, 0, sizeof(*pos));
    /* one read-only transaction: the positions, the journal and the objects of one snapshot */
    int rc = meta_pg_begin_snapshot(s, &db);
    if (rc)
        return rc;
    rc = pgm_journal_positions(db, bucket, config_id, pos);
    if (!rc && pos->since < 0)
        rc = meta_pg_inventory_scan_txn(db, bucket, prefix, all_versions, full_cb, payload);
    else if (!rc)
        rc = pgm_journal_diff(db, bucket, prefix, pos->since, key_cb, payload);
    return meta_pg_commit_or_rollback(db, rc);
}

/* ---- retention ---- */

static int pg_journal_prune_txn(pgx *db, const char *bucket, int64_t now_ms, int64_t max_entries)
{
    int rc = 0;
    /* the oldest position a Changes configuration of the bucket still diffs from, else all;
     * and whatever is older than META_JOURNAL_MAX_AGE_MS or beyond the newest max_entries */
    pgx_stmt *stmt;
    if (pgx_prepare_v2(
            db,
            "SELECT greatest(coalesce((SELECT min(p) FROM (SELECT (SELECT r.journal_seq FROM"
            " inventory_runs r WHERE r.bucket=c.bucket AND r.config_id=c.id AND"
            " r.outcome='succeeded' AND r.journal_seq>=0 ORDER BY r.run_id DESC LIMIT 1) AS p FROM"
            " inventory_configs c WHERE c.bucket=?1 AND c.changes=1) AS ps), (SELECT max(seq) FROM"
            " change_journal WHERE bucket=?1), 0), coalesce((SELECT max(seq) FROM change_journal"
            " WHERE bucket=?1 AND at_ms<?2), 0), coalesce((SELECT seq FROM change_journal WHERE"
            " bucket=?1 ORDER BY seq DESC LIMIT 1 OFFSET ?3), 0))",
            -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, bucket, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 2, now_ms - META_JOURNAL_MAX_AGE_MS);
    pgx_bind_int64(stmt, 3, max_entries);
    int64_t cut = 0;
    if (pgx_step(stmt) == PGX_ROW)
        cut = pgx_column_int64(stmt, 0);
    else
        rc = meta_pg_fail(db, "journal prune");
    pgx_finalize(stmt);
    char n[24];
    snprintf(n, sizeof(n), "%lld", (long long)cut);
    if (!rc)
        rc = meta_pg_run(db,
                         "DELETE FROM change_journal WHERE bucket=?1 AND seq<=CAST(?2 AS"
                         " BIGINT)",
                         bucket, n, NULL);
    if (!rc)
        rc = meta_pg_run(db,
                         "UPDATE change_journal_buckets SET pruned_seq=greatest(pruned_seq,"
                         " CAST(?2 AS BIGINT)) WHERE bucket=?1",
                         bucket, n, NULL);
    return rc;
}

int meta_pg_journal_prune(struct meta_store *s, const char *bucket, int64_t now_ms,
                          int64_t max_entries)
{
    pgx *db;
    int rc;
    META_PG_TXN(s, db, rc, pg_journal_prune_txn(db, bucket, now_ms, max_entries));
    return rc;
}
