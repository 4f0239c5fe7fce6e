/* meta_test_pg.h — fresh PostgreSQL databases for the backend conformance tests: when
 * STOCKTAKE_TEST_PG_URI names a server (a libpq URI or conninfo of a database the tests may
 * CREATE DATABASE from, as scripts/pg-test-cluster.sh's STOCKTAKE_TEST_META), the "postgres"
 * backend runs every case on a database of its own; otherwise it is skipped. */
#ifndef STOCKTAKE_META_TEST_PG_H
#define STOCKTAKE_META_TEST_PG_H

#include <stddef.h>

/* Is a PostgreSQL server there for the tests? */
int meta_test_pg_enabled(void);
/* Create a database; its conninfo into conninfo, its name into name. 0 or -1. */
int meta_test_pg_create(char *conninfo, size_t conninfo_size, char *name, size_t name_size);
/* Drop the database name (created by meta_test_pg_create). */
void meta_test_pg_drop(const char *name);

#endif
