/* log_deliver.c — delivering access log batches (see log_deliver.h). */
#include "logging/log_deliver.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "authz/authz.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/periodic.h"
#include "crypto/keys.h"
#include "inventory/inv_grant.h"
#include "object/obj_deliver.h"
#include "object/object.h"
#include "s3/s3_acl.h"

#define LOG_KEY_MAX 1024

struct log_worker {
    struct log_spool *spool;
    struct meta_store *meta;
    struct blob_store *blobs;
    struct periodic *thread;
    pthread_mutex_t deliver_mu; /* one delivery at a time: a batch is never sent twice */
};

int log_deliver_key(const struct log_batch_id *id, int64_t now_ms, const char *unique, char *out,
                    size_t size)
{
    time_t now = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof(stamp), "%Y-%m-%d-%H-%M-%S", &tm);
    int n;
    if (id->key_format == LOG_KEY_PARTITIONED) {
        time_t part = id->date_source == LOG_DATE_EVENT ? (time_t)(id->first_ms / 1000) : now;
        struct tm ptm;
        gmtime_r(&part, &ptm);
        char day[16];
        strftime(day, sizeof(day), "%Y/%m/%d", &ptm);
        n = snprintf(out, size, "%s%s/%s/%s/%s/%s-%s", id->prefix, id->source_account, id->region,
                     id->source, day, stamp, unique);
    } else {
        n = snprintf(out, size, "%s%s-%s", id->prefix, stamp, unique);
    }
    if (n < 0 || (size_t)n >= size || n > LOG_KEY_MAX) {
        err_set("the log object's key would be longer than %d bytes", LOG_KEY_MAX);
        return ERR_TOOBIG;
    }
    return 0;
}

/* A target whose ACLs are enabled and grant the log-delivery group WRITE (the legacy way of
 * letting S3 deliver logs, before bucket policies). */
static int log_acl_allows(struct meta_store *meta, const struct meta_bucket *dest)
{
    struct acl *acl = xcalloc(1, sizeof(*acl));
    int disabled = 0, ok = 0;
    if (s3_acl_bucket_load(meta, dest, acl, &disabled) == 0 && !disabled) {
        for (size_t i = 0; i < acl->n && !ok; i++) {
            const struct acl_grant *g = &acl->grants[i];
            ok = g->kind == ACL_GRANTEE_GROUP && g->group == ACL_GROUP_LOG_DELIVERY &&
                 (g->perm == ACL_PERM_WRITE || g->perm == ACL_PERM_FULL_CONTROL);
        }
    }
    free(acl);
    return ok;
}

/* Write body as key's object in dest. */
static int log_deliver_put(struct log_worker *w, const struct meta_bucket *dest, const char *key,
                           const char *body, size_t len)
{
    struct obj_write_opts opts = {.md5 = 1,
                                  .checksum = CHECKSUM_CRC64NVME,
                                  .sse = keys_master_current() ? OBJ_SSE_S3 : OBJ_SSE_NONE};
    struct obj_writer *wr = NULL;
    int rc = obj_writer_open(w->blobs, &opts, &wr);
    if (rc)
        return rc;
    rc = obj_writer_write(wr, body, len);
    if (rc) {
        obj_writer_abort(wr);
        return rc;
    }
    struct obj_written res;
    memset(&res, 0, sizeof(res));
    rc = obj_writer_finish(wr, &res);
    if (rc)
        return rc;
    char md5_hex[80];
    size_t elen = strlen(res.etag);
    snprintf(md5_hex, sizeof(md5_hex), "%.*s", elen >= 2 ? (int)elen - 2 : 0, res.etag + 1);
    struct obj_delivery d = {key,          NULL,    res.blob_id,
                             res.size,     md5_hex, CHECKSUM_CRC64NVME,
                             res.checksum, res.sse, "text/plain"};
    rc = obj_deliver_put(w->meta, w->blobs, dest, &d);
    free(res.sse);
    return rc;
}

/* Deliver one sealed batch. 0: delivered or dropped for good (the file is gone); else it
 * stays for the next try. */
static int log_deliver_file(struct log_worker *w, const char *path, char *key, size_t size)
{
    struct log_batch_id id;
    char *body = NULL;
    size_t len = 0;
    int rc = log_spool_read(path, &id, &body, &len);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc == ERR_INVALID || (!rc && len == 0)) {
        if (rc)
            log_warn("access logs: dropping %s: %s", path, err_msg());
        free(body);
        return unlink(path) == 0 ? 0 : ERR_IO;
    }
    if (rc)
        return rc;
    struct meta_bucket dest;
    rc = meta_bucket_get(w->meta, id.target, &dest);
    const char *drop = NULL;
    char why[2048] = "";
    char k[LOG_KEY_MAX + 1] = "";
    if (rc == ERR_NOTFOUND) {
        drop = "the target bucket does not exist";
        rc = 0;
    }
    uint8_t rnd[8];
    char unique[17];
    hash_random(rnd, sizeof(rnd));
    hash_hex(rnd, sizeof(rnd), unique);
    for (char *p = unique; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'f' ? *p - 'a' + 'A' : *p);
    if (!rc && !drop && log_deliver_key(&id, clock_now_ms(), unique, k, sizeof(k)))
        drop = err_msg();
    if (!rc && !drop) {
        struct meta_bucket src;
        memset(&src, 0, sizeof(src));
        snprintf(src.name, sizeof(src.name), "%s", id.source);
        snprintf(src.owner_id, sizeof(src.owner_id), "%s", id.source_account);
        struct inv_grant g;
        rc = inv_grant_load_for(&g, AUTHZ_SERVICE_LOGGING, w->meta, &src, &dest);
        if (!rc && inv_grant_check(&g, k, why, sizeof(why)) && !log_acl_allows(w->meta, &dest))
            drop = why;
        if (!rc)
            inv_grant_dispose(&g);
    }
    if (!rc && !drop)
        rc = log_deliver_put(w, &dest, k, body, len);
    free(body);
    if (rc) {
        log_warn("access logs of %s: delivery to %s failed, will retry: %s", id.source, id.target,
                 err_msg());
        return rc;
    }
    if (drop)
        log_warn("access logs of %s: not delivered to %s: %s", id.source, id.target, drop);
    else if (key)
        snprintf(key, size, "%s", k);
    return unlink(path) == 0 ? 0 : ERR_IO;
}

static int log_deliver_ready(struct log_worker *w, const char *source, char *key, size_t size)
{
    char **paths = NULL;
    size_t n = 0;
    int rc = log_spool_ready(w->spool, source, &paths, &n);
    for (size_t i = 0; i < n; i++) {
        int r = rc ? 0 : log_deliver_file(w, paths[i], key, size);
        if (r)
            rc = r;
        free(paths[i]);
    }
    free(paths);
    return rc;
}

static void log_worker_tick(void *arg)
{
    struct log_worker *w = arg;
    if (log_spool_sync(w->spool) || log_spool_seal(w->spool, NULL, clock_now_ms()))
        log_warn("access logs: %s", err_msg());
    pthread_mutex_lock(&w->deliver_mu);
    (void)log_deliver_ready(w, NULL, NULL, 0); /* failures are logged and retried */
    pthread_mutex_unlock(&w->deliver_mu);
}

int log_worker_start(struct log_worker **out, struct log_spool *spool, struct meta_store *meta,
                     struct blob_store *blobs)
{
    struct log_worker *w = xcalloc(1, sizeof(*w));
    w->spool = spool;
    w->meta = meta;
    w->blobs = blobs;
    pthread_mutex_init(&w->deliver_mu, NULL);
    int rc = periodic_start(&w->thread, 1000, log_worker_tick, w);
    if (rc) {
        pthread_mutex_destroy(&w->deliver_mu);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void log_worker_stop(struct log_worker *w)
{
    if (!w)
        return;
    periodic_stop(w->thread);
    pthread_mutex_lock(&w->deliver_mu);
    (void)log_deliver_ready(w, NULL, NULL, 0);
    pthread_mutex_unlock(&w->deliver_mu);
    pthread_mutex_destroy(&w->deliver_mu);
    free(w);
}

int log_worker_flush(struct log_worker *w, const char *source, char *key, size_t size)
{
    if (size)
        key[0] = '\0';
    int rc = log_spool_seal(w->spool, source, clock_now_ms());
    pthread_mutex_lock(&w->deliver_mu);
    if (!rc)
        rc = log_deliver_ready(w, source, key, size);
    pthread_mutex_unlock(&w->deliver_mu);
    return rc;
}
