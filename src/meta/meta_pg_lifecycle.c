/* meta_pg_lifecycle.c — meta_sql_lifecycle.inc compiled for the PostgreSQL backend (see
 * meta/meta_sql.h). */
#include "meta/meta_sql_pg.h"

#include "meta/meta_sql_lifecycle.inc"
