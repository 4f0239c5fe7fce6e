/* s3_op_parts.c — UploadPart and UploadPartCopy: each part is its own durable blob written
 * through the object layer (src/object); a replaced part's blob becomes dead in the same
 * metadata transaction that records the new one. */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uri.h"
#include "core/xmlw.h"
#include "s3/s3_multipart.h"
#include "s3/s3_object.h"
#include "s3/s3_req.h"
#include "s3/s3_tiering.h"
#include "s3/s3_sse.h"
#include "s3/s3_xml.h"

struct s3_part_state {
    struct obj_writer *writer;
    struct meta_upload upload;
    int number;
    struct s3_sse_want key; /* an SSE-C upload's key, as this part request brings it */
};

static void s3_part_free(struct s3_req *r)
{
    struct s3_part_state *st = r->op_state;
    obj_writer_abort(st->writer);
    meta_upload_dispose(&st->upload);
    OPENSSL_cleanse(&st->key, sizeof(st->key));
    free(st);
    r->op_state = NULL;
}

static int s3_part_data(struct s3_req *r, const char *data, size_t n)
{
    struct s3_part_state *st = r->op_state;
    return obj_writer_write(st->writer, data, n) ? S3E_INTERNAL_ERROR : S3_OK;
}

/* A part of an upload created with a checksum algorithm carries that checksum; when the
 * client sent none, it is computed here so Complete can build the object's checksum. */
static enum s3_error s3_part_checksum_setup(struct s3_req *r, const struct meta_upload *u)
{
    if (!u->checksum_algorithm[0])
        return S3_OK;
    enum checksum_algo want = checksum_algo_from_name(u->checksum_algorithm);
    if (r->body.checksum_algo == CHECKSUM_NONE) {
        r->body.checksum_algo = want;
        r->body.checksum = checksum_new(want);
        r->body.checksum_computed_only = 1;
        return S3_OK;
    }
    if (r->body.checksum_algo != want) {
        s3_req_set_message(r,
                           "Checksum Type mismatch occurred, expected checksum Type: %s, "
                           "actual checksum Type: %s",
                           u->checksum_algorithm, checksum_algo_name(r->body.checksum_algo));
        return S3E_INVALID_REQUEST;
    }
    return S3_OK;
}

/* A part of an encrypted upload is sealed under the upload's data key (an SSE-C upload's
 * unwrapped with the customer key k, an SSE-KMS upload's decrypted by the KMS into k), bound
 * to its number. */
static void s3_part_sse_opts(const struct meta_upload *u, int number, const struct s3_sse_want *k,
                             struct obj_write_opts *o)
{
    enum obj_sse_mode m = obj_sse_mode_of(u->sse);
    if (m == OBJ_SSE_NONE)
        return;
    o->sse = m;
    o->sse_parent = m == OBJ_SSE_KMS ? NULL : u->sse;
    o->sse_record = m == OBJ_SSE_KMS ? u->sse : NULL;
    o->part = (uint32_t)number;
    o->customer_key = m == OBJ_SSE_C || m == OBJ_SSE_KMS ? k->key : NULL;
}

enum s3_error s3_op_upload_part_begin(struct s3_req *r)
{
    struct s3_part_state *st = xcalloc(1, sizeof(*st));
    r->op_state = st;
    r->op_free = s3_part_free;
    enum s3_error e = s3_mpu_part_number(r, &st->number);
    if (!e)
        e = s3_mpu_load(r, &st->upload);
    if (!e)
        e = s3_part_checksum_setup(r, &st->upload);
    if (!e)
        e = s3_sse_part_key(r, &st->upload, &st->key);
    if (e)
        return e;
    /* the body pipeline hashes the part (MD5 and the upload's checksum) */
    struct obj_write_opts opts = {.md5 = 0, .checksum = CHECKSUM_NONE};
    s3_part_sse_opts(&st->upload, st->number, &st->key, &opts);
    if (obj_writer_open(r->srv->blobs, &opts, &st->writer)) {
        log_error("UploadPart %s/%s: %s", r->bucket, r->key, err_msg());
        return S3E_INTERNAL_ERROR;
    }
    r->op_data = s3_part_data;
    return S3_OK;
}

/* Finish the part's blob and record it; a replaced part's blob becomes dead in the same
 * transaction. p->size comes from the writer, and so do the ETag and checksum when the
 * writer hashed (hashed). */
static enum s3_error s3_part_store(struct s3_req *r, struct obj_writer **w, struct meta_part *p,
                                   int hashed)
{
    struct obj_written res;
    int rc = obj_writer_finish(*w, &res);
    *w = NULL;
    if (rc)
        return S3E_INTERNAL_ERROR;
    snprintf(p->blob_id, sizeof(p->blob_id), "%s", res.blob_id);
    p->size = (int64_t)res.size;
    if (hashed) {
        snprintf(p->etag, sizeof(p->etag), "%s", res.etag);
        snprintf(p->checksum_value, sizeof(p->checksum_value), "%s", res.checksum);
    }
    rc = meta_part_put(r->srv->meta, s3_req_param(r, "uploadId"), p);
    if (rc) {
        if (blob_remove(r->srv->blobs, p->blob_id)) /* never visible: removed at once */
            log_warn("could not remove blob %s", p->blob_id);
        return s3_error_from_err(rc, S3E_NO_SUCH_UPLOAD);
    }
    return S3_OK;
}

enum s3_error s3_op_upload_part_finish(struct s3_req *r)
{
    struct s3_part_state *st = r->op_state;
    struct meta_part p;
    memset(&p, 0, sizeof(p));
    p.number = st->number;
    p.last_modified_ms = clock_now_ms();
    obj_etag_format(r->body.md5_digest, p.etag, sizeof(p.etag));
    snprintf(p.checksum_value, sizeof(p.checksum_value), "%s", r->body.checksum_value);
    enum s3_error e = s3_part_store(r, &st->writer, &p, 0);
    if (e)
        return e;
    struct http_response *resp = s3_response_new(r, 200, NULL, 0);
    http_response_header(resp, "ETag", p.etag);
    s3_sse_response_header(resp, st->upload.sse);
    s3_sse_customer_headers(resp, &st->key);
    if (r->body.checksum_algo != CHECKSUM_NONE)
        http_response_header(resp, checksum_algo_header(r->body.checksum_algo),
                             r->body.checksum_value);
    http_req_respond(r->http, resp);
    return S3_OK;
}

/* Copy the source range into a new part blob through the object layer, hashing it. */
static enum s3_error s3_part_copy_bytes(struct s3_req *r, const struct meta_object *src,
                                        const uint8_t *src_ck, const struct meta_upload *u,
                                        const struct s3_sse_want *k, struct meta_part *p)
{
    uint64_t start = 0, len = (uint64_t)src->size;
    const char *range = s3_req_header(r, "x-amz-copy-source-range");
    enum s3_error e = range ? s3_object_parse_copy_range(r, range, len, &start, &len) : S3_OK;
    if (e)
        return e;
    struct obj_write_opts opts = {.md5 = 1,
                                  .checksum = checksum_algo_from_name(u->checksum_algorithm)};
    s3_part_sse_opts(u, p->number, k, &opts);
    struct obj_writer *w = NULL;
    if (obj_writer_open(r->srv->blobs, &opts, &w)) {
        log_error("UploadPartCopy %s/%s: %s", r->bucket, r->key, err_msg());
        return S3E_INTERNAL_ERROR;
    }
    if (obj_copy_range_key(r->srv->blobs, src, src_ck, start, len, w)) {
        log_error("UploadPartCopy from blob %s: %s", src->blob_id, err_msg());
        obj_writer_abort(w);
        return S3E_INTERNAL_ERROR;
    }
    return s3_part_store(r, &w, p, 1);
}

enum s3_error s3_op_upload_part_copy(struct s3_req *r)
{
    struct meta_upload u;
    struct meta_object src;
    char *sb = NULL, *sk = NULL, *sv = NULL;
    struct meta_part p;
    memset(&p, 0, sizeof(p));
    enum s3_error e = s3_mpu_part_number(r, &p.number);
    if (e)
        return e;
    e = s3_mpu_load(r, &u);
    if (e)
        return e;
    struct s3_sse_want src_sse, key; /* an SSE-C source's key; an SSE-C upload's */
    const uint8_t *src_ck = NULL;
    memset(&src_sse, 0, sizeof(src_sse));
    e = s3_sse_part_key(r, &u, &key);
    if (!e)
        e = s3_copy_source_parse(r, &sb, &sk, &sv);
    if (!e)
        e = s3_object_load(r, sb, sk, sv, &src);
    if (!e) {
        e = s3_tiering_check_readable(r, &src, 1);
        if (!e)
            e = s3_sse_read_key(r, "x-amz-copy-source-", &src, &src_sse, &src_ck);
        if (!e)
            e = s3_copy_source_conditions(r, &src);
        p.last_modified_ms = clock_now_ms();
        if (!e)
            e = s3_part_copy_bytes(r, &src, src_ck, &u, &key, &p);
        meta_object_dispose(&src);
    }
    OPENSSL_cleanse(&src_sse, sizeof(src_sse));
    OPENSSL_cleanse(key.key, sizeof(key.key)); /* its MD5 stays for the answer */
    free(sb);
    free(sk);
    free(sv);
    char *sealed = u.sse ? xstrdup(u.sse) : NULL; /* for the answer's headers */
    meta_upload_dispose(&u);
    if (e) {
        free(sealed);
        return e;
    }
    struct buf xml;
    char lm[32];
    clock_format_iso8601(lm, sizeof(lm), p.last_modified_ms);
    buf_init(&xml, BUF_UNLIMITED);
    int rc = buf_puts(&xml, XML_DECL "<CopyPartResult xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = xmlw_elem(&xml, "LastModified", lm);
    if (!rc)
        rc = xmlw_elem(&xml, "ETag", p.etag);
    if (!rc)
        rc = buf_puts(&xml, "</CopyPartResult>");
    if (rc) {
        free(sealed);
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    struct http_response *resp = s3_response_xml(r, &xml);
    s3_sse_response_header(resp, sealed);
    free(sealed);
    s3_sse_customer_headers(resp, &key);
    http_req_respond(r->http, resp);
    return S3_OK;
}
