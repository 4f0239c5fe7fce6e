/* meta_sqlite_repl.c — meta_sql_repl.inc compiled for the SQLite backend (see meta/meta_sql.h). */
#include "meta/meta_sql_sqlite.h"

#include "meta/meta_sql_repl.inc"
