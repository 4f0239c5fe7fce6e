/* meta_pg_accounts.c — accounts and their access keys in the PostgreSQL backend. */
#include "meta/meta_pg_stmt.h"
#include <string.h>

#include "meta/meta_pg_int.h"

/* ---- accounts and keys ---- */

int meta_pg_account_create(struct meta_store *s, const struct meta_account *a)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(
        s, "INSERT INTO accounts(id, canonical_id, name, created_ms, email) VALUES (?,?,?,?,?)",
        &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, a->id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, a->canonical_id, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, a->name, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, a->created_ms);
    pgx_bind_text(stmt, 5, a->email, -1, PGX_STATIC);
    return meta_pg_step_done(db, stmt);
}

static void pgm_account_row(pgx_stmt *stmt, struct meta_account *a)
{
    meta_pg_copy(a->id, sizeof(a->id), stmt, 0);
    meta_pg_copy(a->canonical_id, sizeof(a->canonical_id), stmt, 1);
    meta_pg_copy(a->name, sizeof(a->name), stmt, 2);
    a->created_ms = pgx_column_int64(stmt, 3);
    meta_pg_copy(a->email, sizeof(a->email), stmt, 4);
}

static int pgm_account_one(pgx_stmt *stmt, void *ctx)
{
    struct pgm_one *one = ctx;
    pgm_account_row(stmt, one->out);
    one->found = 1;
    return 0;
}

int meta_pg_account_get(struct meta_store *s, const char *id, struct meta_account *out)
{
    struct pgm_one one = {out, 0};
    int rc = meta_pg_query(
        s, "SELECT id, canonical_id, name, created_ms, email FROM accounts WHERE id=?", id,
        pgm_account_one, &one);
    if (!rc && !one.found) {
        err_set("no account %s", id);
        return ERR_NOTFOUND;
    }
    return rc;
}

static int pgm_account_each(pgx_stmt *stmt, void *ctx)
{
    struct pgm_cb *c = ctx;
    struct meta_account a;
    pgm_account_row(stmt, &a);
    return ((meta_account_cb *)c->cb)(c->payload, &a);
}

int meta_pg_account_list(struct meta_store *s, meta_account_cb *cb, void *payload)
{
    struct pgm_cb c = {(void *)cb, payload};
    return meta_pg_query(
        s,
        "SELECT id, canonical_id, name, created_ms, email FROM accounts ORDER BY created_ms, seq",
        NULL, pgm_account_each, &c);
}

int meta_pg_key_create(struct meta_store *s, const struct meta_access_key *k)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s, "INSERT INTO access_keys VALUES (?,?,?,?)", &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, k->access_key, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, k->secret, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, k->account_id, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 4, k->created_ms);
    return meta_pg_step_done(db, stmt);
}

static void pgm_key_row(pgx_stmt *stmt, struct meta_access_key *k)
{
    meta_pg_copy(k->access_key, sizeof(k->access_key), stmt, 0);
    meta_pg_copy(k->secret, sizeof(k->secret), stmt, 1);
    meta_pg_copy(k->account_id, sizeof(k->account_id), stmt, 2);
    k->created_ms = pgx_column_int64(stmt, 3);
}

static int pgm_key_one(pgx_stmt *stmt, void *ctx)
{
    struct pgm_one *one = ctx;
    pgm_key_row(stmt, one->out);
    one->found = 1;
    return 0;
}

int meta_pg_key_get(struct meta_store *s, const char *access_key, struct meta_access_key *out)
{
    struct pgm_one one = {out, 0};
    int rc = meta_pg_query(s,
                           "SELECT access_key, secret, account_id, created_ms FROM access_keys "
                           "WHERE access_key=?",
                           access_key, pgm_key_one, &one);
    if (!rc && !one.found) {
        err_set("no access key");
        return ERR_NOTFOUND;
    }
    return rc;
}

static int pgm_key_each(pgx_stmt *stmt, void *ctx)
{
    struct pgm_cb *c = ctx;
    struct meta_access_key k;
    pgm_key_row(stmt, &k);
    return ((meta_key_cb *)c->cb)(c->payload, &k);
}

int meta_pg_key_list(struct meta_store *s, meta_key_cb *cb, void *payload)
{
    struct pgm_cb c = {(void *)cb, payload};
    return meta_pg_query(s,
                         "SELECT access_key, secret, account_id, created_ms FROM access_keys "
                         "ORDER BY created_ms, seq",
                         NULL, pgm_key_each, &c);
}
