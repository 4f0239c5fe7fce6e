/* s3_bucket_doc.h — the Get and Delete of a bucket configuration stored as the document its Put
 * received (CORS, lifecycle, replication, …): one answer for each, as AWS gives it, and
 * the checks every Put of one makes first. */
#ifndef STOCKTAKE_S3_BUCKET_DOC_H
#define STOCKTAKE_S3_BUCKET_DOC_H

#include "meta/meta.h"
#include "s3/s3_error.h"
#include "s3/s3_req.h"

/* The checks before a Put of a bucket configuration: the bucket, the body's Content-MD5 or
 * checksum (AWS requires one), and a body of at most max bytes (MaxMessageLengthExceeded). */
enum s3_error s3_bucket_doc_put_begin(struct s3_req *r, size_t max);
/* Answer the stored document of kind as XML; missing (with BucketName) when there is none. */
enum s3_error s3_bucket_doc_get(struct s3_req *r, enum meta_config_kind kind,
                                enum s3_error missing);
/* The same, answering absent_doc (a whole XML document) when the bucket has none. */
enum s3_error s3_bucket_doc_get_or(struct s3_req *r, enum meta_config_kind kind,
                                   const char *absent_doc);
/* Delete the document of kind: 204 whether or not there was one. */
enum s3_error s3_bucket_doc_delete(struct s3_req *r, enum meta_config_kind kind);

#endif
