/* blob.c — dispatch to the blob backend (blob.h, blob_backend.h). */
#include "blob/blob.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob/blob_backend.h"
#include "core/hash.h"

int blob_store_open_config(struct blob_store **out, const struct blob_config *cfg)
{
    const char *spec = cfg->spec;
    if (!spec || !spec[0])
        return blob_fs_open(out, cfg->data_dir, cfg->clear_tmp);
    if (strncmp(spec, "fs:", 3) == 0 && spec[3])
        return blob_fs_open(out, spec + 3, cfg->clear_tmp);
    if (strncmp(spec, "rados:", 6) == 0 && spec[6])
        return blob_rados_open(out, spec + 6, cfg);
    err_set("--blobs %s: expected fs:DIR or rados:POOL", spec);
    return ERR_INVALID;
}

int blob_store_open(struct blob_store **out, const char *data_dir, int clear_tmp)
{
    return blob_fs_open(out, data_dir, clear_tmp);
}

void blob_store_close(struct blob_store *bs)
{
    if (bs)
        bs->ops->close(bs);
}

const char *blob_store_kind(const struct blob_store *bs)
{
    return bs->ops->name;
}

int blob_id_valid(const char *id)
{
    if (strlen(id) != BLOB_ID_LEN)
        return 0;
    for (const char *p = id; *p; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || *p == '-'))
            return 0;
    }
    return 1;
}

int blob_writer_open(struct blob_store *bs, struct blob_writer **out)
{
    char id[BLOB_ID_LEN + 1];
    hash_uuid(id);
    struct blob_writer *w = NULL;
    int rc = bs->ops->writer_open(bs, id, &w);
    if (rc)
        return rc;
    w->bs = bs;
    w->size = 0;
    memcpy(w->id, id, sizeof(w->id));
    *out = w;
    return 0;
}

int blob_writer_write(struct blob_writer *w, const void *data, size_t n)
{
    if (n == 0)
        return 0;
    int rc = w->bs->ops->writer_write(w, data, n);
    if (!rc)
        w->size += n;
    return rc;
}

int blob_writer_append_blob(struct blob_writer *w, const char *id)
{
    if (!blob_id_valid(id)) {
        err_set("bad blob id");
        return ERR_INVALID;
    }
    uint64_t n = 0;
    int rc = w->bs->ops->writer_append(w, id, &n);
    if (!rc)
        w->size += n;
    return rc;
}

uint64_t blob_writer_size(const struct blob_writer *w)
{
    return w->size;
}

const char *blob_writer_id(const struct blob_writer *w)
{
    return w->id;
}

int blob_writer_commit(struct blob_writer *w, char *out_id)
{
    char id[BLOB_ID_LEN + 1];
    memcpy(id, w->id, sizeof(id));
    int rc = w->bs->ops->writer_commit(w);
    if (!rc)
        memcpy(out_id, id, sizeof(id));
    return rc;
}

void blob_writer_abort(struct blob_writer *w)
{
    if (w)
        w->bs->ops->writer_abort(w);
}

int blob_reader_open(struct blob_store *bs, const char *id, struct blob_reader **out)
{
    if (!blob_id_valid(id)) {
        err_set("bad blob id");
        return ERR_INVALID;
    }
    struct blob_reader *rd = NULL;
    int rc = bs->ops->reader_open(bs, id, &rd);
    if (rc)
        return rc;
    rd->bs = bs;
    *out = rd;
    return 0;
}

uint64_t blob_reader_size(struct blob_reader *rd)
{
    return rd->bs->ops->reader_size(rd);
}

int blob_reader_pread(struct blob_reader *rd, void *buf, size_t n, uint64_t at, size_t *got)
{
    *got = 0;
    return n ? rd->bs->ops->reader_pread(rd, buf, n, at, got) : 0;
}

int blob_reader_take_fd(struct blob_reader *rd)
{
    return rd->bs->ops->reader_take_fd ? rd->bs->ops->reader_take_fd(rd) : -1;
}

int blob_reader_map(struct blob_reader *rd, const uint8_t **data, size_t *len)
{
    if (!rd->bs->ops->reader_map)
        return ERR_INVALID;
    return rd->bs->ops->reader_map(rd, data, len);
}

void blob_reader_close(struct blob_reader *rd)
{
    if (rd)
        rd->bs->ops->reader_close(rd);
}

int blob_open_read(struct blob_store *bs, const char *id, int *out_fd)
{
    struct blob_reader *rd = NULL;
    int rc = blob_reader_open(bs, id, &rd);
    if (rc)
        return rc;
    int fd = blob_reader_take_fd(rd);
    blob_reader_close(rd);
    if (fd < 0) {
        err_set("blob %s: the %s backend has no file descriptors", id, blob_store_kind(bs));
        return ERR_INVALID;
    }
    *out_fd = fd;
    return 0;
}

int blob_remove(struct blob_store *bs, const char *id)
{
    if (!blob_id_valid(id))
        return 0;
    return bs->ops->remove(bs, id);
}

int blob_scan(struct blob_store *bs, int64_t older_than_ms, blob_scan_cb *cb, void *payload)
{
    return bs->ops->scan(bs, older_than_ms, cb, payload);
}
