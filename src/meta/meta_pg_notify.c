/* meta_pg_notify.c — meta_sql_notify.inc compiled for the PostgreSQL backend (see meta/meta_sql.h).
 */
#include "meta/meta_sql_pg.h"

#include "meta/meta_sql_notify.inc"
