/* blob.h — object bytes: the callers' API over a blob backend (blob_backend.h).
 *
 * A blob is an immutable byte string named by a random id (BLOB_ID_LEN characters), written
 * once through a writer and durable before the writer's commit returns: nothing refers to a
 * blob before then, so a crash or an abort leaves at most an unreferenced blob (or a partial
 * one no reader can open), which the collector removes, never a torn one that is referenced.
 *
 * Backends (chosen with `--blobs SPEC`):
 *   fs:DIR      files under DIR (blob_fs.c): tmp/<id> while written, then blobs/<aa>/<bb>/<id>
 *               (fsync the file, rename it into place, fsync the folder).
 *   rados:POOL  objects in a Ceph RADOS pool (blob_rados.c): chunks of at most 4 MiB and a head
 *               object whose manifest, written last, makes the blob exist.
 * docs/internals/OBJECTS.md describes both and what each relies on. */
#ifndef STOCKTAKE_BLOB_H
#define STOCKTAKE_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define BLOB_ID_LEN 36

struct blob_store;
struct blob_writer;
struct blob_reader;

/* Where blobs live. spec "fs:DIR", "rados:POOL" or NULL (fs in data_dir); the ceph_* fields
 * are for rados only (NULL: librados's defaults). clear_tmp: remove stale temp files (the
 * server does, at start; a side process such as `inventory run` must not, since a running
 * server may be writing them). */
struct blob_config {
    const char *spec;
    const char *data_dir;
    const char *ceph_conf, *ceph_user, *ceph_keyring;
    int clear_tmp;
};

int blob_store_open_config(struct blob_store **out, const struct blob_config *cfg) WARN_UNUSED;
/* The file-system store under data_dir (creating tmp/ and blobs/). */
int blob_store_open(struct blob_store **out, const char *data_dir, int clear_tmp) WARN_UNUSED;
void blob_store_close(struct blob_store *bs);
/* "fs" or "rados". */
const char *blob_store_kind(const struct blob_store *bs);

/* Start a new blob. The writer is owned by the caller until commit or abort. */
int blob_writer_open(struct blob_store *bs, struct blob_writer **out) WARN_UNUSED;
int blob_writer_write(struct blob_writer *w, const void *data, size_t n) WARN_UNUSED;
/* Compose: append the whole of committed blob id (of this store) to w without the bytes
 * passing through the caller (fs: copy_file_range, a reflink where the file system has them;
 * rados: the new blob's manifest takes over id's chunks, see blob_rados.c). id stays readable
 * and removable as before; removing it later does not take bytes from w's blob. */
int blob_writer_append_blob(struct blob_writer *w, const char *id) WARN_UNUSED;
uint64_t blob_writer_size(const struct blob_writer *w);
/* The id the blob will have once committed (BLOB_ID_LEN characters). */
const char *blob_writer_id(const struct blob_writer *w);
/* Make the blob durable and visible; writes the new id (BLOB_ID_LEN+1 bytes) and frees the
 * writer whatever the outcome (on failure what was written is removed). */
int blob_writer_commit(struct blob_writer *w, char *out_id) WARN_UNUSED;
/* Remove what was written and free the writer. NULL is a no-op. */
void blob_writer_abort(struct blob_writer *w);

/* Open a committed blob for reading. ERR_NOTFOUND: no such blob. */
int blob_reader_open(struct blob_store *bs, const char *id, struct blob_reader **out) WARN_UNUSED;
/* The blob's size (fs: an fstat, only when asked, so a GET that sends the file costs none). */
uint64_t blob_reader_size(struct blob_reader *rd);
/* Read [at, at+n) into buf: all of it, or fewer bytes only where the blob ends (*got). */
int blob_reader_pread(struct blob_reader *rd, void *buf, size_t n, uint64_t at,
                      size_t *got) WARN_UNUSED;
/* A file descriptor of the blob's bytes for sendfile, moved to the caller (who closes it), or
 * -1 when the backend has none (rados): read through blob_reader_pread then. */
int blob_reader_take_fd(struct blob_reader *rd);
/* The whole blob mapped read-only (fs: mmap; valid until the reader is closed), so a reader
 * decrypts from the page cache without a copy; ERR_INVALID where the backend has no mapping
 * (rados) or mapping failed: read through blob_reader_pread then. Blobs are write-once: a
 * committed blob is never truncated under a reader. */
int blob_reader_map(struct blob_reader *rd, const uint8_t **data, size_t *len) WARN_UNUSED;
void blob_reader_close(struct blob_reader *rd);

/* The blob's bytes as a file descriptor the caller owns (a reader's take_fd): for tests and
 * tools over a file-system store; ERR_INVALID on a backend without files. */
int blob_open_read(struct blob_store *bs, const char *id, int *out_fd) WARN_UNUSED;

/* Remove a committed blob (all its chunks); a missing one is not an error. */
int blob_remove(struct blob_store *bs, const char *id) WARN_UNUSED;

/* A blob id as blob_writer_open makes them (lower-case hex and dashes, BLOB_ID_LEN long). */
int blob_id_valid(const char *id);

#endif
