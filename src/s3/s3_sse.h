/* s3_sse.h — what encryption an S3 write asks for, and what the answers say about it.
 *
 * x-amz-server-side-encryption: AES256 is SSE-S3; without the header the bucket's default
 * encryption applies (GetBucketEncryption; every bucket has SSE-S3 unless the server runs with
 * --legacy-bucket-defaults). aws:kms, aws:kms:dsse and SSE-C (customer keys) answer 501
 * NotImplemented; other values are InvalidArgument, as AWS answers them. */
#ifndef STOCKTAKE_S3_SSE_H
#define STOCKTAKE_S3_SSE_H

#include "object/object.h"
#include "s3/s3_error.h"
#include "s3/s3_req.h"
#include "s3/s3_sse_config.h"

/* The encryption of a new object of r->bucket written by r (PutObject, CopyObject,
 * CreateMultipartUpload, POST Object). */
enum s3_error s3_sse_for_write(struct s3_req *r, enum obj_sse_mode *out);
/* The same for the value v of x-amz-server-side-encryption (NULL: absent; a POST form's). */
enum s3_error s3_sse_choose(struct s3_req *r, const char *v, enum obj_sse_mode *out);

/* UploadPart: SSE-C headers answer 501; the upload's encryption applies to its parts. */
enum s3_error s3_sse_check_part_headers(struct s3_req *r);
/* SSE-C copy-source headers (CopyObject, UploadPartCopy): 501. */
enum s3_error s3_sse_check_copy_source(struct s3_req *r);

/* The bucket's default encryption (stored, else the server's default); ERR_NOTFOUND under
 * --legacy-bucket-defaults without a stored one. */
int s3_sse_bucket_config(struct s3_req *r, struct s3_sse_config *out) WARN_UNUSED;

/* x-amz-server-side-encryption on an answer about a version or upload whose record is sse. */
void s3_sse_response_header(struct http_response *resp, const char *sse);

#endif
