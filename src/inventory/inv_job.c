/* inv_job.c — one inventory run (see inv_job.h). */
#include "inventory/inv_job.h"
#include "object/obj_deliver.h"
#include "object/object.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authz/authz.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/str.h"
#include "crypto/keys.h"
#include "inventory/inv_changes.h"
#include "inventory/inv_config.h"
#include "inventory/inv_dest.h"
#include "inventory/inv_filter.h"
#include "inventory/inv_format.h"
#include "inventory/inv_grant.h"
#include "inventory/inv_expiry.h"
#include "inventory/inv_keys.h"
#include "inventory/inv_kms.h"
#include "inventory/inv_lease.h"
#include "inventory/inv_leftovers.h"
#include "inventory/inv_manifest.h"
#include "inventory/inv_pipe.h"
#include "inventory/inv_row.h"
#include "notify/notify_ctx.h"
#include "s3/s3_sse_config.h"

/* A finished data file's blob and its INV_FILE_CHECKSUM (base64). */
struct inv_job_blob {
    char id[BLOB_ID_LEN + 1];
    char checksum[CHECKSUM_B64_MAX];
    char *sse; /* its encryption record (NULL: plain) */
};

struct inv_job {
    struct meta_store *meta;
    struct blob_store *blobs;
    const struct inv_job_opts *opts;
    const char *bucket;
    int cancelled;       /* `stocktake inventory cancel` marked the run */
    int64_t progress_ms; /* when the row count was last stored in the run record */
    struct inv_config config;
    struct meta_bucket dest;
    struct inv_grant grant; /* may S3 write into dest (its bucket policy)? */
    const struct inv_format_ops *format;
    struct inv_columns cols;
    char *base; /* "<prefix>/<source>/<id>" */
    /* the file being written and those finished (committed blobs, not yet delivered) */
    struct inv_file *file;
    void *format_state; /* the format's state for the open file */
    struct inv_manifest_file *files;
    struct inv_job_blob *file_blobs; /* per finished data file, until it is an object */
    size_t n_files;
    size_t cap_files;
    struct inv_row row;
    struct inv_expiry expiry; /* LifecycleExpirationDate (loaded when the column is asked) */
    int wants_expiry;
    char owner_id[13];
    char owner_canonical[65];
    enum obj_sse_mode sse;   /* the report's encryption: SSE-S3 or SSE-KMS seals every object */
    struct inv_kms kms;      /* SSE-KMS: the key and the service principal asking for data keys */
    char dest_kms_key[2048]; /* an aws:kms destination default's KMSMasterKeyID */
    char data_uuid[37];      /* the open data file's key's UUID */
    struct meta_inventory_run *run;
    struct inv_lease *lease;
    int rc;
};

static int inv_job_fail(struct inv_job *j, int rc, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Fault injection for tests: STOCKTAKE_TEST_DELAY_BEFORE_CHECKSUM_MS holds a run just before
 * manifest.checksum (a test kills it there: no checksum may appear);
 * STOCKTAKE_TEST_DELAY_AFTER_MANIFEST_MS holds it between manifest.json and symlink.txt;
 * STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS holds it inside the scan, after the first row (and
 * the roll it may cause): a test writes to the bucket meanwhile (the report must show the
 * snapshot), or lets the blob collector look at the finished data file. */
static void inv_job_test_pause(const char *variable)
{
    const char *ms = getenv(variable);
    int64_t v = 0;
    if (ms && str_parse_i64(ms, 0, INT64_MAX, &v) == 0) {
        struct timespec ts = {v / 1000, (v % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static int inv_job_fail(struct inv_job *j, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->run->error, sizeof(j->run->error), fmt, ap);
    va_end(ap);
    return rc ? rc : ERR_INVALID;
}

/* Destination: the bucket named by the ARN, here; AccountId, when given, its owner (AWS checks
 * it before exporting); its policy is loaded for the delivery decisions. */
static int inv_job_check_destination(struct inv_job *j, const struct meta_bucket *src)
{
    int rc = inv_dest_load(j->meta, &j->config, &j->dest, j->run->error, sizeof(j->run->error));
    if (rc)
        return rc;
    const char *name = j->dest.name;
    rc = inv_grant_load(&j->grant, j->meta, src, &j->dest);
    if (rc)
        return inv_job_fail(j, rc, "the policy of destination bucket %s: %s", name, err_msg());
    return 0;
}

/* May S3 write the report object key into the destination? Asked before each object is
 * written, and once before the scan for the manifest's key, so that a destination whose
 * policy refuses delivery fails the run before any work. */
static int inv_job_check_grant(struct inv_job *j, const char *key)
{
    char why[sizeof(j->run->error)];
    if (inv_grant_check(&j->grant, key, why, sizeof(why)))
        return inv_job_fail(j, ERR_DENIED, "%s", why);
    return 0;
}

static void inv_job_format_free(struct inv_job *j)
{
    if (j->format_state && j->format->free)
        j->format->free(j->format_state);
    j->format_state = NULL;
}

/* Before a blob or object is written: the lease must still be ours, and it is recorded as
 * this run's (inv_leftovers.h), so that a kill after the write cannot leave it behind and the
 * blob collector leaves a data file alone while its run goes on (version_id "" for a data file
 * not yet an object). */
static int inv_job_record(struct inv_job *j, const char *key, const char *version_id,
                          const char *blob_id)
{
    if (inv_lease_confirm(j->lease))
        return inv_job_fail(j, ERR_CONFLICT, "the lease of this run was taken over");
    struct meta_inventory_run_object ro;
    memset(&ro, 0, sizeof(ro));
    ro.run_id = j->run->run_id;
    snprintf(ro.dest_bucket, sizeof(ro.dest_bucket), "%s", j->dest.name);
    ro.key = (char *)key;
    snprintf(ro.version_id, sizeof(ro.version_id), "%s", version_id);
    snprintf(ro.blob_id, sizeof(ro.blob_id), "%s", blob_id);
    int rc = meta_inventory_run_object_add(j->meta, j->bucket, j->config.id, &ro);
    return rc ? inv_job_fail(j, rc, "recording %s: %s", key, err_msg()) : 0;
}

/* An SSE-KMS report object's data key and record; the run fails with the KMS's reason. */
static int inv_job_kms_key(struct inv_job *j, const char *key, uint8_t dk[32], char **record)
{
    char why[512];
    if (inv_kms_data_key(&j->kms, key, dk, record, why, sizeof(why)))
        return inv_job_fail(j, ERR_DENIED, "SSE-KMS encryption of reports with key %s: %s",
                            j->kms.key_ref[0] ? j->kms.key_ref : "alias/aws/s3", why);
    return 0;
}

/* Open a file for the report object key (SSE-KMS: under a data key of its own). */
static int inv_job_open_for(struct inv_job *j, const char *key, int gzip, struct inv_file **f)
{
    if (j->sse != OBJ_SSE_KMS)
        return inv_file_open(f, j->blobs, gzip, j->sse);
    uint8_t dk[32];
    char *record = NULL;
    int rc = inv_job_kms_key(j, key, dk, &record);
    if (!rc)
        rc = inv_file_open_kms(f, j->blobs, gzip, OBJ_SSE_KMS, dk, record);
    OPENSSL_cleanse(dk, sizeof(dk));
    free(record);
    return rc;
}

/* A new data file, its object's key (UUID) chosen now so that its encryption can name it. */
static int inv_job_file_open(struct inv_job *j)
{
    char key[INV_KEY_MAX + 1];
    hash_uuid(j->data_uuid);
    int rc = inv_keys_data(key, j->base, j->data_uuid, j->format->extension);
    return rc ? rc : inv_job_open_for(j, key, j->format->gzip, &j->file);
}

static int inv_job_roll(struct inv_job *j)
{
    struct inv_file_result res;
    int rc = j->format->finish ? j->format->finish(j->format_state, j->file) : 0;
    inv_job_format_free(j);
    if (rc) {
        inv_file_abort(j->file);
        j->file = NULL;
        return inv_job_fail(j, rc, "finishing a data file: %s", err_msg());
    }
    rc = inv_file_close(j->file, &res);
    j->file = NULL;
    if (rc)
        return inv_job_fail(j, rc, "writing a data file: %s", err_msg());
    if (j->n_files == j->cap_files) {
        j->cap_files = j->cap_files ? 2 * j->cap_files : 8;
        j->files = xrealloc(j->files, j->cap_files * sizeof(*j->files));
        j->file_blobs = xrealloc(j->file_blobs, j->cap_files * sizeof(*j->file_blobs));
    }
    struct inv_manifest_file *f = &j->files[j->n_files];
    char key[INV_KEY_MAX + 1];
    if ((rc = inv_keys_data(key, j->base, j->data_uuid, j->format->extension)) != 0) {
        if (blob_remove(j->blobs, res.blob_id))
            log_warn("could not remove blob %s", res.blob_id);
        free(res.sse);
        return inv_job_fail(j, rc, "%s", err_msg());
    }
    f->key = xstrdup(key);
    f->size = res.size;
    memcpy(f->md5_hex, res.md5_hex, sizeof(f->md5_hex));
    memcpy(j->file_blobs[j->n_files].id, res.blob_id, sizeof(j->file_blobs[0].id));
    memcpy(j->file_blobs[j->n_files].checksum, res.checksum, sizeof(res.checksum));
    j->file_blobs[j->n_files].sse = res.sse;
    j->n_files++;
    j->run->files++;
    j->run->bytes += (int64_t)res.size;
    return 0;
}

static const char *inv_job_owner(struct inv_job *j, const char *owner_id)
{
    if (strcmp(j->owner_id, owner_id) != 0) {
        struct meta_account a;
        memset(&a, 0, sizeof(a));
        if (meta_account_get(j->meta, owner_id, &a) == 0)
            snprintf(j->owner_canonical, sizeof(j->owner_canonical), "%s", a.canonical_id);
        else
            snprintf(j->owner_canonical, sizeof(j->owner_canonical), "UNAVAILABLE");
        snprintf(j->owner_id, sizeof(j->owner_id), "%s", owner_id);
    }
    return j->owner_canonical;
}

/* Store the row count in the run record; 1 when the run was cancelled (the run fails). */
static int inv_job_progress(struct inv_job *j)
{
    j->progress_ms = clock_now_ms();
    if (meta_inventory_run_progress(j->meta, j->run->run_id, j->run->rows, &j->cancelled) == 0 &&
        j->cancelled) {
        j->rc = inv_job_fail(j, ERR_CONFLICT, "cancelled by stocktake inventory cancel");
        return 1;
    }
    return 0;
}

/* Write the row of version o (event: a change report's EventType, else NULL); 1 stops the
 * scan with j->rc set. */
static int inv_job_write(struct inv_job *j, const struct meta_object *o, const char *event)
{
    if (!j->file) {
        j->rc = inv_job_file_open(j);
        if (!j->rc && j->format->open)
            j->rc = j->format->open(&j->format_state, &j->cols, j->opts->row_group_rows);
        if (!j->rc && j->format->start)
            j->rc = j->format->start(j->format_state, j->file, &j->config, &j->cols);
        if (j->rc) {
            inv_job_fail(j, j->rc, "opening a data file: %s", err_msg());
            return 1;
        }
    }
    if (inv_lease_lost(j->lease)) {
        j->rc = inv_job_fail(j, ERR_CONFLICT, "the lease of this run was taken over");
        return 1;
    }
    j->row.lifecycle_expiration_ms = j->wants_expiry ? inv_expiry_of(&j->expiry, o) : 0;
    j->row.event = event;
    j->rc = inv_row_fill(&j->row, &j->cols, j->bucket, o, inv_job_owner(j, o->owner_id));
    if (j->rc) {
        inv_job_fail(j, j->rc, "%s", err_msg());
        return 1;
    }
    j->rc = j->format->write_row(j->format_state, j->file, &j->cols, &j->row);
    if (j->rc) {
        inv_job_fail(j, j->rc, "writing a row: %s", err_msg());
        return 1;
    }
    ++j->run->rows;
    if (j->opts->progress_log && j->run->rows % j->opts->progress_log == 0)
        log_info("inventory %s/%s: %lld rows, %lld files so far", j->bucket, j->config.id,
                 (long long)j->run->rows, (long long)j->run->files + 1);
    if (inv_file_written(j->file) >= j->opts->file_size_cap && (j->rc = inv_job_roll(j)) != 0)
        return 1;
    /* progress for `inventory status`, and the cancel check: at the first row (before and
     * after the test pause), then about every second (looked at every 1,000 rows) */
    if (j->run->rows == 1 || (j->run->rows % 1000 == 0 && clock_now_ms() - j->progress_ms >= 1000))
        if (inv_job_progress(j))
            return 1;
    if (j->run->rows == 1) {
        inv_job_test_pause("STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS");
        if (inv_job_progress(j))
            return 1;
    }
    return 0;
}

static int inv_job_row(void *payload, const struct meta_object *o)
{
    struct inv_job *j = payload;
    if (!inv_filter_match(j->config.filter_ext, o))
        return 0;
    /* a change report without a previous position: every row is new */
    return inv_job_write(j, o, j->config.report_changes ? "Created" : NULL);
}

/* ---- change reports (inv_changes.h): the callbacks of one key's classification ---- */

static int inv_job_change_in(void *arg, const struct meta_object *o)
{
    return inv_filter_match(((struct inv_job *)arg)->config.filter_ext, o);
}

/* The report row of o as bytes (typed values), to compare a version's rows then and now. */
static int inv_job_row_bytes(struct inv_job *j, const struct meta_object *o, struct buf *out)
{
    j->row.lifecycle_expiration_ms = j->wants_expiry ? inv_expiry_of(&j->expiry, o) : 0;
    j->row.event = NULL;
    int rc = inv_row_fill(&j->row, &j->cols, j->bucket, o, inv_job_owner(j, o->owner_id));
    for (size_t i = 0; i < j->cols.n && !rc; i++) {
        const struct inv_value *v = &j->row.v[i];
        rc = buf_printf(out, "%d:%lld:%s", (int)v->kind, (long long)v->i, v->s ? v->s : "");
        if (!rc && v->kind == INV_MAP)
            rc = inv_map_json(v->pairs, v->n_pairs, out);
        if (!rc)
            rc = buf_append(out, "", 1);
    }
    return rc;
}

static int inv_job_change_differ(void *arg, const struct meta_object *then,
                                 const struct meta_object *now)
{
    struct inv_job *j = arg;
    struct buf a, b;
    buf_init(&a, BUF_UNLIMITED);
    buf_init(&b, BUF_UNLIMITED);
    int differ = 1; /* rows that cannot be compared are reported */
    if (inv_job_row_bytes(j, then, &a) == 0 && inv_job_row_bytes(j, now, &b) == 0)
        differ = a.len != b.len || memcmp(a.data, b.data, a.len) != 0;
    buf_dispose(&a);
    buf_dispose(&b);
    return differ;
}

static int inv_job_change_emit(void *arg, const struct meta_object *o, enum inv_change_event e)
{
    return inv_job_write(arg, o, inv_change_event_name(e));
}

static int inv_job_change_key(void *payload, const struct meta_object *then, size_t n_then,
                              const struct meta_object *now, size_t n_now)
{
    static const struct inv_changes_ops ops = {inv_job_change_in, inv_job_change_differ,
                                               inv_job_change_emit};
    struct inv_job *j = payload;
    return inv_changes_key(strcmp(j->config.included_versions, "All") == 0, then, n_then, now,
                           n_now, &ops, j);
}

/* The snapshot scan: every row, or for a change report the difference since its previous
 * report (the run records the snapshot's journal position and how it was reported). */
static int inv_job_scan(struct inv_job *j)
{
    const char *prefix = j->config.filter_prefix ? j->config.filter_prefix : "";
    int all = strcmp(j->config.included_versions, "All") == 0;
    if (!j->config.report_changes)
        return inv_pipe_scan(j->meta, j->bucket, prefix, all, inv_job_row, j);
    struct meta_inventory_changes_pos pos;
    int rc = meta_inventory_changes(j->meta, j->bucket, j->config.id, prefix, all, inv_job_row,
                                    inv_job_change_key, j, &pos);
    if (rc == 0) {
        j->run->has_journal_seq = 1;
        j->run->journal_seq = pos.position;
        if (pos.baseline[0])
            snprintf(j->run->error, sizeof(j->run->error), "%s", pos.baseline);
        else
            snprintf(j->run->error, sizeof(j->run->error),
                     "changes from journal position %lld to %lld", (long long)pos.since,
                     (long long)pos.position);
    }
    return rc;
}

/* Store bytes as an object of the destination bucket, as S3's delivery does: decided by the
 * destination's policy (inv_grant), then through the object layer's commit into the destination
 * the run resolved (same bucket id); the object belongs to the destination's owner
 * (bucket-owner-full-control). The blob is consumed, committed or removed.
 * checksum: the blob's INV_FILE_CHECKSUM, or NULL; sse: its encryption record, or NULL. */
static int inv_job_put(struct inv_job *j, const char *key, const char *blob_id, uint64_t size,
                       const char *md5_hex, const char *checksum, const char *sse,
                       const char *content_type)
{
    int rc = inv_job_check_grant(j, key);
    char version_id[64];
    obj_deliver_version_id(&j->dest, version_id, sizeof(version_id));
    if (!rc)
        rc = inv_job_record(j, key, version_id, blob_id);
    if (rc) { /* the blob is ours until obj_commit takes it */
        if (blob_remove(j->blobs, blob_id))
            log_warn("could not remove blob %s", blob_id);
        return rc;
    }
    struct obj_delivery d = {key,      version_id, blob_id,     size, md5_hex, INV_FILE_CHECKSUM,
                             checksum, sse,        content_type};
    rc = obj_deliver_put(j->meta, j->blobs, &j->dest, &d);
    if (rc)
        return inv_job_fail(j, rc, "delivering %s: %s", key, err_msg());
    return 0;
}

static int inv_job_put_bytes(struct inv_job *j, const char *key, const char *data, size_t len,
                             const char *content_type)
{
    struct inv_file *f = NULL;
    struct inv_file_result res;
    int rc = inv_job_open_for(j, key, 0, &f);
    if (!rc && (rc = inv_file_write(f, data, len)) != 0)
        inv_file_abort(f);
    if (!rc)
        rc = inv_file_close(f, &res);
    if (rc)
        return inv_job_fail(j, rc, "writing %s: %s", key, err_msg());
    rc = inv_job_put(j, key, res.blob_id, res.size, res.md5_hex, res.checksum, res.sse,
                     content_type);
    free(res.sse);
    return rc;
}

/* Data files, then manifest.json, hive/dt=…/symlink.txt and, last, manifest.checksum. */
static int inv_job_deliver(struct inv_job *j)
{
    int rc = 0;
    for (size_t i = 0; i < j->n_files && !rc; i++) {
        rc = inv_job_put(j, j->files[i].key, j->file_blobs[i].id, j->files[i].size,
                         j->files[i].md5_hex, j->file_blobs[i].checksum, j->file_blobs[i].sse,
                         "application/octet-stream");
        /* committed: now owned by the object; failed: obj_commit removed it */
        j->file_blobs[i].id[0] = '\0';
    }
    char key[INV_KEY_MAX + 1];
    struct buf manifest, symlink, schema;
    buf_init(&manifest, BUF_UNLIMITED);
    buf_init(&symlink, BUF_UNLIMITED);
    buf_init(&schema, BUF_UNLIMITED);
    int64_t t = j->run->report_ms;
    if (!rc)
        rc = j->format->schema(&j->cols, &schema);
    struct inv_manifest m = {
        j->bucket, j->config.bucket_arn, t, j->format->name, schema.data, j->files, j->n_files};
    if (!rc)
        rc = inv_manifest_render(&m, &manifest);
    if (!rc && (rc = inv_keys_manifest(key, j->base, t, "manifest.json")) == 0)
        rc = inv_job_put_bytes(j, key, manifest.data, manifest.len, "application/json");
    if (!rc)
        snprintf(j->run->manifest_key, sizeof(j->run->manifest_key), "%s", key);
    inv_job_test_pause("STOCKTAKE_TEST_DELAY_AFTER_MANIFEST_MS");
    for (size_t i = 0; i < j->n_files && !rc; i++)
        rc = buf_printf(&symlink, "s3://%s/%s\n", j->dest.name, j->files[i].key);
    if (!rc && (rc = inv_keys_symlink(key, j->base, t)) == 0)
        rc = inv_job_put_bytes(j, key, symlink.data ? symlink.data : "", symlink.len, "text/plain");
    char checksum[34];
    inv_manifest_checksum(manifest.data ? manifest.data : "", manifest.len, checksum);
    inv_job_test_pause("STOCKTAKE_TEST_DELAY_BEFORE_CHECKSUM_MS");
    if (!rc && (rc = inv_keys_manifest(key, j->base, t, "manifest.checksum")) == 0)
        rc = inv_job_put_bytes(j, key, checksum, 33, "text/plain");
    buf_dispose(&manifest);
    buf_dispose(&symlink);
    buf_dispose(&schema);
    return rc;
}

/* One report per configuration and minute: the folder YYYY-MM-DDTHH-MMZ (and the Hive dt=)
 * that AWS's readers parse has minute precision, so a run whose minute already holds a report
 * is refused rather than overwrite that report's manifest. */
static int inv_job_check_minute(struct inv_job *j)
{
    static const char *const names[] = {"manifest.json", "manifest.checksum"};
    for (size_t i = 0; i < 2; i++) {
        char key[INV_KEY_MAX + 1];
        int rc = inv_keys_manifest(key, j->base, j->run->report_ms, names[i]);
        if (rc)
            return inv_job_fail(j, rc, "%s", err_msg());
        struct meta_object o;
        rc = meta_object_get(j->meta, j->dest.name, key, NULL, &o);
        if (rc == ERR_NOTFOUND)
            continue;
        if (rc)
            return inv_job_fail(j, rc, "%s", err_msg());
        int live = !o.is_delete_marker;
        meta_object_dispose(&o);
        if (live)
            return inv_job_fail(j, ERR_EXISTS,
                                "a report of this minute exists already (%s); one report per "
                                "configuration per minute",
                                key);
    }
    return 0;
}

/* Without an Encryption of its own a report gets the destination's default encryption, as any
 * object S3 writes: its stored configuration, else SSE-S3 (AWS since 2023) unless legacy. */
static int inv_job_dest_encryption(struct inv_job *j, enum inv_encryption *out)
{
    char *doc = NULL;
    int rc = meta_bucket_config_get(j->meta, j->dest.name, META_CONFIG_ENCRYPTION, &doc);
    if (rc == ERR_NOTFOUND) {
        *out = j->opts->legacy_bucket_defaults ? INV_ENC_NONE : INV_ENC_SSE_S3;
        return 0;
    }
    if (rc)
        return inv_job_fail(j, rc, "the encryption configuration of %s: %s", j->dest.name,
                            err_msg());
    struct s3_sse_config c;
    char msg[256];
    enum s3_error e = s3_sse_config_parse(&c, doc, strlen(doc), msg, sizeof(msg));
    free(doc);
    if (e)
        return inv_job_fail(j, ERR_INVALID, "the encryption configuration of %s does not parse",
                            j->dest.name);
    *out = c.algorithm == S3_SSE_ALG_AES256 ? INV_ENC_SSE_S3 : INV_ENC_SSE_KMS;
    snprintf(j->dest_kms_key, sizeof(j->dest_kms_key), "%s", c.kms_key_id);
    return 0;
}

/* The report's encryption: the configuration's Encryption or the destination's default.
 * SSE-S3 seals every report object with the server's master key; SSE-KMS with a data key per
 * object from the KMS (inv_kms.h), tried once here so that a key the service may not use
 * fails the run before anything is written. */
static int inv_job_encryption(struct inv_job *j, const struct meta_bucket *src)
{
    enum inv_encryption enc = j->config.encryption;
    int rc = enc == INV_ENC_SSE_S3 || enc == INV_ENC_SSE_KMS ? 0 : inv_job_dest_encryption(j, &enc);
    if (rc)
        return rc;
    if (enc == INV_ENC_SSE_KMS) {
        const char *ref =
            j->config.encryption == INV_ENC_SSE_KMS ? j->config.kms_key_id : j->dest_kms_key;
        inv_kms_init(&j->kms, j->meta, ref && *ref ? ref : "alias/aws/s3", src, &j->dest);
        uint8_t dk[32];
        char *record = NULL;
        rc = inv_job_kms_key(j, "manifest.json", dk, &record);
        OPENSSL_cleanse(dk, sizeof(dk));
        free(record);
        if (!rc)
            j->sse = OBJ_SSE_KMS;
        return rc;
    }
    if (enc != INV_ENC_SSE_S3)
        return 0;
    if (!keys_master_current())
        return inv_job_fail(j, 0,
                            "SSE-S3 encryption of reports needs the master key, and none "
                            "is loaded");
    j->sse = OBJ_SSE_S3;
    return 0;
}

static int inv_job_prepare(struct inv_job *j, const char *config_id)
{
    char *xml = NULL;
    int rc = meta_inventory_get(j->meta, j->bucket, config_id, &xml);
    if (rc)
        return inv_job_fail(j, rc, "no inventory configuration %s on bucket %s", config_id,
                            j->bucket);
    rc = inv_config_parse_stored(&j->config, xml);
    free(xml);
    if (rc)
        return inv_job_fail(j, rc, "stored configuration %s does not parse", config_id);
    if (!j->config.is_enabled)
        return inv_job_fail(j, 0, "configuration %s is disabled", config_id);
    struct meta_bucket src;
    rc = meta_bucket_get(j->meta, j->bucket, &src);
    if (rc)
        return inv_job_fail(j, rc, "source bucket %s: %s", j->bucket, err_msg());
    rc = inv_job_check_destination(j, &src);
    if (rc)
        return rc;
    rc = inv_job_encryption(j, &src);
    if (rc)
        return rc;
    j->format = inv_format_find(j->config.format);
    if (!j->format)
        return inv_job_fail(j, 0, "the %s report format is not implemented yet", j->config.format);
    inv_columns_build(&j->config, &j->cols);
    for (size_t i = 0; i < j->cols.n; i++)
        j->wants_expiry |= j->cols.cols[i] == INV_COL_FIELD0 + INV_FIELD_LIFECYCLE_EXPIRATION_DATE;
    if (j->wants_expiry && (rc = inv_expiry_load(&j->expiry, j->meta, j->bucket)) != 0)
        return inv_job_fail(j, rc, "the lifecycle configuration of %s: %s", j->bucket, err_msg());
    size_t longest =
        inv_keys_longest(j->config.prefix, j->bucket, j->config.id, j->format->extension);
    if (longest > INV_KEY_MAX)
        return inv_job_fail(j, 0,
                            "the destination prefix makes report keys %zu bytes long, "
                            "more than %d",
                            longest, INV_KEY_MAX);
    j->base = inv_keys_base(j->config.prefix, j->bucket, j->config.id);
    char key[INV_KEY_MAX + 1];
    if ((rc = inv_keys_manifest(key, j->base, j->run->report_ms, "manifest.json")) != 0 ||
        (rc = inv_job_check_grant(j, key)) != 0)
        return rc;
    return inv_job_check_minute(j);
}

static void inv_job_cleanup(struct inv_job *j)
{
    inv_job_format_free(j);
    inv_file_abort(j->file);
    for (size_t i = 0; i < j->n_files; i++) {
        if (j->file_blobs[i].id[0] && blob_remove(j->blobs, j->file_blobs[i].id))
            log_warn("could not remove blob %s", j->file_blobs[i].id);
        free(j->file_blobs[i].sse);
        free(j->files[i].key);
    }
    free(j->files);
    free(j->file_blobs);
    free(j->base);
    inv_grant_dispose(&j->grant);
    inv_config_dispose(&j->config);
    inv_expiry_dispose(&j->expiry);
    inv_row_dispose(&j->row);
}

/* Take the configuration's lease and record the run; a held lease is ERR_CONFLICT, with
 * run->outcome "busy" and run->error naming the holder, and no run recorded. */
static int inv_job_begin(struct inv_job *j, const char *config_id)
{
    struct meta_inventory_lease holder;
    int rc = inv_lease_acquire(&j->lease, j->meta, j->bucket, config_id, &holder);
    if (rc == ERR_CONFLICT) {
        char who[512];
        inv_lease_describe(&holder, who, sizeof(who));
        snprintf(j->run->outcome, sizeof(j->run->outcome), "busy");
        return inv_job_fail(j, rc, "inventory %s/%s is running already (%s)", j->bucket, config_id,
                            who);
    }
    if (rc)
        return inv_job_fail(j, rc, "taking the run lease: %s", err_msg());
    rc = meta_inventory_run_begin(j->meta, j->run);
    if (rc) {
        inv_lease_release(j->lease);
        j->lease = NULL;
        return inv_job_fail(j, rc, "recording the run: %s", err_msg());
    }
    inv_lease_set_run(j->lease, j->run->run_id);
    /* runs of this config that did not complete: their objects go now */
    if (inv_leftovers_remove(j->meta, j->bucket, config_id) < 0)
        log_warn("inventory %s/%s: leftovers of earlier runs remain: %s", j->bucket, config_id,
                 err_msg());
    return 0;
}

/* After the run: a delivered report's records are forgotten; a failed run's objects go. */
static void inv_job_settle(struct inv_job *j, int rc)
{
    if (rc == 0 && meta_inventory_run_object_clear(j->meta, j->run->run_id))
        log_warn("inventory %s/%s: could not forget the objects of run %lld: %s", j->bucket,
                 j->run->config_id, (long long)j->run->run_id, err_msg());
    if (rc && !inv_lease_lost(j->lease) &&
        inv_leftovers_remove(j->meta, j->bucket, j->run->config_id) < 0)
        log_warn("inventory %s/%s: objects of the failed run remain: %s", j->bucket,
                 j->run->config_id, err_msg());
}

int inv_job_run(struct meta_store *meta, struct blob_store *blobs, const char *bucket,
                const char *config_id, const struct inv_job_opts *opts,
                struct meta_inventory_run *run)
{
    struct inv_job j;
    memset(&j, 0, sizeof(j));
    memset(run, 0, sizeof(*run));
    j.meta = meta;
    j.blobs = blobs;
    j.opts = opts;
    j.bucket = bucket;
    j.run = run;
    snprintf(run->bucket, sizeof(run->bucket), "%s", bucket);
    snprintf(run->config_id, sizeof(run->config_id), "%s", config_id);
    run->started_ms = clock_now_ms();
    int64_t t = opts->now_ms ? opts->now_ms : run->started_ms;
    run->report_ms = t - t % 60000;
    int rc = inv_job_begin(&j, config_id);
    if (opts->on_begin)
        opts->on_begin(opts->on_begin_ctx, rc, run);
    if (rc) {
        log_info("inventory %s/%s not run: %s", bucket, config_id, run->error);
        return rc;
    }
    rc = inv_job_prepare(&j, config_id);
    if (!rc) {
        rc = inv_job_scan(&j);
        if (rc == 1)
            rc = j.rc;
        else if (rc)
            inv_job_fail(&j, rc, "scanning %s: %s", bucket, err_msg());
    }
    if (!rc && j.file)
        rc = inv_job_roll(&j);
    if (!rc) {
        struct notify_ctx nc; /* report objects notify as S3's own PutObject (issue 13) */
        notify_ctx_service(&nc, NOTIFY_SRC_SERVICE_PUT);
        notify_ctx_enter(&nc);
        rc = inv_job_deliver(&j);
        notify_ctx_leave();
    }
    inv_job_settle(&j, rc);
    int changes = j.config.report_changes;
    inv_job_cleanup(&j);
    run->finished_ms = clock_now_ms();
    snprintf(run->outcome, sizeof(run->outcome), "%s",
             !rc           ? "succeeded"
             : j.cancelled ? "cancelled"
                           : "failed");
    metrics_inventory_run(run->outcome, run->rows, run->finished_ms - run->started_ms);
    if (meta_inventory_run_finish(meta, run))
        log_error("could not record inventory run %lld: %s", (long long)run->run_id, err_msg());
    inv_lease_release(j.lease);
    if (changes &&
        meta_inventory_journal_prune(meta, bucket, clock_now_ms(), META_JOURNAL_MAX_ENTRIES))
        log_warn("inventory %s/%s: pruning the change journal: %s", bucket, config_id, err_msg());
    if (rc)
        log_warn("inventory %s/%s failed: %s", bucket, config_id, run->error);
    else
        log_info("inventory %s/%s: %lld rows in %lld files (%lld bytes) in %lld ms; %s", bucket,
                 config_id, (long long)run->rows, (long long)run->files, (long long)run->bytes,
                 (long long)(run->finished_ms - run->started_ms), run->manifest_key);
    return rc;
}
