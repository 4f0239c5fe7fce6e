/* meta_pg_repl.c — meta_sql_repl.inc compiled for the PostgreSQL backend (see meta/meta_sql.h). */
#include "meta/meta_sql_pg.h"

#include "meta/meta_sql_repl.inc"
