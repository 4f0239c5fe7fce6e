/* obj_read.c — the read path: a byte range of one stored version. A plain blob's bytes are the
 * object's bytes (obj_reader_take_fd hands the file to sendfile where the blob backend has
 * one, else they are read through blob_reader_pread); a sealed one (SSE) is read a
 * span of segments at a time, only the segments the range touches, each authenticated before
 * a byte of it is returned (obj_reader_take_fd says -1). */
#include "object/object.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/fault.h"
#include "core/log.h"
#include "crypto/keys.h"
#include "crypto/seg.h"
#include "object/obj_unseal.h"

#define OBJ_COPY_CHUNK (1u << 20)
struct obj_reader {
    struct blob_reader *blob;
    uint64_t offset;    /* next byte to read: in the blob (plain) or the plaintext (sealed) */
    uint64_t remaining; /* bytes left in the range */
    char blob_id[BLOB_ID_LEN + 1];
    struct obj_unseal *unseal; /* NULL: a plain blob */
};

static int obj_reader_open_source(struct blob_store *bs, const struct obj_unseal_source *src,
                                  uint64_t start, uint64_t len, struct obj_reader **out)
{
    const char *blob_id = src->blob_id;
    uint64_t size = src->size;
    if (start > size || len > size - start) {
        err_set("range past the end of the object");
        return ERR_INVALID;
    }
    struct blob_reader *blob = NULL;
    if (fault_hit(FAULT_BLOB_OPEN)) {
        err_set("injected fault: blob %s gone", blob_id);
        return ERR_NOTFOUND;
    }
    int rc = blob_reader_open(bs, blob_id, &blob);
    if (rc)
        return rc;
    struct obj_reader *rd = xcalloc(1, sizeof(*rd));
    rd->blob = blob;
    rd->offset = start;
    rd->remaining = len;
    snprintf(rd->blob_id, sizeof(rd->blob_id), "%s", blob_id);
    if (src->sse && src->sse[0]) {
        struct obj_unseal_source u = *src;
        u.blob = blob;
        rc = obj_unseal_open(&u, &rd->unseal);
        if (rc) {
            obj_reader_close(rd);
            return rc;
        }
    }
    *out = rd;
    return 0;
}

int obj_reader_open(struct blob_store *bs, const struct meta_object *o, uint64_t start,
                    uint64_t len, struct obj_reader **out)
{
    return obj_reader_open_key(bs, o, NULL, start, len, out);
}

int obj_reader_open_key(struct blob_store *bs, const struct meta_object *o,
                        const uint8_t *customer_key, uint64_t start, uint64_t len,
                        struct obj_reader **out)
{
    /* an SSE-C multipart object is a composite of its parts' sealed streams, whose record is
     * its upload's (bound to the upload id) */
    int sse_c = obj_sse_mode_of(o->sse) == OBJ_SSE_C;
    int composite = sse_c && o->multipart && o->parts;
    /* a single SSE-C stream is bound to the id its record names: its blob's, or for a
     * replica's byte copy (obj_copy_sealed) the source's */
    char sealed[BLOB_ID_LEN + 1] = "";
    if (sse_c && !composite)
        keys_record_bind(o->sse, sealed, sizeof(sealed));
    const char *seal = sealed[0] ? sealed : o->blob_id;
    struct obj_unseal_source src = {NULL,
                                    o->blob_id,
                                    (uint64_t)o->size,
                                    o->sse,
                                    composite ? NULL : seal,
                                    customer_key,
                                    0,
                                    composite ? o->parts : NULL,
                                    composite ? NULL : seal};
    return obj_reader_open_source(bs, &src, start, len, out);
}

int obj_reader_open_part(struct blob_store *bs, const char *blob_id, uint64_t size,
                         const char *upload_sse, uint32_t part, uint64_t start, uint64_t len,
                         struct obj_reader **out)
{
    return obj_reader_open_part_key(bs, blob_id, size, upload_sse, NULL, part, start, len, out);
}

int obj_reader_open_part_key(struct blob_store *bs, const char *blob_id, uint64_t size,
                             const char *upload_sse, const uint8_t *data_key, uint32_t part,
                             uint64_t start, uint64_t len, struct obj_reader **out)
{
    struct obj_unseal_source src = {NULL,     blob_id, size, upload_sse, NULL,
                                    data_key, part,    NULL, NULL};
    return obj_reader_open_source(bs, &src, start, len, out);
}

int obj_reader_read(struct obj_reader *rd, void *buf, size_t n, size_t *got)
{
    *got = 0;
    if (rd->remaining == 0)
        return 0;
    size_t want = n < rd->remaining ? n : (size_t)rd->remaining;
    size_t k;
    if (rd->unseal) {
        long rc = obj_unseal_read(rd->unseal, rd->offset, buf, want);
        if (rc < 0)
            return (int)rc;
        k = (size_t)rc;
    } else {
        int rc = blob_reader_pread(rd->blob, buf, want, rd->offset, &k);
        if (rc)
            return rc;
        if (k == 0) {
            err_set("short read of blob %s: end of blob", rd->blob_id);
            return ERR_IO;
        }
    }
    rd->offset += (uint64_t)k;
    rd->remaining -= (uint64_t)k;
    *got = (size_t)k;
    return 0;
}

int obj_reader_take_fd(struct obj_reader *rd, uint64_t *offset)
{
    if (rd->unseal)
        return -1;
    int fd = blob_reader_take_fd(rd->blob);
    *offset = rd->offset;
    return fd;
}

void obj_reader_close(struct obj_reader *rd)
{
    if (!rd)
        return;
    obj_unseal_free(rd->unseal);
    blob_reader_close(rd->blob);
    free(rd);
}

int obj_copy_reader(struct obj_reader *rd, struct obj_writer *w)
{
    char *chunk = xmalloc(OBJ_COPY_CHUNK);
    size_t got = 1;
    int rc = 0;
    while (!rc && got) {
        rc = obj_reader_read(rd, chunk, OBJ_COPY_CHUNK, &got);
        if (!rc && got)
            rc = obj_writer_write(w, chunk, got);
    }
    OPENSSL_cleanse(chunk, OBJ_COPY_CHUNK);
    free(chunk);
    obj_reader_close(rd);
    return rc;
}

int obj_copy_range(struct blob_store *bs, const struct meta_object *src, uint64_t start,
                   uint64_t len, struct obj_writer *w)
{
    return obj_copy_range_key(bs, src, NULL, start, len, w);
}

int obj_copy_range_key(struct blob_store *bs, const struct meta_object *src,
                       const uint8_t *customer_key, uint64_t start, uint64_t len,
                       struct obj_writer *w)
{
    struct obj_reader *rd = NULL;
    int rc = obj_reader_open_key(bs, src, customer_key, start, len, &rd);
    return rc ? rc : obj_copy_reader(rd, w);
}

int obj_sse_record_new_customer(const char *bind_id, const uint8_t *customer_key, char **record)
{
    uint8_t dk[KEYS_LEN];
    keys_data_new(dk);
    int rc = keys_wrap_customer(customer_key, bind_id, dk, record);
    OPENSSL_cleanse(dk, sizeof(dk));
    return rc;
}

int obj_sse_record_new(const char *bind_id, char **record)
{
    uint8_t dk[KEYS_LEN];
    if (!keys_master_current()) {
        err_set("no master key is loaded");
        return ERR_INVALID;
    }
    keys_data_new(dk);
    int rc = keys_wrap(keys_master_current(), bind_id, dk, record);
    OPENSSL_cleanse(dk, sizeof(dk));
    return rc;
}

enum obj_sse_mode obj_sse_mode_of(const char *record)
{
    char mode[16];
    keys_record_mode(record, mode, sizeof(mode));
    if (strcmp(mode, KEYS_MODE_C) == 0)
        return OBJ_SSE_C;
    if (strcmp(mode, KEYS_MODE_KMS) == 0 || strcmp(mode, KEYS_MODE_DSSE) == 0)
        return OBJ_SSE_KMS;
    return strcmp(mode, KEYS_MODE_S3) == 0 ? OBJ_SSE_S3 : OBJ_SSE_NONE;
}
