/* inv_file.c — the data-file stream chain (see inv_file.h). */
#include "inventory/inv_file.h"

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
    size_t pending;        /* bytes in in[], not yet given to deflate */
    unsigned char in[INV_FILE_BUF];
};

/* The last stage: count stored bytes and hand them to the object layer's writer. */
static int inv_file_store(void *arg, const void *data, size_t n)
{
    struct inv_file *f = arg;
    f->stored += n;
    return obj_writer_write(f->w, data, n);
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
    *out = f;
    return 0;
}

static int inv_file_deflate(struct inv_file *f, const void *data, size_t n, int finish)
{
    return inv_deflate_write(f->z, data, n, finish, inv_file_store, f);
}

/* Rows are small: gather them so deflate works on large blocks. */
int inv_file_write(struct inv_file *f, const void *data, size_t n)
{
    f->written += n;
    if (!f->z)
        return inv_file_store(f, data, n);
    if (f->pending + n > sizeof(f->in)) {
        int rc = inv_file_deflate(f, f->in, f->pending, 0);
        f->pending = 0;
        if (rc)
            return rc;
        if (n > sizeof(f->in))
            return inv_file_deflate(f, data, n, 0);
    }
    memcpy(f->in + f->pending, data, n);
    f->pending += n;
    return 0;
}

uint64_t inv_file_written(const struct inv_file *f)
{
    return f->written;
}

int inv_file_close(struct inv_file *f, struct inv_file_result *out)
{
    int rc = f->z ? inv_file_deflate(f, f->in, f->pending, 1) : 0;
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
    inv_deflate_free(f->z);
    obj_writer_abort(f->w);
    free(f);
}
