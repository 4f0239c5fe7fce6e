/* s3_op_encryption.c — PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption.
 *
 * As AWS since January 2023, a bucket without a stored configuration encrypts new objects with
 * SSE-S3 and GetBucketEncryption answers that default (AES256, BucketKeyEnabled false);
 * DeleteBucketEncryption restores it. Under --legacy-bucket-defaults a bucket has no default
 * encryption until one is put, and Get answers ServerSideEncryptionConfigurationNotFoundError.
 * An aws:kms / aws:kms:dsse default names its key (KMSMasterKeyID; none: alias/aws/s3), which
 * is resolved, as on AWS, by each write it applies to (s3_sse_kms.h). */
#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"
#include "s3/s3_bucket_doc.h"
#include "s3/s3_req.h"
#include "s3/s3_sse.h"
#include "s3/s3_sse_config.h"

enum s3_error s3_op_put_bucket_encryption(struct s3_req *r)
{
    enum s3_error e = s3_bucket_doc_put_begin(r, S3_SSE_CONFIG_DOC_MAX);
    if (e)
        return e;
    struct s3_sse_config c;
    char msg[256];
    e = s3_sse_config_parse(&c, r->body.xml.data, r->body.xml.len, msg, sizeof(msg));
    if (e) {
        if (msg[0])
            s3_req_set_message(r, "%s", msg);
        return e;
    }
    struct buf doc;
    buf_init(&doc, BUF_UNLIMITED);
    int rc = s3_sse_config_render(&doc, &c);
    if (!rc)
        rc = meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_ENCRYPTION, doc.data);
    buf_dispose(&doc);
    if (rc)
        return s3_error_from_rc(rc);
    s3_respond_empty(r, 200);
    return S3_OK;
}

enum s3_error s3_op_get_bucket_encryption(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    struct s3_sse_config c;
    int rc = s3_sse_bucket_config(r, &c);
    if (rc == ERR_NOTFOUND) {
        s3_req_error_elem(r, "BucketName", r->bucket);
        return S3E_SSE_CONFIGURATION_NOT_FOUND;
    }
    if (rc)
        return s3_error_from_rc(rc);
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    if (s3_sse_config_render(&xml, &c)) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}

enum s3_error s3_op_delete_bucket_encryption(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    int rc = meta_bucket_config_delete(r->srv->meta, r->bucket, META_CONFIG_ENCRYPTION);
    if (rc && rc != ERR_NOTFOUND)
        return s3_error_from_rc(rc);
    s3_respond_empty(r, 204);
    return S3_OK;
}
