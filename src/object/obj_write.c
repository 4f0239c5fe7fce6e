/* obj_write.c — the write path: a chain of stages, each handing its output to the next.
 *
 *     hash (MD5, checksum) ─► transform (pass-through, or the SSE seal) ─► blob
 *
 * A stage is a small table of functions over its own state. The seal stage buffers up to
 * OBJ_SEAL_BUF plaintext bytes and seals whole segments once more bytes arrive (so it knows
 * they are not the last); finish seals the rest as the last segment(s). */
#include "object/object.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fault.h"
#include "crypto/keys.h"
#include "crypto/seg.h"

#define OBJ_SEAL_BUF (16u * SEG_DEFAULT_SIZE)

struct obj_seal {
    struct seg_ctx ctx;
    uint8_t hdr[SEG_HEADER_LEN];
    uint8_t *plain; /* OBJ_SEAL_BUF bytes not sealed yet */
    size_t fill;
    uint8_t *sealed; /* seg_sealed_size(OBJ_SEAL_BUF) */
    uint64_t next_index;
    char *record; /* a fresh data key's record, handed to obj_written.sse */
};

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
    struct blob_store *bs;
    struct blob_writer *blob;
    struct obj_seal *seal;
    uint64_t plain_size; /* the object's bytes written */
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

/* ---- transform stage: the identity, or the seal ---- */

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

/* Seal the buffered bytes (final: as the blob's last segments) and pass them on. */
static int obj_seal_flush(struct obj_writer *w, int final)
{
    struct obj_seal *z = w->seal;
    size_t nseg = z->fill == 0 ? 1 : (z->fill + SEG_DEFAULT_SIZE - 1) / SEG_DEFAULT_SIZE;
    enum seg_result r =
        seg_seal_segments(&z->ctx, z->hdr, z->next_index, z->plain, z->fill, final, z->sealed);
    if (r != SEG_OK) {
        err_set("sealing a blob: %s", seg_result_str(r));
        return ERR_IO;
    }
    z->next_index += nseg;
    size_t n = z->fill + nseg * SEG_TAG_LEN;
    z->fill = 0;
    return obj_stage_pass(w, OBJ_STAGE_TRANSFORM + 1, z->sealed, n);
}

static int obj_seal_write(struct obj_writer *w, const void *data, size_t n)
{
    struct obj_seal *z = w->seal;
    const uint8_t *p = data;
    while (n) {
        if (z->fill == OBJ_SEAL_BUF) { /* more bytes follow: these are not the last */
            int rc = obj_seal_flush(w, 0);
            if (rc)
                return rc;
        }
        size_t k = OBJ_SEAL_BUF - z->fill < n ? OBJ_SEAL_BUF - z->fill : n;
        memcpy(z->plain + z->fill, p, k);
        z->fill += k;
        p += k;
        n -= k;
    }
    return 0;
}

static int obj_seal_finish(struct obj_writer *w, struct obj_written *out)
{
    int rc = obj_seal_flush(w, 1);
    if (!rc) {
        out->sse = w->seal->record;
        w->seal->record = NULL;
    }
    return rc;
}

static void obj_seal_dispose(struct obj_writer *w)
{
    struct obj_seal *z = w->seal;
    if (!z)
        return;
    OPENSSL_cleanse(z->plain, OBJ_SEAL_BUF);
    OPENSSL_cleanse(&z->ctx, sizeof(z->ctx));
    free(z->plain);
    free(z->sealed);
    free(z->record);
    free(z);
    w->seal = NULL;
}

static const struct obj_stage obj_stage_seal = {obj_seal_write, obj_seal_finish, obj_seal_dispose};

/* The seal's data key: the parent record's (an upload's parts) or a fresh one bound to this
 * blob; the segment key is derived per blob, so no (key, nonce) pair repeats. */
static int obj_seal_open(struct obj_writer *w, const struct obj_write_opts *opts)
{
    const char *blob_id = blob_writer_id(w->blob);
    uint8_t dk[KEYS_LEN];
    char *record = NULL;
    int rc = 0;
    if (opts->sse == OBJ_SSE_KMS &&
        (!opts->customer_key || !opts->sse_record || opts->sse_parent)) {
        err_set("SSE-KMS without its data key and record");
        rc = ERR_INVALID;
    } else if (opts->sse == OBJ_SSE_KMS) { /* a part's record is its upload's: none back */
        memcpy(dk, opts->customer_key, KEYS_LEN);
        record = opts->part ? NULL : xstrdup(opts->sse_record);
    } else if (opts->sse == OBJ_SSE_C && !opts->customer_key) {
        err_set("SSE-C without a customer key");
        rc = ERR_INVALID;
    } else if (opts->sse == OBJ_SSE_C && opts->sse_parent) {
        rc = keys_unwrap_customer(opts->customer_key, opts->sse_parent, NULL, dk);
    } else if (opts->sse == OBJ_SSE_C) {
        keys_data_new(dk);
        rc = keys_wrap_customer(opts->customer_key, blob_id, dk, &record);
    } else if (opts->sse_parent) {
        rc = keys_unwrap(keys_master_current(), opts->sse_parent, NULL, dk);
    } else if (!keys_master_current()) {
        err_set("no master key is loaded");
        rc = ERR_INVALID;
    } else {
        keys_data_new(dk);
        rc = keys_wrap(keys_master_current(), blob_id, dk, &record);
    }
    if (rc) {
        OPENSSL_cleanse(dk, sizeof(dk));
        return rc;
    }
    struct obj_seal *z = xcalloc(1, sizeof(*z));
    keys_blob_key(dk, blob_id, z->ctx.key);
    OPENSSL_cleanse(dk, sizeof(dk));
    z->ctx.object_id = blob_id; /* owned by the blob writer, which outlives the seal */
    z->ctx.part = opts->part;
    z->ctx.seg_size = SEG_DEFAULT_SIZE;
    seg_header_make(z->hdr, SEG_DEFAULT_SIZE);
    z->plain = xmalloc(OBJ_SEAL_BUF);
    z->sealed = xmalloc(seg_sealed_size(OBJ_SEAL_BUF, SEG_DEFAULT_SIZE));
    z->record = record;
    w->seal = z;
    return blob_writer_write(w->blob, z->hdr, SEG_HEADER_LEN);
}

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
    w->bs = bs;
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
    if (opts->sse != OBJ_SSE_NONE) {
        w->stages[OBJ_STAGE_TRANSFORM] = &obj_stage_seal;
        rc = obj_seal_open(w, opts);
        if (rc) {
            obj_writer_abort(w);
            return rc;
        }
    }
    *out = w;
    return 0;
}

int obj_writer_write(struct obj_writer *w, const void *data, size_t n)
{
    w->plain_size += n;
    return n ? obj_stage_pass(w, 0, data, n) : 0;
}

/* The bytes of blob_id through the stages (a writer that hashes or encrypts them). */
static int obj_writer_append_copy(struct obj_writer *w, const char *blob_id)
{
    struct blob_reader *rd = NULL;
    int rc = blob_reader_open(w->bs, blob_id, &rd);
    if (rc)
        return rc;
    char *chunk = xmalloc(1u << 20);
    uint64_t at = 0, size = blob_reader_size(rd);
    while (!rc && at < size) {
        size_t got = 0;
        rc = blob_reader_pread(rd, chunk, 1u << 20, at, &got);
        if (!rc && got == 0) {
            err_set("blob %s ended early", blob_id);
            rc = ERR_IO;
        }
        if (!rc)
            rc = obj_writer_write(w, chunk, got);
        at += got;
    }
    OPENSSL_cleanse(chunk, 1u << 20);
    free(chunk);
    blob_reader_close(rd);
    return rc;
}

int obj_writer_append_blob(struct obj_writer *w, const char *blob_id)
{
    if (w->stages[OBJ_STAGE_HASH] || w->stages[OBJ_STAGE_TRANSFORM] != &obj_stage_identity)
        return obj_writer_append_copy(w, blob_id);
    if (fault_hit(FAULT_BLOB_WRITE)) {
        err_set("injected fault: blob write");
        return ERR_IO;
    }
    uint64_t before = blob_writer_size(w->blob);
    int rc = blob_writer_append_blob(w->blob, blob_id);
    if (!rc)
        w->plain_size += blob_writer_size(w->blob) - before;
    return rc;
}

uint64_t obj_writer_size(const struct obj_writer *w)
{
    return w->plain_size;
}

int obj_writer_finish(struct obj_writer *w, struct obj_written *out)
{
    int rc = 0;
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < OBJ_STAGES && !rc; i++) {
        if (w->stages[i])
            rc = w->stages[i]->finish(w, out);
    }
    out->size = w->plain_size;
    if (rc) {
        free(out->sse);
        out->sse = NULL;
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
