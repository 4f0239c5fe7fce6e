/* meta_sqlite_uploads.c — meta_sql_uploads.inc compiled for the SQLite backend (see
 * meta/meta_sql.h). */
#include "meta/meta_sql_sqlite.h"

#include "meta/meta_sql_uploads.inc"
