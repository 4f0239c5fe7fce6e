/* blob_rados_int.h — the RADOS blob backend's layout (internal to src/blob).
 *
 * A blob <id> is a head object "<id>" and chunk objects "<id>.<k>" (k = 1, 2, …) of at most
 * BLOB_RADOS_CHUNK bytes. The head's xattr BLOB_RADOS_XATTR_MANIFEST, set last by the commit,
 * makes the blob exist: it lists the blob's chunks in order, as runs of equal-sized chunks
 * (blob_rados_manifest). A blob that fits in one chunk is the head's own data, written with
 * its manifest in one atomic operation (a small PUT is one RADOS write).
 *
 * Compose (multipart complete) does not copy: the new blob's manifest names the part blob's
 * chunks ("<part>.<k>"), and each such chunk gets the xattr BLOB_RADOS_XATTR_OWNER = the new
 * blob's id. A chunk is live while its own head exists or its owner's head exists, so either
 * blob can be removed first (blob_rados_gc.c). */
#ifndef STOCKTAKE_BLOB_RADOS_INT_H
#define STOCKTAKE_BLOB_RADOS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <rados/librados.h>

#include "blob/blob_backend.h"

#define BLOB_RADOS_CHUNK (4u << 20)
#define BLOB_RADOS_XATTR_MANIFEST "stocktake.blob"
#define BLOB_RADOS_XATTR_OWNER "stocktake.owner"
#define BLOB_RADOS_NAME_MAX 64 /* "<id>.<k>" */
#define BLOB_RADOS_MANIFEST_MAX (16u << 20)
#define BLOB_RADOS_RUNS_MAX (1u << 20)

/* count chunks of size bytes each: owner's ("" = the blob's own) chunks first..first+count-1;
 * chunk 0 of a blob is its head's data. */
struct blob_rados_run {
    char owner[BLOB_ID_LEN + 1];
    uint64_t first, count, size;
    uint64_t start; /* the blob offset of the run's first byte (filled by parse) */
};

struct blob_rados_manifest {
    struct blob_rados_run *runs;
    size_t n, cap;
    uint64_t size; /* the blob's bytes */
};

/* Add count chunks of size (merged into the last run when they continue it). */
void blob_rados_manifest_add(struct blob_rados_manifest *m, const char *owner, uint64_t first,
                             uint64_t count, uint64_t size);
/* "v1\n" then per run "<owner|-> <first> <count> <size>\n". Returns a malloc'd string. */
char *blob_rados_manifest_format(const struct blob_rados_manifest *m, size_t *len);
/* ERR_INVALID on anything else (never trusts the bytes). */
int blob_rados_manifest_parse(const char *text, size_t len,
                              struct blob_rados_manifest *out) WARN_UNUSED;
/* The run holding offset at (< m->size). */
const struct blob_rados_run *blob_rados_manifest_find(const struct blob_rados_manifest *m,
                                                      uint64_t at);
void blob_rados_manifest_free(struct blob_rados_manifest *m);

/* The object name of chunk k of blob id (k 0: the head). */
void blob_rados_chunk_name(char out[BLOB_RADOS_NAME_MAX], const char *id, uint64_t k);

struct blob_rados_store {
    struct blob_store base;
    rados_t cluster;
    rados_ioctx_t io;
    char *pool;
};

/* A librados result (negative errno) as an ERR_* code, with the message set. */
int blob_rados_err(int rc, const char *what, const char *name);
/* The manifest of blob id: ERR_NOTFOUND when its head or the manifest (a write not committed)
 * is missing. *mtime: the head's modification time (NULL: not wanted). */
int blob_rados_manifest_get(struct blob_rados_store *s, const char *id,
                            struct blob_rados_manifest *out, int64_t *mtime_ms) WARN_UNUSED;
/* 1 if object name exists, 0 if not, or an ERR_* code. */
int blob_rados_exists(struct blob_rados_store *s, const char *name);
/* The owner xattr of a chunk: 0 and owner set, ERR_NOTFOUND (none, or no such chunk). */
int blob_rados_owner_get(struct blob_rados_store *s, const char *name,
                         char owner[BLOB_ID_LEN + 1]) WARN_UNUSED;

/* blob_rados_gc.c */
int blob_rados_remove(struct blob_store *bs, const char *id);
int blob_rados_scan(struct blob_store *bs, int64_t older_than_ms, blob_scan_cb *cb, void *payload);

#endif
