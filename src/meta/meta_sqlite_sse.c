/* meta_sqlite_sse.c — meta_sql_sse.inc compiled for the SQLite backend (see meta/meta_sql.h). */
#include "meta/meta_sql_sqlite.h"

#include "meta/meta_sql_sse.inc"
