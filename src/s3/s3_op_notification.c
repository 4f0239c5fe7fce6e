/* s3_op_notification.c — Put/GetBucketNotificationConfiguration (`?notification`).
 *
 * PUT parses and validates the document as AWS does (notify_config.c), checks that every
 * destination ARN is a target the administrator registered (`stocktake admin notify add`;
 * unless x-amz-skip-destination-validation: true), stores the canonical document with its
 * generated Ids (META_CONFIG_NOTIFICATION; an empty configuration removes it) and queues
 * s3:TestEvent for each destination. GET answers the stored document, or an empty
 * NotificationConfiguration. Events themselves are recorded by the change hook (notify.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xmlw.h"
#include "notify/notify.h"
#include "notify/notify_config.h"
#include "s3/s3_bucket_doc.h"
#include "s3/s3_req.h"

static enum s3_error s3_notification_invalid(struct s3_req *r, const struct notify_config_fail *f)
{
    s3_req_set_message(r, "%s", f->msg);
    if (f->arg_name[0]) {
        s3_req_error_elem(r, "ArgumentName", f->arg_name);
        s3_req_error_elem(r, "ArgumentValue", f->arg_value);
    }
    return S3E_INVALID_ARGUMENT;
}

/* Every destination registered; else AWS's "Unable to validate …" naming the first. */
static enum s3_error s3_notification_destinations(struct s3_req *r, const struct notify_config *c)
{
    const char *skip = s3_req_header(r, "x-amz-skip-destination-validation");
    if (skip && strcasecmp(skip, "true") == 0)
        return S3_OK;
    for (size_t i = 0; i < c->n; i++) {
        struct meta_notify_target t;
        int rc = meta_notify_target_get(r->srv->meta, c->entries[i].arn, &t);
        memset(t.auth_token, 0, sizeof(t.auth_token));
        if (rc == ERR_NOTFOUND) {
            s3_req_set_message(r, "Unable to validate the following destination configurations");
            s3_req_error_elem(r, "ArgumentName1", c->entries[i].arn);
            s3_req_error_elem(r, "ArgumentValue1",
                              "The destination is not registered with this server "
                              "(stocktake admin notify add)");
            return S3E_INVALID_ARGUMENT;
        }
        if (rc)
            return s3_error_from_rc(rc);
    }
    return S3_OK;
}

enum s3_error s3_op_put_bucket_notification(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    if (r->body.xml.len >= META_CONFIG_DOC_MAX)
        return S3E_MAX_MESSAGE_LENGTH_EXCEEDED;
    struct notify_config c;
    struct notify_config_fail f;
    switch (notify_config_parse(r->body.xml.data, r->body.xml.len, &c, &f)) {
    case NOTIFY_CONFIG_OK:
        break;
    case NOTIFY_CONFIG_INVALID_ARGUMENT:
        e = s3_notification_invalid(r, &f);
        break;
    case NOTIFY_CONFIG_NOT_IMPLEMENTED:
        s3_req_set_message(r, "EventBridgeConfiguration is not implemented by Stocktake yet.");
        e = S3E_NOT_IMPLEMENTED;
        break;
    case NOTIFY_CONFIG_MALFORMED:
        e = S3E_MALFORMED_XML;
        break;
    }
    if (!e)
        e = s3_notification_destinations(r, &c);
    struct buf doc;
    buf_init(&doc, BUF_UNLIMITED);
    if (!e && notify_config_render(&doc, &c))
        e = S3E_INTERNAL_ERROR;
    int rc = 0;
    if (!e && c.n == 0) {
        rc = meta_bucket_config_delete(r->srv->meta, r->bucket, META_CONFIG_NOTIFICATION);
        rc = rc == ERR_NOTFOUND ? 0 : rc;
    } else if (!e) {
        rc = meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_NOTIFICATION, doc.data);
        if (!rc)
            rc = notify_send_test_events(r->srv->meta, r->bucket, doc.data, r->request_id,
                                         r->host_id);
    }
    notify_config_dispose(&c);
    buf_dispose(&doc);
    if (!e && rc)
        e = s3_error_from_rc(rc);
    if (!e)
        s3_respond_empty(r, 200);
    return e;
}

enum s3_error s3_op_get_bucket_notification(struct s3_req *r)
{
    return s3_bucket_doc_get_or(r, META_CONFIG_NOTIFICATION,
                                XML_DECL "<NotificationConfiguration xmlns=\"" S3_XMLNS "\"/>");
}
