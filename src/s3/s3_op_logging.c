/* s3_op_logging.c — PutBucketLogging, GetBucketLogging, and RGW's flush extension (POST
 * /bucket?logging) for server access logging (src/logging/, docs/internals/LOGGING.md).
 *
 * PutBucketLogging validates as AWS does: the body is a BucketLoggingStatus
 * (logging/log_config.h; MalformedXML otherwise), an empty one disables logging; the target
 * must exist (InvalidTargetBucketForLogging), be in the source's region
 * (CrossLocationLoggingProhibited), be owned by the source's owner and have no Object Lock
 * default retention (InvalidTargetBucketForLogging); TargetGrants need a target whose ACLs are
 * enabled (AccessControlListNotSupported under BucketOwnerEnforced). Whether the target's
 * policy lets logging.s3.amazonaws.com write is decided at each delivery, as on AWS. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/xmlw.h"
#include "logging/log_config.h"
#include "logging/log_deliver.h"
#include "s3/s3_lock.h"
#include "s3/s3_ownership.h"
#include "s3/s3_req.h"

static enum s3_error logging_check_target(struct s3_req *r, const struct log_config *c)
{
    struct meta_bucket t;
    int rc = meta_bucket_get(r->srv->meta, c->target_bucket, &t);
    if (rc == ERR_NOTFOUND) {
        s3_req_error_elem(r, "TargetBucket", c->target_bucket);
        return S3E_INVALID_TARGET_BUCKET_FOR_LOGGING;
    }
    if (rc)
        return s3_error_from_rc(rc);
    if (strcmp(t.region, r->bucket_info.region) != 0) {
        s3_req_error_elem(r, "SourceBucketLocation", r->bucket_info.region);
        s3_req_error_elem(r, "TargetBucketLocation", t.region);
        return S3E_CROSS_LOCATION_LOGGING_PROHIBITED;
    }
    if (strcmp(t.owner_id, r->bucket_info.owner_id) != 0) {
        s3_req_set_message(r, "The owner for the bucket to be logged and the target bucket must "
                              "be the same.");
        s3_req_error_elem(r, "TargetBucket", c->target_bucket);
        return S3E_INVALID_TARGET_BUCKET_FOR_LOGGING;
    }
    int locked = 0;
    struct s3_lock_config lock;
    enum s3_error e = s3_lock_bucket_config(r, t.name, &locked, &lock);
    if (e)
        return e;
    if (locked && lock.mode[0]) {
        s3_req_set_message(r, "The target bucket for logging must not have a default retention "
                              "period configured (Object Lock).");
        s3_req_error_elem(r, "TargetBucket", c->target_bucket);
        return S3E_INVALID_TARGET_BUCKET_FOR_LOGGING;
    }
    enum s3_ownership own;
    if (s3_ownership_of(r->srv->meta, &t, &own))
        return S3E_INTERNAL_ERROR;
    if (c->n_grants && own == S3_OWNERSHIP_BUCKET_OWNER_ENFORCED) {
        s3_req_set_message(r, "The target bucket uses the bucket owner enforced setting for "
                              "Object Ownership, which does not support TargetGrants: grant "
                              "access to the logs with a bucket policy.");
        return S3E_ACCESS_CONTROL_LIST_NOT_SUPPORTED;
    }
    return S3_OK;
}

enum s3_error s3_op_put_bucket_logging(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    if (r->body.xml.len == 0)
        return S3E_MISSING_REQUEST_BODY;
    struct log_config *c = xcalloc(1, sizeof(*c));
    char msg[512];
    if (log_config_parse(c, r->body.xml.data, r->body.xml.len, msg, sizeof(msg))) {
        free(c);
        s3_req_set_message(r, "%s", msg);
        return S3E_MALFORMED_XML;
    }
    int rc = 0;
    if (!c->enabled) {
        rc = meta_bucket_config_delete(r->srv->meta, r->bucket, META_CONFIG_LOGGING);
        if (rc == ERR_NOTFOUND)
            rc = 0;
    } else if ((e = logging_check_target(r, c)) == S3_OK) {
        struct buf doc;
        buf_init(&doc, BUF_UNLIMITED);
        rc = log_config_render(&doc, c);
        if (!rc)
            rc = meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_LOGGING, doc.data);
        buf_dispose(&doc);
    }
    free(c);
    if (e)
        return e;
    if (rc)
        return s3_error_from_rc(rc);
    s3_respond_empty(r, 200);
    return S3_OK;
}

enum s3_error s3_op_get_bucket_logging(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    char *doc = NULL;
    int rc = meta_bucket_config_get(r->srv->meta, r->bucket, META_CONFIG_LOGGING, &doc);
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    if (rc == ERR_NOTFOUND) {
        struct log_config off;
        memset(&off, 0, sizeof(off));
        rc = log_config_render(&xml, &off);
    } else if (!rc) {
        rc = buf_puts(&xml, doc);
    }
    free(doc);
    if (rc) {
        buf_dispose(&xml);
        return s3_error_from_rc(rc);
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}

/* RGW's extension: deliver the bucket's pending records now, answering the key of the object
 * written (none when nothing was pending). */
enum s3_error s3_op_post_bucket_logging(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    if (!r->srv->access_log_worker) {
        s3_req_set_message(r, "Server access logging is not running in this server.");
        return S3E_NOT_IMPLEMENTED;
    }
    char key[1100];
    if (log_worker_flush(r->srv->access_log_worker, r->bucket, key, sizeof(key)))
        return S3E_SERVICE_UNAVAILABLE;
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = buf_puts(&xml, XML_DECL "<PostBucketLoggingOutput xmlns=\"" S3_XMLNS "\">");
    if (!rc && key[0])
        rc = xmlw_elem(&xml, "FlushedLoggingObject", key);
    if (!rc)
        rc = buf_puts(&xml, "</PostBucketLoggingOutput>");
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}
