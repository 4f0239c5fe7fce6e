/* meta_sql.h — one source for the two SQL backends.
 *
 * The SQLite backend (meta_sqlite*.c) and the PostgreSQL backend (meta_pg*.c) run the same
 * statements the same way: the PostgreSQL statement layer (meta_pg_stmt.h) is shaped like the
 * SQLite calls. Where a concern's code is the same for both, it is written once, in
 * src/meta/meta_sql_<concern>.inc, against the names below, and compiled twice: by
 * meta_sqlite_<concern>.c after meta_sql_sqlite.h, and by meta_pg_<concern>.c after
 * meta_sql_pg.h. Each dialect header maps:
 *   MSQL(name)              the backend's own function: meta_sqlite_name / meta_pg_name (the ops
 *                           of meta_backend.h and the helpers of meta_*_int.h alike)
 *   msql_db, msql_stmt      sqlite3 / pgx, sqlite3_stmt / pgx_stmt
 *   msql_<call>             sqlite3_<call> / pgx_<call> (prepare_v2, bind_*, column_*, step,
 *                           finalize, changes, exec)
 *   MSQL_OK, _ROW, _DONE, _STATIC, _TRANSIENT
 *   MSQL_DEAD_INSERT        the start of an INSERT into dead_blobs that skips known blobs
 *   MSQL_TXN(s, db, rc, e)  run e in a write transaction (on PostgreSQL again after a
 *                           serialization failure, see META_PG_TXN)
 *   MSQL_PG                 1 on PostgreSQL, for the few statements whose dialects differ
 * A static helper of a .inc file has the same name in both units (each is its own). */
#ifndef STOCKTAKE_META_SQL_H
#define STOCKTAKE_META_SQL_H

#ifndef MSQL_PG
#error "include meta/meta_sql_sqlite.h or meta/meta_sql_pg.h, not meta/meta_sql.h"
#endif

#endif
