/* s3_op_lock.c — Object Lock over HTTP: Put/GetObjectLockConfiguration (?object-lock),
 * Put/GetObjectRetention (?retention) and Put/GetObjectLegalHold (?legal-hold), by version.
 *
 * A bucket has Object Lock once its META_CONFIG_OBJECT_LOCK document exists (CreateBucket with
 * x-amz-bucket-object-lock-enabled, or PutObjectLockConfiguration on a versioning-enabled
 * bucket); it is never removed. A version's retention and legal hold are its meta_object lock
 * fields, changed with the retention rules decided inside the change's transaction
 * (obj_lock_blocks_retention_change through a meta guard). See docs/internals/LOCK.md. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "object/obj_lock.h"
#include "s3/s3_lock.h"
#include "s3/s3_object.h"
#include "s3/s3_req.h"

#define S3_LOCK_DENIED_MSG "Access Denied because object protected by object lock."

/* Answer 200 with the document render wrote into xml (rc its result). */
static enum s3_error s3_lock_respond(struct s3_req *r, struct buf *xml, int rc)
{
    if (rc) {
        buf_dispose(xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, xml);
    return S3_OK;
}

enum s3_error s3_op_put_object_lock_configuration(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (!e)
        e = s3_body_require_integrity(r);
    if (e)
        return e;
    struct s3_lock_config c;
    const char *msg;
    e = s3_lock_config_parse(r->body.xml.data, r->body.xml.len, &c, &msg);
    if (e) {
        if (msg)
            s3_req_set_message(r, "%s", msg);
        return e;
    }
    int enabled;
    struct s3_lock_config old;
    e = s3_lock_bucket_config(r, r->bucket, &enabled, &old);
    if (e)
        return e;
    if (!enabled && r->bucket_info.versioning != META_VERSIONING_ENABLED) {
        s3_req_set_message(r, "Versioning must be 'Enabled' on the bucket to apply a Object Lock "
                              "configuration");
        return S3E_INVALID_BUCKET_STATE;
    }
    e = s3_lock_bucket_store(r, r->bucket, &c);
    if (e)
        return e;
    s3_respond_empty(r, 200);
    return S3_OK;
}

enum s3_error s3_op_get_object_lock_configuration(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    int enabled;
    struct s3_lock_config c;
    if (!e)
        e = s3_lock_bucket_config(r, r->bucket, &enabled, &c);
    if (e)
        return e;
    if (!enabled)
        return S3E_OBJECT_LOCK_CONFIGURATION_NOT_FOUND;
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    return s3_lock_respond(r, &xml, s3_lock_config_render(&xml, &c));
}

/* The version the request names, in a bucket with Object Lock (else InvalidRequest). */
static enum s3_error s3_lock_target(struct s3_req *r, struct meta_object *o)
{
    enum s3_error e = s3_req_load_bucket(r);
    int enabled;
    struct s3_lock_config c;
    if (!e)
        e = s3_lock_bucket_config(r, r->bucket, &enabled, &c);
    if (e)
        return e;
    if (!enabled) {
        s3_req_set_message(r, "Bucket is missing Object Lock Configuration");
        return S3E_INVALID_REQUEST;
    }
    return s3_object_find(r, r->bucket, r->key, s3_req_param(r, "versionId"), o);
}

struct s3_retention_change {
    const char *mode;
    int64_t until_ms;
    int bypass;
    int64_t now_ms;
};

/* meta guard: the stored version may take the new retention (ERR_DENIED when not). */
static int s3_retention_guard(void *arg, const struct meta_object *cur)
{
    const struct s3_retention_change *c = arg;
    if (cur->is_delete_marker)
        return ERR_NOTFOUND;
    return obj_lock_blocks_retention_change(cur, c->mode, c->until_ms, c->bypass, c->now_ms)
               ? ERR_DENIED
               : 0;
}

/* meta guard for legal holds: any version but a delete marker. */
static int s3_legal_hold_guard(void *arg, const struct meta_object *cur)
{
    (void)arg;
    return cur->is_delete_marker ? ERR_NOTFOUND : 0;
}

/* Set the version's lock fields (what: META_LOCK_SET_*) and answer 200. */
static enum s3_error s3_lock_change(struct s3_req *r, const struct meta_object *target, int what,
                                    const struct meta_object *lock, meta_object_guard *guard,
                                    void *arg)
{
    int rc = meta_object_set_lock(r->srv->meta, r->bucket, r->key, target->version_id, what, lock,
                                  guard, arg, NULL);
    if (rc == ERR_DENIED) {
        s3_req_set_message(r, S3_LOCK_DENIED_MSG);
        return S3E_ACCESS_DENIED;
    }
    if (rc)
        return s3_error_from_err(rc, s3_req_param(r, "versionId") ? S3E_NO_SUCH_VERSION
                                                                  : S3E_NO_SUCH_KEY);
    struct http_response *resp = s3_response_new(r, 200, NULL, 0);
    http_req_respond(r->http, resp);
    return S3_OK;
}

enum s3_error s3_op_put_object_retention(struct s3_req *r)
{
    struct meta_object lock;
    memset(&lock, 0, sizeof(lock));
    struct meta_object o;
    enum s3_error e = s3_lock_target(r, &o);
    if (e)
        return e;
    e = s3_body_require_integrity(r);
    if (!e)
        e = s3_retention_parse(r->body.xml.data, r->body.xml.len, lock.lock_mode,
                               &lock.lock_until_ms);
    struct s3_retention_change c = {lock.lock_mode, lock.lock_until_ms, 0, clock_now_ms()};
    if (!e && lock.lock_mode[0] && lock.lock_until_ms <= c.now_ms) {
        s3_req_set_message(r, "The retain until date must be in the future!");
        e = S3E_INVALID_ARGUMENT;
    }
    if (!e) {
        c.bypass = s3_lock_bypass_allowed(r, r->key);
        e = s3_lock_change(r, &o, META_LOCK_SET_RETENTION, &lock, s3_retention_guard, &c);
    }
    meta_object_dispose(&o);
    return e;
}

enum s3_error s3_op_get_object_retention(struct s3_req *r)
{
    struct meta_object o;
    enum s3_error e = s3_lock_target(r, &o);
    if (e)
        return e;
    if (!o.lock_mode[0]) {
        meta_object_dispose(&o);
        return S3E_NO_SUCH_OBJECT_LOCK_CONFIGURATION;
    }
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = s3_retention_render(&xml, o.lock_mode, o.lock_until_ms);
    meta_object_dispose(&o);
    return s3_lock_respond(r, &xml, rc);
}

enum s3_error s3_op_put_object_legal_hold(struct s3_req *r)
{
    struct meta_object o;
    enum s3_error e = s3_lock_target(r, &o);
    if (e)
        return e;
    int on = 0;
    e = s3_body_require_integrity(r);
    if (!e)
        e = s3_legal_hold_parse(r->body.xml.data, r->body.xml.len, &on);
    if (!e) {
        struct meta_object lock;
        memset(&lock, 0, sizeof(lock));
        lock.legal_hold = on ? META_LEGAL_HOLD_ON : META_LEGAL_HOLD_OFF;
        e = s3_lock_change(r, &o, META_LOCK_SET_LEGAL_HOLD, &lock, s3_legal_hold_guard, NULL);
    }
    meta_object_dispose(&o);
    return e;
}

enum s3_error s3_op_get_object_legal_hold(struct s3_req *r)
{
    struct meta_object o;
    enum s3_error e = s3_lock_target(r, &o);
    if (e)
        return e;
    int hold = o.legal_hold;
    meta_object_dispose(&o);
    if (hold == META_LEGAL_HOLD_NONE)
        return S3E_NO_SUCH_OBJECT_LOCK_CONFIGURATION;
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    return s3_lock_respond(r, &xml, s3_legal_hold_render(&xml, hold == META_LEGAL_HOLD_ON));
}
