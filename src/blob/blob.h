/* blob.h — object bytes on the file system.
 *
 * Layout under the data directory:  tmp/<uuid>  while being written, then
 * blobs/<aa>/<bb>/<uuid> once committed (aa, bb: the first hex pairs, to keep folders small).
 * A write is durable before anything refers to it: write the temp file, fsync it, rename it
 * into place, fsync the folder. A crash or an abort leaves at most a temp file (removed at the
 * next start) or an unreferenced blob, never a torn one. */
#ifndef STOCKTAKE_BLOB_H
#define STOCKTAKE_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define BLOB_ID_LEN 36

struct blob_store;
struct blob_writer;

/* Open the store under data_dir (creating tmp/ and blobs/). clear_tmp: remove stale temp
 * files (the server does, at start; a side process such as `inventory run` must not, since
 * a running server may be writing them). */
int blob_store_open(struct blob_store **out, const char *data_dir, int clear_tmp) WARN_UNUSED;
void blob_store_close(struct blob_store *bs);

/* Start a new blob in a temp file. The writer is owned by the caller until commit or abort. */
int blob_writer_open(struct blob_store *bs, struct blob_writer **out) WARN_UNUSED;
int blob_writer_write(struct blob_writer *w, const void *data, size_t n) WARN_UNUSED;
uint64_t blob_writer_size(const struct blob_writer *w);
/* The id the blob will have once committed (BLOB_ID_LEN characters). */
const char *blob_writer_id(const struct blob_writer *w);
/* fsync, rename into place, fsync the folder; writes the new id (BLOB_ID_LEN+1 bytes) and frees
 * the writer whatever the outcome (on failure the temp file is removed). */
int blob_writer_commit(struct blob_writer *w, char *out_id) WARN_UNUSED;
/* Remove the temp file and free the writer. NULL is a no-op. */
void blob_writer_abort(struct blob_writer *w);

/* Open a committed blob for reading; the caller owns and closes the fd. */
int blob_open_read(struct blob_store *bs, const char *id, int *out_fd) WARN_UNUSED;
/* Remove a committed blob; a missing one is not an error. */
int blob_remove(struct blob_store *bs, const char *id) WARN_UNUSED;
/* The data directory the store lives in (for blob_gc.c). */
const char *blob_store_dir(const struct blob_store *bs);

#endif
