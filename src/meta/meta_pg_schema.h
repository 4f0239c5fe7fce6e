/* meta_pg_schema.h — private to the PostgreSQL backend: the schema's version and migrations.
 *
 * The table schema_version holds the version of a database (one row). Version 1 is the whole
 * schema of the SQLite backend's version 16, in PostgreSQL's types; each later version is one
 * migration, applied in order under an advisory lock, in one transaction with the bump. */
#ifndef STOCKTAKE_META_PG_SCHEMA_H
#define STOCKTAKE_META_PG_SCHEMA_H

#include "core/err.h"
#include "meta/meta_pg_stmt.h"

/* The version this binary writes and expects. */
int meta_pg_schema_latest(void);

/* Bring db up to version target. ERR_INVALID when the database is newer than this binary or
 * target is out of range; ERR_BUSY, ERR_BACKEND from the server. */
int meta_pg_schema_migrate(pgx *db, int target) WARN_UNUSED;

/* The database's version into *out (0: no schema yet). */
int meta_pg_schema_version(pgx *db, int *out) WARN_UNUSED;

#endif
