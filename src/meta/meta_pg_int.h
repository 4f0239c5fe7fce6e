/* meta_pg_int.h — private to the PostgreSQL backend's files (meta_pg*.c): the connection
 * and statement helpers of meta_pg.c, the row helpers that cross files, and the operations
 * each file implements for the ops table in meta_pg.c. Nothing outside src/meta/ includes
 * it. */
#ifndef STOCKTAKE_META_PG_INT_H
#define STOCKTAKE_META_PG_INT_H

#include <pthread.h>

#include "meta/meta_backend.h"
#include "meta/meta_pg_stmt.h"

struct pg_store {
    struct meta_store base;
    char *conninfo; /* the libpq URI or key=value string */
    int busy_timeout_ms;
    pthread_key_t conn_key;
    pthread_key_t side_key; /* a second connection, outside the thread's transaction */
};

/* Rows an inventory scan's cursor FETCHes at a time */
#define META_PG_FETCH_ROWS 1000

/* How many times a write transaction runs before a serialization failure or deadlock that
 * keeps coming back is ERR_BUSY (S3's 503 SlowDown). */
#define META_PG_TXN_TRIES 10
/* How many of those tries a unique violation is given (it may be two transactions inserting one
 * row; SSI does not always report that as a serialization failure) */
#define META_PG_UNIQUE_TRIES 3

/* Run the transaction body expr (an int expression using db) in a write transaction on s's
 * connection, committing when it returns 0: again, after a pause, when the transaction failed
 * on a serialization failure or deadlock, at most META_PG_TXN_TRIES times. rc gets the result.
 * expr must be safe to run again (it starts from the database, not from its own effects). */
#define META_PG_TXN(s, db, rc, expr)                                                               \
    do {                                                                                           \
        for (int pg_try_ = 0;; pg_try_++) {                                                        \
            (rc) = meta_pg_begin((s), &(db));                                                      \
            if (!(rc))                                                                             \
                (rc) = meta_pg_commit_or_rollback((db), (expr));                                   \
            if (!(rc) || !meta_pg_txn_again((s), (rc), pg_try_))                                   \
                break;                                                                             \
        }                                                                                          \
    } while (0)

/* Row callbacks of meta_pg_query: one result into out (found set), or each to cb. */
struct pgm_one {
    void *out;
    int found;
};

struct pgm_cb {
    void *cb;
    void *payload;
};

/* Run a SELECT with up to one text parameter, handing each row to row_fn. */
typedef int meta_pg_row_fn(pgx_stmt *stmt, void *ctx);

/* The report's columns come first (see meta_pg_inventory_row), then the rest. */
#define PGX_INVENTORY_COLS                                                                         \
    "key, version_id, is_latest, is_delete_marker, size, last_modified_ms, etag,"                  \
    " storage_class, owner_id, multipart, checksum_algorithm, id, acl, lock_mode, lock_until_ms,"  \
    " legal_hold, sse, tier"
#define PGX_OBJECT_COLS                                                                            \
    PGX_INVENTORY_COLS ", headers, blob_id, checksum_value, checksum_type, parts, tags,"           \
                       " last_access_ms, restore, replication_status"
/* The number of PGX_OBJECT_COLS (a query's next column is at this index) */
#define PGX_OBJECT_NCOLS 27
/* meta_pg_dead_add appends ON CONFLICT DO NOTHING */
#define PGX_DEAD_INSERT "INSERT INTO dead_blobs(blob_id, dead_ms) SELECT blob_id, ?4 "

/* ---- meta_pg.c: connections, statements, transactions ---- */
/* The ERR_* code of db's last failure (ERR_BUSY for a serialization failure, deadlock or lock
 * timeout, else ERR_BACKEND); err_msg() names what failed. */
int meta_pg_fail(pgx *db, const char *what);
/* After a transaction of META_PG_TXN failed with rc on try number attempt (0-based): should
 * it run again? (a serialization failure or deadlock, tries left; pauses first) */
int meta_pg_txn_again(struct meta_store *s, int rc, int attempt);
/* This thread's connection with a read-only REPEATABLE READ transaction open: one snapshot
 * for a scan (end it with meta_pg_commit_or_rollback). */
int meta_pg_begin_snapshot(struct meta_store *s, pgx **out) WARN_UNUSED;
/* meta_pg_buckets.c: inside the open transaction, the bucket's configuration document of
 * kind ("notification", "replication", …) with the bucket's owner and region. *doc (the
 * caller frees it) is NULL when the bucket has none. */
int meta_pg_bucket_config_in_tx(pgx *db, const char *bucket, const char *kind, char **doc,
                                char owner[16], char region[64]);
/* This thread's connection (opened on first use). */
int meta_pg_connect(struct pg_store *st, pgx **out) WARN_UNUSED;
/* This thread's second connection, for a write the scan in the first one's snapshot must
 * not hold back (run progress). */
int meta_pg_connect_side(struct pg_store *st, pgx **out) WARN_UNUSED;
/* A prepared statement on this thread's connection. */
int meta_pg_prepare(struct meta_store *s, const char *sql, pgx **out_db,
                    pgx_stmt **out) WARN_UNUSED;
/* This thread's connection with a write transaction open (SERIALIZABLE). */
int meta_pg_begin(struct meta_store *s, pgx **out) WARN_UNUSED;
/* COMMIT when rc is 0, else ROLLBACK; returns rc or the commit's error. */
int meta_pg_commit_or_rollback(pgx *db, int rc) WARN_UNUSED;
/* Step a statement that returns no rows and finalize it; PGX_CONSTRAINT is ERR_EXISTS. */
int meta_pg_step_done(pgx *db, pgx_stmt *stmt) WARN_UNUSED;
/* Column col as a string into dst (cut to size - 1). */
void meta_pg_copy(char *dst, size_t size, pgx_stmt *stmt, int col);
/* Column col as a new string (xstrndup). */
char *meta_pg_dup(pgx_stmt *stmt, int col);
/* One statement binding bucket, key and (when not NULL) version_id as ?1..?3. */
int meta_pg_run(pgx *db, const char *sql, const char *bucket, const char *key,
                const char *version_id) WARN_UNUSED;
int meta_pg_query(struct meta_store *s, const char *sql, const char *param, meta_pg_row_fn *row_fn,
                  void *ctx) WARN_UNUSED;

/* ---- meta_pg_accounts.c ---- */
int meta_pg_account_create(struct meta_store *s, const struct meta_account *a);
int meta_pg_account_get(struct meta_store *s, const char *id, struct meta_account *out);
int meta_pg_account_list(struct meta_store *s, meta_account_cb *cb, void *payload);
int meta_pg_key_create(struct meta_store *s, const struct meta_access_key *k);
int meta_pg_key_get(struct meta_store *s, const char *access_key, struct meta_access_key *out);
int meta_pg_key_list(struct meta_store *s, meta_key_cb *cb, void *payload);

/* ---- meta_pg_buckets.c ---- */
int meta_pg_bucket_create(struct meta_store *s, const struct meta_bucket *b);
int meta_pg_bucket_get(struct meta_store *s, const char *name, struct meta_bucket *out);
int meta_pg_bucket_delete(struct meta_store *s, const char *name);
int meta_pg_bucket_list(struct meta_store *s, const char *owner_id, meta_bucket_cb *cb,
                        void *payload);
int meta_pg_bucket_set_versioning(struct meta_store *s, const char *name, enum meta_versioning v);
int meta_pg_bucket_config_put(struct meta_store *s, const char *bucket, enum meta_config_kind kind,
                              const char *doc);
int meta_pg_bucket_config_get(struct meta_store *s, const char *bucket, enum meta_config_kind kind,
                              char **out_doc);
int meta_pg_bucket_config_delete(struct meta_store *s, const char *bucket,
                                 enum meta_config_kind kind);

/* ---- meta_pg_objects.c ---- */
/* The leading PGX_INVENTORY_COLS of a row; key and acl borrowed from the statement. */
void meta_pg_inventory_row(pgx_stmt *stmt, struct meta_object *o);
/* Record the blobs sql selects as dead, in the open transaction. */
int meta_pg_dead_add(pgx *db, const char *sql, const char *a, const char *b, const char *c);
/* One object row: the version_id one, or the latest when version_id is NULL. */
int meta_pg_object_select(pgx *db, const char *bucket, const char *key, const char *version_id,
                          struct meta_object *out);
/* Put o as the latest version of its key, in the open transaction. */
int meta_pg_object_put_txn(pgx *db, const char *bucket, const struct meta_object *o);
int meta_pg_object_put(struct meta_store *s, const char *bucket, const struct meta_object *o);
int meta_pg_object_get(struct meta_store *s, const char *bucket, const char *key,
                       const char *version_id, struct meta_object *out);
int meta_pg_object_delete_version(struct meta_store *s, const char *bucket, const char *key,
                                  const char *version_id, const char *expect_blob,
                                  meta_object_guard *guard, void *arg, struct meta_object *out);
int meta_pg_object_set_acl(struct meta_store *s, const char *bucket, const char *key,
                           const char *version_id, const char *acl);
int meta_pg_object_set_tags(struct meta_store *s, const char *bucket, const char *key,
                            const char *version_id, const char *tags);
int meta_pg_object_scan(struct meta_store *s, const char *bucket, const char *prefix,
                        const char *start, int start_inclusive, size_t limit, meta_object_cb *cb,
                        void *payload);
int meta_pg_version_scan(struct meta_store *s, const char *bucket, const char *prefix,
                         const char *key_marker, int64_t seq_marker, size_t limit,
                         meta_object_cb *cb, void *payload);
int meta_pg_object_commit(struct meta_store *s, struct meta_commit *c);
int meta_pg_upload_completed(struct meta_store *s, const char *bucket, const char *upload_id,
                             char *out_version_id, size_t size);
int meta_pg_dead_blob_scan(struct meta_store *s, int64_t dead_before_ms, size_t limit,
                           meta_dead_blob_cb *cb, void *payload);
int meta_pg_dead_blob_forget(struct meta_store *s, const char *blob_id);
int meta_pg_blob_referenced(struct meta_store *s, const char *blob_id, int *out);

/* ---- meta_pg_lock.c: Object Lock fields of a version ---- */
int meta_pg_object_set_lock(struct meta_store *s, const char *bucket, const char *key,
                            const char *version_id, int what, const struct meta_object *lock,
                            meta_object_guard *guard, void *arg, struct meta_object *out);

/* ---- meta_pg_tiering.c: tier, last access and restore of a version ---- */
int meta_pg_object_set_tiering(struct meta_store *s, const char *bucket, const char *key,
                               const char *version_id, const struct meta_tiering *t,
                               meta_object_guard *guard, void *arg);

/* ---- meta_pg_uploads.c ---- */
/* Delete an upload and its parts (their blobs become dead), in the open transaction. */
int meta_pg_upload_delete_txn(pgx *db, const char *bucket, const char *upload_id);
int meta_pg_upload_create(struct meta_store *s, const struct meta_upload *u);
int meta_pg_upload_get(struct meta_store *s, const char *bucket, const char *upload_id,
                       struct meta_upload *out);
int meta_pg_upload_delete(struct meta_store *s, const char *bucket, const char *upload_id);
int meta_pg_upload_scan(struct meta_store *s, const char *bucket, const char *prefix,
                        const char *key_marker, const char *upload_id_marker,
                        int64_t initiated_before, size_t limit, meta_upload_cb *cb, void *payload);
int meta_pg_part_put(struct meta_store *s, const char *upload_id, const struct meta_part *p);
int meta_pg_part_scan(struct meta_store *s, const char *upload_id, int after_number, size_t limit,
                      meta_part_cb *cb, void *payload);

/* ---- meta_pg_inventory.c ---- */
int meta_pg_inventory_put(struct meta_store *s, const char *bucket, const char *id,
                          const char *config, size_t max_configs);
int meta_pg_inventory_get(struct meta_store *s, const char *bucket, const char *id,
                          char **out_config);
int meta_pg_inventory_delete(struct meta_store *s, const char *bucket, const char *id);
int meta_pg_inventory_list(struct meta_store *s, const char *bucket, const char *from_id,
                           size_t limit, meta_inventory_cb *cb, void *payload);
int meta_pg_inventory_scan(struct meta_store *s, const char *bucket, const char *prefix,
                           int all_versions, meta_object_cb *cb, void *payload);
int meta_pg_inventory_run_begin(struct meta_store *s, struct meta_inventory_run *run);
int meta_pg_inventory_run_cancel(struct meta_store *s, const char *bucket, const char *config_id);
int meta_pg_inventory_run_progress(struct meta_store *s, int64_t run_id, int64_t rows,
                                   int *cancelled);
int meta_pg_inventory_run_finish(struct meta_store *s, const struct meta_inventory_run *run);
int meta_pg_inventory_run_list(struct meta_store *s, const char *bucket, const char *config_id,
                               size_t limit, meta_inventory_run_cb *cb, void *payload);

/* ---- meta_pg_lease.c: inventory run leases and run objects ---- */
int meta_pg_lease_take(struct meta_store *s, const struct meta_inventory_lease *lease,
                       const char *expect_token);
int meta_pg_lease_get(struct meta_store *s, const char *bucket, const char *config_id,
                      struct meta_inventory_lease *out);
int meta_pg_lease_renew(struct meta_store *s, const struct meta_inventory_lease *lease);
int meta_pg_live_run_start(struct meta_store *s, int64_t now_ms, int64_t *out_ms);
int meta_pg_lease_release(struct meta_store *s, const char *bucket, const char *config_id,
                          const char *token);
int meta_pg_run_object_add(struct meta_store *s, const char *bucket, const char *config_id,
                           const struct meta_inventory_run_object *o);
int meta_pg_run_object_list(struct meta_store *s, const char *bucket, const char *config_id,
                            meta_inventory_run_object_cb *cb, void *payload);
int meta_pg_run_object_clear(struct meta_store *s, int64_t run_id);

/* ---- meta_pg_lifecycle.c: transitions and lifecycle counts ---- */
int meta_pg_object_set_storage_class(struct meta_store *s, const char *bucket, const char *key,
                                     const char *version_id, const char *expect_blob,
                                     const char *storage_class);
int meta_pg_lifecycle_stat_add(struct meta_store *s, const char *bucket, const char *action,
                               int64_t count, int64_t now_ms);
int meta_pg_lifecycle_stat_list(struct meta_store *s, const char *bucket,
                                meta_lifecycle_stat_cb *cb, void *payload);

/* ---- meta_pg_sse.c ---- */
int meta_pg_sse_rewrite(struct meta_store *s, meta_sse_rewrite_fn *fn, void *ctx, long *changed);

/* ---- meta_pg_kms.c: the key service's keys, key material and aliases (v11) ---- */
int meta_pg_kms_key_create(struct meta_store *s, const struct meta_kms_key *k, const char *wrapped);
int meta_pg_kms_key_get(struct meta_store *s, const char *key_id, struct meta_kms_key *out);
int meta_pg_kms_key_update(struct meta_store *s, const struct meta_kms_key *k);
int meta_pg_kms_key_list(struct meta_store *s, const char *account, meta_kms_key_cb *cb,
                         void *payload);
int meta_pg_kms_material_add(struct meta_store *s, const char *key_id, uint32_t version,
                             const char *wrapped, int64_t now_ms);
int meta_pg_kms_material_get(struct meta_store *s, const char *key_id, uint32_t version,
                             char **out_wrapped);
int meta_pg_kms_alias_create(struct meta_store *s, const struct meta_kms_alias *a);
int meta_pg_kms_alias_get(struct meta_store *s, const char *account, const char *alias,
                          struct meta_kms_alias *out);
int meta_pg_kms_alias_set_key(struct meta_store *s, const struct meta_kms_alias *a);
int meta_pg_kms_alias_delete(struct meta_store *s, const char *account, const char *alias);
int meta_pg_kms_alias_list(struct meta_store *s, const char *account, const char *key_id,
                           meta_kms_alias_cb *cb, void *payload);
/* ---- meta_pg_journal.c: the change journal of inventory change reports (v14) ---- */
/* After a configuration of bucket was put or deleted, in its transaction: the bucket is
 * journaled while it has a Changes configuration (its entries go when it stops). */
int meta_pg_journal_sources(pgx *db, const char *bucket) WARN_UNUSED;
/* Before a version changes, in the change's transaction, when bucket is journaled: an entry
 * with the version's row as it is (none: existed 0). The version is row_id's (> 0), else
 * key's version_id, else key's latest. kind names the change (informative). */
int meta_pg_journal_note(pgx *db, const char *bucket, const char *key, const char *version_id,
                         int64_t row_id, const char *kind) WARN_UNUSED;
int meta_pg_inventory_changes(struct meta_store *s, const char *bucket, const char *config_id,
                              const char *prefix, int all_versions, meta_object_cb *full_cb,
                              meta_inventory_key_cb *key_cb, void *payload,
                              struct meta_inventory_changes_pos *pos);
int meta_pg_journal_prune(struct meta_store *s, const char *bucket, int64_t now_ms,
                          int64_t max_entries);
/* A whole object row of PGX_OBJECT_COLS, owned by the caller (meta_object_dispose). */
void meta_pg_object_row(pgx_stmt *stmt, struct meta_object *o);
/* The inventory scan inside the caller's read transaction. */
int meta_pg_inventory_scan_txn(pgx *db, const char *bucket, const char *prefix, int all_versions,
                               meta_object_cb *cb, void *payload);
/* ---- meta_pg_notify.c: targets, the outbox (v13) ---- */
/* A change of a version in the open transaction: the change hook's events for it, with the
 * bucket's notification configuration (nothing without a hook or a configuration). */
int meta_pg_changed(pgx *db, enum meta_change_kind kind, const char *bucket,
                    const struct meta_object *o) WARN_UNUSED;
int meta_pg_notify_target_put(struct meta_store *s, const struct meta_notify_target *t);
int meta_pg_notify_target_get(struct meta_store *s, const char *arn,
                              struct meta_notify_target *out);
int meta_pg_notify_target_delete(struct meta_store *s, const char *arn);
int meta_pg_notify_target_list(struct meta_store *s, meta_notify_target_cb *cb, void *payload);
int meta_pg_notify_enqueue(struct meta_store *s, const char *bucket, const char *key,
                           const char *target, const char *event_json);
int meta_pg_notify_due(struct meta_store *s, int64_t now_ms, size_t limit, meta_notify_event_cb *cb,
                       void *payload);
int meta_pg_notify_delivered(struct meta_store *s, int64_t id);
int meta_pg_notify_retry(struct meta_store *s, int64_t id, int64_t next_attempt_ms);
int meta_pg_notify_pending(struct meta_store *s, int64_t *out);

/* ---- meta_pg_repl.c: the replication queue ---- */
/* Ask the replication hook about a change, inside its transaction (meta_pg_changed). */
int meta_pg_repl_changed(pgx *db, enum meta_change_kind kind, const char *bucket,
                         const struct meta_object *o);
int meta_pg_repl_due(struct meta_store *s, int64_t now_ms, size_t limit, meta_repl_task_cb *cb,
                     void *payload);
int meta_pg_repl_finish(struct meta_store *s, int64_t id, const char *status, const char *reason);
int meta_pg_changed_ex(pgx *db, const struct meta_change *base, const struct meta_object *o);
int meta_pg_repl_retry(struct meta_store *s, int64_t id, int64_t next_attempt_ms);
int meta_pg_repl_stats(struct meta_store *s, struct meta_repl_stats *out);
int meta_pg_remote_put(struct meta_store *s, const struct meta_remote *r);
int meta_pg_remote_get(struct meta_store *s, const char *name, struct meta_remote *out);
int meta_pg_remote_delete(struct meta_store *s, const char *name);
int meta_pg_remote_list(struct meta_store *s, meta_remote_cb *cb, void *payload);
#endif
