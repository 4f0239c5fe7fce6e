/* meta_pg_uploads.c — meta_sql_uploads.inc compiled for the PostgreSQL backend (see
 * meta/meta_sql.h). */
#include "meta/meta_sql_pg.h"

#include "meta/meta_sql_uploads.inc"
