/* obj_unseal.h — the read path's decryption stage (internal to src/object): the segments of
 * a sealed blob a read touches, authenticated and decrypted (crypto/seg.h).
 *
 * A sealed blob is one sealed stream (crypto/seg.h). An SSE-C multipart object, assembled by
 * CompleteMultipartUpload without the customer's key, is a composite: per part, in order, its
 * part blob's id (BLOB_ID_LEN bytes, which its segment key is derived from) and then that part
 * blob's sealed stream as it was written; the version's parts list gives each part's size and
 * number (bound into its segments). */
#ifndef STOCKTAKE_OBJECT_OBJ_UNSEAL_H
#define STOCKTAKE_OBJECT_OBJ_UNSEAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct obj_unseal;

struct blob_reader;

struct obj_unseal_source {
    struct blob_reader *blob; /* the sealed blob, open (not owned) */
    const char *blob_id;
    uint64_t size;         /* the plaintext size the version records */
    const char *sse;       /* the record */
    const char *bind;      /* the record's bind id to check (NULL: not checked) */
    const uint8_t *ck;     /* the customer key of an SSE-C record (NULL: none given) */
    uint32_t part;         /* the part number of a single stream */
    const char *composite; /* a composite's parts list (meta_object.parts), else NULL */
    const char *seal_id;   /* the id a single stream's segments are bound to (NULL: blob_id;
                            * an SSE-C replica's byte copy keeps its source's) */
};

/* Unwrap the data key and check that the blob describes exactly src->size bytes. ERR_DENIED:
 * SSE-C without the right key; ERR_INVALID: a wrong master key, a malformed or truncated blob. */
int obj_unseal_open(const struct obj_unseal_source *src, struct obj_unseal **out) WARN_UNUSED;
/* Decrypt plaintext [off, off+want) (want is cut at a part's end and at 4 MiB) into buf; the
 * bytes written (> 0) or ERR_IO / ERR_INVALID (buf zeroed: nothing unauthenticated leaves). */
long obj_unseal_read(struct obj_unseal *u, uint64_t off, void *buf, size_t want);
void obj_unseal_free(struct obj_unseal *u);

#endif
