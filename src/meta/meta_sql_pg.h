/* meta_sql_pg.h — the names of meta_sql.h for the PostgreSQL backend. */
#ifndef STOCKTAKE_META_SQL_PG_H
#define STOCKTAKE_META_SQL_PG_H

#include "meta/meta_pg_int.h"
#include "meta/meta_pg_stmt.h"

#define MSQL_PG 1
#define MSQL(name) meta_pg_##name

typedef pgx msql_db;
typedef pgx_stmt msql_stmt;
typedef pgx_int64 msql_int64;
#define msql_one pgm_one
#define msql_cb pgm_cb

#define msql_prepare_v2 pgx_prepare_v2
#define msql_bind_text pgx_bind_text
#define msql_bind_int pgx_bind_int
#define msql_bind_int64 pgx_bind_int64
#define msql_bind_null pgx_bind_null
#define msql_column_text pgx_column_text
#define msql_column_bytes pgx_column_bytes
#define msql_column_int pgx_column_int
#define msql_column_int64 pgx_column_int64
#define msql_column_type pgx_column_type
#define msql_step pgx_step
#define msql_finalize pgx_finalize
#define msql_changes pgx_changes
#define msql_exec pgx_exec

#define MSQL_OK PGX_OK
#define MSQL_ROW PGX_ROW
#define MSQL_DONE PGX_DONE

#define MSQL_STATIC PGX_STATIC
#define MSQL_DEAD_INSERT PGX_DEAD_INSERT
#define MSQL_TRANSIENT PGX_TRANSIENT

#define MSQL_TXN(s, db, rc, expr) META_PG_TXN(s, db, rc, expr)

#include "meta/meta_sql.h"

#endif
