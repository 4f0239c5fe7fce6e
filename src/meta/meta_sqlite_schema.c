/* meta_sqlite_schema.c — the SQLite schema, one migration per version (see
 * meta_sqlite_schema.h). Add a version by appending a migration; never edit an old one. */
#include "meta/meta_sqlite_schema.h"

#include <stdio.h>

/* Version 1: accounts, keys, buckets, objects, multipart uploads, inventory configurations
 * and runs, as they were before the schema was versioned. */
static const char *const schema_v1 =
    "CREATE TABLE IF NOT EXISTS accounts(id TEXT PRIMARY KEY, canonical_id TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL, created_ms INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS access_keys(access_key TEXT PRIMARY KEY, secret TEXT NOT NULL,"
    " account_id TEXT NOT NULL REFERENCES accounts(id), created_ms INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS buckets(name TEXT PRIMARY KEY, owner_id TEXT NOT NULL,"
    " region TEXT NOT NULL, created_ms INTEGER NOT NULL, versioning INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS objects(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL,"
    " is_latest INTEGER NOT NULL, is_delete_marker INTEGER NOT NULL, size INTEGER NOT NULL,"
    " last_modified_ms INTEGER NOT NULL, etag TEXT NOT NULL, storage_class TEXT NOT NULL,"
    " owner_id TEXT NOT NULL, headers TEXT NOT NULL, blob_id TEXT NOT NULL,"
    " multipart INTEGER NOT NULL, checksum_algorithm TEXT NOT NULL,"
    " checksum_value TEXT NOT NULL, checksum_type TEXT NOT NULL, parts TEXT);"
    "CREATE UNIQUE INDEX IF NOT EXISTS objects_version ON objects(bucket, key, version_id);"
    "CREATE INDEX IF NOT EXISTS objects_latest ON objects(bucket, key) WHERE is_latest = 1;"
    "CREATE TABLE IF NOT EXISTS uploads(upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL,"
    " key TEXT NOT NULL, initiated_ms INTEGER NOT NULL, owner_id TEXT NOT NULL,"
    " headers TEXT NOT NULL, storage_class TEXT NOT NULL, checksum_algorithm TEXT NOT NULL,"
    " checksum_type TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS uploads_key ON uploads(bucket, key, initiated_ms);"
    "CREATE TABLE IF NOT EXISTS parts(upload_id TEXT NOT NULL REFERENCES uploads(upload_id)"
    " ON DELETE CASCADE, number INTEGER NOT NULL, etag TEXT NOT NULL, size INTEGER NOT NULL,"
    " last_modified_ms INTEGER NOT NULL, blob_id TEXT NOT NULL, checksum_value TEXT NOT NULL,"
    " PRIMARY KEY(upload_id, number));"
    "CREATE TABLE IF NOT EXISTS inventory_configs(bucket TEXT NOT NULL, id TEXT NOT NULL,"
    " config TEXT NOT NULL, updated_ms INTEGER NOT NULL, PRIMARY KEY(bucket, id));"
    "CREATE TABLE IF NOT EXISTS inventory_runs(run_id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " bucket TEXT NOT NULL, config_id TEXT NOT NULL, started_ms INTEGER NOT NULL,"
    " finished_ms INTEGER NOT NULL, report_ms INTEGER NOT NULL, rows INTEGER NOT NULL,"
    " files INTEGER NOT NULL, bytes INTEGER NOT NULL, outcome TEXT NOT NULL,"
    " error TEXT NOT NULL, manifest_key TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS inventory_runs_config ON inventory_runs(bucket, config_id,"
    " run_id);";

/* Version 2: per-bucket configuration documents, (bucket, kind) → document. */
static const char *const schema_v2 =
    "CREATE TABLE IF NOT EXISTS bucket_configs(bucket TEXT NOT NULL, kind TEXT NOT NULL,"
    " doc TEXT NOT NULL, updated_ms INTEGER NOT NULL, PRIMARY KEY(bucket, kind));";

/* Version 3: inventory run leases and the objects runs wrote (meta_sqlite_lease.c). */
static const char *const schema_v3 =
    "CREATE TABLE inventory_leases(bucket TEXT NOT NULL, config_id TEXT NOT NULL,"
    " token TEXT NOT NULL, run_id INTEGER NOT NULL, host TEXT NOT NULL, boot_id TEXT NOT NULL,"
    " pid INTEGER NOT NULL, pid_start INTEGER NOT NULL, expires_ms INTEGER NOT NULL,"
    " PRIMARY KEY(bucket, config_id));"
    "CREATE TABLE inventory_run_objects(run_id INTEGER NOT NULL,"
    " bucket TEXT NOT NULL, config_id TEXT NOT NULL, dest_bucket TEXT NOT NULL,"
    " key TEXT NOT NULL, version_id TEXT NOT NULL, blob_id TEXT NOT NULL);"
    "CREATE INDEX inventory_run_objects_config ON inventory_run_objects(bucket,"
    " config_id, run_id);";

/* Version 4: immutable bucket ids (a write commits only into the bucket it began on), and the
 * object layer's tables: blobs no row refers to any more, waiting for the collector; uploads
 * completed, for a repeated CompleteMultipartUpload. */
static const char *const schema_v4 =
    "ALTER TABLE buckets ADD COLUMN id TEXT NOT NULL DEFAULT '';"
    "UPDATE buckets SET id=lower(hex(randomblob(16))) WHERE id='';"
    "CREATE TABLE dead_blobs(blob_id TEXT PRIMARY KEY, dead_ms INTEGER NOT NULL);"
    "CREATE INDEX dead_blobs_time ON dead_blobs(dead_ms);"
    "CREATE INDEX objects_blob ON objects(blob_id) WHERE blob_id != '';"
    "CREATE INDEX parts_blob ON parts(blob_id);"
    "CREATE TABLE completed_uploads(upload_id TEXT PRIMARY KEY,"
    " bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL,"
    " completed_ms INTEGER NOT NULL);"
    "CREATE INDEX completed_uploads_time ON completed_uploads(completed_ms);";

/* Version 5: object ACLs. Each version and each upload keeps its ACL (authz/acl_json.h; ''
 * is the default private ACL of the owner). Existing objects become the bucket owner's,
 * private: before this version only the bucket owner could write them. */
static const char *const schema_v5 =
    "ALTER TABLE objects ADD COLUMN acl TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE uploads ADD COLUMN acl TEXT NOT NULL DEFAULT '';"
    "UPDATE objects SET owner_id=(SELECT b.owner_id FROM buckets b WHERE b.name=objects.bucket)"
    " WHERE EXISTS(SELECT 1 FROM buckets b WHERE b.name=objects.bucket);";

/* Version 6: object tagging. Each version and each upload keeps its tag set in the
 * URL-encoded form of x-amz-tagging (s3/s3_tagging.h; '' is no tags): a copy of the version
 * takes it along, a completed upload gives its tags to the object. */
static const char *const schema_v6 =
    "ALTER TABLE objects ADD COLUMN tags TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE uploads ADD COLUMN tags TEXT NOT NULL DEFAULT '';";

/* Version 7: an account's e-mail address, what AmazonCustomerByEmail grants name ('' none;
 * unique when set, compared without case as AWS compares addresses). */
static const char *const schema_v7 =
    "ALTER TABLE accounts ADD COLUMN email TEXT NOT NULL DEFAULT '';"
    "CREATE UNIQUE INDEX IF NOT EXISTS accounts_email ON accounts(lower(email)) WHERE email <> '';";

/* Version 8: a bucket's configuration generation (meta_bucket.config_gen). */
static const char *const schema_v8 =
    "ALTER TABLE buckets ADD COLUMN config_gen INTEGER NOT NULL DEFAULT 0;";

/* Version 9: the per-version state of Object Lock, encryption, Intelligent-Tiering and archive
 * restores (meta_object's fields of those names); uploads keep the lock and encryption their
 * completed object takes. Old rows: no lock, not encrypted, no tier, never restored. */
static const char *const schema_v9 =
    "ALTER TABLE objects ADD COLUMN lock_mode TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE objects ADD COLUMN lock_until_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE objects ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE objects ADD COLUMN sse TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE objects ADD COLUMN tier TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE objects ADD COLUMN last_access_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE objects ADD COLUMN restore TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE uploads ADD COLUMN lock_mode TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE uploads ADD COLUMN lock_until_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE uploads ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE uploads ADD COLUMN sse TEXT NOT NULL DEFAULT '';";

/* Version 10: how many times the lifecycle worker applied each action in each bucket. */
static const char *const schema_v10 =
    "CREATE TABLE lifecycle_stats(bucket TEXT NOT NULL, action TEXT NOT NULL,"
    " count INTEGER NOT NULL, last_ms INTEGER NOT NULL, PRIMARY KEY(bucket, action));";

/* Version 11: the key service (issue 11, src/kms/): keys per account, their backing key
 * versions (256-bit material wrapped by the server master key, crypto/keys.h) and aliases. */
static const char *const schema_v11 =
    "CREATE TABLE IF NOT EXISTS kms_keys(key_id TEXT PRIMARY KEY, account TEXT NOT NULL,"
    " arn TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,"
    " state TEXT NOT NULL, deletion_ms INTEGER NOT NULL, policy TEXT NOT NULL,"
    " current_version INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS kms_keys_account ON kms_keys(account, key_id);"
    "CREATE TABLE IF NOT EXISTS kms_key_material(key_id TEXT NOT NULL, version INTEGER NOT NULL,"
    " wrapped TEXT NOT NULL, created_ms INTEGER NOT NULL, PRIMARY KEY(key_id, version));"
    "CREATE TABLE IF NOT EXISTS kms_aliases(account TEXT NOT NULL, alias TEXT NOT NULL,"
    " key_id TEXT NOT NULL, created_ms INTEGER NOT NULL, PRIMARY KEY(account, alias));";

/* Version 12: automatic rotation of KMS keys (EnableKeyRotation): the period in days (0: off)
 * and the instant the period counts from (enabling, or the last rotation). */
static const char *const schema_v12 =
    "ALTER TABLE kms_keys ADD COLUMN rotation_days INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE kms_keys ADD COLUMN rotation_from_ms INTEGER NOT NULL DEFAULT 0;";

/* Version 13: event notifications (meta_sqlite_notify.c): the targets the administrator
 * registers, the outbox of events waiting for delivery (written in the transaction of the
 * change they describe), and the counter their sequencers come from. */
static const char *const schema_v13 =
    "CREATE TABLE notify_targets(arn TEXT PRIMARY KEY, kind TEXT NOT NULL,"
    " endpoint TEXT NOT NULL, auth_token TEXT NOT NULL, created_ms INTEGER NOT NULL);"
    "CREATE TABLE notify_outbox(id INTEGER PRIMARY KEY AUTOINCREMENT, bucket TEXT NOT NULL,"
    " key TEXT NOT NULL, sequencer TEXT NOT NULL, target TEXT NOT NULL, event TEXT NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL DEFAULT 0,"
    " created_ms INTEGER NOT NULL);"
    "CREATE INDEX notify_outbox_line ON notify_outbox(bucket, key, target, id);"
    "CREATE INDEX notify_outbox_due ON notify_outbox(next_attempt_ms);"
    "CREATE TABLE notify_sequence(n INTEGER NOT NULL);"
    "INSERT INTO notify_sequence VALUES (0);";

/* Version 14: the change journal of inventory change reports (meta_sqlite_journal.c). A
 * bucket is journaled while it is the source of a Changes configuration
 * (change_journal_buckets: since_seq, the position journaling began at; pruned_seq, entries at
 * or below it may be gone). Each entry is written before the change it describes, in its
 * transaction, and holds the version's row as it was before (existed 0: there was none), under
 * the objects table's column names (id is the version's row id). A run records the journal
 * position of its snapshot (inventory_runs.journal_seq; -1: none). */
static const char *const schema_v14 =
    "ALTER TABLE inventory_configs ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE inventory_runs ADD COLUMN journal_seq INTEGER NOT NULL DEFAULT -1;"
    "CREATE TABLE change_journal_buckets(bucket TEXT PRIMARY KEY, since_seq INTEGER NOT NULL,"
    " pruned_seq INTEGER NOT NULL);"
    "CREATE TABLE change_journal(seq INTEGER PRIMARY KEY AUTOINCREMENT, bucket TEXT NOT NULL,"
    " kind TEXT NOT NULL, at_ms INTEGER NOT NULL, existed INTEGER NOT NULL, key TEXT NOT NULL,"
    " version_id TEXT NOT NULL, is_latest INTEGER, is_delete_marker INTEGER, size INTEGER,"
    " last_modified_ms INTEGER, etag TEXT, storage_class TEXT, owner_id TEXT, multipart INTEGER,"
    " checksum_algorithm TEXT, id INTEGER, acl TEXT, lock_mode TEXT, lock_until_ms INTEGER,"
    " legal_hold INTEGER, sse TEXT, tier TEXT, headers TEXT, blob_id TEXT, checksum_value TEXT,"
    " checksum_type TEXT, parts TEXT, tags TEXT, last_access_ms INTEGER, restore TEXT);"
    "CREATE INDEX change_journal_version ON change_journal(bucket, key, version_id, seq);"
    "CREATE INDEX change_journal_seq ON change_journal(bucket, seq);"
    "CREATE INDEX change_journal_time ON change_journal(bucket, at_ms);";

/* Version 15 (issue 13, replication): each version's replication status
 * (meta_object.replication_status) and the durable queue of replication tasks (meta_sqlite_repl.c),
 * written in the transaction of the change they replicate. The change journal (v14) keeps the
 * status of the rows it holds. */
static const char *const schema_v15 =
    "ALTER TABLE objects ADD COLUMN replication_status TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE repl_queue(id INTEGER PRIMARY KEY AUTOINCREMENT, bucket TEXT NOT NULL,"
    " key TEXT NOT NULL, version_id TEXT NOT NULL, op INTEGER NOT NULL, rule_id TEXT NOT NULL,"
    " dest_bucket TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_ms INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL);"
    "CREATE INDEX repl_queue_line ON repl_queue(bucket, key, id);"
    "CREATE INDEX repl_queue_due ON repl_queue(next_attempt_ms);"
    "ALTER TABLE change_journal ADD COLUMN replication_status TEXT NOT NULL DEFAULT '';";

/* Version 16 (issue 13, replication to other S3 endpoints): the remote endpoints the
 * administrator registers (`admin remote`; the secret key is kept as access keys' secrets are,
 * since SigV4 needs it in the clear), and the remote a queued task goes to ('' : this server). */
static const char *const schema_v16 =
    "CREATE TABLE repl_remotes(name TEXT PRIMARY KEY, endpoint TEXT NOT NULL,"
    " access_key TEXT NOT NULL, secret_key TEXT NOT NULL, region TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL);"
    "ALTER TABLE repl_queue ADD COLUMN remote TEXT NOT NULL DEFAULT '';";

static const char *const schema_migrations[] = {
    schema_v1, schema_v2,  schema_v3,  schema_v4,  schema_v5,  schema_v6,  schema_v7,  schema_v8,
    schema_v9, schema_v10, schema_v11, schema_v12, schema_v13, schema_v14, schema_v15, schema_v16};

#define SCHEMA_LATEST ((int)(sizeof(schema_migrations) / sizeof(schema_migrations[0])))

int meta_sqlite_schema_latest(void)
{
    return SCHEMA_LATEST;
}

static int schema_fail(sqlite3 *db, const char *what)
{
    int code = sqlite3_errcode(db);
    err_set("sqlite schema %s: %s", what, sqlite3_errmsg(db));
    return code == SQLITE_BUSY || code == SQLITE_LOCKED ? ERR_BUSY : ERR_BACKEND;
}

int meta_sqlite_schema_version(sqlite3 *db, int *out)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
        return schema_fail(db, "version");
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : schema_fail(db, "version");
}

/* Apply migration number version (0-based: it brings the database to version + 1). */
static int schema_apply(sqlite3 *db, int version)
{
    char bump[64];
    snprintf(bump, sizeof(bump), "PRAGMA user_version=%d", version + 1);
    if (sqlite3_exec(db, schema_migrations[version], NULL, NULL, NULL) != SQLITE_OK)
        return schema_fail(db, "migration");
    if (sqlite3_exec(db, bump, NULL, NULL, NULL) != SQLITE_OK)
        return schema_fail(db, "version bump");
    return 0;
}

/* Inside a write transaction: read the version again (another process may have migrated
 * meanwhile) and apply what is missing. */
static int schema_migrate_txn(sqlite3 *db, int target)
{
    int version = 0;
    int rc = meta_sqlite_schema_version(db, &version);
    if (rc)
        return rc;
    if (version > SCHEMA_LATEST) {
        err_set("meta.db has schema version %d; this binary knows up to %d", version,
                SCHEMA_LATEST);
        return ERR_INVALID;
    }
    for (int v = version; !rc && v < target; v++)
        rc = schema_apply(db, v);
    return rc;
}

int meta_sqlite_schema_migrate(sqlite3 *db, int target)
{
    if (target < 1 || target > SCHEMA_LATEST) {
        err_set("no schema version %d", target);
        return ERR_INVALID;
    }
    int version = 0;
    int rc = meta_sqlite_schema_version(db, &version);
    if (!rc && version == target)
        return 0; /* the common case: nothing to do, no write lock taken */
    if (!rc && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        rc = schema_fail(db, "begin");
    if (rc)
        return rc;
    rc = schema_migrate_txn(db, target);
    if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = schema_fail(db, "commit");
    if (rc)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
