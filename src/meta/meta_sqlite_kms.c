/* meta_sqlite_kms.c — meta_sql_kms.inc compiled for the SQLite backend (see meta/meta_sql.h). */
#include "meta/meta_sql_sqlite.h"

#include "meta/meta_sql_kms.inc"
