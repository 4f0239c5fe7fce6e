/* meta_sqlite_lock.c — meta_sql_lock.inc compiled for the SQLite backend (see meta/meta_sql.h). */
#include "meta/meta_sql_sqlite.h"

#include "meta/meta_sql_lock.inc"
