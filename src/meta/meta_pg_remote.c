/* meta_pg_remote.c — the remote endpoints of replication in the PostgreSQL backend (schema
 * v16, repl_remotes): registered by `stocktake admin remote`, named by replication rules. */
#include "meta/meta_pg_stmt.h"
#include <string.h>

#include "meta/meta_pg_int.h"

int meta_pg_remote_put(struct meta_store *s, const struct meta_remote *r)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s,
                             "INSERT INTO repl_remotes VALUES (?,?,?,?,?,?)"
                             " ON CONFLICT (name) DO UPDATE SET endpoint=EXCLUDED.endpoint, "
                             "access_key=EXCLUDED.access_key, secret_key=EXCLUDED.secret_key, "
                             "region=EXCLUDED.region, created_ms=EXCLUDED.created_ms",
                             &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, r->name, -1, PGX_STATIC);
    pgx_bind_text(stmt, 2, r->endpoint, -1, PGX_STATIC);
    pgx_bind_text(stmt, 3, r->access_key, -1, PGX_STATIC);
    pgx_bind_text(stmt, 4, r->secret_key, -1, PGX_STATIC);
    pgx_bind_text(stmt, 5, r->region, -1, PGX_STATIC);
    pgx_bind_int64(stmt, 6, r->created_ms);
    return meta_pg_step_done(db, stmt);
}

static void pgm_remote_row(pgx_stmt *stmt, struct meta_remote *r)
{
    memset(r, 0, sizeof(*r));
    meta_pg_copy(r->name, sizeof(r->name), stmt, 0);
    meta_pg_copy(r->endpoint, sizeof(r->endpoint), stmt, 1);
    meta_pg_copy(r->access_key, sizeof(r->access_key), stmt, 2);
    meta_pg_copy(r->secret_key, sizeof(r->secret_key), stmt, 3);
    meta_pg_copy(r->region, sizeof(r->region), stmt, 4);
    r->created_ms = pgx_column_int64(stmt, 5);
}

static int pgm_remote_one(pgx_stmt *stmt, void *ctx)
{
    struct pgm_one *one = ctx;
    pgm_remote_row(stmt, one->out);
    one->found = 1;
    return 0;
}

int meta_pg_remote_get(struct meta_store *s, const char *name, struct meta_remote *out)
{
    struct pgm_one one = {out, 0};
    int rc = meta_pg_query(s,
                           "SELECT name, endpoint, access_key, secret_key, region, created_ms"
                           " FROM repl_remotes WHERE name=?",
                           name, pgm_remote_one, &one);
    if (!rc && !one.found) {
        err_set("no remote endpoint %s", name);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

int meta_pg_remote_delete(struct meta_store *s, const char *name)
{
    pgx *db;
    pgx_stmt *stmt;
    int rc = meta_pg_prepare(s, "DELETE FROM repl_remotes WHERE name=?", &db, &stmt);
    if (rc)
        return rc;
    pgx_bind_text(stmt, 1, name, -1, PGX_STATIC);
    rc = meta_pg_step_done(db, stmt);
    if (!rc && pgx_changes(db) == 0) {
        err_set("no remote endpoint %s", name);
        rc = ERR_NOTFOUND;
    }
    return rc;
}

static int pgm_remote_each(pgx_stmt *stmt, void *ctx)
{
    struct pgm_cb *c = ctx;
    struct meta_remote r;
    pgm_remote_row(stmt, &r);
    int rc = ((meta_remote_cb *)c->cb)(c->payload, &r);
    memset(r.secret_key, 0, sizeof(r.secret_key));
    return rc;
}

int meta_pg_remote_list(struct meta_store *s, meta_remote_cb *cb, void *payload)
{
    struct pgm_cb c = {(void *)cb, payload};
    return meta_pg_query(s,
                         "SELECT name, endpoint, access_key, secret_key, region, created_ms"
                         " FROM repl_remotes ORDER BY name",
                         NULL, pgm_remote_each, &c);
}
