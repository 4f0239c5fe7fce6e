/* meta_pg_sse.c — meta_sql_sse.inc compiled for the PostgreSQL backend (see meta/meta_sql.h). */
#include "meta/meta_sql_pg.h"

#include "meta/meta_sql_sse.inc"
