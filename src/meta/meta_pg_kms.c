/* meta_pg_kms.c — the key service's tables in the PostgreSQL backend (schema v11): kms_keys,
 * kms_key_material (wrapped backing key versions) and kms_aliases (meta.h, KMS block). */
#include "meta/meta_pg_stmt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "meta/meta_pg_int.h"

#define KMS_KEY_COLS                                                                               \
    "key_id, account, arn, description, created_ms, state, deletion_ms, policy, current_version,"  \
    " rotation_days, rotation_from_ms"

static void pgm_kms_key_row(pgx_stmt *stmt, struct meta_kms_key *k)
{
    meta_pg_copy(k->key_id, sizeof(k->key_id), stmt, 0);
    meta_pg_copy(k->account, sizeof(k->account), stmt, 1);
    meta_pg_copy(k->arn, sizeof(k->arn), stmt, 2);
    k->description = meta_pg_dup(stmt, 3);
    k->created_ms = pgx_column_int64(stmt, 4);
    meta_pg_copy(k->state, sizeof(k->state), stmt, 5);
    k->deletion_ms = pgx_column_int64(stmt, 6);
    k->policy = meta_pg_dup(stmt, 7);
    k->current_version = (uint32_t)pgx_column_int64(stmt, 8);
    k->rotation_days = pgx_column_int64(stmt, 9);
    k->rotation_from_ms = pgx_column_int64(stmt, 10);
}

static int pgm_kms_material_insert(pgx *db, const char *key_id, uint32_t version,
                                   const char *wrapped, int64_t now_ms)
{
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db,
                       "INSERT INTO kms_key_material(key_id, version, wrapped, created_ms)"
                       " VALUES (?1, ?2, ?3, ?4)",
                       -1, &stmt, NULL) != PGX_OK)
        return meta_pg_fail(db, "prepare");
    pgx_bind_text(stmt, 1, key_id, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 2, version);
    pgx_bind_text(stmt, 3, wrapped, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, now_ms);
    return meta_pg_step_done(db, stmt);
}

int meta_pg_kms_key_create(struct meta_store *s, const struct meta_kms_key *k, const char *wrapped)
{
    pgx *db;
    int rc = meta_pg_begin(s, &db);
    if (rc)
        return rc;
    pgx_stmt *stmt;
    if (pgx_prepare_v2(db,
                       "INSERT INTO kms_keys(" KMS_KEY_COLS ") VALUES (?1, ?2, ?3, ?4,"
                       " ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                       -1, &stmt, NULL) != PGX_OK) {
        rc = meta_pg_fail(db, "prepare");
    } else {
        pgx_bind_text(stmt, 1, k->key_id, -1, PGX_STATIC);
        pgx_bind_text(stmt, 2, k->account, -1, PGX_STATIC);
        pgx_bind_text(stmt, 3, k->arn, -1, PGX_STATIC);
        pgx_bind_text(stmt, 4, k->description ? k->description : "", -1, PGX_STATIC);
        pgx_bind_int64(stmt, 5, k->created_ms);
        pgx_bind_text(stmt, 6, k->state, -1, PGX_STATIC);
        pgx_bind_int64(stmt, 7, k->deletion_ms);
        pgx_bind_text(stmt, 8, k->policy ? k->policy : "", -1, PGX_STATIC);
        pgx_bind_int64(stmt, 9, k->current_version);
        pgx_bind_int64(stmt, 10, k->rotation_days);
        pgx_bind_int64(stmt, 11, k->rotation_from_ms);
        rc = meta_pg_step_done(db, stmt);
    }
    if (!rc)
        rc = pgm_kms_material_insert(db, k->key_id, k->current_version, wrapped, k->created_ms);
    return meta_pg_commit_or_rollback(db, rc);
}

static int pgm_kms_key_one(pgx_stmt *stmt, void *ctx)
{
    struct pgm_one *one = ctx;
    pgm_kms_key_row(stmt, one->out);
    one->found = 1;
    return 1;
}

int meta_pg_kms_key_get(struct meta_store *s, const char *key_id, struct meta_kms_key *out)
{
    struct pgm_one one = {out, 0};
    int rc = meta_pg_query(s, "SELECT " KMS_KEY_COLS " FROM kms_keys WHERE key_id=?1", key_id,
                           pgm_kms_key_one, &one);
    if (rc == 1)
        rc = 0;
    if (!rc && !one.found) {
        err_set("no KMS key %s", key_id);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_pg_kms_key_update(struct meta_store *s, const struct meta_kms_key *k)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "UPDATE kms_keys SET description=?2, state=?3, deletion_ms=?4,"
                             " policy=?5, current_version=?6, rotation_days=?7,"
                             " rotation_from_ms=?8 WHERE key_id=?1",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, k->key_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, k->description ? k->description : "", -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, k->state, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, k->deletion_ms);
    pgx_bind_text(stmt, 5, k->policy ? k->policy : "", -1, PGX_STATIC);
    pgx_bind_int64(stmt, 6, k->current_version);
    pgx_bind_int64(stmt, 7, k->rotation_days);
    pgx_bind_int64(stmt, 8, k->rotation_from_ms);
    rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("no KMS key %s", k->key_id);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

struct pgm_kms_list {
    meta_kms_key_cb *key_cb;
    void *payload;
};

static int pgm_kms_key_each(pgx_stmt *stmt, void *ctx)
{
    struct pgm_kms_list *l = ctx;
    struct meta_kms_key k;
    memset(&k, 0, sizeof(k));
    pgm_kms_key_row(stmt, &k);
    int rc = l->key_cb(l->payload, &k);
    meta_kms_key_clear(&k);
    return rc;
}

int meta_pg_kms_key_list(struct meta_store *s, const char *account, meta_kms_key_cb *cb,
                         void *payload)
{
    struct pgm_kms_list l = {cb, payload};
    return meta_pg_query(s,
                         "SELECT " KMS_KEY_COLS " FROM kms_keys WHERE account=?1"
                         " ORDER BY key_id",
                         account, pgm_kms_key_each, &l);
}

int meta_pg_kms_material_add(struct meta_store *s, const char *key_id, uint32_t version,
                             const char *wrapped, int64_t now_ms)
{
    pgx *db;
    int rc = meta_pg_begin(s, &db);
    if (rc)
        return rc;
    rc = pgm_kms_material_insert(db, key_id, version, wrapped, now_ms);
    pgx_stmt *stmt;
    if (!rc && pgx_prepare_v2(db, "UPDATE kms_keys SET current_version=?2 WHERE key_id=?1", -1,
                              &stmt, NULL) != PGX_OK)
        rc = meta_pg_fail(db, "prepare");
    else if (!rc) {
        pgx_bind_text(stmt, 1, key_id, -1, PGX_STATIC);
        pgx_bind_int64(stmt, 2, version);
        rc = meta_pg_step_done(db, stmt);
    }
    return meta_pg_commit_or_rollback(db, rc);
}

int meta_pg_kms_material_get(struct meta_store *s, const char *key_id, uint32_t version,
                             char **out_wrapped)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(
        s, "SELECT wrapped FROM kms_key_material WHERE key_id=?1 AND version=?2", &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, key_id, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 2, version);
    rc = pgx_step(stmt);
    if (rc == PGX_ROW) {
        *out_wrapped = meta_pg_dup(stmt, 0);
        rc = 0;
    } else if (rc == PGX_DONE) {
        err_set("no version %u of KMS key %s", (unsigned)version, key_id);
        rc = ERR_NOTFOUND;
    } else {
        rc = meta_pg_fail(db, "query");
    }
    pgx_finalize(stmt);
    return rc;
}

/* Insert or update an alias row (?1 account, ?2 alias, ?3 key id, ?4 created, which an
 * update leaves: binding a parameter the statement lacks is a harmless PGX_RANGE);
 * ERR_NOTFOUND when an update matched none. */
static int pgm_kms_alias_write(struct meta_store *s, const char *sql,
                               const struct meta_kms_alias *a)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s, sql, &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, a->account, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, a->alias, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, a->key_id, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, a->created_ms);
    rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("no alias %s", a->alias);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_pg_kms_alias_create(struct meta_store *s, const struct meta_kms_alias *a)
{
    return pgm_kms_alias_write(s,
                               "INSERT INTO kms_aliases(account, alias, key_id, created_ms)"
                               " VALUES (?1, ?2, ?3, ?4)",
                               a);
}

int meta_pg_kms_alias_set_key(struct meta_store *s, const struct meta_kms_alias *a)
{
    return pgm_kms_alias_write(s, "UPDATE kms_aliases SET key_id=?3 WHERE account=?1 AND alias=?2",
                               a);
}

static void pgm_kms_alias_row(pgx_stmt *stmt, struct meta_kms_alias *a)
{
    meta_pg_copy(a->account, sizeof(a->account), stmt, 0);
    meta_pg_copy(a->alias, sizeof(a->alias), stmt, 1);
    meta_pg_copy(a->key_id, sizeof(a->key_id), stmt, 2);
    a->created_ms = pgx_column_int64(stmt, 3);
}

int meta_pg_kms_alias_get(struct meta_store *s, const char *account, const char *alias,
                          struct meta_kms_alias *out)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "SELECT account, alias, key_id, created_ms FROM kms_aliases"
                             " WHERE account=?1 AND alias=?2",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, account, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, alias, -1, PGX_STATIC);
    rc = pgx_step(stmt);
    if (rc == PGX_ROW) {
        pgm_kms_alias_row(stmt, out);
        rc = 0;
    } else if (rc == PGX_DONE) {
        err_set("no alias %s", alias);
        rc = ERR_NOTFOUND;
    } else {
        rc = meta_pg_fail(db, "query");
    }
    pgx_finalize(stmt);
    return rc;
}

int meta_pg_kms_alias_delete(struct meta_store *s, const char *account, const char *alias)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc =
        meta_pg_prepare(s, "DELETE FROM kms_aliases WHERE account=?1 AND alias=?2", &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, account, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, alias, -1, PGX_STATIC);
    rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("no alias %s", alias);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_pg_kms_alias_list(struct meta_store *s, const char *account, const char *key_id,
                           meta_kms_alias_cb *cb, void *payload)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "SELECT account, alias, key_id, created_ms FROM kms_aliases"
                             " WHERE account=?1 AND (?2 IS NULL OR key_id=?2) ORDER BY alias",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, account, -1, PGX_STATIC);
    if (key_id)
        pgx_bind_text(stmt, 2, key_id, -1, PGX_STATIC);
    while ((rc = pgx_step(stmt)) == PGX_ROW) {
        struct meta_kms_alias a;
        pgm_kms_alias_row(stmt, &a);
        int stop = cb(payload, &a);
        if (stop) {
            pgx_finalize(stmt);
            return stop;
        }
    }
    rc = rc == PGX_DONE ? 0 : meta_pg_fail(db, "query");
    pgx_finalize(stmt);
    return rc;
}
