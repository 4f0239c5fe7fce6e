/* s3_sse.h — what encryption an S3 write asks for, which key a read brings, and what the
 * answers say about it.
 *
 * x-amz-server-side-encryption: AES256 is SSE-S3; the x-amz-server-side-encryption-customer-
 * algorithm / -key / -key-MD5 headers are SSE-C (the customer's key, never stored; refused over
 * plain HTTP unless serve --allow-insecure-sse-c); without either the bucket's default
 * encryption applies (GetBucketEncryption; SSE-S3 unless the server runs with
 * --legacy-bucket-defaults; SSE-C is blocked unless the configuration's BlockedEncryptionTypes
 * is NONE). aws:kms and aws:kms:dsse (headers, POST form fields, or a bucket default with
 * its KMSMasterKeyID and BucketKeyEnabled) take a data key from the KMS (s3_sse_kms.h); other
 * values are InvalidArgument, as AWS answers them. */
#ifndef STOCKTAKE_S3_SSE_H
#define STOCKTAKE_S3_SSE_H

#include "object/object.h"
#include "s3/s3_error.h"
#include "s3/s3_req.h"
#include "s3/s3_sse_config.h"
#include "s3/s3_sse_kms.h"

struct s3_sse_want {
    enum obj_sse_mode mode;
    uint8_t key[32];  /* OBJ_SSE_C: the customer's key */
    char key_md5[32]; /* OBJ_SSE_C: its MD5, base64, as the headers give it */
    /* OBJ_SSE_KMS: key is the plain data key, kms_record the version's record */
    char kms_record[S3_SSE_KMS_RECORD_MAX];
};

/* The encryption of a new object of r->bucket written by r (PutObject, CopyObject,
 * CreateMultipartUpload). */
enum s3_error s3_sse_for_write(struct s3_req *r, struct s3_sse_want *out);

/* The same from given values (a POST form's fields; NULL: absent). */
struct s3_sse_fields {
    const char *sse;        /* x-amz-server-side-encryption */
    const char *algorithm;  /* x-amz-server-side-encryption-customer-algorithm */
    const char *key;        /* …-customer-key */
    const char *key_md5;    /* …-customer-key-MD5 */
    const char *kms_key_id; /* x-amz-server-side-encryption-aws-kms-key-id */
    const char *context;    /* x-amz-server-side-encryption-context */
    const char *bucket_key; /* x-amz-server-side-encryption-bucket-key-enabled */
};
enum s3_error s3_sse_for_fields(struct s3_req *r, const struct s3_sse_fields *f,
                                struct s3_sse_want *out);
/* The same without SSE-C fields: f->sse (NULL: absent: the bucket default), AES256 or
 * SSE-KMS / DSSE-KMS with f's key id, context and bucket key. */
enum s3_error s3_sse_choose(struct s3_req *r, const struct s3_sse_fields *f,
                            struct s3_sse_want *out);

/* The SSE-C key headers under prefix ("x-amz-" or "x-amz-copy-source-") into out (mode
 * OBJ_SSE_C); *given 0 when there are none. InvalidArgument / InvalidRequest as AWS. */
enum s3_error s3_sse_customer(struct s3_req *r, const char *prefix, struct s3_sse_want *out,
                              int *given);

/* The key a read of version o needs (GET, HEAD, a copy source under prefix): *ck the customer
 * key for an SSE-C version (400 InvalidRequest when missing or not the version's), NULL otherwise
 * (InvalidRequest when SSE-C headers are given for another). */
enum s3_error s3_sse_read_key(struct s3_req *r, const char *prefix, const struct meta_object *o,
                              struct s3_sse_want *k, const uint8_t **ck);
/* HeadObject: as s3_sse_read_key, but an SSE-KMS version answers from its metadata without
 * a KMS Decrypt (as AWS: HEAD succeeds while the key is disabled); *ck stays NULL for it. */
enum s3_error s3_sse_head_key(struct s3_req *r, const struct meta_object *o, struct s3_sse_want *k,
                              const uint8_t **ck);

/* UploadPart, UploadPartCopy: the upload's encryption applies to its parts; an SSE-C upload's
 * parts bring its key (k, checked against the upload's record); an SSE-KMS upload's data key
 * comes from the KMS into k->key (kms:Decrypt for the caller); others bring none. */
enum s3_error s3_sse_part_key(struct s3_req *r, const struct meta_upload *u, struct s3_sse_want *k);

/* The bucket's default encryption (stored, else the server's default); ERR_NOTFOUND under
 * --legacy-bucket-defaults without a stored one. */
int s3_sse_bucket_config(struct s3_req *r, struct s3_sse_config *out) WARN_UNUSED;

/* x-amz-server-side-encryption on an answer about a version or upload whose record is sse. */
void s3_sse_response_header(struct http_response *resp, const char *sse);
/* The same on the answer of a write (PutObject, CopyObject, CreateMultipartUpload), which for
 * SSE-KMS also carries the encryption context when one was given. */
void s3_sse_write_response_header(struct http_response *resp, const char *sse);
/* The SSE-C answer headers (algorithm and key MD5) when k is SSE-C. */
void s3_sse_customer_headers(struct http_response *resp, const struct s3_sse_want *k);

#endif
