/* meta_pg_lock.c — meta_sql_lock.inc compiled for the PostgreSQL backend (see meta/meta_sql.h). */
#include "meta/meta_sql_pg.h"

#include "meta/meta_sql_lock.inc"
