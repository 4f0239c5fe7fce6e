/* inv_job.c — one inventory run (see inv_job.h). */
#include "inventory/inv_job.h"
#include "object/object.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/log.h"
#include "inventory/inv_config.h"
#include "inventory/inv_format.h"
#include "inventory/inv_manifest.h"
#include "inventory/inv_row.h"

struct inv_job {
    struct meta_store *meta;
    struct blob_store *blobs;
    const struct inv_job_opts *opts;
    const char *bucket;
    struct inv_config config;
    struct meta_bucket dest;
    const struct inv_format_ops *format;
    struct inv_columns cols;
    char *base; /* "<prefix>/<source>/<id>" */
    /* the file being written and those finished (committed blobs, not yet delivered) */
    struct inv_file *file;
    void *format_state; /* the format's state for the open file */
    struct inv_manifest_file *files;
    char (*file_blobs)[BLOB_ID_LEN + 1];
    size_t n_files;
    size_t cap_files;
    struct inv_row row;
    char owner_id[13];
    char owner_canonical[65];
    struct meta_inventory_run *run;
    int rc;
};

static int inv_job_fail(struct inv_job *j, int rc, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Fault injection for tests: STOCKTAKE_TEST_DELAY_BEFORE_CHECKSUM_MS holds a run just before
 * manifest.checksum (a test kills it there: no checksum may appear);
 * STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS holds it inside the scan (a test writes to the
 * bucket meanwhile: the report must show the snapshot). */
static void inv_job_test_pause(const char *variable)
{
    const char *ms = getenv(variable);
    if (ms) {
        struct timespec ts = {atol(ms) / 1000, (atol(ms) % 1000) * 1000000L};
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

/* Destination: the bucket named by the ARN, here; AccountId its owner; same owner as the
 * source until bucket policies exist. */
static int inv_job_check_destination(struct inv_job *j, const struct meta_bucket *src)
{
    const char *name = NULL;
    const char *why = inv_config_destination_error(&j->config, &name);
    if (why)
        return inv_job_fail(j, 0, "%s", why);
    int rc = meta_bucket_get(j->meta, name, &j->dest);
    if (rc == ERR_NOTFOUND)
        return inv_job_fail(j, rc, "destination bucket %s does not exist", name);
    if (rc)
        return inv_job_fail(j, rc, "%s", err_msg());
    if (j->config.account_id && strcmp(j->config.account_id, j->dest.owner_id) != 0)
        return inv_job_fail(j, 0, "AccountId %s does not own destination bucket %s",
                            j->config.account_id, name);
    if (strcmp(src->owner_id, j->dest.owner_id) != 0)
        return inv_job_fail(j, 0, "delivery to bucket %s of another account is refused", name);
    return 0;
}

static void inv_job_format_free(struct inv_job *j)
{
    if (j->format_state && j->format->free)
        j->format->free(j->format_state);
    j->format_state = NULL;
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
    char uuid[37], key[2048];
    hash_uuid(uuid);
    snprintf(key, sizeof(key), "%s/data/%s%s", j->base, uuid, j->format->extension);
    f->key = xstrdup(key);
    f->size = res.size;
    memcpy(f->md5_hex, res.md5_hex, sizeof(f->md5_hex));
    memcpy(j->file_blobs[j->n_files], res.blob_id, sizeof(j->file_blobs[0]));
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

static int inv_job_row(void *payload, const struct meta_object *o)
{
    struct inv_job *j = payload;
    if (!j->file) {
        j->rc = inv_file_open(&j->file, j->blobs, j->format->gzip);
        if (!j->rc && j->format->open)
            j->rc = j->format->open(&j->format_state, &j->cols, j->opts->row_group_rows);
        if (j->rc) {
            inv_job_fail(j, j->rc, "opening a data file: %s", err_msg());
            return 1;
        }
    }
    inv_row_fill(&j->row, &j->cols, j->bucket, o, inv_job_owner(j, o->owner_id));
    j->rc = j->format->write_row(j->format_state, j->file, &j->cols, &j->row);
    if (j->rc) {
        inv_job_fail(j, j->rc, "writing a row: %s", err_msg());
        return 1;
    }
    if (++j->run->rows == 1)
        inv_job_test_pause("STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS");
    if (j->opts->progress_log && j->run->rows % j->opts->progress_log == 0)
        log_info("inventory %s/%s: %lld rows, %lld files so far", j->bucket, j->config.id,
                 (long long)j->run->rows, (long long)j->run->files + 1);
    if (inv_file_written(j->file) >= j->opts->file_size_cap && (j->rc = inv_job_roll(j)) != 0)
        return 1;
    return 0;
}

/* Store bytes as an object of the destination bucket, like a PutObject of its owner: through
 * the object layer's commit, into the destination the run resolved (same bucket id).
 * checksum: the blob's INV_FILE_CHECKSUM, or NULL. */
static int inv_job_put(struct inv_job *j, const char *key, const char *blob_id, uint64_t size,
                       const char *md5_hex, const char *checksum, const char *content_type)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)key;
    if (j->dest.versioning == META_VERSIONING_ENABLED)
        hash_version_id(o.version_id);
    else
        snprintf(o.version_id, sizeof(o.version_id), "null");
    o.is_latest = 1;
    o.size = (int64_t)size;
    o.last_modified_ms = clock_now_ms();
    snprintf(o.etag, sizeof(o.etag), "\"%s\"", md5_hex);
    snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
    memcpy(o.owner_id, j->dest.owner_id, sizeof(o.owner_id));
    char headers[128];
    snprintf(headers, sizeof(headers), "[[\"Content-Type\",\"%s\"]]", content_type);
    o.headers = headers;
    snprintf(o.blob_id, sizeof(o.blob_id), "%s", blob_id);
    if (checksum && checksum[0]) {
        snprintf(o.checksum_algorithm, sizeof(o.checksum_algorithm), "%s",
                 checksum_algo_name(INV_FILE_CHECKSUM));
        o.checksum_value = (char *)checksum;
        snprintf(o.checksum_type, sizeof(o.checksum_type), "FULL_OBJECT");
    }
    struct obj_commit c = {j->dest.name, j->dest.id, &o, NULL, NULL, NULL};
    enum obj_failure why;
    int rc = obj_commit(j->meta, j->blobs, &c, &why);
    if (rc)
        return inv_job_fail(j, rc, "delivering %s: %s", key, err_msg());
    return 0;
}

static int inv_job_put_bytes(struct inv_job *j, const char *key, const char *data, size_t len,
                             const char *content_type)
{
    struct inv_file *f = NULL;
    struct inv_file_result res;
    int rc = inv_file_open(&f, j->blobs, 0);
    if (!rc && (rc = inv_file_write(f, data, len)) != 0)
        inv_file_abort(f);
    if (!rc)
        rc = inv_file_close(f, &res);
    if (rc)
        return inv_job_fail(j, rc, "writing %s: %s", key, err_msg());
    return inv_job_put(j, key, res.blob_id, res.size, res.md5_hex, res.checksum, content_type);
}

/* Data files, then symlink.txt, manifest.json and, last, manifest.checksum. */
static int inv_job_deliver(struct inv_job *j)
{
    int rc = 0;
    for (size_t i = 0; i < j->n_files && !rc; i++) {
        rc = inv_job_put(j, j->files[i].key, j->file_blobs[i], j->files[i].size,
                         j->files[i].md5_hex, NULL, "application/octet-stream");
        /* committed: now owned by the object; failed: obj_commit removed it */
        j->file_blobs[i][0] = '\0';
    }
    char stamp[32], dt[32], key[2048];
    struct buf text, schema;
    buf_init(&text, BUF_UNLIMITED);
    buf_init(&schema, BUF_UNLIMITED);
    int64_t t = j->run->report_ms;
    clock_format_iso8601(stamp, sizeof(stamp), t); /* 2026-11-23T01:00:00.000Z */
    snprintf(dt, sizeof(dt), "%.10s-%.2s-%.2s", stamp, stamp + 11, stamp + 14);
    for (size_t i = 0; i < j->n_files && !rc; i++)
        rc = buf_printf(&text, "s3://%s/%s\n", j->dest.name, j->files[i].key);
    snprintf(key, sizeof(key), "%s/hive/dt=%s/symlink.txt", j->base, dt);
    if (!rc)
        rc = inv_job_put_bytes(j, key, text.data ? text.data : "", text.len, "text/plain");
    if (!rc)
        rc = j->format->schema(&j->cols, &schema);
    struct inv_manifest m = {
        j->bucket, j->config.bucket_arn, t, j->format->name, schema.data, j->files, j->n_files};
    buf_reset(&text);
    if (!rc)
        rc = inv_manifest_render(&m, &text);
    snprintf(key, sizeof(key), "%s/%.13s-%.2sZ/manifest.json", j->base, stamp, stamp + 14);
    if (!rc)
        rc = inv_job_put_bytes(j, key, text.data, text.len, "application/json");
    if (!rc)
        snprintf(j->run->manifest_key, sizeof(j->run->manifest_key), "%s", key);
    char checksum[34];
    inv_manifest_checksum(text.data ? text.data : "", text.len, checksum);
    inv_job_test_pause("STOCKTAKE_TEST_DELAY_BEFORE_CHECKSUM_MS");
    snprintf(key, sizeof(key), "%s/%.13s-%.2sZ/manifest.checksum", j->base, stamp, stamp + 14);
    if (!rc)
        rc = inv_job_put_bytes(j, key, checksum, 33, "text/plain");
    buf_dispose(&text);
    buf_dispose(&schema);
    return rc;
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
    j->format = inv_format_find(j->config.format);
    if (!j->format)
        return inv_job_fail(j, 0, "the %s report format is not implemented yet", j->config.format);
    inv_columns_build(&j->config, &j->cols);
    const char *p = j->config.prefix ? j->config.prefix : "";
    size_t plen = strlen(p);
    if (plen && p[plen - 1] == '/')
        plen--; /* AWS's double-slash bug, normalised (research §1) */
    size_t n = plen + strlen(j->bucket) + strlen(j->config.id) + 3;
    j->base = xmalloc(n);
    snprintf(j->base, n, "%.*s%s%s/%s", (int)plen, p, plen ? "/" : "", j->bucket, j->config.id);
    return 0;
}

static void inv_job_cleanup(struct inv_job *j)
{
    inv_job_format_free(j);
    inv_file_abort(j->file);
    for (size_t i = 0; i < j->n_files; i++) {
        if (j->file_blobs[i][0] && blob_remove(j->blobs, j->file_blobs[i]))
            log_warn("could not remove blob %s", j->file_blobs[i]);
        free(j->files[i].key);
    }
    free(j->files);
    free(j->file_blobs);
    free(j->base);
    inv_config_dispose(&j->config);
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
    int rc = meta_inventory_run_begin(meta, run);
    if (rc)
        return rc;
    rc = inv_job_prepare(&j, config_id);
    if (!rc) {
        rc = meta_inventory_scan(meta, bucket, j.config.has_filter ? j.config.filter_prefix : "",
                                 strcmp(j.config.included_versions, "All") == 0, inv_job_row, &j);
        if (rc == 1)
            rc = j.rc;
        else if (rc)
            inv_job_fail(&j, rc, "scanning %s: %s", bucket, err_msg());
    }
    if (!rc && j.file)
        rc = inv_job_roll(&j);
    if (!rc)
        rc = inv_job_deliver(&j);
    inv_job_cleanup(&j);
    run->finished_ms = clock_now_ms();
    snprintf(run->outcome, sizeof(run->outcome), "%s", rc ? "failed" : "succeeded");
    if (meta_inventory_run_finish(meta, run))
        log_error("could not record inventory run %lld: %s", (long long)run->run_id, err_msg());
    if (rc)
        log_warn("inventory %s/%s failed: %s", bucket, config_id, run->error);
    else
        log_info("inventory %s/%s: %lld rows in %lld files (%lld bytes) in %lld ms; %s", bucket,
                 config_id, (long long)run->rows, (long long)run->files, (long long)run->bytes,
                 (long long)(run->finished_ms - run->started_ms), run->manifest_key);
    return rc;
}
