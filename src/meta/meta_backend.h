/* meta_backend.h — for metadata backend implementers only; callers include meta.h.
 *
 * A backend fills one const struct meta_backend_ops. Its store struct embeds struct meta_store
 * as its first member and casts back. Only meta.c calls through the table. */
#ifndef STOCKTAKE_META_BACKEND_H
#define STOCKTAKE_META_BACKEND_H

#include "meta/meta.h"

#define META_BACKEND_VERSION 1

struct meta_backend_ops;

struct meta_store {
    const struct meta_backend_ops *ops;
};

struct meta_backend_ops {
    int version;
    const char *name;
    int (*open)(struct meta_store **out, const struct meta_config *cfg);
    void (*close)(struct meta_store *s);
    int (*account_create)(struct meta_store *s, const struct meta_account *a);
    int (*account_get)(struct meta_store *s, const char *id, struct meta_account *out);
    int (*account_list)(struct meta_store *s, meta_account_cb *cb, void *payload);
    int (*key_create)(struct meta_store *s, const struct meta_access_key *k);
    int (*key_get)(struct meta_store *s, const char *access_key, struct meta_access_key *out);
    int (*key_list)(struct meta_store *s, meta_key_cb *cb, void *payload);
    int (*bucket_create)(struct meta_store *s, const struct meta_bucket *b);
    int (*bucket_get)(struct meta_store *s, const char *name, struct meta_bucket *out);
    int (*bucket_delete)(struct meta_store *s, const char *name);
    int (*bucket_set_versioning)(struct meta_store *s, const char *name, enum meta_versioning v);
    int (*bucket_list)(struct meta_store *s, const char *owner_id, meta_bucket_cb *cb,
                       void *payload);
    int (*object_put)(struct meta_store *s, const char *bucket, const struct meta_object *o);
    int (*object_get)(struct meta_store *s, const char *bucket, const char *key,
                      const char *version_id, struct meta_object *out);
    int (*object_delete_version)(struct meta_store *s, const char *bucket, const char *key,
                                 const char *version_id, const char *expect_blob,
                                 meta_object_guard *guard, void *arg, struct meta_object *out);
    int (*object_set_acl)(struct meta_store *s, const char *bucket, const char *key,
                          const char *version_id, const char *acl);
    int (*object_set_tags)(struct meta_store *s, const char *bucket, const char *key,
                           const char *version_id, const char *tags);
    /* Object Lock */
    int (*object_set_lock)(struct meta_store *s, const char *bucket, const char *key,
                           const char *version_id, int what, const struct meta_object *lock,
                           meta_object_guard *guard, void *arg, struct meta_object *out);
    /* Intelligent-Tiering and restores */
    int (*object_set_tiering)(struct meta_store *s, const char *bucket, const char *key,
                              const char *version_id, const struct meta_tiering *t,
                              meta_object_guard *guard, void *arg);
    int (*object_scan)(struct meta_store *s, const char *bucket, const char *prefix,
                       const char *start, int start_inclusive, size_t limit, meta_object_cb *cb,
                       void *payload);
    int (*version_scan)(struct meta_store *s, const char *bucket, const char *prefix,
                        const char *key_marker, int64_t seq_marker, size_t limit,
                        meta_object_cb *cb, void *payload);
    int (*inventory_put)(struct meta_store *s, const char *bucket, const char *id,
                         const char *config, size_t max_configs);
    int (*inventory_get)(struct meta_store *s, const char *bucket, const char *id,
                         char **out_config);
    int (*inventory_delete)(struct meta_store *s, const char *bucket, const char *id);
    int (*inventory_list)(struct meta_store *s, const char *bucket, const char *from_id,
                          size_t limit, meta_inventory_cb *cb, void *payload);
    int (*inventory_scan)(struct meta_store *s, const char *bucket, const char *prefix,
                          int all_versions, meta_object_cb *cb, void *payload);
    int (*inventory_changes)(struct meta_store *s, const char *bucket, const char *config_id,
                             const char *prefix, int all_versions, meta_object_cb *full_cb,
                             meta_inventory_key_cb *key_cb, void *payload,
                             struct meta_inventory_changes_pos *pos);
    int (*inventory_journal_prune)(struct meta_store *s, const char *bucket, int64_t now_ms,
                                   int64_t max_entries);
    int (*inventory_run_begin)(struct meta_store *s, struct meta_inventory_run *run);
    int (*inventory_run_finish)(struct meta_store *s, const struct meta_inventory_run *run);
    int (*inventory_run_cancel)(struct meta_store *s, const char *bucket, const char *config_id);
    int (*inventory_run_progress)(struct meta_store *s, int64_t run_id, int64_t rows,
                                  int *cancelled);
    int (*inventory_run_list)(struct meta_store *s, const char *bucket, const char *config_id,
                              size_t limit, meta_inventory_run_cb *cb, void *payload);
    int (*upload_create)(struct meta_store *s, const struct meta_upload *u);
    int (*upload_get)(struct meta_store *s, const char *bucket, const char *upload_id,
                      struct meta_upload *out);
    int (*upload_delete)(struct meta_store *s, const char *bucket, const char *upload_id);
    int (*upload_scan)(struct meta_store *s, const char *bucket, const char *prefix,
                       const char *key_marker, const char *upload_id_marker,
                       int64_t initiated_before, size_t limit, meta_upload_cb *cb, void *payload);
    int (*part_put)(struct meta_store *s, const char *upload_id, const struct meta_part *p);
    int (*part_scan)(struct meta_store *s, const char *upload_id, int after_number, size_t limit,
                     meta_part_cb *cb, void *payload);
    /* inventory run leases and run objects (issue 9) */
    int (*inventory_lease_take)(struct meta_store *s, const struct meta_inventory_lease *lease,
                                const char *expect_token);
    int (*inventory_lease_get)(struct meta_store *s, const char *bucket, const char *config_id,
                               struct meta_inventory_lease *out);
    int (*inventory_lease_renew)(struct meta_store *s, const struct meta_inventory_lease *lease);
    int (*inventory_lease_release)(struct meta_store *s, const char *bucket, const char *config_id,
                                   const char *token);
    int (*inventory_live_run_start)(struct meta_store *s, int64_t now_ms, int64_t *out_ms);
    int (*inventory_run_object_add)(struct meta_store *s, const char *bucket, const char *config_id,
                                    const struct meta_inventory_run_object *o);
    int (*inventory_run_object_list)(struct meta_store *s, const char *bucket,
                                     const char *config_id, meta_inventory_run_object_cb *cb,
                                     void *payload);
    int (*inventory_run_object_clear)(struct meta_store *s, int64_t run_id);
    /* bucket configuration documents: kind and doc already checked by meta.c */
    int (*bucket_config_put)(struct meta_store *s, const char *bucket, enum meta_config_kind kind,
                             const char *doc);
    int (*bucket_config_get)(struct meta_store *s, const char *bucket, enum meta_config_kind kind,
                             char **out_doc);
    int (*bucket_config_delete)(struct meta_store *s, const char *bucket,
                                enum meta_config_kind kind);
    /* the object layer's commit and dead blobs */
    int (*object_commit)(struct meta_store *s, struct meta_commit *c);
    int (*upload_completed)(struct meta_store *s, const char *bucket, const char *upload_id,
                            char *out_version_id, size_t size);
    int (*dead_blob_scan)(struct meta_store *s, int64_t dead_before_ms, size_t limit,
                          meta_dead_blob_cb *cb, void *payload);
    int (*dead_blob_forget)(struct meta_store *s, const char *blob_id);
    int (*blob_referenced)(struct meta_store *s, const char *blob_id, int *out);
    /* lifecycle (issue 12) */
    int (*object_set_storage_class)(struct meta_store *s, const char *bucket, const char *key,
                                    const char *version_id, const char *expect_blob,
                                    const char *storage_class);
    int (*lifecycle_stat_add)(struct meta_store *s, const char *bucket, const char *action,
                              int64_t count, int64_t now_ms);
    int (*lifecycle_stat_list)(struct meta_store *s, const char *bucket, meta_lifecycle_stat_cb *cb,
                               void *payload);
    /* encryption at rest (issue 11) */
    int (*sse_rewrite)(struct meta_store *s, meta_sse_rewrite_fn *fn, void *ctx, long *changed);
    /* the key service (issue 11, src/kms/) */
    int (*kms_key_create)(struct meta_store *s, const struct meta_kms_key *k, const char *wrapped);
    int (*kms_key_get)(struct meta_store *s, const char *key_id, struct meta_kms_key *out);
    int (*kms_key_update)(struct meta_store *s, const struct meta_kms_key *k);
    int (*kms_key_list)(struct meta_store *s, const char *account, meta_kms_key_cb *cb,
                        void *payload);
    int (*kms_material_add)(struct meta_store *s, const char *key_id, uint32_t version,
                            const char *wrapped, int64_t now_ms);
    int (*kms_material_get)(struct meta_store *s, const char *key_id, uint32_t version,
                            char **out_wrapped);
    int (*kms_alias_create)(struct meta_store *s, const struct meta_kms_alias *a);
    int (*kms_alias_get)(struct meta_store *s, const char *account, const char *alias,
                         struct meta_kms_alias *out);
    int (*kms_alias_set_key)(struct meta_store *s, const struct meta_kms_alias *a);
    int (*kms_alias_delete)(struct meta_store *s, const char *account, const char *alias);
    int (*kms_alias_list)(struct meta_store *s, const char *account, const char *key_id,
                          meta_kms_alias_cb *cb, void *payload);
    /* event notifications (issue 13) */
    int (*notify_target_put)(struct meta_store *s, const struct meta_notify_target *t);
    int (*notify_target_get)(struct meta_store *s, const char *arn, struct meta_notify_target *out);
    int (*notify_target_delete)(struct meta_store *s, const char *arn);
    int (*notify_target_list)(struct meta_store *s, meta_notify_target_cb *cb, void *payload);
    int (*notify_enqueue)(struct meta_store *s, const char *bucket, const char *key,
                          const char *target, const char *event_json);
    int (*notify_due)(struct meta_store *s, int64_t now_ms, size_t limit, meta_notify_event_cb *cb,
                      void *payload);
    int (*notify_delivered)(struct meta_store *s, int64_t id);
    int (*notify_retry)(struct meta_store *s, int64_t id, int64_t next_attempt_ms);
    int (*notify_pending)(struct meta_store *s, int64_t *out);
    /* replication (issue 13) */
    int (*repl_due)(struct meta_store *s, int64_t now_ms, size_t limit, meta_repl_task_cb *cb,
                    void *payload);
    int (*repl_finish)(struct meta_store *s, int64_t id, const char *status, const char *reason);
    int (*repl_retry)(struct meta_store *s, int64_t id, int64_t next_attempt_ms);
    int (*repl_stats)(struct meta_store *s, struct meta_repl_stats *out);
    int (*remote_put)(struct meta_store *s, const struct meta_remote *r);
    int (*remote_get)(struct meta_store *s, const char *name, struct meta_remote *out);
    int (*remote_delete)(struct meta_store *s, const char *name);
    int (*remote_list)(struct meta_store *s, meta_remote_cb *cb, void *payload);
};

extern const struct meta_backend_ops meta_sqlite_ops;
extern const struct meta_backend_ops meta_pg_ops;

#endif
