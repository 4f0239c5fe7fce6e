/* meta_sqlite_remote.c — the remote endpoints of replication in the SQLite backend (schema
 * v16, repl_remotes): registered by `stocktake admin remote`, named by replication rules. */
#include <sqlite3.h>
#include <string.h>

#include "meta/meta_sqlite_int.h"

int meta_sqlite_remote_put(struct meta_store *s, const struct meta_remote *r)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s, "INSERT OR REPLACE INTO repl_remotes VALUES (?,?,?,?,?,?)", &db,
                                 &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, r->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, r->endpoint, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, r->access_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, r->secret_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, r->region, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 6, r->created_ms);
    return meta_sqlite_step_done(db, stmt);
}

static void sqlite_remote_row(sqlite3_stmt *stmt, struct meta_remote *r)
{
    memset(r, 0, sizeof(*r));
    meta_sqlite_copy(r->name, sizeof(r->name), stmt, 0);
    meta_sqlite_copy(r->endpoint, sizeof(r->endpoint), stmt, 1);
    meta_sqlite_copy(r->access_key, sizeof(r->access_key), stmt, 2);
    meta_sqlite_copy(r->secret_key, sizeof(r->secret_key), stmt, 3);
    meta_sqlite_copy(r->region, sizeof(r->region), stmt, 4);
    r->created_ms = sqlite3_column_int64(stmt, 5);
}

static int sqlite_remote_one(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_one *one = ctx;
    sqlite_remote_row(stmt, one->out);
    one->found = 1;
    return 0;
}

int meta_sqlite_remote_get(struct meta_store *s, const char *name, struct meta_remote *out)
{
    struct sqlite_one one = {out, 0};
    int rc = meta_sqlite_query(s,
                               "SELECT name, endpoint, access_key, secret_key, region, created_ms"
                               " FROM repl_remotes WHERE name=?",
                               name, sqlite_remote_one, &one);
    if (!rc && !one.found) {
        err_set("no remote endpoint %s", name);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_sqlite_remote_delete(struct meta_store *s, const char *name)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int rc = meta_sqlite_prepare(s, "DELETE FROM repl_remotes WHERE name=?", &db, &stmt);
    if (rc)
        return rc;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    rc = meta_sqlite_step_done(db, stmt);
    if (!rc && sqlite3_changes(db) == 0) {
        err_set("no remote endpoint %s", name);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

static int sqlite_remote_each(sqlite3_stmt *stmt, void *ctx)
{
    struct sqlite_cb *c = ctx;
    struct meta_remote r;
    sqlite_remote_row(stmt, &r);
    int rc = ((meta_remote_cb *)c->cb)(c->payload, &r);
    memset(r.secret_key, 0, sizeof(r.secret_key));
    return rc;
}

int meta_sqlite_remote_list(struct meta_store *s, meta_remote_cb *cb, void *payload)
{
    struct sqlite_cb c = {(void *)cb, payload};
    return meta_sqlite_query(s,
                             "SELECT name, endpoint, access_key, secret_key, region, created_ms"
                             " FROM repl_remotes ORDER BY name",
                             NULL, sqlite_remote_each, &c);
}
