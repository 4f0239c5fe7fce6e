/* meta.h — the metadata store as its callers see it: accounts, access keys, buckets, bucket
 * configuration documents, objects.
 *
 * The store is opened by backend name ("sqlite"); every call goes through the backend's table
 * (meta_backend.h). Calls are safe from any thread. Returns 0 or a negative ERR_* code, with
 * err_msg() set. Structs returned through out parameters are owned by the caller; those with
 * heap members are released with their _dispose function. */
#ifndef STOCKTAKE_META_H
#define STOCKTAKE_META_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct meta_store;

struct meta_config {
    const char *backend;  /* "sqlite" or "postgres" */
    const char *data_dir; /* the sqlite backend keeps data_dir/meta.db */
    /* How long a write waits for another writer's lock before it fails with ERR_BUSY (S3
     * answers 503 SlowDown); 0: the backend's default (30 s). */
    int busy_timeout_ms;
    const char *conninfo; /* postgres: a libpq URI (postgres://…) or "key=value …" string */
};

/* Fill cfg for the metadata named by meta (the --meta option): NULL, "" or "sqlite" is the
 * SQLite database in data_dir; a postgres:// or postgresql:// URI, or a libpq "key=value"
 * string, is PostgreSQL. ERR_INVALID (err_msg() set) for anything else. */
int meta_config_init(struct meta_config *cfg, const char *meta, const char *data_dir,
                     int busy_timeout_ms) WARN_UNUSED;

struct meta_account {
    char id[13];           /* 12-digit account id */
    char canonical_id[65]; /* 64-hex canonical user id */
    char name[65];
    int64_t created_ms;
    char email[129]; /* "" or the address AmazonCustomerByEmail grants name (unique) */
};

struct meta_access_key {
    char access_key[129];
    char secret[129];
    char account_id[13];
    int64_t created_ms;
};

enum meta_versioning {
    META_UNVERSIONED = 0,
    META_VERSIONING_ENABLED = 1,
    META_VERSIONING_SUSPENDED = 2
};

/* meta_object.legal_hold / meta_upload.legal_hold: never set, ON, or set OFF (GetObjectLegalHold
 * tells "OFF" from "no legal hold was ever placed"). Only ON protects the version. */
enum meta_legal_hold { META_LEGAL_HOLD_NONE = 0, META_LEGAL_HOLD_ON = 1, META_LEGAL_HOLD_OFF = 2 };

struct meta_bucket {
    char id[33]; /* immutable identity, assigned at create: a re-created bucket has another */
    char name[64];
    char owner_id[13];
    char region[64];
    int64_t created_ms;
    enum meta_versioning versioning;
    /* bumped by every change of the bucket's configuration documents, in the same
     * transaction: what caches of parsed documents (bucket policies) are validated against */
    int64_t config_gen;
};

/* One version of an object (or a delete marker). */
struct meta_object {
    char *key;
    char version_id[64]; /* "null" for unversioned writes */
    int is_latest;
    int is_delete_marker;
    int64_t size;
    int64_t last_modified_ms;
    char etag[80]; /* with quotes */
    char storage_class[40];
    char owner_id[13];
    char *headers; /* JSON array of [name, value] pairs: content-type, x-amz-meta-*, … */
    char blob_id[64];
    int multipart;
    char checksum_algorithm[16]; /* "" or CRC32, CRC32C, SHA1, SHA256, CRC64NVME */
    char *checksum_value;        /* base64; "…-N" for a composite multipart checksum */
    char checksum_type[16];      /* "" , FULL_OBJECT or COMPOSITE */
    char *parts;                 /* multipart objects: JSON [[size, "checksum"], …]; else NULL */
    int64_t seq;                 /* store order: a newer version of a key has a larger seq */
    /* The version's ACL as authz/acl_json.h encodes it (its grants; the owner is owner_id);
     * NULL or "" is the default private ACL: the owner's FULL_CONTROL alone. */
    char *acl;
    /* The version's tag set in the URL-encoded form of x-amz-tagging ("k1=v1&k2=v2", in key
     * order, s3/s3_tagging.h); NULL or "" is no tags. */
    char *tags;
    /* Object Lock (issue 12): lock_mode "" (none), GOVERNANCE or COMPLIANCE with its
     * retain-until date (lock_until_ms, 0 without a mode); legal_hold META_LEGAL_HOLD_*. */
    char lock_mode[16];
    int64_t lock_until_ms;
    int legal_hold;
    /* Encryption at rest (issue 11): NULL or "" when the bytes are stored as they are; else
     * the encryption layer's document for this version (mode, key id, wrapped data key, …). */
    char *sse;
    /* Intelligent-Tiering (issue 12): the access tier of an INTELLIGENT_TIERING version
     * ("" otherwise) and the last access that drives it (0: last_modified_ms). */
    char tier[32];
    int64_t last_access_ms;
    /* Archive restores (issue 12): NULL or "" when never restored; else the archive feature's
     * document (in progress / restored until). */
    char *restore;
    /* Replication (issue 13): "" when not replicated; PENDING, COMPLETED or FAILED on a
     * source version a rule replicates; REPLICA on the copy the replication worker made. */
    char replication_status[16];
};

/* An in-progress multipart upload. */
struct meta_upload {
    char upload_id[80];
    char bucket[64];
    char bucket_id[33]; /* create: the id of the bucket the request loaded; an upload is
                           created only while that bucket lives (else ERR_NOTFOUND) */
    char *key;
    int64_t initiated_ms;
    char owner_id[13];
    char *headers; /* as meta_object.headers, applied to the completed object */
    char storage_class[40];
    char checksum_algorithm[16];
    char checksum_type[16];
    char *acl;  /* as meta_object.acl, given at create and applied to the completed object */
    char *tags; /* as meta_object.tags, given at create and applied to the completed object */
    /* as meta_object's, given at create and applied to the completed object */
    char lock_mode[16];
    int64_t lock_until_ms;
    int legal_hold;
    char *sse; /* the upload's encryption (its parts are encrypted with it) */
};

/* One uploaded part. */
struct meta_part {
    int number;
    char etag[80];
    int64_t size;
    int64_t last_modified_ms;
    char blob_id[64];
    char checksum_value[64];
};

void meta_upload_dispose(struct meta_upload *u);

void meta_object_dispose(struct meta_object *o);

/* Open and close */
int meta_open(struct meta_store **out, const struct meta_config *cfg) WARN_UNUSED;
void meta_close(struct meta_store *s);

/* Accounts and access keys. *_create: ERR_EXISTS when the id/key is taken. */
int meta_account_create(struct meta_store *s, const struct meta_account *a) WARN_UNUSED;
int meta_account_get(struct meta_store *s, const char *id, struct meta_account *out) WARN_UNUSED;
typedef int meta_account_cb(void *payload, const struct meta_account *a);
/* Every account, in creation order (the root account first). */
int meta_account_list(struct meta_store *s, meta_account_cb *cb, void *payload) WARN_UNUSED;
int meta_key_create(struct meta_store *s, const struct meta_access_key *k) WARN_UNUSED;
int meta_key_get(struct meta_store *s, const char *access_key,
                 struct meta_access_key *out) WARN_UNUSED;
typedef int meta_key_cb(void *payload, const struct meta_access_key *k);
int meta_key_list(struct meta_store *s, meta_key_cb *cb, void *payload) WARN_UNUSED;

/* Buckets. create: ERR_EXISTS (name taken by anyone). delete: ERR_NOTEMPTY while any object
 * version remains, ERR_NOTFOUND; in-progress uploads go with the bucket in its transaction
 * (their parts' blobs become dead). list: owner_id NULL lists all, in name order. */
int meta_bucket_create(struct meta_store *s, const struct meta_bucket *b) WARN_UNUSED;
int meta_bucket_get(struct meta_store *s, const char *name, struct meta_bucket *out) WARN_UNUSED;
int meta_bucket_delete(struct meta_store *s, const char *name) WARN_UNUSED;
int meta_bucket_set_versioning(struct meta_store *s, const char *name,
                               enum meta_versioning v) WARN_UNUSED;
typedef int meta_bucket_cb(void *payload, const struct meta_bucket *b);
int meta_bucket_list(struct meta_store *s, const char *owner_id, meta_bucket_cb *cb,
                     void *payload) WARN_UNUSED;

/* Per-bucket configuration documents: one document per (bucket, kind), stored as given; the
 * feature that owns a kind parses and validates it (XML or JSON, as S3 takes it). Deleting a
 * bucket deletes its documents.
 * put: create or replace; ERR_NOTFOUND when the bucket does not exist, ERR_TOOBIG over
 *   META_CONFIG_DOC_MAX bytes, ERR_INVALID for an unknown kind.
 * get: *out_doc is the document (caller frees); ERR_NOTFOUND when none is stored.
 * delete: ERR_NOTFOUND when none is stored. */
enum meta_config_kind {
    META_CONFIG_POLICY = 0,
    META_CONFIG_ACL,
    META_CONFIG_OWNERSHIP,
    META_CONFIG_PUBLIC_ACCESS_BLOCK,
    META_CONFIG_ENCRYPTION,
    META_CONFIG_LIFECYCLE,
    META_CONFIG_OBJECT_LOCK,
    META_CONFIG_TAGGING,
    META_CONFIG_CORS,
    META_CONFIG_REPLICATION,
    META_CONFIG_NOTIFICATION,
    META_CONFIG_WEBSITE,
    META_CONFIG_LOGGING,
    META_CONFIG_ACCELERATE,
    META_CONFIG_REQUEST_PAYMENT,
    META_CONFIG_INTELLIGENT_TIERING,
    META_CONFIG_KIND_COUNT
};
#define META_CONFIG_DOC_MAX (1024 * 1024)
/* The kind's stored name ("policy", "lifecycle", …); NULL for an unknown kind. */
const char *meta_config_kind_name(enum meta_config_kind kind);
int meta_bucket_config_put(struct meta_store *s, const char *bucket, enum meta_config_kind kind,
                           const char *doc) WARN_UNUSED;
int meta_bucket_config_get(struct meta_store *s, const char *bucket, enum meta_config_kind kind,
                           char **out_doc) WARN_UNUSED;
int meta_bucket_config_delete(struct meta_store *s, const char *bucket,
                              enum meta_config_kind kind) WARN_UNUSED;

/* Objects. No call removes a blob: a blob that a write or delete leaves unreferenced (the
 * replaced "null" version's, a removed version's, a replaced or aborted part's) is recorded
 * as dead in the same transaction, for the collector (meta_dead_blob_*).
 * put: store o (an object or a delete marker) as the latest version of o->key; when
 *   o->version_id is "null", an existing "null" version is replaced. No preconditions: the
 *   object layer writes through meta_object_commit.
 * get: version_id NULL → the latest version (may be a delete marker); ERR_NOTFOUND.
 * delete_version: remove one version; when it was the latest, the newest remaining version
 *   becomes the latest. The removed row comes back in *out (caller disposes); ERR_NOTFOUND.
 *   With expect_blob, only when the version still holds that blob (decided in the delete's
 *   transaction; a version rewritten since is ERR_NOTFOUND and stays). */
int meta_object_put(struct meta_store *s, const char *bucket,
                    const struct meta_object *o) WARN_UNUSED;
int meta_object_get(struct meta_store *s, const char *bucket, const char *key,
                    const char *version_id, struct meta_object *out) WARN_UNUSED;
int meta_object_delete_version(struct meta_store *s, const char *bucket, const char *key,
                               const char *version_id, const char *expect_blob,
                               struct meta_object *out) WARN_UNUSED;
/* Replace the ACL (meta_object.acl; NULL or "": the default) of one version of key (version_id
 * NULL: the latest), PutObjectAcl's write; ERR_NOTFOUND when there is no such version (a
 * delete marker counts as one: the caller refuses those). */
int meta_object_set_acl(struct meta_store *s, const char *bucket, const char *key,
                        const char *version_id, const char *acl) WARN_UNUSED;
/* Replace the tag set (meta_object.tags; NULL or "": none) of one version of key as
 * meta_object_set_acl does the ACL: Put/DeleteObjectTagging's write. */
int meta_object_set_tags(struct meta_store *s, const char *bucket, const char *key,
                         const char *version_id, const char *tags) WARN_UNUSED;

/* Object Lock (issue 12, meta_sqlite_lock.c). A guard decides, inside the change's
 * transaction, on the version as it is stored now: 0 lets the change happen, any other value
 * (an ERR_* code) refuses it and is returned. So a retention check and the delete or update it
 * allows cannot be separated by a concurrent change. */
typedef int meta_object_guard(void *arg, const struct meta_object *current);
/* meta_object_delete_version, refused when guard (NULL: none) refuses the version. */
int meta_object_delete_version_if(struct meta_store *s, const char *bucket, const char *key,
                                  const char *version_id, const char *expect_blob,
                                  meta_object_guard *guard, void *arg,
                                  struct meta_object *out) WARN_UNUSED;
enum {
    META_LOCK_SET_RETENTION = 1,  /* lock_mode and lock_until_ms */
    META_LOCK_SET_LEGAL_HOLD = 2, /* legal_hold */
};
/* Replace the Object Lock fields what names (META_LOCK_SET_*) of one version of key
 * (version_id NULL: the latest) with lock's, when guard (NULL: none) allows it on the stored
 * version; ERR_NOTFOUND when there is no such version (a delete marker counts as one: the
 * guard refuses those). The version changed comes back in *out when out is not NULL. */
int meta_object_set_lock(struct meta_store *s, const char *bucket, const char *key,
                         const char *version_id, int what, const struct meta_object *lock,
                         meta_object_guard *guard, void *arg, struct meta_object *out) WARN_UNUSED;

/* Intelligent-Tiering and restores (issue 12, meta_sqlite_tiering.c): change a version's
 * tier, last access and restore record (each left alone when NULL / negative), when guard (NULL:
 * none) allows it on the stored version, in one transaction; ERR_NOTFOUND without the version. */
struct meta_tiering {
    const char *tier;       /* NULL: keep */
    int64_t last_access_ms; /* < 0: keep */
    const char *restore;    /* NULL: keep; "": none */
};
int meta_object_set_tiering(struct meta_store *s, const char *bucket, const char *key,
                            const char *version_id, const struct meta_tiering *t,
                            meta_object_guard *guard, void *arg) WARN_UNUSED;

/* List the latest, non-delete-marker versions of keys that start with prefix, in UTF-8 byte
 * order, from start (exclusive, or inclusive when start_inclusive), at most limit of them.
 * cb returning non-zero stops the scan and that value is returned. */
typedef int meta_object_cb(void *payload, const struct meta_object *o);
int meta_object_scan(struct meta_store *s, const char *bucket, const char *prefix,
                     const char *start, int start_inclusive, size_t limit, meta_object_cb *cb,
                     void *payload) WARN_UNUSED;

/* Every version and delete marker of keys starting with prefix, ordered by key (UTF-8 byte
 * order) and, within a key, newest first; starting after (key_marker, seq_marker): seq_marker
 * 0 skips key_marker entirely, -1 starts with all of key_marker's versions, otherwise the
 * versions of key_marker older than seq_marker follow. */
int meta_version_scan(struct meta_store *s, const char *bucket, const char *prefix,
                      const char *key_marker, int64_t seq_marker, size_t limit, meta_object_cb *cb,
                      void *payload) WARN_UNUSED;

/* Inventory configurations of a bucket, keyed by id; config is the configuration's XML
 * children as inv_config_render writes them.
 * put: create or replace; ERR_TOOBIG when id is new and the bucket already has max_configs.
 * list: by id in byte order, from from_id (inclusive; NULL: the first), at most limit; bucket
 *   NULL lists every bucket's (ordered by bucket, then id). Deleting a bucket deletes them. */
typedef int meta_inventory_cb(void *payload, const char *bucket, const char *id,
                              const char *config);
int meta_inventory_put(struct meta_store *s, const char *bucket, const char *id, const char *config,
                       size_t max_configs) WARN_UNUSED;
int meta_inventory_get(struct meta_store *s, const char *bucket, const char *id,
                       char **out_config) WARN_UNUSED;
int meta_inventory_delete(struct meta_store *s, const char *bucket, const char *id) WARN_UNUSED;
int meta_inventory_list(struct meta_store *s, const char *bucket, const char *from_id, size_t limit,
                        meta_inventory_cb *cb, void *payload) WARN_UNUSED;

/* Inventory scans: every row an inventory report lists, from one consistent snapshot (a
 * single read transaction) — keys starting with prefix, in key order, newest version first;
 * all_versions 0: only latest versions that are not delete markers. cb returning non-zero
 * stops the scan and that value is returned. The objects handed to cb are borrowed and
 * valid only during the call; checksum_value, parts, last_access_ms and restore are not
 * filled (acl, sse, tags, headers and the lock and tier fields are). */
int meta_inventory_scan(struct meta_store *s, const char *bucket, const char *prefix,
                        int all_versions, meta_object_cb *cb, void *payload) WARN_UNUSED;

/* Inventory change reports (schema v14, docs/internals/INVENTORY.md "Change reports"). The
 * journal holds, for a bucket that is the source of a Changes configuration, every change of a
 * version with the version's row before it; its positions increase in commit order.
 * changes: in one read transaction (one snapshot), the snapshot's position and the previous
 * successful report's of config_id. Without a usable previous position (first report, the
 * configuration changed since, the journal pruned past it; pos->baseline says which) every row
 * of the snapshot goes to full_cb, as meta_inventory_scan would hand it; else key_cb is called,
 * in key order, for each key with a change since then (under prefix): its versions then (at
 * the previous position; is_latest as then) and now, both newest first, owned by the call.
 * prune: after a run, drop the entries no Changes configuration of bucket diffs from any more,
 * those older than META_JOURNAL_MAX_AGE_MS, and all but the newest max_entries (the job passes
 * META_JOURNAL_MAX_ENTRIES). */
#define META_JOURNAL_MAX_AGE_MS (35LL * 86400 * 1000)
#define META_JOURNAL_MAX_ENTRIES 1000000LL
struct meta_inventory_changes_pos {
    int64_t position;   /* this snapshot's */
    int64_t since;      /* the previous report's (-1: a full baseline) */
    char baseline[128]; /* why a full baseline, else "" */
};
typedef int meta_inventory_key_cb(void *payload, const struct meta_object *then, size_t n_then,
                                  const struct meta_object *now, size_t n_now);
int meta_inventory_changes(struct meta_store *s, const char *bucket, const char *config_id,
                           const char *prefix, int all_versions, meta_object_cb *full_cb,
                           meta_inventory_key_cb *key_cb, void *payload,
                           struct meta_inventory_changes_pos *pos) WARN_UNUSED;
int meta_inventory_journal_prune(struct meta_store *s, const char *bucket, int64_t now_ms,
                                 int64_t max_entries) WARN_UNUSED;

/* Inventory runs, for `stocktake inventory status` and the scheduler. */
struct meta_inventory_run {
    int64_t run_id;
    char bucket[64];
    char config_id[65];
    int64_t started_ms;
    int64_t finished_ms; /* 0 while running */
    int64_t report_ms;   /* the report's timestamp T */
    int64_t rows;
    int64_t files;
    int64_t bytes;
    char outcome[16]; /* running, succeeded, failed, interrupted */
    char error[512];
    char manifest_key[2048];
    /* a change report's journal position (the snapshot's), stored when has_journal_seq */
    int has_journal_seq;
    int64_t journal_seq;
};
/* begin: record a new running run (started_ms, report_ms, bucket, config_id), setting
 * run->run_id; earlier runs of the config still "running" become "interrupted".
 * finish: store the final counters, outcome, error and manifest key of run->run_id.
 * list: the last limit runs, newest first, of one config (config_id), one bucket (bucket,
 * config_id NULL) or all (both NULL). */
int meta_inventory_run_begin(struct meta_store *s, struct meta_inventory_run *run) WARN_UNUSED;
int meta_inventory_run_finish(struct meta_store *s,
                              const struct meta_inventory_run *run) WARN_UNUSED;
/* cancel: mark the config's running run "cancelling" (its job stops at its next check);
 *   ERR_NOTFOUND when none is running. progress: store run_id's rows so far and set *cancelled
 *   when the run was marked cancelling. */
int meta_inventory_run_cancel(struct meta_store *s, const char *bucket,
                              const char *config_id) WARN_UNUSED;
int meta_inventory_run_progress(struct meta_store *s, int64_t run_id, int64_t rows,
                                int *cancelled) WARN_UNUSED;
typedef int meta_inventory_run_cb(void *payload, const struct meta_inventory_run *run);
int meta_inventory_run_list(struct meta_store *s, const char *bucket, const char *config_id,
                            size_t limit, meta_inventory_run_cb *cb, void *payload) WARN_UNUSED;

/* Multipart uploads. delete: the upload and its parts (their blobs become dead). */
int meta_upload_create(struct meta_store *s, const struct meta_upload *u) WARN_UNUSED;
int meta_upload_get(struct meta_store *s, const char *bucket, const char *upload_id,
                    struct meta_upload *out) WARN_UNUSED;
int meta_upload_delete(struct meta_store *s, const char *bucket, const char *upload_id) WARN_UNUSED;
typedef int meta_upload_cb(void *payload, const struct meta_upload *u);
/* Uploads of keys starting with prefix, by key then initiation time, after (key_marker,
 * upload_id_marker); bucket NULL with initiated_before > 0 lists expired uploads everywhere. */
int meta_upload_scan(struct meta_store *s, const char *bucket, const char *prefix,
                     const char *key_marker, const char *upload_id_marker, int64_t initiated_before,
                     size_t limit, meta_upload_cb *cb, void *payload) WARN_UNUSED;
/* put: store or replace part p of the upload (a replaced part's blob becomes dead). */
int meta_part_put(struct meta_store *s, const char *upload_id,
                  const struct meta_part *p) WARN_UNUSED;
typedef int meta_part_cb(void *payload, const struct meta_part *p);
/* Parts numbered above after_number, in number order, at most limit. */
int meta_part_scan(struct meta_store *s, const char *upload_id, int after_number, size_t limit,
                   meta_part_cb *cb, void *payload) WARN_UNUSED;

/* ---- Inventory run leases and the objects a run wrote (issue 9) ----
 * A lease lets one run of a configuration proceed at a time. It names its holder (host, boot
 * id, pid and the pid's start time, so a reused pid is not taken for the holder) and expires
 * unless the holder renews it; whether a holder is dead is the caller's judgement
 * (inv_lease.c), the store only swaps leases atomically.
 * take: store lease as the config's lease when it has none, or when the current lease's token
 *   is expect_token (taking over a stale lease); else ERR_CONFLICT (another run holds it).
 * get: the config's lease; ERR_NOTFOUND when none.
 * renew: set expires_ms and run_id of the lease whose token is lease->token; ERR_NOTFOUND when
 *   that lease is no longer held (taken over).
 * release: drop the lease whose token is token (nothing when it is no longer held). */
struct meta_inventory_lease {
    char bucket[64];
    char config_id[65];
    char token[33];   /* random hex: this holding */
    int64_t run_id;   /* the run it covers; 0 until recorded */
    char host[256];   /* holder's host name */
    char boot_id[40]; /* holder's kernel boot id */
    int64_t pid;
    int64_t pid_start; /* holder's start time (clock ticks after boot) */
    int64_t expires_ms;
};
int meta_inventory_lease_take(struct meta_store *s, const struct meta_inventory_lease *lease,
                              const char *expect_token) WARN_UNUSED;
int meta_inventory_lease_get(struct meta_store *s, const char *bucket, const char *config_id,
                             struct meta_inventory_lease *out) WARN_UNUSED;
int meta_inventory_lease_renew(struct meta_store *s,
                               const struct meta_inventory_lease *lease) WARN_UNUSED;
int meta_inventory_lease_release(struct meta_store *s, const char *bucket, const char *config_id,
                                 const char *token) WARN_UNUSED;
/* The earliest start (started_ms of its run) of the runs whose lease is still held at now_ms
 * (not expired); 0 when none. The blob collector leaves younger blob files alone: a running
 * report's finished data files are no objects until the run delivers them. */
int meta_inventory_live_run_start(struct meta_store *s, int64_t now_ms,
                                  int64_t *out_ms) WARN_UNUSED;

/* Objects a run delivered, recorded before each is written, so that those of a run that did
 * not complete (killed, or failed half-way) can be removed by the next run of the config.
 * list: every recorded object of the config's runs, by run. clear: forget run_id's records. */
struct meta_inventory_run_object {
    int64_t run_id;
    char dest_bucket[64];
    char *key;
    char version_id[64];
    char blob_id[64];
};
int meta_inventory_run_object_add(struct meta_store *s, const char *bucket, const char *config_id,
                                  const struct meta_inventory_run_object *o) WARN_UNUSED;
typedef int meta_inventory_run_object_cb(void *payload, const struct meta_inventory_run_object *o);
int meta_inventory_run_object_list(struct meta_store *s, const char *bucket, const char *config_id,
                                   meta_inventory_run_object_cb *cb, void *payload) WARN_UNUSED;
int meta_inventory_run_object_clear(struct meta_store *s, int64_t run_id) WARN_UNUSED;

/* ---- Object commit and dead blobs (the object layer's, src/object) ---- */

/* The one commit of an object write. In one write transaction: the bucket named bucket must
 * still have the id bucket_id (it was not deleted, or deleted and re-created, since the write
 * began); with upload_id, that upload must still exist, and is removed with its parts (their
 * blobs become dead) and remembered as completed into this version; check (when not NULL)
 * is called with the current latest version of the key (NULL when there is none) and any
 * non-zero return aborts; then object is stored as meta_object_put does. On failure nothing
 * changed and failure says why: ERR_NOTFOUND with META_COMMIT_BUCKET_GONE or
 * META_COMMIT_UPLOAD_GONE, or check's code with META_COMMIT_CHECK. */
enum meta_commit_failure {
    META_COMMIT_OK = 0,
    META_COMMIT_BUCKET_GONE,
    META_COMMIT_UPLOAD_GONE,
    META_COMMIT_CHECK
};
typedef int meta_commit_check_fn(void *arg, const struct meta_object *current);
struct meta_commit {
    const char *bucket;
    const char *bucket_id;
    const struct meta_object *object;
    const char *upload_id;
    meta_commit_check_fn *check;
    void *check_arg;
    enum meta_commit_failure failure; /* out */
};
int meta_object_commit(struct meta_store *s, struct meta_commit *c) WARN_UNUSED;

/* The version a completed upload of bucket became (out: S3's 64-byte version id);
 * ERR_NOTFOUND when upload_id was never completed there (or more than 7 days ago). */
int meta_upload_completed(struct meta_store *s, const char *bucket, const char *upload_id,
                          char *out_version_id, size_t size) WARN_UNUSED;

/* Dead blobs: those dead since before dead_before_ms, oldest first, at most limit; cb returning
 * non-zero stops the scan (and is returned). forget: the collector removed the blob. */
typedef int meta_dead_blob_cb(void *payload, const char *blob_id);
int meta_dead_blob_scan(struct meta_store *s, int64_t dead_before_ms, size_t limit,
                        meta_dead_blob_cb *cb, void *payload) WARN_UNUSED;
int meta_dead_blob_forget(struct meta_store *s, const char *blob_id) WARN_UNUSED;
/* Does any object version, part or dead-blob row name blob_id? */
int meta_blob_referenced(struct meta_store *s, const char *blob_id, int *out) WARN_UNUSED;

/* ---- Lifecycle (issue 12, the lifecycle worker's) ----
 * set_storage_class: a Transition's write: the storage class of one version of key (never a
 *   delete marker), only while it still holds expect_blob (NULL: whatever it holds);
 *   ERR_NOTFOUND otherwise.
 * stats: how many times each action (lc_action_name's spelling) was applied per bucket,
 *   summed since the first; add: count more, at now_ms; list: bucket NULL lists every
 *   bucket's, by bucket then action. */
int meta_object_set_storage_class(struct meta_store *s, const char *bucket, const char *key,
                                  const char *version_id, const char *expect_blob,
                                  const char *storage_class) WARN_UNUSED;
struct meta_lifecycle_stat {
    char bucket[64];
    char action[48];
    int64_t count;
    int64_t last_ms; /* when count last grew */
};
int meta_lifecycle_stat_add(struct meta_store *s, const char *bucket, const char *action,
                            int64_t count, int64_t now_ms) WARN_UNUSED;
typedef int meta_lifecycle_stat_cb(void *payload, const struct meta_lifecycle_stat *st);
int meta_lifecycle_stat_list(struct meta_store *s, const char *bucket, meta_lifecycle_stat_cb *cb,
                             void *payload) WARN_UNUSED;

/* Encryption at rest (issue 11): every non-empty encryption record (meta_object.sse of every
 * version, meta_upload.sse of every upload, and the key service's wrapped key material, KMS
 * block below) through fn, in one write transaction (master-key
 * rotation). fn returns 0 with *out a new record (malloc'd) or NULL to keep the row, or an
 * error, which rolls everything back and is returned. *changed: the rows rewritten. */
typedef int meta_sse_rewrite_fn(void *ctx, const char *sse, char **out);
int meta_sse_rewrite(struct meta_store *s, meta_sse_rewrite_fn *fn, void *ctx,
                     long *changed) WARN_UNUSED;

/* ---- KMS (issue 11): the key service's store (src/kms/, schema v11) ----
 * A key belongs to one account; its backing key versions hold the 256-bit material wrapped by
 * the server master key (a crypto/keys.h record; the meta layer never sees plain material).
 * key_create: the key and its version 1 in one transaction (ERR_EXISTS for a taken id).
 * key_update: description, state, deletion date, policy and current version of key->key_id.
 * material_add: a new version (rotation) and the key's current version, in one transaction.
 * alias_*: per account, alias "alias/NAME" → key id; create ERR_EXISTS, delete ERR_NOTFOUND;
 * list: key_id NULL lists all of the account's. */
struct meta_kms_key {
    char key_id[40];
    char account[13];
    char arn[200];
    char state[24]; /* Enabled | Disabled | PendingDeletion */
    int64_t created_ms;
    int64_t deletion_ms; /* PendingDeletion: when; else 0 */
    uint32_t current_version;
    int64_t rotation_days;    /* automatic rotation period (EnableKeyRotation); 0: off */
    int64_t rotation_from_ms; /* the period counts from here (enabling, the last rotation) */
    char *description;        /* malloc'd */
    char *policy;             /* malloc'd JSON */
};
void meta_kms_key_clear(struct meta_kms_key *k);
int meta_kms_key_create(struct meta_store *s, const struct meta_kms_key *k,
                        const char *wrapped) WARN_UNUSED;
int meta_kms_key_get(struct meta_store *s, const char *key_id,
                     struct meta_kms_key *out) WARN_UNUSED;
int meta_kms_key_update(struct meta_store *s, const struct meta_kms_key *k) WARN_UNUSED;
typedef int meta_kms_key_cb(void *payload, const struct meta_kms_key *k);
int meta_kms_key_list(struct meta_store *s, const char *account, meta_kms_key_cb *cb,
                      void *payload) WARN_UNUSED;
int meta_kms_material_add(struct meta_store *s, const char *key_id, uint32_t version,
                          const char *wrapped, int64_t now_ms) WARN_UNUSED;
int meta_kms_material_get(struct meta_store *s, const char *key_id, uint32_t version,
                          char **out_wrapped) WARN_UNUSED;
struct meta_kms_alias {
    char account[13];
    char alias[264];
    char key_id[40];
    int64_t created_ms;
};
int meta_kms_alias_create(struct meta_store *s, const struct meta_kms_alias *a) WARN_UNUSED;
int meta_kms_alias_get(struct meta_store *s, const char *account, const char *alias,
                       struct meta_kms_alias *out) WARN_UNUSED;
int meta_kms_alias_set_key(struct meta_store *s, const struct meta_kms_alias *a) WARN_UNUSED;
int meta_kms_alias_delete(struct meta_store *s, const char *account, const char *alias) WARN_UNUSED;
typedef int meta_kms_alias_cb(void *payload, const struct meta_kms_alias *a);
int meta_kms_alias_list(struct meta_store *s, const char *account, const char *key_id,
                        meta_kms_alias_cb *cb, void *payload) WARN_UNUSED;
/* ---- Event notifications (issue 13, src/notify/, schema v13) ----
 * Targets: the endpoints the administrator registers for notification ARNs (`admin notify`).
 * put: create or replace; get/delete: ERR_NOTFOUND when arn is not registered. */
struct meta_notify_target {
    char arn[256];
    char kind[16];        /* "webhook" */
    char endpoint[2048];  /* the webhook's URL */
    char auth_token[512]; /* "" or the bearer token (a secret: never logged) */
    int64_t created_ms;
};
int meta_notify_target_put(struct meta_store *s, const struct meta_notify_target *t) WARN_UNUSED;
int meta_notify_target_get(struct meta_store *s, const char *arn,
                           struct meta_notify_target *out) WARN_UNUSED;
int meta_notify_target_delete(struct meta_store *s, const char *arn) WARN_UNUSED;
typedef int meta_notify_target_cb(void *payload, const struct meta_notify_target *t);
int meta_notify_target_list(struct meta_store *s, meta_notify_target_cb *cb,
                            void *payload) WARN_UNUSED;

/* The outbox: events waiting for delivery, each for one target. Every change of an object
 * version (a version or delete marker stored, a version removed, its ACL, tags or restore
 * changed) calls the change hook inside the change's own transaction, with the bucket's
 * notification configuration; the events the hook emits are inserted in that transaction, so
 * a change and its events commit (or vanish) together. One change has one sequencer (16 hex
 * digits, increasing in commit order, so per key too) whatever the number of events. */
enum meta_change_kind {
    META_CHANGE_PUT = 0,            /* a version or delete marker stored (object: it) */
    META_CHANGE_REMOVE,             /* a version or delete marker removed (object: it, as it was) */
    META_CHANGE_ACL,                /* the version's ACL replaced (object: the version, after) */
    META_CHANGE_TAGS,               /* its tags replaced (tags "" : removed) */
    META_CHANGE_RESTORE,            /* its restore record replaced */
    META_CHANGE_REPLICATION_FAILED, /* its replication became FAILED (object: the version;
                                     * repl_*: the task that failed and why) */
    META_CHANGE_STORAGE_CLASS       /* a transition set its storage class (object: after) */
};
struct meta_change {
    enum meta_change_kind kind;
    const char *bucket;
    const char *bucket_owner;
    const char *bucket_region;
    const struct meta_object *object;
    const char *config; /* the bucket's notification document */
    const char *sequencer;
    /* META_CHANGE_REPLICATION_FAILED only (else NULL) */
    const char *repl_rule_id;
    const char *repl_dest_bucket;
    const char *repl_reason;
    int64_t repl_request_ms; /* when the version was queued */
};
typedef int meta_notify_emit_fn(void *ctx, const char *target, const char *event_json);
typedef int meta_change_hook_fn(void *arg, const struct meta_change *ch, meta_notify_emit_fn *emit,
                                void *emit_ctx);
/* Install the process's change hook (NULL: none; then no events are recorded). */
void meta_change_hook_set(meta_change_hook_fn *fn, void *arg);
void meta_change_hook_get(meta_change_hook_fn **fn, void **arg);

struct meta_notify_event {
    int64_t id;
    char bucket[64];
    char *key; /* borrowed in callbacks */
    char sequencer[24];
    char target[256];
    char *event; /* the JSON, borrowed in callbacks */
    int64_t attempts;
    int64_t next_attempt_ms;
};
/* Queue one event outside any object change (s3:TestEvent), with a sequencer of its own. */
int meta_notify_enqueue(struct meta_store *s, const char *bucket, const char *key,
                        const char *target, const char *event_json) WARN_UNUSED;
/* The events due at now_ms that are first in their (bucket, key, target) line — none of an
 * earlier sequencer still waits — oldest first, at most limit. */
typedef int meta_notify_event_cb(void *payload, const struct meta_notify_event *e);
int meta_notify_due(struct meta_store *s, int64_t now_ms, size_t limit, meta_notify_event_cb *cb,
                    void *payload) WARN_UNUSED;
/* delivered: forget the event. retry: count an attempt, next one at next_attempt_ms. */
int meta_notify_delivered(struct meta_store *s, int64_t id) WARN_UNUSED;
int meta_notify_retry(struct meta_store *s, int64_t id, int64_t next_attempt_ms) WARN_UNUSED;
/* How many events wait. */
int meta_notify_pending(struct meta_store *s, int64_t *out) WARN_UNUSED;

/* Replication (issue 13, meta_sqlite_repl.c): the durable queue. Every change of an object
 * version also asks the replication hook, inside the change's transaction and with the
 * bucket's replication configuration, whether a rule replicates it; if so a task is queued
 * in that transaction and the source version's replication_status becomes PENDING, so a
 * committed change always has its task. Replicas (status REPLICA) are never replicated. */
enum meta_repl_op {
    META_REPL_OBJECT = 0, /* copy the version (bytes and metadata) */
    META_REPL_MARKER,     /* copy the delete marker */
    META_REPL_TAGS,       /* the replica's tags := the source version's */
    META_REPL_ACL         /* the replica's ACL := the source version's */
};
struct meta_repl_decision {
    enum meta_repl_op op;
    char rule_id[256];
    char dest_bucket[64];
    char remote[64]; /* "" : a bucket on this server; else a registered remote's name */
};
/* 1 (out filled) when the change is replicated, 0 when not, or an ERR_* code. config is the
 * bucket's replication document. */
typedef int meta_repl_hook_fn(const struct meta_change *ch, const char *config,
                              struct meta_repl_decision *out);
void meta_repl_hook_set(meta_repl_hook_fn *fn);
meta_repl_hook_fn *meta_repl_hook_get(void);

struct meta_repl_task {
    int64_t id;
    char bucket[64];
    char *key; /* borrowed in callbacks */
    char version_id[64];
    enum meta_repl_op op;
    char rule_id[256];
    char dest_bucket[64];
    char remote[64]; /* "" : this server */
    int64_t attempts;
    int64_t next_attempt_ms;
    int64_t created_ms;
};
typedef int meta_repl_task_cb(void *payload, const struct meta_repl_task *t);
/* The tasks due at now_ms that are first of their (bucket, key) line, oldest first. */
int meta_repl_due(struct meta_store *s, int64_t now_ms, size_t limit, meta_repl_task_cb *cb,
                  void *payload) WARN_UNUSED;
/* Forget task id and set its source version's status (COMPLETED, FAILED; NULL: leave it) in
 * one transaction; the status is set only when no other task of that version waits. */
int meta_repl_finish(struct meta_store *s, int64_t id, const char *status) WARN_UNUSED;
/* meta_repl_finish with FAILED, and in the same transaction the version's
 * META_CHANGE_REPLICATION_FAILED change (s3:Replication:OperationFailedReplication events);
 * reason: AWS's failure reason (DstBucketNotFound, …). */
int meta_repl_fail(struct meta_store *s, int64_t id, const char *reason) WARN_UNUSED;
/* Count an attempt of task id, the next at next_attempt_ms. */
int meta_repl_retry(struct meta_store *s, int64_t id, int64_t next_attempt_ms) WARN_UNUSED;
struct meta_repl_stats {
    int64_t queued;    /* tasks waiting */
    int64_t oldest_ms; /* created_ms of the oldest (0: none) */
    int64_t retrying;  /* tasks with at least one failed attempt */
    int64_t failed;    /* source versions FAILED */
    int64_t completed; /* source versions COMPLETED */
};
int meta_repl_stats(struct meta_store *s, struct meta_repl_stats *out) WARN_UNUSED;

/* Remote endpoints (schema v16, `admin remote`): other S3 endpoints a replication rule names
 * by Destination/Account = name. The secret key is a secret: never logged, never listed.
 * put: create or replace; get/delete: ERR_NOTFOUND when name is not registered. */
struct meta_remote {
    char name[64];
    char endpoint[1024];
    char access_key[128];
    char secret_key[256];
    char region[64];
    int64_t created_ms;
};
int meta_remote_put(struct meta_store *s, const struct meta_remote *r) WARN_UNUSED;
int meta_remote_get(struct meta_store *s, const char *name, struct meta_remote *out) WARN_UNUSED;
int meta_remote_delete(struct meta_store *s, const char *name) WARN_UNUSED;
typedef int meta_remote_cb(void *payload, const struct meta_remote *r);
int meta_remote_list(struct meta_store *s, meta_remote_cb *cb, void *payload) WARN_UNUSED;
#endif
