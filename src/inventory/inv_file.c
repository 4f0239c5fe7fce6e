/* inv_file.c — the data-file stream chain (see inv_file.h). The format's bytes gather in one of
 * two buffers; a full buffer goes to the file's stage thread, which deflates it (gzip files)
 * and hands the result to the object layer's writer (MD5, CRC64NVME, SSE, blob writes) while
 * the next buffer fills: the report's third stage (docs/internals/INVENTORY.md, "Report
 * throughput"). The hand-over is one buffer deep, so memory stays two buffers. */
#include "inventory/inv_file.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "inventory/inv_deflate.h"
#include "object/object.h"

#define INV_FILE_BUF (256 * 1024)

struct inv_file {
    struct obj_writer *w; /* the object layer's write path: MD5, checksum, blob */
    uint64_t stored;
    uint64_t written;
    struct inv_deflate *z; /* gzip: one member; NULL: stored as written */
    size_t pending;        /* bytes in in[cur], not yet handed over */
    int cur;               /* the buffer being filled */
    /* the stage thread (threaded 0: none could be started, the caller's thread does it) */
    int threaded;
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a block handed over, taken, or quit */
    int busy;          /* in[!cur] is being processed */
    int quit;
    size_t job_len;
    int rc;           /* the stage's first failure */
    char rc_msg[512]; /* and its message (err_msg is per thread) */
    unsigned char in[2][INV_FILE_BUF];
};

/* The last stage: count stored bytes and hand them to the object layer's writer. */
static int inv_file_store(void *arg, const void *data, size_t n)
{
    struct inv_file *f = arg;
    f->stored += n;
    return obj_writer_write(f->w, data, n);
}

static int inv_file_process(struct inv_file *f, const void *data, size_t n, int finish)
{
    if (!f->z)
        return n ? inv_file_store(f, data, n) : 0;
    return inv_deflate_write(f->z, data, n, finish, inv_file_store, f);
}

static void *inv_file_stage(void *arg)
{
    struct inv_file *f = arg;
    pthread_mutex_lock(&f->mu);
    for (;;) {
        while (!f->busy && !f->quit)
            pthread_cond_wait(&f->cv, &f->mu);
        if (!f->busy)
            break;
        const unsigned char *block = f->in[!f->cur];
        size_t n = f->job_len;
        int failed = f->rc != 0;
        pthread_mutex_unlock(&f->mu);
        int rc = failed ? 0 : inv_file_process(f, block, n, 0);
        pthread_mutex_lock(&f->mu);
        if (rc && !f->rc) {
            f->rc = rc;
            snprintf(f->rc_msg, sizeof(f->rc_msg), "%s", err_msg());
        }
        f->busy = 0;
        pthread_cond_broadcast(&f->cv);
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

/* Wait until the stage is idle; its failure, if any, as this thread's error. */
static int inv_file_idle(struct inv_file *f)
{
    if (!f->threaded)
        return f->rc;
    pthread_mutex_lock(&f->mu);
    while (f->busy)
        pthread_cond_wait(&f->cv, &f->mu);
    int rc = f->rc;
    if (rc)
        err_set("%s", f->rc_msg);
    pthread_mutex_unlock(&f->mu);
    return rc;
}

/* The filled buffer to the stage; the other becomes the one being filled. */
static int inv_file_hand_over(struct inv_file *f)
{
    if (!f->threaded) {
        int rc = inv_file_process(f, f->in[f->cur], f->pending, 0);
        f->pending = 0;
        return rc;
    }
    int rc = inv_file_idle(f);
    if (rc)
        return rc;
    pthread_mutex_lock(&f->mu);
    f->job_len = f->pending;
    f->cur = !f->cur;
    f->pending = 0;
    f->busy = 1;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    return 0;
}

static void inv_file_stop(struct inv_file *f)
{
    if (!f->threaded)
        return;
    pthread_mutex_lock(&f->mu);
    while (f->busy)
        pthread_cond_wait(&f->cv, &f->mu);
    f->quit = 1;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->tid, NULL);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    f->threaded = 0;
}

int inv_file_open(struct inv_file **out, struct blob_store *bs, int gzip, enum obj_sse_mode sse)
{
    return inv_file_open_kms(out, bs, gzip, sse, NULL, NULL);
}

int inv_file_open_kms(struct inv_file **out, struct blob_store *bs, int gzip, enum obj_sse_mode sse,
                      const uint8_t *data_key, const char *record)
{
    struct obj_write_opts opts = {.md5 = 1,
                                  .checksum = INV_FILE_CHECKSUM,
                                  .sse = sse,
                                  .customer_key = data_key,
                                  .sse_record = record};
    struct inv_file *f = xcalloc(1, sizeof(*f));
    int rc = gzip ? inv_deflate_open(&f->z, 1) : 0;
    if (rc) {
        free(f);
        return rc;
    }
    rc = obj_writer_open(bs, &opts, &f->w);
    if (rc) {
        inv_deflate_free(f->z);
        free(f);
        return rc;
    }
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    f->threaded = pthread_create(&f->tid, NULL, inv_file_stage, f) == 0;
    if (!f->threaded) {
        pthread_cond_destroy(&f->cv);
        pthread_mutex_destroy(&f->mu);
    }
    *out = f;
    return 0;
}

/* Rows are small: gather them so deflate works on large blocks. */
int inv_file_write(struct inv_file *f, const void *data, size_t n)
{
    const unsigned char *p = data;
    f->written += n;
    while (n > 0) {
        size_t room = INV_FILE_BUF - f->pending;
        size_t take = n < room ? n : room;
        memcpy(f->in[f->cur] + f->pending, p, take);
        f->pending += take;
        p += take;
        n -= take;
        if (f->pending == INV_FILE_BUF) {
            int rc = inv_file_hand_over(f);
            if (rc)
                return rc;
        }
    }
    return 0;
}

uint64_t inv_file_written(const struct inv_file *f)
{
    return f->written;
}

int inv_file_close(struct inv_file *f, struct inv_file_result *out)
{
    int rc = inv_file_idle(f);
    inv_file_stop(f);
    if (!rc)
        rc = inv_file_process(f, f->in[f->cur], f->pending, 1);
    inv_deflate_free(f->z);
    struct obj_written res;
    if (rc)
        obj_writer_abort(f->w);
    else
        rc = obj_writer_finish(f->w, &res);
    free(f);
    if (rc)
        return rc;
    memcpy(out->blob_id, res.blob_id, sizeof(out->blob_id));
    out->size = res.size;
    snprintf(out->md5_hex, sizeof(out->md5_hex), "%.32s", res.etag + 1); /* unquoted */
    snprintf(out->checksum, sizeof(out->checksum), "%s", res.checksum);
    out->sse = res.sse;
    return 0;
}

void inv_file_abort(struct inv_file *f)
{
    if (!f)
        return;
    inv_file_stop(f);
    inv_deflate_free(f->z);
    obj_writer_abort(f->w);
    free(f);
}
