/* s3_op_lifecycle.c — Put/Get/DeleteBucketLifecycleConfiguration. PUT validates the document
 * as AWS does (lc_config.c) and stores it as sent (META_CONFIG_LIFECYCLE), a rule without an ID
 * given one (lc_ids.c); GET answers it as stored, or NoSuchLifecycleConfiguration. */
#include <stdlib.h>
#include <string.h>

#include "lifecycle/lc_config.h"
#include "lifecycle/lc_ids.h"
#include "s3/s3_bucket_doc.h"
#include "s3/s3_req.h"

static enum s3_error s3_lifecycle_error(enum lc_config_error e)
{
    switch (e) {
    case LC_CONFIG_OK:
        return S3_OK;
    case LC_CONFIG_INVALID_ARGUMENT:
        return S3E_INVALID_ARGUMENT;
    case LC_CONFIG_INVALID_REQUEST:
        return S3E_INVALID_REQUEST;
    case LC_CONFIG_MALFORMED:
        break;
    }
    return S3E_MALFORMED_XML;
}

enum s3_error s3_op_put_bucket_lifecycle(struct s3_req *r)
{
    enum s3_error e = s3_bucket_doc_put_begin(r, META_CONFIG_DOC_MAX - 1);
    if (e)
        return e;
    char msg[256];
    e = s3_lifecycle_error(lc_config_validate(r->body.xml.data, r->body.xml.len, msg, sizeof(msg)));
    if (e) {
        if (msg[0])
            s3_req_set_message(r, "%s", msg);
        return e;
    }
    /* stored as sent, with AWS's generated ID in any rule without one; the worker
     * (src/lifecycle/lc_worker.c) applies it */
    char *doc = NULL;
    int rc = lc_ids_assign(r->body.xml.data, r->body.xml.len, &doc);
    if (!rc)
        rc = meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_LIFECYCLE, doc);
    free(doc);
    if (rc)
        return s3_error_from_rc(rc);
    s3_respond_empty(r, 200);
    return S3_OK;
}

enum s3_error s3_op_get_bucket_lifecycle(struct s3_req *r)
{
    return s3_bucket_doc_get(r, META_CONFIG_LIFECYCLE, S3E_NO_SUCH_LIFECYCLE_CONFIGURATION);
}

enum s3_error s3_op_delete_bucket_lifecycle(struct s3_req *r)
{
    return s3_bucket_doc_delete(r, META_CONFIG_LIFECYCLE);
}
