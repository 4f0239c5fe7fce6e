/* object.h — the object layer: how every writer stores and every reader reads object bytes,
 * beneath src/s3 and knowing nothing of HTTP.
 *
 *   write:  bytes ─► hash stage (MD5 = ETag, the requested checksum) ─► transform stage
 *           (encryption goes here; pass-through today) ─► blob stage (temp file, fsync,
 *           rename)  ─►  obj_commit: one metadata transaction that checks the preconditions
 *           (the bucket is the one the write began on, If-Match / If-None-Match; Object Lock
 *           later) and stores the version. Replaced or deleted blobs are never removed by the
 *           request: the commit records them as dead and the collector (obj_gc) removes them
 *           after a grace period, so a reader holding the old row still reads its bytes.
 *   read:   obj_reader over one stored version, range-aware, with the decryption slot.
 *
 * Users: PutObject, UploadPart, CompleteMultipartUpload, CopyObject, UploadPartCopy, and
 * inventory delivery. Functions return 0 or a negative ERR_* code (core/err.h). */
#ifndef STOCKTAKE_OBJECT_H
#define STOCKTAKE_OBJECT_H

#include <stddef.h>
#include <stdint.h>

#include "blob/blob.h"
#include "core/checksum.h"
#include "core/hash.h"
#include "meta/meta.h"

/* ---- write path ---- */

/* Encryption at rest (issue 11, docs/internals/SSE.md). */
enum obj_sse_mode {
    OBJ_SSE_NONE = 0,
    OBJ_SSE_S3, /* x-amz-server-side-encryption: AES256, a data key wrapped by the master key */
    OBJ_SSE_C,  /* customer key (SSE-C): the data key wrapped by the customer's key */
    OBJ_SSE_KMS /* aws:kms / aws:kms:dsse: the data key from the KMS (src/s3/s3_sse_kms.c) */
};

struct obj_write_opts {
    /* md5: compute the MD5 (the ETag) in the hash stage; checksum: the checksum to compute
     * there (CHECKSUM_NONE: none). The hash stage is left out when neither is asked: when an
     * upstream stage over exactly these bytes already hashed them (the S3 body pipeline,
     * which must verify Content-MD5 and the client's checksum before the commit), or when
     * the ETag is not an MD5 of the bytes (a multipart object's). */
    int md5;
    enum checksum_algo checksum;
    /* sse: seal the bytes (crypto/seg.h, 64 KiB segments) before the blob stage. The data key
     * is sse_parent's (a multipart upload's record, for its parts) or, when sse_parent is NULL,
     * a fresh one returned wrapped in obj_written.sse. part: the part number bound into every
     * segment (0 for a whole object). */
    enum obj_sse_mode sse;
    const char *sse_parent;
    uint32_t part;
    const uint8_t *customer_key; /* OBJ_SSE_C: the customer's 32-byte key (never stored);
                                  * OBJ_SSE_KMS: the plain data key the KMS generated */
    const char *sse_record;      /* OBJ_SSE_KMS: the record to store (its KMS ciphertext),
                                  * handed back in obj_written.sse unless part is set */
};

struct obj_written {
    char blob_id[BLOB_ID_LEN + 1];
    uint64_t size;                   /* the object's bytes (plaintext), not the blob's */
    char etag[80];                   /* "\"<md5 hex>\"" when hashed here */
    char checksum[CHECKSUM_B64_MAX]; /* when a checksum was asked for */
    char *sse; /* sealed with a fresh data key: its record (meta_object.sse); the caller frees */
};

struct obj_writer;

int obj_writer_open(struct blob_store *bs, const struct obj_write_opts *opts,
                    struct obj_writer **out) WARN_UNUSED;
int obj_writer_write(struct obj_writer *w, const void *data, size_t n) WARN_UNUSED;
/* Compose: append the whole of committed blob blob_id as it is stored (blob.h's
 * blob_writer_append_blob: no bytes through this process where the backend allows). A writer
 * that hashes or encrypts reads the bytes through its stages instead. */
int obj_writer_append_blob(struct obj_writer *w, const char *blob_id) WARN_UNUSED;
/* The object's bytes written so far. */
uint64_t obj_writer_size(const struct obj_writer *w);
/* Finish every stage and make the blob durable; frees w whatever the outcome. */
int obj_writer_finish(struct obj_writer *w, struct obj_written *out) WARN_UNUSED;
/* Drop everything written; frees w. NULL is a no-op. */
void obj_writer_abort(struct obj_writer *w);

/* "\"hex\"" of an MD5 digest, the ETag of a single-part object (out: 80 bytes). */
void obj_etag_format(const uint8_t md5[MD5_LEN], char *out, size_t size);

/* ---- commit ---- */

enum obj_failure {
    OBJ_FAIL_NONE = 0,
    OBJ_FAIL_NO_SUCH_BUCKET, /* the bucket is gone or was re-created */
    OBJ_FAIL_NO_SUCH_UPLOAD, /* completing an upload that no longer exists */
    OBJ_FAIL_IF_MATCH,       /* If-Match did not hold (another ETag) */
    OBJ_FAIL_IF_NONE_MATCH,  /* If-None-Match did not hold (the object exists) */
    OBJ_FAIL_NO_SUCH_KEY,    /* If-Match on a key without a current object */
    OBJ_FAIL_INTERNAL
};

struct obj_commit {
    const char *bucket;
    const char *bucket_id;      /* the id the bucket had when the write began */
    struct meta_object *object; /* the new version; object->blob_id its written blob */
    const char *upload_id;      /* CompleteMultipartUpload: the upload it completes */
    const char *if_match;       /* ETag list or "*" */
    const char *if_none_match;  /* "*" or an ETag list */
};

/* Commit c->object as the key's newest version, the preconditions decided inside the
 * metadata transaction (of concurrent conditional writes exactly one wins). On failure the
 * never-visible blob of c->object is removed, *why says what failed, and the ERR_* code is
 * returned. */
int obj_commit(struct meta_store *m, struct blob_store *bs, const struct obj_commit *c,
               enum obj_failure *why) WARN_UNUSED;

/* Does the comma-separated ETag list (or "*") name etag (quoted or not)? */
int obj_etag_matches(const char *list, const char *etag);

/* ---- deletes (obj_delete.c) ---- */

/* Fill dm as the delete marker a delete without a version id makes in a bucket with versioning
 * v (enabled: a new version id; suspended: "null", which replaces the null version), owned by
 * owner_id, made at now_ms. dm->key is borrowed from key. */
void obj_delete_marker_init(struct meta_object *dm, const char *key, enum meta_versioning v,
                            const char *owner_id, int64_t now_ms);

/* The request-free delete of key's current version in a versioned (or suspended) bucket: a
 * new delete marker, committed in one metadata transaction (meta_object_commit) only while the
 * bucket still has bucket_id (NULL: any) and, with if_latest_version, only while that version
 * is still the key's current one and no delete marker. 0; ERR_NOTFOUND when the bucket went;
 * ERR_CONFLICT when the current version is another now. out_version (64 bytes) gets the
 * marker's version id. */
int obj_delete_marker_add(struct meta_store *m, const char *bucket, const char *bucket_id,
                          const char *key, enum meta_versioning v, const char *owner_id,
                          const char *if_latest_version, char *out_version) WARN_UNUSED;

/* Abort a multipart upload: the upload and its parts go (their blobs become dead, for the
 * collector). 0, ERR_NOTFOUND or an error. AbortMultipartUpload, the janitor and lifecycle. */
int obj_upload_abort(struct meta_store *m, const char *bucket, const char *upload_id) WARN_UNUSED;

/* ---- read path ---- */

struct obj_reader;

/* Open bytes [start, start+len) of stored version o (decrypted when o->sse is set; only the
 * segments the range touches are read and authenticated). A failed authentication is
 * ERR_INVALID (tampered blob or wrong key: 500 and a log line, never wrong bytes). */
int obj_reader_open(struct blob_store *bs, const struct meta_object *o, uint64_t start,
                    uint64_t len, struct obj_reader **out) WARN_UNUSED;
/* The same with the customer's key of an SSE-C version (NULL: none given: ERR_DENIED for one;
 * a key that is not the version's: ERR_DENIED), or the plain data key of an SSE-KMS version
 * (which the caller got from the KMS). */
int obj_reader_open_key(struct blob_store *bs, const struct meta_object *o,
                        const uint8_t *customer_key, uint64_t start, uint64_t len,
                        struct obj_reader **out) WARN_UNUSED;
/* The same over part `part` of a multipart upload whose record is upload_sse (NULL: plain). */
int obj_reader_open_part(struct blob_store *bs, const char *blob_id, uint64_t size,
                         const char *upload_sse, uint32_t part, uint64_t start, uint64_t len,
                         struct obj_reader **out) WARN_UNUSED;
/* The same with the plain data key of an SSE-KMS upload (which the caller got from the KMS). */
int obj_reader_open_part_key(struct blob_store *bs, const char *blob_id, uint64_t size,
                             const char *upload_sse, const uint8_t *data_key, uint32_t part,
                             uint64_t start, uint64_t len, struct obj_reader **out) WARN_UNUSED;
/* Up to n bytes into buf; *got 0 at the end of the range. */
int obj_reader_read(struct obj_reader *rd, void *buf, size_t n, size_t *got) WARN_UNUSED;
/* When the stored bytes are the object's bytes (no decryption stage), the file and offset
 * to send directly (sendfile); -1 otherwise (encrypted: read through obj_reader_read). The fd
 * moves to the caller. */
int obj_reader_take_fd(struct obj_reader *rd, uint64_t *offset);
void obj_reader_close(struct obj_reader *rd);

/* Copy [start, start+len) of stored version src into w through both paths. */
int obj_copy_range(struct blob_store *bs, const struct meta_object *src, uint64_t start,
                   uint64_t len, struct obj_writer *w) WARN_UNUSED;
/* obj_copy_range of an SSE-C source with its customer key. */
int obj_copy_range_key(struct blob_store *bs, const struct meta_object *src,
                       const uint8_t *customer_key, uint64_t start, uint64_t len,
                       struct obj_writer *w) WARN_UNUSED;
/* Copy everything an open reader has left into w (closes rd). */
int obj_copy_reader(struct obj_reader *rd, struct obj_writer *w) WARN_UNUSED;

/* ---- encryption records ---- */

/* A fresh data key wrapped for bind_id (a multipart upload's id: its parts' key). */
int obj_sse_record_new(const char *bind_id, char **record) WARN_UNUSED;
/* The same wrapped under a customer's key (an SSE-C multipart upload). */
int obj_sse_record_new_customer(const char *bind_id, const uint8_t *customer_key,
                                char **record) WARN_UNUSED;
/* CompleteMultipartUpload of an SSE-C upload, which has no key to re-encrypt with: append
 * part blob_id's sealed stream (with its id) to w, a plain writer, building the composite the
 * reader decrypts part by part (the version's parts list must name each part's number). */
int obj_append_sealed_part(struct blob_store *bs, const char *blob_id,
                           struct obj_writer *w) WARN_UNUSED;
/* Copy SSE-C version src's blob as stored (sealed: the customer's key is never needed, and
 * never stored) into w, a plain writer: the replica reads with the same record and key, its
 * segments bound to the id the record names (obj_reader_open_key). ERR_INVALID for another
 * mode. */
int obj_copy_sealed(struct blob_store *bs, const struct meta_object *src,
                    struct obj_writer *w) WARN_UNUSED;
/* The mode of a stored record (meta_object.sse / meta_upload.sse). */
enum obj_sse_mode obj_sse_mode_of(const char *record);

/* ---- collector ---- */

struct obj_gc_opts {
    int64_t grace_ms;      /* a dead blob is removed this long after its death */
    int64_t orphan_age_ms; /* an unreferenced blob file older than this is an orphan */
};

struct obj_gc_stats {
    long dead_removed;
    long orphans_removed;
};

/* Remove dead blobs past the grace period; with orphans set, also scan blobs/ for files no
 * object version, part or dead row names (left by a crash between the blob write and its
 * commit) that are older than orphan_age_ms and than the oldest inventory run still holding
 * its lease (meta_inventory_live_run_start). */
int obj_gc_run(struct meta_store *m, struct blob_store *bs, const struct obj_gc_opts *opts,
               int orphans, struct obj_gc_stats *stats) WARN_UNUSED;

#define OBJ_GC_DEFAULT_GRACE_MS (60 * 1000)
#define OBJ_GC_DEFAULT_ORPHAN_AGE_MS (3600 * 1000)

/* The collector as a background thread (serve): dead blobs every grace/2 (0.5 s to 60 s),
 * orphans at start and then every orphan_age/2. */
struct obj_gc;
int obj_gc_start(struct obj_gc **out, struct meta_store *m, struct blob_store *bs,
                 const struct obj_gc_opts *opts) WARN_UNUSED;
void obj_gc_stop(struct obj_gc *g);

#endif
