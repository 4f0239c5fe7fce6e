/* s3_sse_config.h — a bucket's default encryption: the ServerSideEncryptionConfiguration body
 * of PutBucketEncryption, parsed, validated and rendered in the form GetBucketEncryption
 * answers (and the form stored). SSE-S3 (AES256) only for now: aws:kms and aws:kms:dsse parse
 * but are refused by the caller with 501 NotImplemented. */
#ifndef STOCKTAKE_S3_SSE_CONFIG_H
#define STOCKTAKE_S3_SSE_CONFIG_H

#include <stddef.h>

#include "core/buf.h"
#include "s3/s3_error.h"

#define S3_SSE_CONFIG_DOC_MAX (64 * 1024)

enum s3_sse_algorithm { S3_SSE_ALG_AES256 = 0, S3_SSE_ALG_KMS, S3_SSE_ALG_KMS_DSSE };

struct s3_sse_config {
    enum s3_sse_algorithm algorithm;
    char kms_key_id[2048]; /* "" when none */
    int bucket_key_enabled;
    /* BlockedEncryptionTypes: S3_SSE_BLOCK_UNSET (absent: the server's default applies),
     * S3_SSE_BLOCK_NONE (SSE-C allowed) or S3_SSE_BLOCK_SSE_C (SSE-C writes refused) */
    int blocked;
};

enum { S3_SSE_BLOCK_UNSET = -1, S3_SSE_BLOCK_NONE = 0, S3_SSE_BLOCK_SSE_C = 1 };

/* Parse a body; on failure the error (MalformedXML, InvalidArgument) with its message in msg. */
enum s3_error s3_sse_config_parse(struct s3_sse_config *out, const char *xml, size_t len, char *msg,
                                  size_t msg_size);
/* The document GetBucketEncryption answers. */
int s3_sse_config_render(struct buf *out, const struct s3_sse_config *c) WARN_UNUSED;
/* The default every bucket has without a stored configuration (AWS since January 2023):
 * SSE-S3, BucketKeyEnabled false; BlockedEncryptionTypes unset (the caller decides: AWS blocks
 * SSE-C on new buckets since April 2026). */
void s3_sse_config_default(struct s3_sse_config *out);
struct meta_store;
/* The configuration that applies to bucket: the stored one, else (unless legacy: the server's
 * --legacy-bucket-defaults; then ERR_NOTFOUND) the default; an unset BlockedEncryptionTypes
 * blocks SSE-C unless legacy (AWS since April 2026). Requests, and replication's writes. */
int s3_sse_config_load(struct meta_store *m, const char *bucket, int legacy,
                       struct s3_sse_config *out) WARN_UNUSED;
/* AWS's name of an algorithm: "AES256", "aws:kms", "aws:kms:dsse". */
const char *s3_sse_algorithm_name(enum s3_sse_algorithm a);

#endif
