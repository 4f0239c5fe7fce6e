/* meta_sql_sqlite.h — the names of meta_sql.h for the SQLite backend. */
#ifndef STOCKTAKE_META_SQL_SQLITE_H
#define STOCKTAKE_META_SQL_SQLITE_H

#include <sqlite3.h>

#include "meta/meta_sqlite_int.h"

#define MSQL_PG 0
#define MSQL(name) meta_sqlite_##name

typedef sqlite3 msql_db;
typedef sqlite3_stmt msql_stmt;
typedef sqlite3_int64 msql_int64;
#define msql_one sqlite_one
#define msql_cb sqlite_cb

#define msql_prepare_v2 sqlite3_prepare_v2
#define msql_bind_text sqlite3_bind_text
#define msql_bind_int sqlite3_bind_int
#define msql_bind_int64 sqlite3_bind_int64
#define msql_bind_null sqlite3_bind_null
#define msql_column_text sqlite3_column_text
#define msql_column_bytes sqlite3_column_bytes
#define msql_column_int sqlite3_column_int
#define msql_column_int64 sqlite3_column_int64
#define msql_column_type sqlite3_column_type
#define msql_step sqlite3_step
#define msql_finalize sqlite3_finalize
#define msql_changes sqlite3_changes
#define msql_exec sqlite3_exec

#define MSQL_OK SQLITE_OK
#define MSQL_ROW SQLITE_ROW
#define MSQL_DONE SQLITE_DONE

#define MSQL_STATIC SQLITE_STATIC
#define MSQL_DEAD_INSERT SQLITE_DEAD_INSERT
#define MSQL_TRANSIENT SQLITE_TRANSIENT

/* One write transaction; SQLite's writers wait on the lock (busy timeout), nothing to retry. */
#define MSQL_TXN(s, db, rc, expr)                                                                  \
    do {                                                                                           \
        (rc) = meta_sqlite_begin((s), &(db));                                                      \
        if (!(rc))                                                                                 \
            (rc) = meta_sqlite_commit_or_rollback((db), (expr));                                   \
    } while (0)

#include "meta/meta_sql.h"

#endif
