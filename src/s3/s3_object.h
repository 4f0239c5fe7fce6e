/* s3_object.h — private to src/s3: what the object-writing operations share (PutObject,
 * CopyObject, multipart uploads, deletes). */
#ifndef STOCKTAKE_S3_OBJECT_H
#define STOCKTAKE_S3_OBJECT_H

#include "blob/blob.h"
#include "core/checksum.h"
#include "core/hash.h"
#include "object/object.h"
#include "s3/s3_req.h"

#define S3_VERSION_ID_LEN 32

/* The JSON list of headers to keep with an object, from the request: Content-Type and the
 * other content headers, x-amz-meta-*. MetadataTooLarge past 2 KiB of user metadata. */
enum s3_error s3_object_collect_headers(struct s3_req *r, char **out);

/* The version id a write in the loaded bucket gets: a new one when versioning is enabled,
 * "null" otherwise. out holds S3_VERSION_ID_LEN + 1 bytes. */
void s3_object_version_for_write(const struct s3_req *r, char *out);

/* Commit o as the newest version in the loaded bucket through the object layer (obj_commit):
 * the bucket must be the one loaded (same id), the upload (upload_id) must still exist, and
 * If-Match / If-None-Match (NULL: none) must hold, all decided in the metadata transaction.
 * NoSuchBucket, NoSuchUpload, PreconditionFailed, NoSuchKey (If-Match without an object).
 * On failure o's own blob is removed. */
enum s3_error s3_object_commit(struct s3_req *r, struct meta_object *o, const char *upload_id,
                               const char *if_match, const char *if_none_match);

/* Set x-amz-version-id on a write's answer (PutObject, CopyObject, CompleteMultipartUpload):
 * only for a real version id, as AWS — a write into an unversioned or versioning-suspended
 * bucket (the "null" version) answers without the header. */
void s3_object_version_header(struct http_response *resp, const char *version_id);
/* Set x-amz-version-id on a read's answer: the "null" version is named once the bucket has
 * (had) versioning. */
void s3_object_read_version_header(const struct s3_req *r, struct http_response *resp,
                                   const char *version_id);

struct s3_delete_result {
    char version_id[64]; /* version removed, or of the delete marker made; "" for none */
    int delete_marker;   /* the removed version was, or the new version is, a delete marker */
};

/* Delete key in the loaded bucket as DeleteObject does: with a version id, remove that
 * version; without, remove the null version (unversioned) or add a delete marker. */
enum s3_error s3_object_delete_key(struct s3_req *r, const char *key, const char *version,
                                   struct s3_delete_result *out);

/* Load a version (NULL: the latest) of key in bucket, which the caller may read:
 * NoSuchBucket, AccessDenied, NoSuchKey, NoSuchVersion; a delete marker is NoSuchKey
 * (latest) or MethodNotAllowed (by version), with the x-amz-delete-marker header. */
enum s3_error s3_object_load(struct s3_req *r, const char *bucket, const char *key,
                             const char *version, struct meta_object *out);

/* The version named (the latest when version is NULL) of an object whose bucket the request
 * may already reach: NoSuchKey (or AccessDenied for a caller that may not list the bucket,
 * s3_req_missing_key), NoSuchVersion, MethodNotAllowed for a delete marker named by version. */
enum s3_error s3_object_find(struct s3_req *r, const char *bucket, const char *key,
                             const char *version, struct meta_object *o) WARN_UNUSED;

/* "bytes=a-b" of an object of size size (both bounds required, as copy ranges are). */
enum s3_error s3_object_parse_copy_range(struct s3_req *r, const char *h, uint64_t size,
                                         uint64_t *start, uint64_t *len);

/* Headers every object write checks: a valid x-amz-storage-class; server-side encryption
 * answers NotImplemented until it exists. (Object Lock's are s3_lock_for_write's.) */
enum s3_error s3_object_check_write_headers(struct s3_req *r);

/* Does the comma-separated ETag list (or "*") name etag (quoted or not)? */
int s3_etag_matches(const char *list, const char *etag);

/* x-amz-copy-source: "[/]bucket/key[?versionId=v]", percent-encoded. Caller frees all three
 * (version may come back NULL). InvalidArgument when malformed. */
enum s3_error s3_copy_source_parse(struct s3_req *r, char **bucket, char **key, char **version);

/* x-amz-copy-source-if-match / -if-none-match / -if-modified-since / -if-unmodified-since
 * against the source object: PreconditionFailed when they do not hold. */
enum s3_error s3_copy_source_conditions(struct s3_req *r, const struct meta_object *src);

#endif
