/* meta_sqlite_int.h — private to the SQLite backend's files (meta_sqlite*.c): the connection
 * and statement helpers of meta_sqlite.c, the row helpers that cross files, and the operations
 * each file implements for the ops table in meta_sqlite.c. Nothing outside src/meta/ includes
 * it. */
#ifndef STOCKTAKE_META_SQLITE_INT_H
#define STOCKTAKE_META_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>

#include "meta/meta_backend.h"

struct sqlite_store {
    struct meta_store base;
    char *path;
    int busy_timeout_ms;
    pthread_key_t conn_key;
    /* group commit (meta_sqlite_group.c): object commits waiting for the running batch */
    pthread_mutex_t group_mu;
    pthread_cond_t group_cv;
    struct sqlite_group_item *group_head, **group_tail;
    int group_leader; /* a thread is committing a batch */
};

/* Row callbacks of meta_sqlite_query: one result into out (found set), or each to cb. */
struct sqlite_one {
    void *out;
    int found;
};

struct sqlite_cb {
    void *cb;
    void *payload;
};

/* Run a SELECT with up to one text parameter, handing each row to row_fn. */
typedef int meta_sqlite_row_fn(sqlite3_stmt *stmt, void *ctx);

/* The report's columns come first (see meta_sqlite_inventory_row), then the rest. */
#define SQLITE_INVENTORY_COLS                                                                      \
    "key, version_id, is_latest, is_delete_marker, size, last_modified_ms, etag,"                  \
    " storage_class, owner_id, multipart, checksum_algorithm, id, acl, lock_mode, lock_until_ms,"  \
    " legal_hold, sse, tier"
#define SQLITE_OBJECT_COLS                                                                         \
    SQLITE_INVENTORY_COLS ", headers, blob_id, checksum_value, checksum_type, parts, tags,"        \
                          " last_access_ms, restore, replication_status"
/* The number of SQLITE_OBJECT_COLS (a query's next column is at this index) */
#define SQLITE_OBJECT_NCOLS 27
#define SQLITE_DEAD_INSERT "INSERT OR IGNORE INTO dead_blobs(blob_id, dead_ms) SELECT blob_id, ?4 "

/* ---- meta_sqlite.c: connections, statements, transactions ---- */
/* ERR_BUSY for a database still locked after the busy timeout, else ERR_BACKEND; err_msg()
 * names what failed. */
int meta_sqlite_fail(sqlite3 *db, const char *what);
/* meta_sqlite_buckets.c: inside the open transaction, the bucket's configuration document of
 * kind ("notification", "replication", …) with the bucket's owner and region. *doc (the
 * caller frees it) is NULL when the bucket has none. */
int meta_sqlite_bucket_config_in_tx(sqlite3 *db, const char *bucket, const char *kind, char **doc,
                                    char owner[16], char region[64]);
/* This thread's connection (opened on first use). */
int meta_sqlite_connect(struct sqlite_store *st, sqlite3 **out) WARN_UNUSED;
/* A prepared statement on this thread's connection. */
int meta_sqlite_prepare(struct meta_store *s, const char *sql, sqlite3 **out_db,
                        sqlite3_stmt **out) WARN_UNUSED;
/* This thread's connection with a write transaction open (BEGIN IMMEDIATE). */
int meta_sqlite_begin(struct meta_store *s, sqlite3 **out) WARN_UNUSED;
/* COMMIT when rc is 0, else ROLLBACK; returns rc or the commit's error. */
int meta_sqlite_commit_or_rollback(sqlite3 *db, int rc) WARN_UNUSED;
/* meta_sqlite_stmt.c: a cached prepared statement of db for sql (this thread's cache; give
 * it back with meta_sqlite_stmt_done, never sqlite3_finalize); forget: finalize db's cached
 * statements before it closes. */
int meta_sqlite_stmt(sqlite3 *db, const char *sql, sqlite3_stmt **out) WARN_UNUSED;
void meta_sqlite_stmt_done(sqlite3_stmt *stmt);
void meta_sqlite_stmt_forget(sqlite3 *db);
/* Step a statement that returns no rows and finalize it; SQLITE_CONSTRAINT is ERR_EXISTS. */
int meta_sqlite_step_done(sqlite3 *db, sqlite3_stmt *stmt) WARN_UNUSED;
/* Column col as a string into dst (cut to size - 1). */
void meta_sqlite_copy(char *dst, size_t size, sqlite3_stmt *stmt, int col);
/* Column col as a new string (xstrndup). */
char *meta_sqlite_dup(sqlite3_stmt *stmt, int col);
/* One statement binding bucket, key and (when not NULL) version_id as ?1..?3. */
int meta_sqlite_run(sqlite3 *db, const char *sql, const char *bucket, const char *key,
                    const char *version_id) WARN_UNUSED;
int meta_sqlite_query(struct meta_store *s, const char *sql, const char *param,
                      meta_sqlite_row_fn *row_fn, void *ctx) WARN_UNUSED;

/* ---- meta_sqlite_accounts.c ---- */
int meta_sqlite_account_create(struct meta_store *s, const struct meta_account *a);
int meta_sqlite_account_get(struct meta_store *s, const char *id, struct meta_account *out);
int meta_sqlite_account_list(struct meta_store *s, meta_account_cb *cb, void *payload);
int meta_sqlite_key_create(struct meta_store *s, const struct meta_access_key *k);
int meta_sqlite_key_get(struct meta_store *s, const char *access_key, struct meta_access_key *out);
int meta_sqlite_key_list(struct meta_store *s, meta_key_cb *cb, void *payload);

/* ---- meta_sqlite_buckets.c ---- */
int meta_sqlite_bucket_create(struct meta_store *s, const struct meta_bucket *b);
int meta_sqlite_bucket_get(struct meta_store *s, const char *name, struct meta_bucket *out);
int meta_sqlite_bucket_delete(struct meta_store *s, const char *name);
int meta_sqlite_bucket_list(struct meta_store *s, const char *owner_id, meta_bucket_cb *cb,
                            void *payload);
int meta_sqlite_bucket_set_versioning(struct meta_store *s, const char *name,
                                      enum meta_versioning v);
int meta_sqlite_bucket_config_put(struct meta_store *s, const char *bucket,
                                  enum meta_config_kind kind, const char *doc);
int meta_sqlite_bucket_config_get(struct meta_store *s, const char *bucket,
                                  enum meta_config_kind kind, char **out_doc);
int meta_sqlite_bucket_config_delete(struct meta_store *s, const char *bucket,
                                     enum meta_config_kind kind);

/* ---- meta_sqlite_objects.c ---- */
/* The leading SQLITE_INVENTORY_COLS of a row; key and acl borrowed from the statement. */
void meta_sqlite_inventory_row(sqlite3_stmt *stmt, struct meta_object *o);
/* Record the blobs sql selects as dead, in the open transaction. */
int meta_sqlite_dead_add(sqlite3 *db, const char *sql, const char *a, const char *b, const char *c);
/* One object row: the version_id one, or the latest when version_id is NULL. */
int meta_sqlite_object_select(sqlite3 *db, const char *bucket, const char *key,
                              const char *version_id, struct meta_object *out);
/* Put o as the latest version of its key, in the open transaction. */
int meta_sqlite_object_put_txn(sqlite3 *db, const char *bucket, const struct meta_object *o);
int meta_sqlite_object_put(struct meta_store *s, const char *bucket, const struct meta_object *o);
int meta_sqlite_object_get(struct meta_store *s, const char *bucket, const char *key,
                           const char *version_id, struct meta_object *out);
int meta_sqlite_object_delete_version(struct meta_store *s, const char *bucket, const char *key,
                                      const char *version_id, const char *expect_blob,
                                      meta_object_guard *guard, void *arg, struct meta_object *out);
int meta_sqlite_object_set_acl(struct meta_store *s, const char *bucket, const char *key,
                               const char *version_id, const char *acl);
int meta_sqlite_object_set_tags(struct meta_store *s, const char *bucket, const char *key,
                                const char *version_id, const char *tags);
int meta_sqlite_object_scan(struct meta_store *s, const char *bucket, const char *prefix,
                            const char *start, int start_inclusive, size_t limit,
                            meta_object_cb *cb, void *payload);
int meta_sqlite_version_scan(struct meta_store *s, const char *bucket, const char *prefix,
                             const char *key_marker, int64_t seq_marker, size_t limit,
                             meta_object_cb *cb, void *payload);
/* meta_sqlite_group.c: object_commit, batched with concurrent ones (group commit) */
int meta_sqlite_object_commit(struct meta_store *s, struct meta_commit *c);
/* One commit's statements inside the open transaction (meta_sqlite_objects.c); on failure the
 * caller rolls back to its savepoint. */
int meta_sqlite_object_commit_one(sqlite3 *db, struct meta_commit *c);
/* The group committer's queue (meta_sqlite_group.c), part of struct sqlite_store. */
void meta_sqlite_group_init(struct sqlite_store *st);
void meta_sqlite_group_destroy(struct sqlite_store *st);
int meta_sqlite_upload_completed(struct meta_store *s, const char *bucket, const char *upload_id,
                                 char *out_version_id, size_t size);
int meta_sqlite_dead_blob_scan(struct meta_store *s, int64_t dead_before_ms, size_t limit,
                               meta_dead_blob_cb *cb, void *payload);
int meta_sqlite_dead_blob_forget(struct meta_store *s, const char *blob_id);
int meta_sqlite_blob_referenced(struct meta_store *s, const char *blob_id, int *out);

/* ---- meta_sqlite_lock.c: Object Lock fields of a version ---- */
int meta_sqlite_object_set_lock(struct meta_store *s, const char *bucket, const char *key,
                                const char *version_id, int what, const struct meta_object *lock,
                                meta_object_guard *guard, void *arg, struct meta_object *out);

/* ---- meta_sqlite_tiering.c: tier, last access and restore of a version ---- */
int meta_sqlite_object_set_tiering(struct meta_store *s, const char *bucket, const char *key,
                                   const char *version_id, const struct meta_tiering *t,
                                   meta_object_guard *guard, void *arg);

/* ---- meta_sqlite_uploads.c ---- */
/* Delete an upload and its parts (their blobs become dead), in the open transaction. */
int meta_sqlite_upload_delete_txn(sqlite3 *db, const char *bucket, const char *upload_id);
int meta_sqlite_upload_create(struct meta_store *s, const struct meta_upload *u);
int meta_sqlite_upload_get(struct meta_store *s, const char *bucket, const char *upload_id,
                           struct meta_upload *out);
int meta_sqlite_upload_delete(struct meta_store *s, const char *bucket, const char *upload_id);
int meta_sqlite_upload_scan(struct meta_store *s, const char *bucket, const char *prefix,
                            const char *key_marker, const char *upload_id_marker,
                            int64_t initiated_before, size_t limit, meta_upload_cb *cb,
                            void *payload);
int meta_sqlite_part_put(struct meta_store *s, const char *upload_id, const struct meta_part *p);
int meta_sqlite_part_scan(struct meta_store *s, const char *upload_id, int after_number,
                          size_t limit, meta_part_cb *cb, void *payload);

/* ---- meta_sqlite_inventory.c ---- */
int meta_sqlite_inventory_put(struct meta_store *s, const char *bucket, const char *id,
                              const char *config, size_t max_configs);
int meta_sqlite_inventory_get(struct meta_store *s, const char *bucket, const char *id,
                              char **out_config);
int meta_sqlite_inventory_delete(struct meta_store *s, const char *bucket, const char *id);
int meta_sqlite_inventory_list(struct meta_store *s, const char *bucket, const char *from_id,
                               size_t limit, meta_inventory_cb *cb, void *payload);
int meta_sqlite_inventory_scan(struct meta_store *s, const char *bucket, const char *prefix,
                               int all_versions, meta_object_cb *cb, void *payload);
int meta_sqlite_inventory_run_begin(struct meta_store *s, struct meta_inventory_run *run);
int meta_sqlite_inventory_run_cancel(struct meta_store *s, const char *bucket,
                                     const char *config_id);
int meta_sqlite_inventory_run_progress(struct meta_store *s, int64_t run_id, int64_t rows,
                                       int *cancelled);
int meta_sqlite_inventory_run_finish(struct meta_store *s, const struct meta_inventory_run *run);
int meta_sqlite_inventory_run_list(struct meta_store *s, const char *bucket, const char *config_id,
                                   size_t limit, meta_inventory_run_cb *cb, void *payload);

/* ---- meta_sqlite_lease.c: inventory run leases and run objects ---- */
int meta_sqlite_lease_take(struct meta_store *s, const struct meta_inventory_lease *lease,
                           const char *expect_token);
int meta_sqlite_lease_get(struct meta_store *s, const char *bucket, const char *config_id,
                          struct meta_inventory_lease *out);
int meta_sqlite_lease_renew(struct meta_store *s, const struct meta_inventory_lease *lease);
int meta_sqlite_live_run_start(struct meta_store *s, int64_t now_ms, int64_t *out_ms);
int meta_sqlite_lease_release(struct meta_store *s, const char *bucket, const char *config_id,
                              const char *token);
int meta_sqlite_run_object_add(struct meta_store *s, const char *bucket, const char *config_id,
                               const struct meta_inventory_run_object *o);
int meta_sqlite_run_object_list(struct meta_store *s, const char *bucket, const char *config_id,
                                meta_inventory_run_object_cb *cb, void *payload);
int meta_sqlite_run_object_clear(struct meta_store *s, int64_t run_id);

/* ---- meta_sqlite_lifecycle.c: transitions and lifecycle counts ---- */
int meta_sqlite_object_set_storage_class(struct meta_store *s, const char *bucket, const char *key,
                                         const char *version_id, const char *expect_blob,
                                         const char *storage_class);
int meta_sqlite_lifecycle_stat_add(struct meta_store *s, const char *bucket, const char *action,
                                   int64_t count, int64_t now_ms);
int meta_sqlite_lifecycle_stat_list(struct meta_store *s, const char *bucket,
                                    meta_lifecycle_stat_cb *cb, void *payload);

/* ---- meta_sqlite_sse.c ---- */
int meta_sqlite_sse_rewrite(struct meta_store *s, meta_sse_rewrite_fn *fn, void *ctx,
                            long *changed);

/* ---- meta_sqlite_kms.c: the key service's keys, key material and aliases (v11) ---- */
int meta_sqlite_kms_key_create(struct meta_store *s, const struct meta_kms_key *k,
                               const char *wrapped);
int meta_sqlite_kms_key_get(struct meta_store *s, const char *key_id, struct meta_kms_key *out);
int meta_sqlite_kms_key_update(struct meta_store *s, const struct meta_kms_key *k);
int meta_sqlite_kms_key_list(struct meta_store *s, const char *account, meta_kms_key_cb *cb,
                             void *payload);
int meta_sqlite_kms_material_add(struct meta_store *s, const char *key_id, uint32_t version,
                                 const char *wrapped, int64_t now_ms);
int meta_sqlite_kms_material_get(struct meta_store *s, const char *key_id, uint32_t version,
                                 char **out_wrapped);
int meta_sqlite_kms_alias_create(struct meta_store *s, const struct meta_kms_alias *a);
int meta_sqlite_kms_alias_get(struct meta_store *s, const char *account, const char *alias,
                              struct meta_kms_alias *out);
int meta_sqlite_kms_alias_set_key(struct meta_store *s, const struct meta_kms_alias *a);
int meta_sqlite_kms_alias_delete(struct meta_store *s, const char *account, const char *alias);
int meta_sqlite_kms_alias_list(struct meta_store *s, const char *account, const char *key_id,
                               meta_kms_alias_cb *cb, void *payload);
/* ---- meta_sqlite_journal.c: the change journal of inventory change reports (v14) ---- */
/* After a configuration of bucket was put or deleted, in its transaction: the bucket is
 * journaled while it has a Changes configuration (its entries go when it stops). */
int meta_sqlite_journal_sources(sqlite3 *db, const char *bucket) WARN_UNUSED;
/* Before a version changes, in the change's transaction, when bucket is journaled: an entry
 * with the version's row as it is (none: existed 0). The version is row_id's (> 0), else
 * key's version_id, else key's latest. kind names the change (informative). */
int meta_sqlite_journal_note(sqlite3 *db, const char *bucket, const char *key,
                             const char *version_id, int64_t row_id, const char *kind) WARN_UNUSED;
int meta_sqlite_inventory_changes(struct meta_store *s, const char *bucket, const char *config_id,
                                  const char *prefix, int all_versions, meta_object_cb *full_cb,
                                  meta_inventory_key_cb *key_cb, void *payload,
                                  struct meta_inventory_changes_pos *pos);
int meta_sqlite_journal_prune(struct meta_store *s, const char *bucket, int64_t now_ms,
                              int64_t max_entries);
/* A whole object row of SQLITE_OBJECT_COLS, owned by the caller (meta_object_dispose). */
void meta_sqlite_object_row(sqlite3_stmt *stmt, struct meta_object *o);
/* The inventory scan inside the caller's read transaction. */
int meta_sqlite_inventory_scan_txn(sqlite3 *db, const char *bucket, const char *prefix,
                                   int all_versions, meta_object_cb *cb, void *payload);
/* ---- meta_sqlite_notify.c: targets, the outbox (v13) ---- */
/* A change of a version in the open transaction: the change hook's events for it, with the
 * bucket's notification configuration (nothing without a hook or a configuration). */
int meta_sqlite_changed(sqlite3 *db, enum meta_change_kind kind, const char *bucket,
                        const struct meta_object *o) WARN_UNUSED;
int meta_sqlite_notify_target_put(struct meta_store *s, const struct meta_notify_target *t);
int meta_sqlite_notify_target_get(struct meta_store *s, const char *arn,
                                  struct meta_notify_target *out);
int meta_sqlite_notify_target_delete(struct meta_store *s, const char *arn);
int meta_sqlite_notify_target_list(struct meta_store *s, meta_notify_target_cb *cb, void *payload);
int meta_sqlite_notify_enqueue(struct meta_store *s, const char *bucket, const char *key,
                               const char *target, const char *event_json);
int meta_sqlite_notify_due(struct meta_store *s, int64_t now_ms, size_t limit,
                           meta_notify_event_cb *cb, void *payload);
int meta_sqlite_notify_delivered(struct meta_store *s, int64_t id);
int meta_sqlite_notify_retry(struct meta_store *s, int64_t id, int64_t next_attempt_ms);
int meta_sqlite_notify_pending(struct meta_store *s, int64_t *out);

/* ---- meta_sqlite_repl.c: the replication queue ---- */
/* Ask the replication hook about a change, inside its transaction (meta_sqlite_changed). */
int meta_sqlite_repl_changed(sqlite3 *db, enum meta_change_kind kind, const char *bucket,
                             const struct meta_object *o);
int meta_sqlite_repl_due(struct meta_store *s, int64_t now_ms, size_t limit, meta_repl_task_cb *cb,
                         void *payload);
int meta_sqlite_repl_finish(struct meta_store *s, int64_t id, const char *status,
                            const char *reason);
int meta_sqlite_changed_ex(sqlite3 *db, const struct meta_change *base,
                           const struct meta_object *o);
int meta_sqlite_repl_retry(struct meta_store *s, int64_t id, int64_t next_attempt_ms);
int meta_sqlite_repl_stats(struct meta_store *s, struct meta_repl_stats *out);
int meta_sqlite_remote_put(struct meta_store *s, const struct meta_remote *r);
int meta_sqlite_remote_get(struct meta_store *s, const char *name, struct meta_remote *out);
int meta_sqlite_remote_delete(struct meta_store *s, const char *name);
int meta_sqlite_remote_list(struct meta_store *s, meta_remote_cb *cb, void *payload);
#endif
