/* meta_sqlite_schema.h — private to the SQLite backend: the schema's version and migrations.
 *
 * PRAGMA user_version holds the version of a meta.db. Version 1 is the schema Stocktake had
 * before versions were recorded (a database at user_version 0 is adopted as version 1: its
 * statements are all CREATE … IF NOT EXISTS); each later version is one migration, applied in
 * order, each in its own write transaction with the version bump. */
#ifndef STOCKTAKE_META_SQLITE_SCHEMA_H
#define STOCKTAKE_META_SQLITE_SCHEMA_H

#include <sqlite3.h>

#include "core/err.h"

/* The version this binary writes and expects. */
int meta_sqlite_schema_latest(void);

/* Bring db up to version target (meta_sqlite_schema_latest() at open; tests migrate to older
 * versions to build old databases). ERR_INVALID when the database is newer than this binary
 * or target is out of range; ERR_BUSY, ERR_BACKEND from SQLite. */
int meta_sqlite_schema_migrate(sqlite3 *db, int target) WARN_UNUSED;

/* The database's version (PRAGMA user_version) into *out. */
int meta_sqlite_schema_version(sqlite3 *db, int *out) WARN_UNUSED;

/* How long a connection of store s (a "sqlite" store) waits for a lock before its call fails
 * with ERR_BUSY; 30 s by default. Applies to this thread's connection and to new ones. */
struct meta_store;
void meta_sqlite_set_busy_timeout(struct meta_store *s, int ms);

#endif
