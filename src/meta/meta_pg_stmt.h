/* meta_pg_stmt.h — private to the PostgreSQL backend (meta_pg*.c): a small statement layer
 * over libpq shaped like the SQLite calls the SQLite backend makes (prepare, bind, step,
 * column, finalize), so both backends keep the same structure and the same SQL where the
 * dialects agree.
 *
 * SQL is written with SQLite's placeholders (?, ?N); pgx_prepare_v2 rewrites them to $N.
 * Nothing reaches the server until the first pgx_step: then the statement is prepared on the
 * connection (PQprepare, once per connection for each text and parameter types) and run
 * (PQexecPrepared); its rows are read from the result. Text parameters (and NULLs) are sent
 * as text, integers as int8: SQL that compares a text parameter with a number casts it.
 * pgx_column_int of a boolean is 1 for 't'. */
#ifndef STOCKTAKE_META_PG_STMT_H
#define STOCKTAKE_META_PG_STMT_H

#include <libpq-fe.h>
#include <stdint.h>

#define PGX_OK 0
#define PGX_ERROR 1
#define PGX_CONSTRAINT 19
#define PGX_ROW 100
#define PGX_DONE 101
#define PGX_NULL 5
#define PGX_TEXT 3
#define PGX_STATIC ((void (*)(void *))0)
#define PGX_TRANSIENT ((void (*)(void *)) - 1)
#define PGX_MAX_PARAMS 40

typedef int64_t pgx_int64;

struct pgx_cached {
    char *key; /* SQL text, NUL, parameter types */
    size_t key_len;
    char name[16];
};

/* One connection (one thread's). */
typedef struct pgx {
    PGconn *conn;
    int in_txn;
    int retryable;   /* a serialization failure or deadlock happened in this transaction */
    int unique_race; /* a unique violation happened in this transaction (maybe a race) */
    int last_rc;     /* the ERR_* code of the last failure */
    char sqlstate[6];
    char errmsg[256];
    int64_t changes; /* rows the last statement changed */
    struct pgx_cached *cache;
    size_t ncache, cache_cap;
    unsigned next_name;
    unsigned next_cursor;
} pgx;

typedef struct pgx_stmt {
    pgx *db;
    char *sql; /* with $N placeholders */
    int nparams;
    uint64_t used; /* the parameters the text refers to */
    char *values[PGX_MAX_PARAMS];
    int is_int[PGX_MAX_PARAMS];
    PGresult *res;
    int executed;
    int row, nrows;
    int batch; /* > 0: a cursor, FETCHed batch rows at a time */
    int cursor_open;
    char cursor_name[24];
} pgx_stmt;

/* Record a libpq failure on db: the ERR_* code (ERR_BUSY for serialization failure, deadlock
 * and lock timeouts; ERR_BACKEND else) in db->last_rc. */
void pgx_note_failure(pgx *db, PGresult *res, const char *what);
int pgx_prepare_v2(pgx *db, const char *sql, int n, pgx_stmt **out, const char **tail);
int pgx_bind_text(pgx_stmt *st, int i, const char *v, int n, void (*destructor)(void *));
int pgx_bind_int(pgx_stmt *st, int i, int v);
int pgx_bind_int64(pgx_stmt *st, int i, int64_t v);
int pgx_bind_null(pgx_stmt *st, int i);
/* Make st (before its first step) a cursor: DECLARE … NO SCROLL CURSOR and FETCH batch rows
 * at a time, so a long scan holds one batch in memory. Inside a transaction only. */
void pgx_cursor(pgx_stmt *st, int batch);
int pgx_step(pgx_stmt *st);
const unsigned char *pgx_column_text(pgx_stmt *st, int col);
int pgx_column_bytes(pgx_stmt *st, int col);
int pgx_column_int(pgx_stmt *st, int col);
int64_t pgx_column_int64(pgx_stmt *st, int col);
int pgx_column_type(pgx_stmt *st, int col);
int pgx_column_count(pgx_stmt *st);
int pgx_finalize(pgx_stmt *st);
int64_t pgx_changes(pgx *db);
/* Run sql (no parameters, no rows wanted): PGX_OK or PGX_ERROR (the failure noted). */
int pgx_exec(pgx *db, const char *sql, void *unused1, void *unused2, void *unused3);
const char *pgx_errmsg(pgx *db);
/* Forget the connection's prepared statements (after a reset). */
void pgx_cache_clear(pgx *db);

#endif
