/* blob_backend.h — what a blob backend implements (internal to src/blob; callers use blob.h).
 *
 * Each backend embeds the base structs below as the first member of its own store, writer
 * and reader, and fills an ops table; blob.c dispatches, keeps the writer's size and id and
 * checks ids, so a backend sees only valid ids. */
#ifndef STOCKTAKE_BLOB_BACKEND_H
#define STOCKTAKE_BLOB_BACKEND_H

#include "blob/blob.h"
#include "blob/blob_gc.h"

struct blob_backend_ops;

struct blob_store {
    const struct blob_backend_ops *ops;
};

struct blob_writer {
    struct blob_store *bs;
    uint64_t size; /* bytes written or appended so far */
    char id[BLOB_ID_LEN + 1];
};

struct blob_reader {
    struct blob_store *bs;
};

struct blob_backend_ops {
    const char *name;
    void (*close)(struct blob_store *bs);
    /* Allocates the writer (base filled in by blob.c after: bs, id). */
    int (*writer_open)(struct blob_store *bs, const char *id, struct blob_writer **out);
    int (*writer_write)(struct blob_writer *w, const void *data, size_t n);
    /* Append committed blob id; *appended: its size. */
    int (*writer_append)(struct blob_writer *w, const char *id, uint64_t *appended);
    /* Durable and visible, then free w (whatever the outcome). */
    int (*writer_commit)(struct blob_writer *w);
    void (*writer_abort)(struct blob_writer *w);
    int (*reader_open)(struct blob_store *bs, const char *id, struct blob_reader **out);
    uint64_t (*reader_size)(struct blob_reader *rd);
    /* n > 0; fewer bytes (*got) only where the blob ends */
    int (*reader_pread)(struct blob_reader *rd, void *buf, size_t n, uint64_t at, size_t *got);
    int (*reader_take_fd)(struct blob_reader *rd); /* NULL: none */
    /* the whole blob mapped read-only, owned by rd (NULL: the backend cannot) */
    int (*reader_map)(struct blob_reader *rd, const uint8_t **data, size_t *len);
    void (*reader_close)(struct blob_reader *rd);
    int (*remove)(struct blob_store *bs, const char *id);
    int (*scan)(struct blob_store *bs, int64_t older_than_ms, blob_scan_cb *cb, void *payload);
};

/* blob_fs.c */
int blob_fs_open(struct blob_store **out, const char *dir, int clear_tmp);
/* blob_gc.c: the file-system scan */
int blob_fs_scan(struct blob_store *bs, int64_t older_than_ms, blob_scan_cb *cb, void *payload);
const char *blob_fs_dir(const struct blob_store *bs);
/* blob_rados.c */
/* spec: "POOL" or "POOL/NAMESPACE" (blobs of several stores in one pool, kept apart) */
int blob_rados_open(struct blob_store **out, const char *spec, const struct blob_config *cfg);

#endif
