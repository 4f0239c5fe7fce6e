/* s3_sse_kms.h — SSE-KMS and DSSE-KMS (aws:kms, aws:kms:dsse) on S3 objects (issue 11).
 *
 * A write asks the built-in KMS (kms.h) for a data key under the named key (key id, key ARN,
 * alias name or alias ARN; none: the account's AWS-managed key alias/aws/s3, created on first
 * use) for the requester, with the encryption context (given, else {"aws:s3:arn":
 * "arn:aws:s3:::BUCKET/KEY"}). The version's record (meta_object.sse) keeps the KMS ciphertext:
 *
 *     1;<aws:kms|aws:kms:dsse>;<key ARN>;<bucket key 0|1>;<hex of the KMS blob>;<given 0|1>;
 *     <base64 of the context JSON>
 *
 * A read asks the KMS to decrypt the blob for the requester (kms:Decrypt under the key policy;
 * a disabled key fails the read). As on AWS, both need TLS or SigV4: a SigV2 request over
 * plain HTTP is 400 InvalidArgument (POST forms excepted). */
#ifndef STOCKTAKE_S3_SSE_KMS_H
#define STOCKTAKE_S3_SSE_KMS_H

#include <stdint.h>

#include "http/http.h"
#include "kms/kms.h"
#include "s3/s3_error.h"
#include "s3/s3_req.h"

#define S3_SSE_KMS_RECORD_MAX 4096

/* A fresh data key (dk) and the record to store for a write of r->bucket/r->key with
 * algorithm alg ("aws:kms" / "aws:kms:dsse"); key_ref, ctx_b64 NULL when absent. */
enum s3_error s3_sse_kms_for_write(struct s3_req *r, const char *alg, const char *key_ref,
                                   const char *ctx_b64, int bucket_key, uint8_t dk[32],
                                   char record[S3_SSE_KMS_RECORD_MAX]);
/* The KMS part of it, for any caller (S3's requester, or the s3.amazonaws.com service for
 * inventory reports): a data key under key_ref for the context JSON ctx (ctx_given: the
 * writer named it, so answers show it) and its record. */
enum kms_error s3_sse_kms_generate(const struct kms_caller *c, const char *alg, const char *key_ref,
                                   const char *ctx, int ctx_given, int bucket_key, uint8_t dk[32],
                                   char record[S3_SSE_KMS_RECORD_MAX]);
/* The data key of a record, decrypted by the KMS for caller c (S3's own workers). */
enum kms_error s3_sse_kms_record_key(const struct kms_caller *c, const char *record,
                                     uint8_t dk[32]);
/* The data key of a version's record, decrypted by the KMS for the requester. */
enum s3_error s3_sse_kms_data_key(struct s3_req *r, const char *record, uint8_t dk[32]);
/* The answer headers of a record: x-amz-server-side-encryption, -aws-kms-key-id,
 * -bucket-key-enabled (when set), and -context (when given and with_context: AWS answers it on
 * PutObject, CopyObject and CreateMultipartUpload only). */
void s3_sse_kms_headers(struct http_response *resp, const char *record, int with_context);
/* An SSE-KMS object's ETag, which AWS does not make the MD5 of the plaintext: etag (the
 * quoted MD5 the writer gave) becomes the first 16 bytes of HMAC-SHA256(data key, label |
 * etag), quoted. */
void s3_sse_kms_etag(const uint8_t dk[32], char *etag, size_t size);

#endif
