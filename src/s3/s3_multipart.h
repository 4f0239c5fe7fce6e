/* s3_multipart.h — private to the multipart files of src/s3 (s3_op_multipart.c,
 * s3_op_parts.c, s3_op_complete.c): what they share. */
#ifndef STOCKTAKE_S3_MULTIPART_H
#define STOCKTAKE_S3_MULTIPART_H

#include "core/buf.h"
#include "s3/s3_req.h"

#define S3_MAX_PARTS 10000

/* The upload named by ?uploadId, in the loaded bucket (loaded here), for this key:
 * NoSuchBucket, AccessDenied, NoSuchUpload. */
enum s3_error s3_mpu_load(struct s3_req *r, struct meta_upload *u);

/* ?partNumber, 1 to 10000; InvalidArgument. */
enum s3_error s3_mpu_part_number(struct s3_req *r, int *out);

/* The opening of a multipart answer: <root xmlns><Bucket/><Key/><UploadId/>. */
int s3_mpu_result_head(struct buf *xml, const char *root, const char *bucket, const char *key,
                       const char *upload_id) WARN_UNUSED;

#endif
