/* obj_write.c — the write path: a chain of stages, each handing its output to the next.
 *
 *     hash (MD5, checksum) ─► transform (pass-through; encryption later) ─► blob
 *
 * A stage is a small table of functions over its own state; adding encryption means
 * filling the transform slot with a stage that rewrites the bytes, not touching callers. */
#include "object/object.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fault.h"

struct obj_stage {
    int (*write)(struct obj_writer *w, const void *data, size_t n);
    int (*finish)(struct obj_writer *w, struct obj_written *out);
    void (*dispose)(struct obj_writer *w);
};

enum { OBJ_STAGE_HASH, OBJ_STAGE_TRANSFORM, OBJ_STAGE_BLOB, OBJ_STAGES };

struct obj_writer {
    const struct obj_stage *stages[OBJ_STAGES]; /* NULL: the stage is absent */
    struct hash_stream *md5;
    struct checksum *checksum;
    struct blob_writer *blob;
};

static int obj_stage_pass(struct obj_writer *w, int from, const void *data, size_t n)
{
    for (int i = from; i < OBJ_STAGES; i++) {
        if (w->stages[i])
            return w->stages[i]->write(w, data, n);
    }
    return 0;
}

/* ---- hash stage ---- */

static int obj_hash_write(struct obj_writer *w, const void *data, size_t n)
{
    if (w->md5)
        hash_stream_update(w->md5, data, n);
    if (w->checksum)
        checksum_update(w->checksum, data, n);
    return obj_stage_pass(w, OBJ_STAGE_HASH + 1, data, n);
}

static int obj_hash_finish(struct obj_writer *w, struct obj_written *out)
{
    if (w->md5) {
        uint8_t digest[MD5_LEN];
        hash_stream_finish(w->md5, digest);
        w->md5 = NULL;
        obj_etag_format(digest, out->etag, sizeof(out->etag));
    }
    if (w->checksum) {
        checksum_finish(w->checksum, out->checksum);
        w->checksum = NULL;
    }
    return 0;
}

static void obj_hash_dispose(struct obj_writer *w)
{
    hash_stream_free(w->md5);
    checksum_free(w->checksum);
    w->md5 = NULL;
    w->checksum = NULL;
}

static const struct obj_stage obj_stage_hash = {obj_hash_write, obj_hash_finish, obj_hash_dispose};

/* ---- transform stage: where encryption plugs in; the identity for now ---- */

static int obj_identity_write(struct obj_writer *w, const void *data, size_t n)
{
    return obj_stage_pass(w, OBJ_STAGE_TRANSFORM + 1, data, n);
}

static int obj_identity_finish(struct obj_writer *w, struct obj_written *out)
{
    (void)w;
    (void)out;
    return 0;
}

static void obj_identity_dispose(struct obj_writer *w)
{
    (void)w;
}

static const struct obj_stage obj_stage_identity = {obj_identity_write, obj_identity_finish,
                                                    obj_identity_dispose};

/* ---- blob stage ---- */

static int obj_blob_write(struct obj_writer *w, const void *data, size_t n)
{
    if (fault_hit(FAULT_BLOB_WRITE)) {
        err_set("injected fault: blob write");
        return ERR_IO;
    }
    return blob_writer_write(w->blob, data, n);
}

static int obj_blob_finish(struct obj_writer *w, struct obj_written *out)
{
    out->size = blob_writer_size(w->blob);
    if (fault_hit(FAULT_BLOB_COMMIT)) {
        err_set("injected fault: blob fsync/rename");
        return ERR_IO; /* the blob is left to obj_blob_dispose, as a failed commit leaves it */
    }
    int rc = blob_writer_commit(w->blob, out->blob_id);
    w->blob = NULL;
    return rc;
}

static void obj_blob_dispose(struct obj_writer *w)
{
    blob_writer_abort(w->blob);
    w->blob = NULL;
}

static const struct obj_stage obj_stage_blob = {obj_blob_write, obj_blob_finish, obj_blob_dispose};

/* ---- the chain ---- */

int obj_writer_open(struct blob_store *bs, const struct obj_write_opts *opts,
                    struct obj_writer **out)
{
    struct obj_writer *w = xcalloc(1, sizeof(*w));
    int rc = blob_writer_open(bs, &w->blob);
    if (rc) {
        free(w);
        return rc;
    }
    if (opts->md5)
        w->md5 = hash_stream_new_md5();
    if (opts->checksum != CHECKSUM_NONE)
        w->checksum = checksum_new(opts->checksum);
    if (w->md5 || w->checksum)
        w->stages[OBJ_STAGE_HASH] = &obj_stage_hash;
    w->stages[OBJ_STAGE_TRANSFORM] = &obj_stage_identity;
    w->stages[OBJ_STAGE_BLOB] = &obj_stage_blob;
    *out = w;
    return 0;
}

int obj_writer_write(struct obj_writer *w, const void *data, size_t n)
{
    return n ? obj_stage_pass(w, 0, data, n) : 0;
}

uint64_t obj_writer_size(const struct obj_writer *w)
{
    return w->blob ? blob_writer_size(w->blob) : 0;
}

int obj_writer_finish(struct obj_writer *w, struct obj_written *out)
{
    int rc = 0;
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < OBJ_STAGES && !rc; i++) {
        if (w->stages[i])
            rc = w->stages[i]->finish(w, out);
    }
    obj_writer_abort(w); /* disposes what a failed stage left */
    return rc;
}

void obj_writer_abort(struct obj_writer *w)
{
    if (!w)
        return;
    for (int i = 0; i < OBJ_STAGES; i++) {
        if (w->stages[i])
            w->stages[i]->dispose(w);
    }
    free(w);
}

void obj_etag_format(const uint8_t md5[MD5_LEN], char *out, size_t size)
{
    char hex[2 * MD5_LEN + 1];
    hash_hex(md5, MD5_LEN, hex);
    snprintf(out, size, "\"%s\"", hex);
}
