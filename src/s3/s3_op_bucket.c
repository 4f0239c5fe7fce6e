/* s3_op_bucket.c — bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket,
 * GetBucketLocation. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "core/xmlw.h"
#include "s3/s3_acl.h"
#include "s3/s3_lock.h"
#include "s3/s3_names.h"
#include "s3/s3_ownership.h"
#include "s3/s3_pab.h"
#include "s3/s3_req.h"
#include "s3/s3_xml.h"

#define S3_MAX_BUCKETS_PAGE 10000

struct s3_bucket_list {
    struct buf *xml;
    const char *prefix;
    const char *after;
    long max;
    long count;
    char last[64];
    int truncated;
    int rc;
};

static int s3_bucket_list_each(void *payload, const struct meta_bucket *b)
{
    struct s3_bucket_list *l = payload;
    if (l->prefix && strncmp(b->name, l->prefix, strlen(l->prefix)) != 0)
        return 0;
    if (l->after && strcmp(b->name, l->after) <= 0)
        return 0;
    if (l->count == l->max) {
        l->truncated = 1;
        return 1;
    }
    char created[32];
    clock_format_iso8601(created, sizeof(created), b->created_ms);
    l->rc = buf_puts(l->xml, "<Bucket>");
    if (!l->rc)
        l->rc = xmlw_elem(l->xml, "Name", b->name);
    if (!l->rc)
        l->rc = xmlw_elem(l->xml, "CreationDate", created);
    if (!l->rc)
        l->rc = xmlw_elem(l->xml, "BucketRegion", b->region);
    if (!l->rc)
        l->rc = buf_puts(l->xml, "</Bucket>");
    snprintf(l->last, sizeof(l->last), "%s", b->name);
    l->count++;
    return l->rc ? 1 : 0;
}

enum s3_error s3_op_list_buckets(struct s3_req *r)
{
    struct buf xml;
    struct s3_bucket_list l = {&xml, s3_req_param(r, "prefix"), NULL, S3_MAX_BUCKETS_PAGE, 0, "", 0,
                               0};
    const char *max = s3_req_param(r, "max-buckets");
    const char *token = s3_req_param(r, "continuation-token");
    if (max) {
        int64_t v = 0;
        if (str_parse_i64(max, 1, S3_MAX_BUCKETS_PAGE, &v))
            return S3E_INVALID_ARGUMENT;
        l.max = v;
    }
    l.after = token;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = buf_puts(&xml, XML_DECL "<ListAllMyBucketsResult xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = s3_xml_person(&xml, "Owner", &r->account);
    if (!rc)
        rc = buf_puts(&xml, "<Buckets>");
    if (!rc)
        rc = meta_bucket_list(r->srv->meta, r->account.id, s3_bucket_list_each, &l);
    if (rc == 1)
        rc = l.rc;
    if (!rc)
        rc = buf_puts(&xml, "</Buckets>");
    if (!rc && l.truncated)
        rc = xmlw_elem(&xml, "ContinuationToken", l.last);
    if (!rc && l.prefix)
        rc = xmlw_elem(&xml, "Prefix", l.prefix);
    if (!rc)
        rc = buf_puts(&xml, "</ListAllMyBucketsResult>");
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}

/* The LocationConstraint of a CreateBucketConfiguration body, if any (caller frees). */
static enum s3_error s3_create_bucket_location(struct s3_req *r, char **out)
{
    *out = NULL;
    if (r->body.xml.len == 0)
        return S3_OK;
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, r->body.xml.data, r->body.xml.len, "CreateBucketConfiguration"))
        return S3E_MALFORMED_XML;
    xmlNode *lc = s3_xml_child(xmlDocGetRootElement(doc), "LocationConstraint");
    if (lc)
        *out = s3_xml_text(lc);
    xmlFreeDoc(doc);
    return S3_OK;
}

static enum s3_error s3_create_bucket_check_location(struct s3_req *r, const char *lc)
{
    const char *region = r->srv->region;
    if (strcmp(region, "us-east-1") == 0) {
        if (lc && lc[0]) {
            if (strcmp(lc, "us-east-1") == 0)
                return S3E_INVALID_LOCATION_CONSTRAINT;
            s3_req_set_message(r,
                               "The %s location constraint is incompatible for the region "
                               "specific endpoint this request was sent to.",
                               lc);
            return S3E_ILLEGAL_LOCATION_CONSTRAINT;
        }
        return S3_OK;
    }
    if (!lc || !lc[0])
        return S3E_ILLEGAL_LOCATION_CONSTRAINT;
    if (strcmp(lc, region) != 0) {
        s3_req_set_message(r,
                           "The %s location constraint is incompatible for the region "
                           "specific endpoint this request was sent to.",
                           lc);
        return S3E_ILLEGAL_LOCATION_CONSTRAINT;
    }
    return S3_OK;
}

static void s3_create_bucket_respond(struct s3_req *r)
{
    struct http_response *resp = s3_response_new(r, 200, NULL, 0);
    char location[80];
    snprintf(location, sizeof(location), "/%s", r->bucket);
    http_response_header(resp, "Location", location);
    http_req_respond(r->http, resp);
}

/* The name is taken. Another account's bucket: BucketAlreadyExists. Your own: 409
 * BucketAlreadyOwnedByYou, except in us-east-1 where AWS keeps its legacy answer, 200 OK with
 * the bucket's ACL reset to the request's (its contents and other settings untouched). */
static enum s3_error s3_create_bucket_exists(struct s3_req *r)
{
    struct meta_bucket b;
    int rc = meta_bucket_get(r->srv->meta, r->bucket, &b);
    if (rc)
        return s3_error_from_rc(rc);
    s3_req_error_elem(r, "BucketName", r->bucket);
    if (strcmp(b.owner_id, r->account.id) != 0)
        return S3E_BUCKET_ALREADY_EXISTS;
    if (strcmp(r->srv->region, "us-east-1") != 0)
        return S3E_BUCKET_ALREADY_OWNED_BY_YOU;
    enum s3_error e = s3_acl_bucket_reset(r, &b);
    if (e)
        return e;
    s3_create_bucket_respond(r);
    return S3_OK;
}

/* The Object Ownership a new bucket gets: x-amz-object-ownership, else AWS's default
 * BucketOwnerEnforced, or "" (none stored: ObjectWriter) with --legacy-bucket-defaults. NULL
 * (with the message set) for an unknown header value: InvalidArgument. */
static const char *s3_create_bucket_ownership(struct s3_req *r)
{
    const char *h = s3_req_header(r, "x-amz-object-ownership");
    enum s3_ownership o = S3_OWNERSHIP_BUCKET_OWNER_ENFORCED;
    if (h && s3_ownership_parse(h, &o)) {
        s3_req_set_message(r, "Invalid x-amz-object-ownership header: %s", h);
        s3_req_error_elem(r, "ArgumentName", "x-amz-object-ownership");
        return NULL;
    }
    if (!h && r->srv->legacy_bucket_defaults)
        return "";
    return s3_ownership_name(o);
}

static enum s3_error s3_create_bucket_make(struct s3_req *r, const char *ownership,
                                           const struct acl *acl);

enum s3_error s3_op_create_bucket(struct s3_req *r)
{
    if (!s3_bucket_name_valid(r->bucket)) {
        s3_req_error_elem(r, "BucketName", r->bucket);
        return S3E_INVALID_BUCKET_NAME;
    }
    const char *ownership = s3_create_bucket_ownership(r);
    if (!ownership)
        return S3E_INVALID_ARGUMENT;
    struct acl *acl = NULL;
    enum s3_error e = s3_acl_new_bucket(
        r, strcmp(ownership, s3_ownership_name(S3_OWNERSHIP_BUCKET_OWNER_ENFORCED)) == 0, &acl);
    if (!e)
        e = s3_pab_new_bucket_check(r, acl);
    if (!e)
        e = s3_create_bucket_make(r, ownership, acl);
    free(acl);
    return e;
}

/* Create the bucket, with its Object Ownership and ACL ("" / NULL: none stored). */
static enum s3_error s3_create_bucket_make(struct s3_req *r, const char *ownership,
                                           const struct acl *acl)
{
    char *lc = NULL;
    enum s3_error e = s3_create_bucket_location(r, &lc);
    if (!e)
        e = s3_create_bucket_check_location(r, lc);
    free(lc);
    if (e)
        return e;
    struct meta_bucket b;
    memset(&b, 0, sizeof(b));
    snprintf(b.name, sizeof(b.name), "%s", r->bucket);
    memcpy(b.owner_id, r->account.id, sizeof(b.owner_id));
    snprintf(b.region, sizeof(b.region), "%s", r->srv->region);
    b.created_ms = clock_now_ms();
    /* Object Lock at creation turns versioning on for good (AWS) */
    const char *lock_h = s3_req_header(r, "x-amz-bucket-object-lock-enabled");
    int lock = lock_h && strcasecmp(lock_h, "true") == 0;
    if (lock)
        b.versioning = META_VERSIONING_ENABLED;
    int rc = meta_bucket_create(r->srv->meta, &b);
    if (rc == ERR_EXISTS)
        return s3_create_bucket_exists(r);
    if (rc)
        return s3_error_from_rc(rc);
    if (*ownership)
        e = s3_error_from_rc(
            meta_bucket_config_put(r->srv->meta, b.name, META_CONFIG_OWNERSHIP, ownership));
    if (!e)
        e = s3_error_from_rc(s3_pab_new_bucket_store(r));
    if (!e && acl)
        e = s3_acl_bucket_store(r, acl);
    if (!e && lock)
        e = s3_lock_bucket_enable(r, b.name);
    if (e) {
        if (meta_bucket_delete(r->srv->meta, b.name))
            log_warn("bucket %s: %s", b.name, err_msg());
        return e;
    }
    log_info("bucket %s created by account %s", b.name, b.owner_id);
    s3_create_bucket_respond(r);
    return S3_OK;
}

enum s3_error s3_op_head_bucket(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    struct http_response *resp = s3_response_new(r, 200, NULL, 0);
    http_response_header(resp, "x-amz-bucket-region", r->bucket_info.region);
    http_response_header(resp, "x-amz-access-point-alias", "false");
    http_req_respond(r->http, resp);
    return S3_OK;
}

enum s3_error s3_op_delete_bucket(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    int rc = meta_bucket_delete(r->srv->meta, r->bucket);
    if (rc == ERR_NOTEMPTY) {
        s3_req_error_elem(r, "BucketName", r->bucket);
        return S3E_BUCKET_NOT_EMPTY;
    }
    if (rc == ERR_NOTFOUND)
        return S3E_NO_SUCH_BUCKET;
    if (rc)
        return s3_error_from_rc(rc);
    /* in-progress uploads went with the bucket, in its delete transaction (meta.h) */
    s3_respond_empty(r, 204);
    return S3_OK;
}

enum s3_error s3_op_get_bucket_location(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    const char *region = r->bucket_info.region;
    int rc = buf_puts(&xml, XML_DECL "<LocationConstraint xmlns=\"" S3_XMLNS "\">");
    if (!rc && strcmp(region, "us-east-1") != 0)
        rc = xmlw_escape(&xml, region, strlen(region));
    if (!rc)
        rc = buf_puts(&xml, "</LocationConstraint>");
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}
