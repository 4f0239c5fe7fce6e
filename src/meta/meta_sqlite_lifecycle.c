/* meta_sqlite_lifecycle.c — meta_sql_lifecycle.inc compiled for the SQLite backend (see
 * meta/meta_sql.h). */
#include "meta/meta_sql_sqlite.h"

#include "meta/meta_sql_lifecycle.inc"
