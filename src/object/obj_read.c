/* obj_read.c — the read path: a byte range of one stored version. The stored bytes are the
 * object's bytes today; the decryption stage will sit between the blob and the reader (and
 * obj_reader_take_fd will then say -1, so the HTTP layer streams instead of sendfile). */
#include "object/object.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/fault.h"

#define OBJ_COPY_CHUNK (1u << 20)

struct obj_reader {
    int fd;
    uint64_t offset;    /* next byte to read, in the blob */
    uint64_t remaining; /* bytes left in the range */
    char blob_id[BLOB_ID_LEN + 1];
};

int obj_reader_open(struct blob_store *bs, const struct meta_object *o, uint64_t start,
                    uint64_t len, struct obj_reader **out)
{
    if (start > (uint64_t)o->size || len > (uint64_t)o->size - start) {
        err_set("range past the end of the object");
        return ERR_INVALID;
    }
    int fd = -1;
    if (fault_hit(FAULT_BLOB_OPEN)) {
        err_set("injected fault: blob %s gone", o->blob_id);
        return ERR_NOTFOUND;
    }
    int rc = blob_open_read(bs, o->blob_id, &fd);
    if (rc)
        return rc;
    struct obj_reader *rd = xcalloc(1, sizeof(*rd));
    rd->fd = fd;
    rd->offset = start;
    rd->remaining = len;
    memcpy(rd->blob_id, o->blob_id, sizeof(rd->blob_id) - 1);
    *out = rd;
    return 0;
}

int obj_reader_read(struct obj_reader *rd, void *buf, size_t n, size_t *got)
{
    *got = 0;
    if (rd->remaining == 0)
        return 0;
    size_t want = n < rd->remaining ? n : (size_t)rd->remaining;
    ssize_t k;
    do
        k = pread(rd->fd, buf, want, (off_t)rd->offset);
    while (k < 0 && errno == EINTR);
    if (k <= 0) {
        err_set("short read of blob %s: %s", rd->blob_id, k < 0 ? strerror(errno) : "end of file");
        return ERR_IO;
    }
    rd->offset += (uint64_t)k;
    rd->remaining -= (uint64_t)k;
    *got = (size_t)k;
    return 0;
}

int obj_reader_take_fd(struct obj_reader *rd, uint64_t *offset)
{
    int fd = rd->fd;
    rd->fd = -1;
    *offset = rd->offset;
    return fd;
}

void obj_reader_close(struct obj_reader *rd)
{
    if (!rd)
        return;
    if (rd->fd >= 0)
        close(rd->fd);
    free(rd);
}

int obj_copy_range(struct blob_store *bs, const struct meta_object *src, uint64_t start,
                   uint64_t len, struct obj_writer *w)
{
    struct obj_reader *rd = NULL;
    int rc = obj_reader_open(bs, src, start, len, &rd);
    if (rc)
        return rc;
    char *chunk = xmalloc(OBJ_COPY_CHUNK);
    size_t got = 1;
    while (!rc && got) {
        rc = obj_reader_read(rd, chunk, OBJ_COPY_CHUNK, &got);
        if (!rc && got)
            rc = obj_writer_write(w, chunk, got);
    }
    free(chunk);
    obj_reader_close(rd);
    return rc;
}
