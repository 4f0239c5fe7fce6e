/* s3_bucket_doc.c — Get and Delete of a bucket configuration document (s3_bucket_doc.h). */
#include "s3/s3_bucket_doc.h"

#include <stdlib.h>

#include "core/buf.h"

/* The stored document of kind; absent: fallback when not NULL, else the error missing. */
static enum s3_error s3_bucket_doc_answer(struct s3_req *r, enum meta_config_kind kind,
                                          enum s3_error missing, const char *fallback)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    char *doc = NULL;
    int rc = meta_bucket_config_get(r->srv->meta, r->bucket, kind, &doc);
    if (rc == ERR_NOTFOUND && !fallback) {
        s3_req_error_elem(r, "BucketName", r->bucket);
        return missing;
    }
    if (rc && rc != ERR_NOTFOUND)
        return s3_error_from_rc(rc);
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    rc = buf_puts(&xml, doc ? doc : fallback);
    free(doc);
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}

enum s3_error s3_bucket_doc_get(struct s3_req *r, enum meta_config_kind kind, enum s3_error missing)
{
    return s3_bucket_doc_answer(r, kind, missing, NULL);
}

enum s3_error s3_bucket_doc_get_or(struct s3_req *r, enum meta_config_kind kind,
                                   const char *absent_doc)
{
    return s3_bucket_doc_answer(r, kind, S3_OK, absent_doc);
}

enum s3_error s3_bucket_doc_delete(struct s3_req *r, enum meta_config_kind kind)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    int rc = meta_bucket_config_delete(r->srv->meta, r->bucket, kind);
    if (rc && rc != ERR_NOTFOUND)
        return s3_error_from_rc(rc);
    s3_respond_empty(r, 204);
    return S3_OK;
}

enum s3_error s3_bucket_doc_put_begin(struct s3_req *r, size_t max)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (!e)
        e = s3_body_require_integrity(r);
    if (!e && r->body.xml.len > max)
        e = S3E_MAX_MESSAGE_LENGTH_EXCEEDED;
    return e;
}
