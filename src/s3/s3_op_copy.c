/* s3_op_copy.c — CopyObject: within or across buckets (both the caller's), of the latest or a
 * given version, with the copy-source conditions, metadata directive COPY (default) or
 * REPLACE, and a storage class change. The bytes go from the object layer's read path into its
 * write path, which computes the MD5 (ETag) and the checksum; the copy is a single-part
 * object, committed like a PutObject. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmlw.h"
#include "s3/s3_acl.h"
#include "s3/s3_lock.h"
#include "s3/s3_expiration.h"
#include "s3/s3_object.h"
#include "s3/s3_req.h"
#include "s3/s3_tiering.h"
#include "s3/s3_sse.h"
#include "s3/s3_tagging.h"

struct s3_copy {
    char *src_bucket;
    char *src_key;
    char *src_version;
    struct meta_object src;
    int have_src;
    char *headers;
    struct s3_sse_want want;    /* the copy's encryption (SSE-C: the target's key) */
    struct s3_sse_want src_sse; /* an SSE-C source's key (x-amz-copy-source-…-customer-*) */
    const uint8_t *src_ck;      /* src_sse.key when the source is SSE-C, else NULL */
};

static void s3_copy_dispose(struct s3_copy *c)
{
    free(c->src_bucket);
    free(c->src_key);
    free(c->src_version);
    if (c->have_src)
        meta_object_dispose(&c->src);
    free(c->headers);
    OPENSSL_cleanse(&c->want, sizeof(c->want));
    OPENSSL_cleanse(&c->src_sse, sizeof(c->src_sse));
}

/* Metadata directive, and S3's refusal of a copy onto itself that changes nothing. */
static enum s3_error s3_copy_metadata(struct s3_req *r, struct s3_copy *c)
{
    const char *directive = s3_req_header(r, "x-amz-metadata-directive");
    int replace = directive && strcmp(directive, "REPLACE") == 0;
    if (directive && !replace && strcmp(directive, "COPY") != 0) {
        s3_req_set_message(r, "Unknown metadata directive.");
        return S3E_INVALID_ARGUMENT;
    }
    int same = strcmp(c->src_bucket, r->bucket) == 0 && strcmp(c->src_key, r->key) == 0;
    if (same && !replace && !s3_req_header(r, "x-amz-storage-class") &&
        !s3_req_header(r, "x-amz-checksum-algorithm") &&
        !s3_req_header(r, "x-amz-server-side-encryption") &&
        !s3_req_header(r, "x-amz-server-side-encryption-customer-algorithm")) {
        s3_req_set_message(r, "This copy request is illegal because it is trying to copy an "
                              "object to itself without changing the object's metadata, "
                              "storage class, website redirect location or encryption "
                              "attributes.");
        return S3E_INVALID_REQUEST;
    }
    if (replace)
        return s3_object_collect_headers(r, &c->headers);
    c->headers = xstrdup(c->src.headers ? c->src.headers : "[]");
    return S3_OK;
}

/* Copy the bytes through the object layer (read path, decrypting the source, into write
 * path, encrypting as the target asks); fill the new version's size, ETag, checksum and
 * encryption record. */
static enum s3_error s3_copy_bytes(struct s3_req *r, const struct s3_copy *c, struct meta_object *o)
{
    const char *algo_name = s3_req_header(r, "x-amz-checksum-algorithm");
    enum checksum_algo algo =
        checksum_algo_from_name(algo_name ? algo_name : c->src.checksum_algorithm);
    if (algo_name && algo == CHECKSUM_NONE)
        return S3E_INVALID_REQUEST;
    struct obj_write_opts opts = {.md5 = 1,
                                  .checksum = algo,
                                  .sse = c->want.mode,
                                  .customer_key = c->want.key,
                                  .sse_record = c->want.kms_record};
    struct obj_writer *w = NULL;
    if (obj_writer_open(r->srv->blobs, &opts, &w))
        return S3E_INTERNAL_ERROR;
    struct obj_written res;
    int rc = obj_copy_range_key(r->srv->blobs, &c->src, c->src_ck, 0, (uint64_t)c->src.size, w);
    if (rc) {
        log_error("CopyObject from %s/%s (blob %s): %s", c->src_bucket, c->src_key, c->src.blob_id,
                  err_msg());
        obj_writer_abort(w);
        return S3E_INTERNAL_ERROR;
    }
    if (obj_writer_finish(w, &res))
        return S3E_INTERNAL_ERROR;
    snprintf(o->blob_id, sizeof(o->blob_id), "%s", res.blob_id);
    o->size = (int64_t)res.size;
    snprintf(o->etag, sizeof(o->etag), "%s", res.etag);
    if (c->want.mode == OBJ_SSE_KMS)
        s3_sse_kms_etag(c->want.key, o->etag, sizeof(o->etag));
    if (algo != CHECKSUM_NONE) {
        snprintf(o->checksum_algorithm, sizeof(o->checksum_algorithm), "%s",
                 checksum_algo_name(algo));
        snprintf(o->checksum_type, sizeof(o->checksum_type), "FULL_OBJECT");
    }
    o->checksum_value = xstrdup(res.checksum);
    o->sse = res.sse;
    return S3_OK;
}

static enum s3_error s3_copy_respond(struct s3_req *r, const struct s3_copy *c,
                                     const struct meta_object *o)
{
    char lm[32];
    clock_format_iso8601(lm, sizeof(lm), o->last_modified_ms);
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = buf_puts(&xml, XML_DECL "<CopyObjectResult xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = xmlw_elem(&xml, "LastModified", lm);
    if (!rc)
        rc = xmlw_elem(&xml, "ETag", o->etag);
    if (!rc)
        rc = s3_xml_checksum(&xml, o->checksum_algorithm, o->checksum_value, o->checksum_type);
    if (!rc)
        rc = buf_puts(&xml, "</CopyObjectResult>");
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    struct http_response *resp = s3_response_xml(r, &xml);
    if (strcmp(c->src.version_id, "null") != 0)
        http_response_header(resp, "x-amz-copy-source-version-id", c->src.version_id);
    s3_object_version_header(resp, o->version_id);
    s3_expiration_header(r, resp, o);
    s3_sse_write_response_header(resp, o->sse);
    s3_sse_customer_headers(resp, &c->want);
    http_req_respond(r->http, resp);
    return S3_OK;
}

/* Copying tags reads the source's and tags the copy: s3:GetObject(Version)Tagging on the
 * source (directive COPY) and s3:PutObjectTagging on the destination, as AWS requires. */
static enum s3_error s3_copy_tags_authorize(struct s3_req *r, const struct s3_copy *c, int copy)
{
    if (copy) {
        const char *action = c->src_version ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging";
        struct meta_bucket b;
        if (strcmp(c->src_bucket, r->bucket) == 0)
            b = r->bucket_info;
        else if (meta_bucket_get(r->srv->meta, c->src_bucket, &b))
            return S3E_ACCESS_DENIED; /* loaded a moment ago: gone since */
        enum s3_error e = s3_req_authorize_version(r, action, &b, c->src_key, c->src_version);
        if (e)
            return e;
    }
    return s3_req_authorize_on(r, "s3:PutObjectTagging", &r->bucket_info, r->key);
}

/* x-amz-tagging-directive: COPY (the default) takes the source version's tags, REPLACE the
 * request's x-amz-tagging (none when absent). *out in the stored form, NULL for none. */
static enum s3_error s3_copy_tags(struct s3_req *r, const struct s3_copy *c, char **out)
{
    *out = NULL;
    const char *d = s3_req_header(r, "x-amz-tagging-directive");
    enum s3_error e = S3_OK;
    if (d && strcmp(d, "REPLACE") == 0) {
        e = s3_tagging_from_request(r, NULL, out);
    } else if (d && strcmp(d, "COPY") != 0) {
        s3_req_set_message(r, "Unknown tagging directive: %s", d);
        return S3E_INVALID_ARGUMENT;
    } else if (c->src.tags && *c->src.tags) {
        *out = xstrdup(c->src.tags);
    }
    if (!e && *out)
        e = s3_copy_tags_authorize(r, c, !d || strcmp(d, "COPY") == 0);
    if (e) {
        free(*out);
        *out = NULL;
    }
    return e;
}

static enum s3_error s3_copy_run(struct s3_req *r, struct s3_copy *c)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (!e)
        e = s3_object_check_write_headers(r);
    if (!e)
        e = s3_sse_for_write(r, &c->want);
    if (!e)
        e = s3_copy_source_parse(r, &c->src_bucket, &c->src_key, &c->src_version);
    if (!e)
        e = s3_object_load(r, c->src_bucket, c->src_key, c->src_version, &c->src);
    if (e)
        return e;
    c->have_src = 1;
    e = s3_tiering_check_readable(r, &c->src, 1);
    if (!e)
        e = s3_sse_read_key(r, "x-amz-copy-source-", &c->src, &c->src_sse, &c->src_ck);
    if (!e)
        e = s3_copy_source_conditions(r, &c->src);
    if (!e)
        e = s3_copy_metadata(r, c);
    if (e)
        return e;
    char *tags = NULL;
    e = s3_copy_tags(r, c, &tags);
    if (e)
        return e;
    struct s3_lock_fields lock; /* the request's lock (or the default), never the source's */
    e = s3_lock_for_write(r, 1, &lock);
    struct s3_object_grant grant; /* the request's ACL, not the source's (AWS: private) */
    if (!e)
        e = s3_acl_object_for_write(r, 0, NULL, &grant);
    if (e) {
        free(tags);
        return e;
    }
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = r->key;
    s3_object_version_for_write(r, o.version_id);
    o.is_latest = 1;
    o.size = c->src.size;
    o.last_modified_ms = clock_now_ms();
    const char *sc = s3_req_header(r, "x-amz-storage-class");
    snprintf(o.storage_class, sizeof(o.storage_class), "%s", sc ? sc : "STANDARD");
    memcpy(o.owner_id, grant.owner_id, sizeof(o.owner_id));
    o.acl = grant.acl;
    o.tags = tags;
    o.headers = c->headers;
    s3_lock_fields_set(&lock, o.lock_mode, &o.lock_until_ms, &o.legal_hold);
    e = s3_copy_bytes(r, c, &o);
    if (!e)
        e = s3_object_commit(r, &o, NULL, NULL, NULL);
    if (!e)
        e = s3_copy_respond(r, c, &o);
    free(o.checksum_value);
    free(o.sse);
    free(grant.acl);
    free(tags);
    return e;
}

enum s3_error s3_op_copy_object(struct s3_req *r)
{
    struct s3_copy c;
    memset(&c, 0, sizeof(c));
    enum s3_error e = s3_copy_run(r, &c);
    s3_copy_dispose(&c);
    return e;
}
