/* meta_sqlite_notify.c — meta_sql_notify.inc compiled for the SQLite backend (see meta/meta_sql.h).
 */
#include "meta/meta_sql_sqlite.h"

#include "meta/meta_sql_notify.inc"
