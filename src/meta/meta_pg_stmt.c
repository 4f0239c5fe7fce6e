/* meta_pg_stmt.c — the PostgreSQL backend's statement layer (see meta_pg_stmt.h). */
#include "meta/meta_pg_stmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

#include "core/alloc.h"
#include "core/err.h"
#include "core/str.h"

#define PGX_INT8OID 20
#define PGX_TEXTOID 25
#define PGX_AUTOCOMMIT_TRIES 8

static int pgx_sqlstate_retryable(const char *state)
{
    /* serialization_failure, deadlock_detected, lock_not_available */
    return strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
           strcmp(state, "55P03") == 0;
}

void pgx_note_failure(pgx *db, PGresult *res, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (!msg || !*msg)
        msg = db->conn ? PQerrorMessage(db->conn) : "no connection";
    snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
    snprintf(db->errmsg, sizeof(db->errmsg), "%s", msg);
    size_t n = strlen(db->errmsg);
    while (n && (db->errmsg[n - 1] == '\n' || db->errmsg[n - 1] == ' '))
        db->errmsg[--n] = '\0';
    int busy = state && pgx_sqlstate_retryable(state);
    if (busy && db->in_txn)
        db->retryable = 1;
    db->last_rc = busy ? ERR_BUSY : ERR_BACKEND;
    err_set("postgres %s: %s", what, db->errmsg);
}

const char *pgx_errmsg(pgx *db)
{
    return db->errmsg;
}

/* SQLite's placeholders to PostgreSQL's: ?N is $N, a bare ? one more than the largest so far.
 * Quoted text is copied as it is. */
static char *pgx_convert(const char *sql, int *nparams, uint64_t *used)
{
    size_t len = strlen(sql);
    char *out = xmalloc(len * 3 + 16);
    size_t o = 0;
    int max = 0;
    char quote = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = sql[i];
        if (quote) {
            if (ch == quote)
                quote = 0;
            out[o++] = ch;
            continue;
        }
        if (ch == '\'' || ch == '"') {
            quote = ch;
            out[o++] = ch;
            continue;
        }
        if (ch != '?') {
            out[o++] = ch;
            continue;
        }
        int n = 0;
        size_t j = i + 1;
        while (j < len && sql[j] >= '0' && sql[j] <= '9')
            n = n * 10 + (sql[j++] - '0');
        if (j == i + 1)
            n = max + 1;
        if (n > max)
            max = n;
        if (n >= 1 && n <= 64)
            *used |= 1ULL << (n - 1);
        o += (size_t)snprintf(out + o, 16, "$%d", n);
        i = j - 1;
    }
    out[o] = '\0';
    *nparams = max;
    return out;
}

int pgx_prepare_v2(pgx *db, const char *sql, int n, pgx_stmt **out, const char **tail)
{
    (void)n;
    (void)tail;
    pgx_stmt *st = xcalloc(1, sizeof(*st));
    st->db = db;
    st->sql = pgx_convert(sql, &st->nparams, &st->used);
    if (st->nparams > PGX_MAX_PARAMS) {
        free(st->sql);
        free(st);
        snprintf(db->errmsg, sizeof(db->errmsg), "too many parameters");
        db->last_rc = ERR_BACKEND;
        *out = NULL;
        return PGX_ERROR;
    }
    *out = st;
    return PGX_OK;
}

static int pgx_bind_set(pgx_stmt *st, int i, char *v, int is_int)
{
    if (i < 1 || i > PGX_MAX_PARAMS) {
        free(v);
        return PGX_ERROR;
    }
    free(st->values[i - 1]);
    st->values[i - 1] = v;
    st->is_int[i - 1] = is_int;
    return PGX_OK;
}

int pgx_bind_text(pgx_stmt *st, int i, const char *v, int n, void (*destructor)(void *))
{
    (void)destructor;
    if (!v)
        return pgx_bind_set(st, i, NULL, 0);
    return pgx_bind_set(st, i, n < 0 ? xstrdup(v) : xstrndup(v, (size_t)n), 0);
}

int pgx_bind_int64(pgx_stmt *st, int i, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return pgx_bind_set(st, i, xstrdup(buf), 1);
}

int pgx_bind_int(pgx_stmt *st, int i, int v)
{
    return pgx_bind_int64(st, i, v);
}

int pgx_bind_null(pgx_stmt *st, int i)
{
    return pgx_bind_set(st, i, NULL, 0);
}

void pgx_cache_clear(pgx *db)
{
    for (size_t i = 0; i < db->ncache; i++)
        free(db->cache[i].key);
    free(db->cache);
    db->cache = NULL;
    db->ncache = db->cache_cap = 0;
}

static void pgx_types(const pgx_stmt *st, Oid *types)
{
    for (int i = 0; i < st->nparams; i++)
        types[i] = st->is_int[i] ? PGX_INT8OID : PGX_TEXTOID;
}

void pgx_cursor(pgx_stmt *st, int batch)
{
    st->batch = batch;
}

/* The next batch of the cursor's rows into st->res. */
static int pgx_fetch(pgx_stmt *st)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "FETCH %d FROM %s", st->batch, st->cursor_name);
    PQclear(st->res);
    st->res = PQexec(st->db->conn, sql);
    st->row = 0;
    if (PQresultStatus(st->res) != PGRES_TUPLES_OK) {
        st->nrows = 0;
        pgx_note_failure(st->db, st->res, "fetch");
        return PGX_ERROR;
    }
    st->nrows = PQntuples(st->res);
    return 0;
}

static int pgx_cursor_execute(pgx_stmt *st)
{
    pgx *db = st->db;
    snprintf(st->cursor_name, sizeof(st->cursor_name), "pgxcur%u", db->next_cursor++);
    size_t n = strlen(st->sql) + 64;
    char *sql = xmalloc(n);
    snprintf(sql, n, "DECLARE %s NO SCROLL CURSOR FOR %s", st->cursor_name, st->sql);
    Oid types[PGX_MAX_PARAMS];
    pgx_types(st, types);
    PGresult *res = PQexecParams(db->conn, sql, st->nparams, types, (const char *const *)st->values,
                                 NULL, NULL, 0);
    free(sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        pgx_note_failure(db, res, "declare cursor");
    PQclear(res);
    if (!ok)
        return PGX_ERROR;
    st->cursor_open = 1;
    return pgx_fetch(st);
}

/* The name of the statement prepared for st's text and parameter types on this connection,
 * preparing it on first use. NULL on failure (noted). */
static const char *pgx_statement(pgx_stmt *st)
{
    pgx *db = st->db;
    size_t sql_len = strlen(st->sql);
    size_t key_len = sql_len + 1 + (size_t)st->nparams;
    char *key = xmalloc(key_len + 1);
    memcpy(key, st->sql, sql_len + 1);
    for (int i = 0; i < st->nparams; i++)
        key[sql_len + 1 + i] = st->is_int[i] ? 'i' : 't';
    key[key_len] = '\0';
    for (size_t i = 0; i < db->ncache; i++) {
        if (db->cache[i].key_len == key_len && memcmp(db->cache[i].key, key, key_len) == 0) {
            free(key);
            return db->cache[i].name;
        }
    }
    Oid types[PGX_MAX_PARAMS];
    pgx_types(st, types);
    char name[16];
    snprintf(name, sizeof(name), "st%u", db->next_name++);
    PGresult *res = PQprepare(db->conn, name, st->sql, st->nparams, types);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        pgx_note_failure(db, res, "prepare");
        PQclear(res);
        free(key);
        return NULL;
    }
    PQclear(res);
    if (db->ncache == db->cache_cap) {
        db->cache_cap = db->cache_cap ? db->cache_cap * 2 : 64;
        db->cache = xrealloc(db->cache, db->cache_cap * sizeof(*db->cache));
    }
    struct pgx_cached *c = &db->cache[db->ncache++];
    c->key = key;
    c->key_len = key_len;
    memcpy(c->name, name, sizeof(name));
    return c->name;
}

static void pgx_pause(int attempt)
{
    /* a little jitter, so that retrying transactions do not meet again */
    static _Thread_local unsigned seed;
    if (!seed)
        seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)&seed;
    struct timespec ts = {0, (long)(1 + rand_r(&seed) % (2u << attempt)) * 1000000L};
    nanosleep(&ts, NULL);
}

static int pgx_execute(pgx_stmt *st)
{
    pgx *db = st->db;
    if (st->batch > 0)
        return pgx_cursor_execute(st);
    for (int attempt = 0;; attempt++) {
        const char *name = pgx_statement(st);
        if (!name)
            return PGX_ERROR;
        st->res = PQexecPrepared(db->conn, name, st->nparams, (const char *const *)st->values, NULL,
                                 NULL, 0);
        ExecStatusType status = PQresultStatus(st->res);
        if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
            const char *n = PQcmdTuples(st->res);
            int64_t changed = 0;
            if (n && *n && str_parse_i64(n, 0, INT64_MAX, &changed) != 0)
                changed = 0;
            db->changes = changed;
            st->nrows = status == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
            return 0;
        }
        const char *state = PQresultErrorField(st->res, PG_DIAG_SQLSTATE);
        if (state && strncmp(state, "23", 2) == 0) {
            pgx_note_failure(db, st->res, "constraint");
            db->last_rc = ERR_EXISTS;
            /* two transactions inserting one key: SSI may report the loser's unique
             * violation instead of a serialization failure */
            if (db->in_txn && strcmp(state, "23505") == 0)
                db->unique_race = 1;
            return PGX_CONSTRAINT;
        }
        int again = !db->in_txn && state && pgx_sqlstate_retryable(state) &&
                    attempt + 1 < PGX_AUTOCOMMIT_TRIES;
        pgx_note_failure(db, st->res, "step");
        if (!again)
            return PGX_ERROR;
        PQclear(st->res);
        st->res = NULL;
        pgx_pause(attempt);
    }
}

int pgx_step(pgx_stmt *st)
{
    if (!st->executed) {
        st->executed = 1;
        int rc = pgx_execute(st);
        if (rc)
            return rc;
        st->row = 0;
    } else if (st->row < st->nrows) {
        st->row++;
        if (st->row == st->nrows && st->cursor_open && st->nrows == st->batch) {
            int rc = pgx_fetch(st);
            if (rc)
                return rc;
        }
    }
    return st->row < st->nrows ? PGX_ROW : PGX_DONE;
}

static int pgx_has(pgx_stmt *st, int col)
{
    return st->res && st->row < st->nrows && col >= 0 && col < PQnfields(st->res) &&
           !PQgetisnull(st->res, st->row, col);
}

const unsigned char *pgx_column_text(pgx_stmt *st, int col)
{
    return pgx_has(st, col) ? (const unsigned char *)PQgetvalue(st->res, st->row, col) : NULL;
}

int pgx_column_bytes(pgx_stmt *st, int col)
{
    return pgx_has(st, col) ? PQgetlength(st->res, st->row, col) : 0;
}

int64_t pgx_column_int64(pgx_stmt *st, int col)
{
    if (!pgx_has(st, col))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, col);
    if (v[0] == 't' && v[1] == '\0')
        return 1;
    if (v[0] == 'f' && v[1] == '\0')
        return 0;
    int64_t out = 0;
    return str_parse_i64(v, INT64_MIN, INT64_MAX, &out) == 0 ? out : 0;
}

int pgx_column_int(pgx_stmt *st, int col)
{
    return (int)pgx_column_int64(st, col);
}

int pgx_column_type(pgx_stmt *st, int col)
{
    return pgx_has(st, col) ? PGX_TEXT : PGX_NULL;
}

int pgx_column_count(pgx_stmt *st)
{
    return st->res ? PQnfields(st->res) : 0;
}

int pgx_finalize(pgx_stmt *st)
{
    if (!st)
        return PGX_OK;
    PQclear(st->res);
    if (st->cursor_open && PQtransactionStatus(st->db->conn) == PQTRANS_INTRANS) {
        char sql[48];
        snprintf(sql, sizeof(sql), "CLOSE %s", st->cursor_name);
        PQclear(PQexec(st->db->conn, sql));
    }
    for (int i = 0; i < PGX_MAX_PARAMS; i++)
        free(st->values[i]);
    free(st->sql);
    free(st);
    return PGX_OK;
}

int64_t pgx_changes(pgx *db)
{
    return db->changes;
}

int pgx_exec(pgx *db, const char *sql, void *unused1, void *unused2, void *unused3)
{
    (void)unused1;
    (void)unused2;
    (void)unused3;
    PGresult *res = PQexec(db->conn, sql);
    ExecStatusType status = PQresultStatus(res);
    int ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (!ok)
        pgx_note_failure(db, res, "exec");
    PQclear(res);
    return ok ? PGX_OK : PGX_ERROR;
}
