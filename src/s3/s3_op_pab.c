/* s3_op_pab.c — Put/Get/DeletePublicAccessBlock (a bucket's Block Public Access settings).
 *
 * The body is a PublicAccessBlockConfiguration with up to four true/false settings; absent
 * ones are false (as AWS stores them). Without a stored configuration GetPublicAccessBlock
 * answers 404 NoSuchPublicAccessBlockConfiguration. */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "s3/s3_pab.h"
#include "s3/s3_req.h"

enum s3_error s3_op_put_public_access_block(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    if (r->body.xml.len == 0)
        return S3E_MISSING_REQUEST_BODY;
    struct pab p;
    if (s3_pab_parse(r->body.xml.data, r->body.xml.len, &p))
        return S3E_MALFORMED_XML;
    struct buf doc;
    buf_init(&doc, META_CONFIG_DOC_MAX);
    int rc = s3_pab_render(&doc, &p);
    if (!rc)
        rc = meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_PUBLIC_ACCESS_BLOCK,
                                    doc.data);
    buf_dispose(&doc);
    if (rc)
        return s3_error_from_rc(rc);
    log_info("bucket %s: public access block set by account %s", r->bucket, r->account.id);
    s3_respond_empty(r, 200);
    return S3_OK;
}

enum s3_error s3_op_get_public_access_block(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    struct pab p;
    int stored = 0;
    int rc = s3_pab_load(r->srv->meta, r->bucket, &p, &stored);
    if (rc)
        return s3_error_from_rc(rc);
    if (!stored) {
        s3_req_error_elem(r, "BucketName", r->bucket);
        return S3E_NO_SUCH_PUBLIC_ACCESS_BLOCK;
    }
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    if (s3_pab_render(&xml, &p)) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}

enum s3_error s3_op_delete_public_access_block(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    int rc = meta_bucket_config_delete(r->srv->meta, r->bucket, META_CONFIG_PUBLIC_ACCESS_BLOCK);
    if (rc && rc != ERR_NOTFOUND)
        return s3_error_from_rc(rc);
    s3_respond_empty(r, 204);
    return S3_OK;
}
