/* meta_sqlite_accounts.c — accounts and their access keys in the SQLite backend. */
#include <sqlite3.h>
#include <string.h>

#include "meta/meta_sqlite_int.h"

/* ---- accounts and keys ---- */

int meta_sqlite_account_create(struct meta_store *s, const struct meta_account *a)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(
        s, "INSERT INTO accounts(id, canonical_id, name, created_ms, email) VALUES (?,?,?,?,?)",
        &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, a->canonical_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, a->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, a->created_ms);
    sqlite3_bind_text(stmt, 5, a->email, -1, SQLITE_STATIC);
    return meta_sqlite_step_done(db, stmt);
}

static void sqlite_account_row(sqlite3_stmt *stmt, struct meta_account *a)
{
    meta_sqlite_copy(a->id, sizeof(a->id), stmt, 0);
    meta_sqlite_copy(a->canonical_id, sizeof(a->canonical_id), stmt, 1);
    meta_sqlite_copy(a->name, sizeof(a->name), stmt, 2);
    a->created_ms = sqlite3_column_int64(stmt, 3);
    meta_sqlite_copy(a->email, sizeof(a->email), stmt, 4);
}

static int sqlite_account_one(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_one *one = ctx;
    sqlite_account_row(stmt, one->out);
    one->found = 1;
    return 0;
}

int meta_sqlite_account_get(struct meta_store *s, const char *id, struct meta_account *out)
{
    struct sqlite_one one = {out, 0};
    int rc = meta_sqlite_query(
        s, "SELECT id, canonical_id, name, created_ms, email FROM accounts WHERE id=?", id,
        sqlite_account_one, &one);
    if (!rc && !one.found) {
        err_set("no account %s", id);
        return ERR_NOTFOUND;
    }
    return rc;
}

static int sqlite_account_each(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_cb *c = ctx;
    struct meta_account a;
    sqlite_account_row(stmt, &a);
    return ((meta_account_cb *)c->cb)(c->payload, &a);
}

int meta_sqlite_account_list(struct meta_store *s, meta_account_cb *cb, void *payload)
{
    struct sqlite_cb c = {(void *)cb, payload};
    return meta_sqlite_query(
        s,
        "SELECT id, canonical_id, name, created_ms, email FROM accounts ORDER BY created_ms, rowid",
        NULL, sqlite_account_each, &c);
}

int meta_sqlite_key_create(struct meta_store *s, const struct meta_access_key *k)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s, "INSERT INTO access_keys VALUES (?,?,?,?)", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, k->access_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, k->secret, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, k->account_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, k->created_ms);
    return meta_sqlite_step_done(db, stmt);
}

static void sqlite_key_row(sqlite3_stmt *stmt, struct meta_access_key *k)
{
    meta_sqlite_copy(k->access_key, sizeof(k->access_key), stmt, 0);
    meta_sqlite_copy(k->secret, sizeof(k->secret), stmt, 1);
    meta_sqlite_copy(k->account_id, sizeof(k->account_id), stmt, 2);
    k->created_ms = sqlite3_column_int64(stmt, 3);
}

static int sqlite_key_one(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_one *one = ctx;
    sqlite_key_row(stmt, one->out);
    one->found = 1;
    return 0;
}

int meta_sqlite_key_get(struct meta_store *s, const char *access_key, struct meta_access_key *out)
{
    struct sqlite_one one = {out, 0};
    int rc = meta_sqlite_query(s,
                               "SELECT access_key, secret, account_id, created_ms FROM access_keys "
                               "WHERE access_key=?",
                               access_key, sqlite_key_one, &one);
    if (!rc && !one.found) {
        err_set("no access key");
        return ERR_NOTFOUND;
    }
    return rc;
}

static int sqlite_key_each(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_cb *c = ctx;
    struct meta_access_key k;
    sqlite_key_row(stmt, &k);
    return ((meta_key_cb *)c->cb)(c->payload, &k);
}

int meta_sqlite_key_list(struct meta_store *s, meta_key_cb *cb, void *payload)
{
    struct sqlite_cb c = {(void *)cb, payload};
    return meta_sqlite_query(s,
                             "SELECT access_key, secret, account_id, created_ms FROM access_keys "
                             "ORDER BY created_ms, rowid",
                             NULL, sqlite_key_each, &c);
}
