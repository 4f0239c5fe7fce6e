/* meta_pg_kms.c — meta_sql_kms.inc compiled for the PostgreSQL backend (see meta/meta_sql.h). */
#include "meta/meta_sql_pg.h"

#include "meta/meta_sql_kms.inc"
