/* meta_sqlite_kms.c — the key service's tables in the SQLite backend (schema v11): kms_keys,
 * kms_key_material (wrapped backing key versions) and kms_aliases (meta.h, KMS block). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "meta/meta_sqlite_int.h"

#define KMS_KEY_COLS                                                                               \
    "key_id, account, arn, description, created_ms, state, deletion_ms, policy, current_version,"  \
    " rotation_days, rotation_from_ms"

static void sqlite_kms_key_row(sqlite3_stmt *stmt, struct meta_kms_key *k)
{
    meta_sqlite_copy(k->key_id, sizeof(k->key_id), stmt, 0);
    meta_sqlite_copy(k->account, sizeof(k->account), stmt, 1);
    meta_sqlite_copy(k->arn, sizeof(k->arn), stmt, 2);
    k->description = meta_sqlite_dup(stmt, 3);
    k->created_ms = sqlite3_column_int64(stmt, 4);
    meta_sqlite_copy(k->state, sizeof(k->state), stmt, 5);
    k->deletion_ms = sqlite3_column_int64(stmt, 6);
    k->policy = meta_sqlite_dup(stmt, 7);
    k->current_version = (uint32_t)sqlite3_column_int64(stmt, 8);
    k->rotation_days = sqlite3_column_int64(stmt, 9);
    k->rotation_from_ms = sqlite3_column_int64(stmt, 10);
}

static int sqlite_kms_material_insert(sqlite3 *db, const char *key_id, uint32_t version,
                                      const char *wrapped, int64_t now_ms)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO kms_key_material(key_id, version, wrapped, created_ms)"
                           " VALUES (?1, ?2, ?3, ?4)",
                           -1, &stmt, NULL) != SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    sqlite3_bind_text(stmt, 1, key_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, version);
    sqlite3_bind_text(stmt, 3, wrapped, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, now_ms);
    return meta_sqlite_step_done(db, stmt);
}

int meta_sqlite_kms_key_create(struct meta_store *s, const struct meta_kms_key *k,
                               const char *wrapped)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    if (rc)
        return rc;
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO kms_keys(" KMS_KEY_COLS ") VALUES (?1, ?2, ?3, ?4,"
                           " ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                           -1, &stmt, NULL) != SQLITE_OK) {
        rc = meta_sqlite_fail(db, "prepare");
    } else {
        sqlite3_bind_text(stmt, 1, k->key_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, k->account, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, k->arn, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 4, k->description ? k->description : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 5, k->created_ms);
        sqlite3_bind_text(stmt, 6, k->state, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 7, k->deletion_ms);
        sqlite3_bind_text(stmt, 8, k->policy ? k->policy : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 9, k->current_version);
        sqlite3_bind_int64(stmt, 10, k->rotation_days);
        sqlite3_bind_int64(stmt, 11, k->rotation_from_ms);
        rc = meta_sqlite_step_done(db, stmt);
    }
    if (!rc)
        rc = sqlite_kms_material_insert(db, k->key_id, k->current_version, wrapped, k->created_ms);
    return meta_sqlite_commit_or_rollback(db, rc);
}

static int sqlite_kms_key_one(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_one *one = ctx;
    sqlite_kms_key_row(stmt, one->out);
    one->found = 1;
    return 1;
}

int meta_sqlite_kms_key_get(struct meta_store *s, const char *key_id, struct meta_kms_key *out)
{
    struct sqlite_one one = {out, 0};
    int rc = meta_sqlite_query(s, "SELECT " KMS_KEY_COLS " FROM kms_keys WHERE key_id=?1", key_id,
                               sqlite_kms_key_one, &one);
    if (rc == 1)
        rc = 0;
    if (!rc && !one.found) {
        err_set("no KMS key %s", key_id);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_sqlite_kms_key_update(struct meta_store *s, const struct meta_kms_key *k)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "UPDATE kms_keys SET description=?2, state=?3, deletion_ms=?4,"
                                 " policy=?5, current_version=?6, rotation_days=?7,"
                                 " rotation_from_ms=?8 WHERE key_id=?1",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, k->key_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, k->description ? k->description : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, k->state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, k->deletion_ms);
    sqlite3_bind_text(stmt, 5, k->policy ? k->policy : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 6, k->current_version);
    sqlite3_bind_int64(stmt, 7, k->rotation_days);
    sqlite3_bind_int64(stmt, 8, k->rotation_from_ms);
    rc = meta_sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no KMS key %s", k->key_id);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

struct sqlite_kms_list {
    meta_kms_key_cb *key_cb;
    void *payload;
};

static int sqlite_kms_key_each(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_kms_list *l = ctx;
    struct meta_kms_key k;
    memset(&k, 0, sizeof(k));
    sqlite_kms_key_row(stmt, &k);
    int rc = l->key_cb(l->payload, &k);
    meta_kms_key_clear(&k);
    return rc;
}

int meta_sqlite_kms_key_list(struct meta_store *s, const char *account, meta_kms_key_cb *cb,
                             void *payload)
{
    struct sqlite_kms_list l = {cb, payload};
    return meta_sqlite_query(s,
                             "SELECT " KMS_KEY_COLS " FROM kms_keys WHERE account=?1"
                             " ORDER BY key_id",
                             account, sqlite_kms_key_each, &l);
}

int meta_sqlite_kms_material_add(struct meta_store *s, const char *key_id, uint32_t version,
                                 const char *wrapped, int64_t now_ms)
{
    sqlite3 *db;
    int rc = meta_sqlite_begin(s, &db);
    if (rc)
        return rc;
    rc = sqlite_kms_material_insert(db, key_id, version, wrapped, now_ms);
    sqlite3_stmt *stmt;
    if (!rc && sqlite3_prepare_v2(db, "UPDATE kms_keys SET current_version=?2 WHERE key_id=?1", -1,
                                  &stmt, NULL) != SQLITE_OK)
        rc = meta_sqlite_fail(db, "prepare");
    else if (!rc) {
        sqlite3_bind_text(stmt, 1, key_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, version);
        rc = meta_sqlite_step_done(db, stmt);
    }
    return meta_sqlite_commit_or_rollback(db, rc);
}

int meta_sqlite_kms_material_get(struct meta_store *s, const char *key_id, uint32_t version,
                                 char **out_wrapped)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(
        s, "SELECT wrapped FROM kms_key_material WHERE key_id=?1 AND version=?2", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, key_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, version);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out_wrapped = meta_sqlite_dup(stmt, 0);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        err_set("no version %u of KMS key %s", (unsigned)version, key_id);
        rc = ERR_NOTFOUND;
    } else {
        rc = meta_sqlite_fail(db, "query");
    }
    sqlite3_finalize(stmt);
    return rc;
}

/* Insert or update an alias row (?1 account, ?2 alias, ?3 key id, ?4 created, which an
 * update leaves: binding a parameter the statement lacks is a harmless SQLITE_RANGE);
 * ERR_NOTFOUND when an update matched none. */
static int sqlite_kms_alias_write(struct meta_store *s, const char *sql,
                                  const struct meta_kms_alias *a)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s, sql, &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, a->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, a->alias, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, a->key_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, a->created_ms);
    rc = meta_sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no alias %s", a->alias);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_sqlite_kms_alias_create(struct meta_store *s, const struct meta_kms_alias *a)
{
    return sqlite_kms_alias_write(s,
                                  "INSERT INTO kms_aliases(account, alias, key_id, created_ms)"
                                  " VALUES (?1, ?2, ?3, ?4)",
                                  a);
}

int meta_sqlite_kms_alias_set_key(struct meta_store *s, const struct meta_kms_alias *a)
{
    return sqlite_kms_alias_write(
        s, "UPDATE kms_aliases SET key_id=?3 WHERE account=?1 AND alias=?2", a);
}

static void sqlite_kms_alias_row(sqlite3_stmt *stmt, struct meta_kms_alias *a)
{
    meta_sqlite_copy(a->account, sizeof(a->account), stmt, 0);
    meta_sqlite_copy(a->alias, sizeof(a->alias), stmt, 1);
    meta_sqlite_copy(a->key_id, sizeof(a->key_id), stmt, 2);
    a->created_ms = sqlite3_column_int64(stmt, 3);
}

int meta_sqlite_kms_alias_get(struct meta_store *s, const char *account, const char *alias,
                              struct meta_kms_alias *out)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "SELECT account, alias, key_id, created_ms FROM kms_aliases"
                                 " WHERE account=?1 AND alias=?2",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, alias, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        sqlite_kms_alias_row(stmt, out);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        err_set("no alias %s", alias);
        rc = ERR_NOTFOUND;
    } else {
        rc = meta_sqlite_fail(db, "query");
    }
    sqlite3_finalize(stmt);
    return rc;
}

int meta_sqlite_kms_alias_delete(struct meta_store *s, const char *account, const char *alias)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc =
        meta_sqlite_prepare(s, "DELETE FROM kms_aliases WHERE account=?1 AND alias=?2", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, alias, -1, SQLITE_STATIC);
    rc = meta_sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no alias %s", alias);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_sqlite_kms_alias_list(struct meta_store *s, const char *account, const char *key_id,
                               meta_kms_alias_cb *cb, void *payload)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s,
                                 "SELECT account, alias, key_id, created_ms FROM kms_aliases"
                                 " WHERE account=?1 AND (?2 IS NULL OR key_id=?2) ORDER BY alias",
                                 &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, account, -1, SQLITE_STATIC);
    if (key_id)
        sqlite3_bind_text(stmt, 2, key_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct meta_kms_alias a;
        sqlite_kms_alias_row(stmt, &a);
        int stop = cb(payload, &a);
        if (stop) {
            sqlite3_finalize(stmt);
            return stop;
        }
    }
    rc = rc == SQLITE_DONE ? 0 : meta_sqlite_fail(db, "query");
    sqlite3_finalize(stmt);
    return rc;
}
