/* meta_sqlite_int.h — private to the SQLite backend's files: the helpers of meta_sqlite.c that
 * the other meta_sqlite_*.c files use, and the operations they implement for its table. */
#ifndef STOCKTAKE_META_SQLITE_INT_H
#define STOCKTAKE_META_SQLITE_INT_H

#include <sqlite3.h>

#include "meta/meta_backend.h"

/* A prepared statement on this thread's connection. */
int meta_sqlite_prepare(struct meta_store *s, const char *sql, sqlite3 **out_db,
                        sqlite3_stmt **out) WARN_UNUSED;
/* This thread's connection with a write transaction open (BEGIN IMMEDIATE). */
int meta_sqlite_begin(struct meta_store *s, sqlite3 **out) WARN_UNUSED;
/* COMMIT when rc is 0, else ROLLBACK; returns rc or the commit's error. */
int meta_sqlite_commit_or_rollback(sqlite3 *db, int rc) WARN_UNUSED;
/* Step a statement that returns no rows and finalize it; SQLITE_CONSTRAINT is ERR_EXISTS. */
int meta_sqlite_step_done(sqlite3 *db, sqlite3_stmt *stmt) WARN_UNUSED;
/* Column col as a string into dst (cut to size - 1). */
void meta_sqlite_copy(char *dst, size_t size, sqlite3_stmt *stmt, int col);
/* ERR_BACKEND with err_msg() naming what failed. */
int meta_sqlite_fail(sqlite3 *db, const char *what);

/* meta_sqlite_lease.c: inventory run leases and run objects */
int meta_sqlite_lease_take(struct meta_store *s, const struct meta_inventory_lease *lease,
                           const char *expect_token);
int meta_sqlite_lease_get(struct meta_store *s, const char *bucket, const char *config_id,
                          struct meta_inventory_lease *out);
int meta_sqlite_lease_renew(struct meta_store *s, const struct meta_inventory_lease *lease);
int meta_sqlite_lease_release(struct meta_store *s, const char *bucket, const char *config_id,
                              const char *token);
int meta_sqlite_run_object_add(struct meta_store *s, const char *bucket, const char *config_id,
                               const struct meta_inventory_run_object *o);
int meta_sqlite_run_object_list(struct meta_store *s, const char *bucket, const char *config_id,
                                meta_inventory_run_object_cb *cb, void *payload);
int meta_sqlite_run_object_clear(struct meta_store *s, int64_t run_id);

#endif
