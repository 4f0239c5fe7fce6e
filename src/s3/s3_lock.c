/* s3_lock.c — Object Lock on the write and read paths (s3_lock.h): a new version's lock fields
 * from the x-amz-object-lock-* headers or the bucket's default retention, the bypass decision,
 * and the HEAD/GET headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "s3/s3_lock.h"

#define S3_LOCK_DAY_MS (86400LL * 1000)

enum s3_error s3_lock_bucket_config(struct s3_req *r, const char *bucket, int *enabled,
                                    struct s3_lock_config *out)
{
    memset(out, 0, sizeof(*out));
    *enabled = 0;
    char *doc = NULL;
    int rc = meta_bucket_config_get(r->srv->meta, bucket, META_CONFIG_OBJECT_LOCK, &doc);
    if (rc == ERR_NOTFOUND)
        return S3_OK;
    if (rc)
        return s3_error_from_rc(rc);
    const char *msg;
    enum s3_error e = s3_lock_config_parse(doc, strlen(doc), out, &msg);
    free(doc);
    if (e) { /* we wrote it: a stored document that does not parse is our fault */
        s3_req_set_message(r, "The stored Object Lock configuration is unreadable");
        return S3E_INTERNAL_ERROR;
    }
    *enabled = 1;
    return S3_OK;
}

enum s3_error s3_lock_bucket_store(struct s3_req *r, const char *bucket,
                                   const struct s3_lock_config *c)
{
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = s3_lock_config_render(&xml, c);
    if (!rc)
        rc = meta_bucket_config_put(r->srv->meta, bucket, META_CONFIG_OBJECT_LOCK,
                                    (const char *)xml.data);
    buf_dispose(&xml);
    return rc ? s3_error_from_rc(rc) : S3_OK;
}

enum s3_error s3_lock_bucket_enable(struct s3_req *r, const char *bucket)
{
    struct s3_lock_config none;
    memset(&none, 0, sizeof(none));
    return s3_lock_bucket_store(r, bucket, &none);
}

static enum s3_error s3_lock_bad_header(struct s3_req *r, const char *msg)
{
    s3_req_set_message(r, "%s", msg);
    return S3E_INVALID_ARGUMENT;
}

/* The headers' retention (mode "" when none given). */
static enum s3_error s3_lock_header_retention(struct s3_req *r, char mode[16], int64_t *until_ms)
{
    const char *m = s3_req_header(r, "x-amz-object-lock-mode");
    const char *d = s3_req_header(r, "x-amz-object-lock-retain-until-date");
    mode[0] = '\0';
    *until_ms = 0;
    if (!m && !d)
        return S3_OK;
    if (!m || !d)
        return s3_lock_bad_header(r, "x-amz-object-lock-retain-until-date and "
                                     "x-amz-object-lock-mode must both be supplied");
    if (strcmp(m, "GOVERNANCE") != 0 && strcmp(m, "COMPLIANCE") != 0)
        return s3_lock_bad_header(r, "Unknown wormMode directive.");
    if (clock_parse_iso8601_ms(d, until_ms))
        return s3_lock_bad_header(r, "The retain until date must be provided in ISO 8601 format");
    if (*until_ms <= clock_now_ms())
        return s3_lock_bad_header(r, "The retain until date must be in the future!");
    snprintf(mode, 16, "%s", m);
    return S3_OK;
}

static enum s3_error s3_lock_header_legal_hold(struct s3_req *r, int *legal_hold)
{
    const char *h = s3_req_header(r, "x-amz-object-lock-legal-hold");
    *legal_hold = META_LEGAL_HOLD_NONE;
    if (!h)
        return S3_OK;
    if (strcmp(h, "ON") == 0)
        *legal_hold = META_LEGAL_HOLD_ON;
    else if (strcmp(h, "OFF") == 0)
        *legal_hold = META_LEGAL_HOLD_OFF;
    else
        return s3_lock_bad_header(r, "Legal Hold must be either of 'ON' or 'OFF'");
    return S3_OK;
}

/* Headers given on a write are PutObjectRetention / PutObjectLegalHold by another name, and
 * AWS requires those permissions too. */
static enum s3_error s3_lock_header_authorize(struct s3_req *r, int retention, int hold)
{
    enum s3_error e = S3_OK;
    if (retention)
        e = s3_req_authorize_on(r, "s3:PutObjectRetention", &r->bucket_info, r->key);
    if (!e && hold)
        e = s3_req_authorize_on(r, "s3:PutObjectLegalHold", &r->bucket_info, r->key);
    return e;
}

/* AWS requires an integrity header on writes that set a retention. */
static enum s3_error s3_lock_require_integrity(struct s3_req *r)
{
    if (r->body.have_content_md5 || r->body.checksum_algo != CHECKSUM_NONE ||
        s3_req_header(r, "x-amz-sdk-checksum-algorithm") || s3_req_header(r, "x-amz-trailer") ||
        strcmp(r->op->name, "PutObject") != 0)
        return S3_OK;
    s3_req_set_message(r, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object "
                          "requests with Object Lock parameters");
    return S3E_INVALID_REQUEST;
}

static void s3_lock_default(const struct s3_lock_config *c, struct s3_lock_fields *f)
{
    if (f->mode[0] || !c->mode[0])
        return;
    int64_t days = c->days ? c->days : c->years * 365;
    snprintf(f->mode, sizeof(f->mode), "%s", c->mode);
    f->until_ms = clock_now_ms() + days * S3_LOCK_DAY_MS;
}

enum s3_error s3_lock_for_write(struct s3_req *r, int defaults, struct s3_lock_fields *out)
{
    memset(out, 0, sizeof(*out));
    enum s3_error e = s3_lock_header_retention(r, out->mode, &out->until_ms);
    if (!e)
        e = s3_lock_header_legal_hold(r, &out->legal_hold);
    if (e)
        return e;
    int enabled;
    struct s3_lock_config c;
    e = s3_lock_bucket_config(r, r->bucket, &enabled, &c);
    if (e)
        return e;
    int given = out->mode[0] || out->legal_hold != META_LEGAL_HOLD_NONE;
    if (given && !enabled) {
        s3_req_set_message(r, "Bucket is missing ObjectLockConfiguration");
        return S3E_INVALID_REQUEST;
    }
    if (out->mode[0])
        e = s3_lock_require_integrity(r);
    if (!e && given)
        e = s3_lock_header_authorize(r, out->mode[0] != '\0',
                                     out->legal_hold != META_LEGAL_HOLD_NONE);
    if (!e && defaults)
        s3_lock_default(&c, out);
    return e;
}

enum s3_error s3_lock_apply_default(struct s3_req *r, struct s3_lock_fields *f)
{
    int enabled;
    struct s3_lock_config c;
    enum s3_error e = s3_lock_bucket_config(r, r->bucket, &enabled, &c);
    if (!e && enabled)
        s3_lock_default(&c, f);
    return e;
}

void s3_lock_fields_set(const struct s3_lock_fields *f, char mode[16], int64_t *until_ms,
                        int *legal_hold)
{
    memcpy(mode, f->mode, sizeof(f->mode));
    *until_ms = f->mode[0] ? f->until_ms : 0;
    *legal_hold = f->legal_hold;
}

int s3_lock_bypass_allowed(struct s3_req *r, const char *key)
{
    const char *h = s3_req_header(r, "x-amz-bypass-governance-retention");
    if (!h || strcasecmp(h, "true") != 0)
        return 0;
    return s3_req_authorize_on(r, "s3:BypassGovernanceRetention", &r->bucket_info, key) == S3_OK;
}

void s3_lock_response_headers(struct s3_req *r, struct http_response *resp,
                              const struct meta_object *o)
{
    if (o->is_delete_marker)
        return;
    if (o->lock_mode[0] &&
        s3_req_authorize_on(r, "s3:GetObjectRetention", &r->bucket_info, o->key) == S3_OK) {
        char date[32];
        clock_format_iso8601(date, sizeof(date), o->lock_until_ms);
        http_response_header(resp, "x-amz-object-lock-mode", o->lock_mode);
        http_response_header(resp, "x-amz-object-lock-retain-until-date", date);
    }
    if (o->legal_hold != META_LEGAL_HOLD_NONE &&
        s3_req_authorize_on(r, "s3:GetObjectLegalHold", &r->bucket_info, o->key) == S3_OK)
        http_response_header(resp, "x-amz-object-lock-legal-hold",
                             o->legal_hold == META_LEGAL_HOLD_ON ? "ON" : "OFF");
}
