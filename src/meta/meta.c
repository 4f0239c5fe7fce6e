/* meta.c — backend registry and the thin dispatchers: the only code that calls through the
 * backend table (see meta_backend.h). */
#include "meta/meta_backend.h"

#include <stdlib.h>
#include <string.h>

static const struct meta_backend_ops *const meta_backends[] = {&meta_sqlite_ops, &meta_pg_ops};

int meta_config_init(struct meta_config *cfg, const char *meta, const char *data_dir,
                     int busy_timeout_ms)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->backend = "sqlite";
    cfg->data_dir = data_dir;
    cfg->busy_timeout_ms = busy_timeout_ms;
    if (!meta || !*meta || strcmp(meta, "sqlite") == 0)
        return 0;
    if (strncmp(meta, "postgres://", 11) == 0 || strncmp(meta, "postgresql://", 13) == 0 ||
        strchr(meta, '=')) {
        cfg->backend = "postgres";
        cfg->conninfo = meta;
        return 0;
    }
    err_set("--meta: '%s' is neither sqlite nor a PostgreSQL URI (postgres://…)", meta);
    return ERR_INVALID;
}

void meta_object_dispose(struct meta_object *o)
{
    free(o->key);
    free(o->headers);
    free(o->checksum_value);
    free(o->parts);
    free(o->acl);
    free(o->tags);
    free(o->sse);
    free(o->restore);
    o->key = o->headers = o->checksum_value = o->parts = o->acl = o->tags = NULL;
    o->sse = o->restore = NULL;
}

void meta_upload_dispose(struct meta_upload *u)
{
    free(u->key);
    free(u->headers);
    free(u->acl);
    free(u->tags);
    free(u->sse);
    u->key = u->headers = u->acl = u->tags = u->sse = NULL;
}

int meta_open(struct meta_store **out, const struct meta_config *cfg)
{
    const char *name = cfg->backend ? cfg->backend : "sqlite";
    for (size_t i = 0; i < sizeof(meta_backends) / sizeof(meta_backends[0]); i++) {
        if (strcmp(meta_backends[i]->name, name) == 0)
            return meta_backends[i]->open(out, cfg);
    }
    err_set("unknown metadata backend '%s'", name);
    return ERR_INVALID;
}

void meta_close(struct meta_store *s)
{
    if (s)
        s->ops->close(s);
}

int meta_account_create(struct meta_store *s, const struct meta_account *a)
{
    return s->ops->account_create(s, a);
}

int meta_account_get(struct meta_store *s, const char *id, struct meta_account *out)
{
    return s->ops->account_get(s, id, out);
}

int meta_account_list(struct meta_store *s, meta_account_cb *cb, void *payload)
{
    return s->ops->account_list(s, cb, payload);
}

int meta_key_create(struct meta_store *s, const struct meta_access_key *k)
{
    return s->ops->key_create(s, k);
}

int meta_key_get(struct meta_store *s, const char *access_key, struct meta_access_key *out)
{
    return s->ops->key_get(s, access_key, out);
}

int meta_key_list(struct meta_store *s, meta_key_cb *cb, void *payload)
{
    return s->ops->key_list(s, cb, payload);
}

int meta_bucket_create(struct meta_store *s, const struct meta_bucket *b)
{
    return s->ops->bucket_create(s, b);
}

int meta_bucket_get(struct meta_store *s, const char *name, struct meta_bucket *out)
{
    return s->ops->bucket_get(s, name, out);
}

int meta_bucket_delete(struct meta_store *s, const char *name)
{
    return s->ops->bucket_delete(s, name);
}

int meta_bucket_list(struct meta_store *s, const char *owner_id, meta_bucket_cb *cb, void *payload)
{
    return s->ops->bucket_list(s, owner_id, cb, payload);
}

int meta_object_put(struct meta_store *s, const char *bucket, const struct meta_object *o)
{
    return s->ops->object_put(s, bucket, o);
}

int meta_object_get(struct meta_store *s, const char *bucket, const char *key,
                    const char *version_id, struct meta_object *out)
{
    return s->ops->object_get(s, bucket, key, version_id, out);
}

int meta_object_set_acl(struct meta_store *s, const char *bucket, const char *key,
                        const char *version_id, const char *acl)
{
    return s->ops->object_set_acl(s, bucket, key, version_id, acl);
}

int meta_object_set_tags(struct meta_store *s, const char *bucket, const char *key,
                         const char *version_id, const char *tags)
{
    return s->ops->object_set_tags(s, bucket, key, version_id, tags);
}

int meta_object_delete_version(struct meta_store *s, const char *bucket, const char *key,
                               const char *version_id, const char *expect_blob,
                               struct meta_object *out)
{
    return s->ops->object_delete_version(s, bucket, key, version_id, expect_blob, NULL, NULL, out);
}

int meta_object_delete_version_if(struct meta_store *s, const char *bucket, const char *key,
                                  const char *version_id, const char *expect_blob,
                                  meta_object_guard *guard, void *arg, struct meta_object *out)
{
    return s->ops->object_delete_version(s, bucket, key, version_id, expect_blob, guard, arg, out);
}

int meta_object_set_tiering(struct meta_store *s, const char *bucket, const char *key,
                            const char *version_id, const struct meta_tiering *t,
                            meta_object_guard *guard, void *arg)
{
    return s->ops->object_set_tiering(s, bucket, key, version_id, t, guard, arg);
}

int meta_object_set_lock(struct meta_store *s, const char *bucket, const char *key,
                         const char *version_id, int what, const struct meta_object *lock,
                         meta_object_guard *guard, void *arg, struct meta_object *out)
{
    return s->ops->object_set_lock(s, bucket, key, version_id, what, lock, guard, arg, out);
}

int meta_bucket_set_versioning(struct meta_store *s, const char *name, enum meta_versioning v)
{
    return s->ops->bucket_set_versioning(s, name, v);
}

int meta_version_scan(struct meta_store *s, const char *bucket, const char *prefix,
                      const char *key_marker, int64_t seq_marker, size_t limit, meta_object_cb *cb,
                      void *payload)
{
    return s->ops->version_scan(s, bucket, prefix, key_marker, seq_marker, limit, cb, payload);
}

int meta_upload_create(struct meta_store *s, const struct meta_upload *u)
{
    return s->ops->upload_create(s, u);
}

int meta_upload_get(struct meta_store *s, const char *bucket, const char *upload_id,
                    struct meta_upload *out)
{
    return s->ops->upload_get(s, bucket, upload_id, out);
}

int meta_upload_delete(struct meta_store *s, const char *bucket, const char *upload_id)
{
    return s->ops->upload_delete(s, bucket, upload_id);
}

int meta_upload_scan(struct meta_store *s, const char *bucket, const char *prefix,
                     const char *key_marker, const char *upload_id_marker, int64_t initiated_before,
                     size_t limit, meta_upload_cb *cb, void *payload)
{
    return s->ops->upload_scan(s, bucket, prefix, key_marker, upload_id_marker, initiated_before,
                               limit, cb, payload);
}

int meta_part_put(struct meta_store *s, const char *upload_id, const struct meta_part *p)
{
    return s->ops->part_put(s, upload_id, p);
}

int meta_part_scan(struct meta_store *s, const char *upload_id, int after_number, size_t limit,
                   meta_part_cb *cb, void *payload)
{
    return s->ops->part_scan(s, upload_id, after_number, limit, cb, payload);
}

int meta_object_scan(struct meta_store *s, const char *bucket, const char *prefix,
                     const char *start, int start_inclusive, size_t limit, meta_object_cb *cb,
                     void *payload)
{
    return s->ops->object_scan(s, bucket, prefix, start, start_inclusive, limit, cb, payload);
}

int meta_inventory_put(struct meta_store *s, const char *bucket, const char *id, const char *config,
                       size_t max_configs)
{
    return s->ops->inventory_put(s, bucket, id, config, max_configs);
}

int meta_inventory_get(struct meta_store *s, const char *bucket, const char *id, char **out_config)
{
    return s->ops->inventory_get(s, bucket, id, out_config);
}

int meta_inventory_delete(struct meta_store *s, const char *bucket, const char *id)
{
    return s->ops->inventory_delete(s, bucket, id);
}

int meta_inventory_list(struct meta_store *s, const char *bucket, const char *from_id, size_t limit,
                        meta_inventory_cb *cb, void *payload)
{
    return s->ops->inventory_list(s, bucket, from_id, limit, cb, payload);
}

int meta_inventory_scan(struct meta_store *s, const char *bucket, const char *prefix,
                        int all_versions, meta_object_cb *cb, void *payload)
{
    return s->ops->inventory_scan(s, bucket, prefix, all_versions, cb, payload);
}

int meta_inventory_changes(struct meta_store *s, const char *bucket, const char *config_id,
                           const char *prefix, int all_versions, meta_object_cb *full_cb,
                           meta_inventory_key_cb *key_cb, void *payload,
                           struct meta_inventory_changes_pos *pos)
{
    return s->ops->inventory_changes(s, bucket, config_id, prefix, all_versions, full_cb, key_cb,
                                     payload, pos);
}

int meta_inventory_journal_prune(struct meta_store *s, const char *bucket, int64_t now_ms,
                                 int64_t max_entries)
{
    return s->ops->inventory_journal_prune(s, bucket, now_ms, max_entries);
}

int meta_inventory_run_begin(struct meta_store *s, struct meta_inventory_run *run)
{
    return s->ops->inventory_run_begin(s, run);
}

int meta_inventory_run_cancel(struct meta_store *s, const char *bucket, const char *config_id)
{
    return s->ops->inventory_run_cancel(s, bucket, config_id);
}

int meta_inventory_run_progress(struct meta_store *s, int64_t run_id, int64_t rows, int *cancelled)
{
    return s->ops->inventory_run_progress(s, run_id, rows, cancelled);
}

int meta_inventory_run_finish(struct meta_store *s, const struct meta_inventory_run *run)
{
    return s->ops->inventory_run_finish(s, run);
}

int meta_inventory_run_list(struct meta_store *s, const char *bucket, const char *config_id,
                            size_t limit, meta_inventory_run_cb *cb, void *payload)
{
    return s->ops->inventory_run_list(s, bucket, config_id, limit, cb, payload);
}

/* ---- inventory run leases and run objects ---- */

int meta_inventory_lease_take(struct meta_store *s, const struct meta_inventory_lease *lease,
                              const char *expect_token)
{
    return s->ops->inventory_lease_take(s, lease, expect_token);
}

int meta_inventory_lease_get(struct meta_store *s, const char *bucket, const char *config_id,
                             struct meta_inventory_lease *out)
{
    return s->ops->inventory_lease_get(s, bucket, config_id, out);
}

int meta_inventory_lease_renew(struct meta_store *s, const struct meta_inventory_lease *lease)
{
    return s->ops->inventory_lease_renew(s, lease);
}

int meta_inventory_lease_release(struct meta_store *s, const char *bucket, const char *config_id,
                                 const char *token)
{
    return s->ops->inventory_lease_release(s, bucket, config_id, token);
}

int meta_inventory_live_run_start(struct meta_store *s, int64_t now_ms, int64_t *out_ms)
{
    return s->ops->inventory_live_run_start(s, now_ms, out_ms);
}

int meta_inventory_run_object_add(struct meta_store *s, const char *bucket, const char *config_id,
                                  const struct meta_inventory_run_object *o)
{
    return s->ops->inventory_run_object_add(s, bucket, config_id, o);
}

int meta_inventory_run_object_list(struct meta_store *s, const char *bucket, const char *config_id,
                                   meta_inventory_run_object_cb *cb, void *payload)
{
    return s->ops->inventory_run_object_list(s, bucket, config_id, cb, payload);
}

int meta_inventory_run_object_clear(struct meta_store *s, int64_t run_id)
{
    return s->ops->inventory_run_object_clear(s, run_id);
}

/* ---- bucket configuration documents ---- */

static const char *const meta_config_kinds[META_CONFIG_KIND_COUNT] = {
    [META_CONFIG_POLICY] = "policy",
    [META_CONFIG_ACL] = "acl",
    [META_CONFIG_OWNERSHIP] = "ownership",
    [META_CONFIG_PUBLIC_ACCESS_BLOCK] = "public-access-block",
    [META_CONFIG_ENCRYPTION] = "encryption",
    [META_CONFIG_LIFECYCLE] = "lifecycle",
    [META_CONFIG_OBJECT_LOCK] = "object-lock",
    [META_CONFIG_TAGGING] = "tagging",
    [META_CONFIG_CORS] = "cors",
    [META_CONFIG_REPLICATION] = "replication",
    [META_CONFIG_NOTIFICATION] = "notification",
    [META_CONFIG_WEBSITE] = "website",
    [META_CONFIG_LOGGING] = "logging",
    [META_CONFIG_ACCELERATE] = "accelerate",
    [META_CONFIG_REQUEST_PAYMENT] = "request-payment",
    [META_CONFIG_INTELLIGENT_TIERING] = "intelligent-tiering",
};

const char *meta_config_kind_name(enum meta_config_kind kind)
{
    if ((int)kind < 0 || kind >= META_CONFIG_KIND_COUNT)
        return NULL;
    return meta_config_kinds[kind];
}

static int meta_config_kind_check(enum meta_config_kind kind)
{
    if (meta_config_kind_name(kind))
        return 0;
    err_set("unknown bucket configuration kind %d", (int)kind);
    return ERR_INVALID;
}

int meta_bucket_config_put(struct meta_store *s, const char *bucket, enum meta_config_kind kind,
                           const char *doc)
{
    int rc = meta_config_kind_check(kind);
    if (rc)
        return rc;
    if (strlen(doc) > META_CONFIG_DOC_MAX) {
        err_set("%s configuration over %d bytes", meta_config_kind_name(kind), META_CONFIG_DOC_MAX);
        return ERR_TOOBIG;
    }
    return s->ops->bucket_config_put(s, bucket, kind, doc);
}

int meta_bucket_config_get(struct meta_store *s, const char *bucket, enum meta_config_kind kind,
                           char **out_doc)
{
    int rc = meta_config_kind_check(kind);
    return rc ? rc : s->ops->bucket_config_get(s, bucket, kind, out_doc);
}

int meta_bucket_config_delete(struct meta_store *s, const char *bucket, enum meta_config_kind kind)
{
    int rc = meta_config_kind_check(kind);
    return rc ? rc : s->ops->bucket_config_delete(s, bucket, kind);
}

/* ---- object commit and dead blobs ---- */

int meta_object_commit(struct meta_store *s, struct meta_commit *c)
{
    c->failure = META_COMMIT_OK;
    return s->ops->object_commit(s, c);
}

int meta_upload_completed(struct meta_store *s, const char *bucket, const char *upload_id,
                          char *out_version_id, size_t size)
{
    return s->ops->upload_completed(s, bucket, upload_id, out_version_id, size);
}

int meta_dead_blob_scan(struct meta_store *s, int64_t dead_before_ms, size_t limit,
                        meta_dead_blob_cb *cb, void *payload)
{
    return s->ops->dead_blob_scan(s, dead_before_ms, limit, cb, payload);
}

int meta_dead_blob_forget(struct meta_store *s, const char *blob_id)
{
    return s->ops->dead_blob_forget(s, blob_id);
}

int meta_blob_referenced(struct meta_store *s, const char *blob_id, int *out)
{
    return s->ops->blob_referenced(s, blob_id, out);
}

/* ---- lifecycle ---- */

int meta_object_set_storage_class(struct meta_store *s, const char *bucket, const char *key,
                                  const char *version_id, const char *expect_blob,
                                  const char *storage_class)
{
    return s->ops->object_set_storage_class(s, bucket, key, version_id, expect_blob, storage_class);
}

int meta_lifecycle_stat_add(struct meta_store *s, const char *bucket, const char *action,
                            int64_t count, int64_t now_ms)
{
    return s->ops->lifecycle_stat_add(s, bucket, action, count, now_ms);
}

int meta_lifecycle_stat_list(struct meta_store *s, const char *bucket, meta_lifecycle_stat_cb *cb,
                             void *payload)
{
    return s->ops->lifecycle_stat_list(s, bucket, cb, payload);
}

int meta_sse_rewrite(struct meta_store *s, meta_sse_rewrite_fn *fn, void *ctx, long *changed)
{
    *changed = 0;
    return s->ops->sse_rewrite(s, fn, ctx, changed);
}

/* ---- KMS (issue 11) ---- */
void meta_kms_key_clear(struct meta_kms_key *k)
{
    free(k->description);
    free(k->policy);
    k->description = k->policy = NULL;
}

int meta_kms_key_create(struct meta_store *s, const struct meta_kms_key *k, const char *wrapped)
{
    return s->ops->kms_key_create(s, k, wrapped);
}

int meta_kms_key_get(struct meta_store *s, const char *key_id, struct meta_kms_key *out)
{
    memset(out, 0, sizeof(*out));
    return s->ops->kms_key_get(s, key_id, out);
}

int meta_kms_key_update(struct meta_store *s, const struct meta_kms_key *k)
{
    return s->ops->kms_key_update(s, k);
}

int meta_kms_key_list(struct meta_store *s, const char *account, meta_kms_key_cb *cb, void *payload)
{
    return s->ops->kms_key_list(s, account, cb, payload);
}

int meta_kms_material_add(struct meta_store *s, const char *key_id, uint32_t version,
                          const char *wrapped, int64_t now_ms)
{
    return s->ops->kms_material_add(s, key_id, version, wrapped, now_ms);
}

int meta_kms_material_get(struct meta_store *s, const char *key_id, uint32_t version,
                          char **out_wrapped)
{
    *out_wrapped = NULL;
    return s->ops->kms_material_get(s, key_id, version, out_wrapped);
}

int meta_kms_alias_create(struct meta_store *s, const struct meta_kms_alias *a)
{
    return s->ops->kms_alias_create(s, a);
}

int meta_kms_alias_get(struct meta_store *s, const char *account, const char *alias,
                       struct meta_kms_alias *out)
{
    memset(out, 0, sizeof(*out));
    return s->ops->kms_alias_get(s, account, alias, out);
}

int meta_kms_alias_set_key(struct meta_store *s, const struct meta_kms_alias *a)
{
    return s->ops->kms_alias_set_key(s, a);
}

int meta_kms_alias_delete(struct meta_store *s, const char *account, const char *alias)
{
    return s->ops->kms_alias_delete(s, account, alias);
}

int meta_kms_alias_list(struct meta_store *s, const char *account, const char *key_id,
                        meta_kms_alias_cb *cb, void *payload)
{
    return s->ops->kms_alias_list(s, account, key_id, cb, payload);
}

/* ---- event notifications (issue 13) ---- */

static meta_change_hook_fn *meta_change_hook;
static void *meta_change_hook_arg;

void meta_change_hook_set(meta_change_hook_fn *fn, void *arg)
{
    meta_change_hook = fn;
    meta_change_hook_arg = arg;
}

void meta_change_hook_get(meta_change_hook_fn **fn, void **arg)
{
    *fn = meta_change_hook;
    *arg = meta_change_hook_arg;
}

int meta_notify_target_put(struct meta_store *s, const struct meta_notify_target *t)
{
    return s->ops->notify_target_put(s, t);
}

int meta_notify_target_get(struct meta_store *s, const char *arn, struct meta_notify_target *out)
{
    memset(out, 0, sizeof(*out));
    return s->ops->notify_target_get(s, arn, out);
}

int meta_notify_target_delete(struct meta_store *s, const char *arn)
{
    return s->ops->notify_target_delete(s, arn);
}

int meta_notify_target_list(struct meta_store *s, meta_notify_target_cb *cb, void *payload)
{
    return s->ops->notify_target_list(s, cb, payload);
}

int meta_notify_enqueue(struct meta_store *s, const char *bucket, const char *key,
                        const char *target, const char *event_json)
{
    return s->ops->notify_enqueue(s, bucket, key, target, event_json);
}

int meta_notify_due(struct meta_store *s, int64_t now_ms, size_t limit, meta_notify_event_cb *cb,
                    void *payload)
{
    return s->ops->notify_due(s, now_ms, limit, cb, payload);
}

int meta_notify_delivered(struct meta_store *s, int64_t id)
{
    return s->ops->notify_delivered(s, id);
}

int meta_notify_retry(struct meta_store *s, int64_t id, int64_t next_attempt_ms)
{
    return s->ops->notify_retry(s, id, next_attempt_ms);
}

int meta_notify_pending(struct meta_store *s, int64_t *out)
{
    *out = 0;
    return s->ops->notify_pending(s, out);
}

/* ---- replication (issue 13) ---- */

static meta_repl_hook_fn *meta_repl_hook;

void meta_repl_hook_set(meta_repl_hook_fn *fn)
{
    meta_repl_hook = fn;
}

meta_repl_hook_fn *meta_repl_hook_get(void)
{
    return meta_repl_hook;
}

int meta_repl_due(struct meta_store *s, int64_t now_ms, size_t limit, meta_repl_task_cb *cb,
                  void *payload)
{
    return s->ops->repl_due(s, now_ms, limit, cb, payload);
}

int meta_repl_finish(struct meta_store *s, int64_t id, const char *status)
{
    return s->ops->repl_finish(s, id, status, NULL);
}

int meta_repl_fail(struct meta_store *s, int64_t id, const char *reason)
{
    return s->ops->repl_finish(s, id, "FAILED", reason ? reason : "");
}

int meta_repl_retry(struct meta_store *s, int64_t id, int64_t next_attempt_ms)
{
    return s->ops->repl_retry(s, id, next_attempt_ms);
}

int meta_repl_stats(struct meta_store *s, struct meta_repl_stats *out)
{
    memset(out, 0, sizeof(*out));
    return s->ops->repl_stats(s, out);
}

/* ---- remote endpoints (issue 13) ---- */

int meta_remote_put(struct meta_store *s, const struct meta_remote *r)
{
    return s->ops->remote_put(s, r);
}

int meta_remote_get(struct meta_store *s, const char *name, struct meta_remote *out)
{
    return s->ops->remote_get(s, name, out);
}

int meta_remote_delete(struct meta_store *s, const char *name)
{
    return s->ops->remote_delete(s, name);
}

int meta_remote_list(struct meta_store *s, meta_remote_cb *cb, void *payload)
{
    return s->ops->remote_list(s, cb, payload);
}
