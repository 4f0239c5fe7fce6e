/* s3_op_multipart.c — multipart uploads: Create, Abort (one, or every expired one), ListParts,
 * and what the multipart files share (s3_multipart.h). UploadPart and UploadPartCopy are in
 * s3_op_parts.c, Complete in s3_op_complete.c; ListMultipartUploads in s3_op_uploads.c.
 *
 * Each part is its own durable blob, written through the object layer. Aborting removes the
 * upload and its parts in one metadata transaction, which records their blobs as dead for
 * the collector. */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "core/uri.h"
#include "core/xmlw.h"
#include "s3/s3_acl.h"
#include "s3/s3_lock.h"
#include "s3/s3_multipart.h"
#include "s3/s3_object.h"
#include "s3/s3_req.h"
#include "s3/s3_sse.h"
#include "s3/s3_tagging.h"
#include "s3/s3_xml.h"

#define S3_LIST_PARTS_MAX 1000

static void s3_upload_id_new(char *out, size_t size)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    uint8_t raw[48];
    size_t n = size - 1 < sizeof(raw) ? size - 1 : sizeof(raw);
    hash_random(raw, n);
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[raw[i] % 62];
    out[n] = '\0';
}

/* x-amz-checksum-algorithm / x-amz-checksum-type of CreateMultipartUpload. */
static enum s3_error s3_mpu_checksum_choice(struct s3_req *r, struct meta_upload *u)
{
    const char *algo = s3_req_header(r, "x-amz-checksum-algorithm");
    const char *type = s3_req_header(r, "x-amz-checksum-type");
    if (!algo) {
        if (type) {
            s3_req_set_message(r, "The x-amz-checksum-type header can only be used with the "
                                  "x-amz-checksum-algorithm header.");
            return S3E_INVALID_REQUEST;
        }
        return S3_OK;
    }
    enum checksum_algo a = checksum_algo_from_name(algo);
    if (a == CHECKSUM_NONE) {
        s3_req_set_message(r, "Checksum algorithm provided is unsupported.");
        return S3E_INVALID_REQUEST;
    }
    const char *t = type ? type : (a == CHECKSUM_CRC64NVME ? "FULL_OBJECT" : "COMPOSITE");
    int full = strcmp(t, "FULL_OBJECT") == 0, composite = strcmp(t, "COMPOSITE") == 0;
    if ((!full && !composite) || (composite && a == CHECKSUM_CRC64NVME) ||
        (full && (a == CHECKSUM_SHA1 || a == CHECKSUM_SHA256))) {
        s3_req_set_message(r,
                           "The %s checksum type cannot be used with the %s checksum "
                           "algorithm.",
                           t, checksum_algo_name(a));
        return S3E_INVALID_REQUEST;
    }
    snprintf(u->checksum_algorithm, sizeof(u->checksum_algorithm), "%s", checksum_algo_name(a));
    snprintf(u->checksum_type, sizeof(u->checksum_type), "%s", t);
    return S3_OK;
}

static void s3_mpu_checksum_headers(struct http_response *resp, const struct meta_upload *u)
{
    if (!u->checksum_algorithm[0])
        return;
    http_response_header(resp, "x-amz-checksum-algorithm", u->checksum_algorithm);
    http_response_header(resp, "x-amz-checksum-type", u->checksum_type);
}

int s3_mpu_result_head(struct buf *xml, const char *root, const char *bucket, const char *key,
                       const char *upload_id)
{
    int rc = buf_printf(xml, XML_DECL "<%s xmlns=\"" S3_XMLNS "\">", root);
    if (!rc)
        rc = xmlw_elem(xml, "Bucket", bucket);
    if (!rc)
        rc = xmlw_elem(xml, "Key", key);
    if (!rc)
        rc = xmlw_elem(xml, "UploadId", upload_id);
    return rc;
}

enum s3_error s3_op_create_multipart_upload(struct s3_req *r)
{
    struct s3_sse_want sse;
    memset(&sse, 0, sizeof(sse));
    enum s3_error e = s3_req_load_bucket(r);
    if (!e)
        e = s3_object_check_write_headers(r);
    if (!e)
        e = s3_sse_for_write(r, &sse);

    struct meta_upload u;
    memset(&u, 0, sizeof(u));
    if (!e)
        e = s3_mpu_checksum_choice(r, &u);
    if (!e && sse.mode == OBJ_SSE_C && strcmp(u.checksum_type, "FULL_OBJECT") == 0) {
        s3_req_set_message(r, "A FULL_OBJECT checksum with SSE-C multipart uploads is not "
                              "implemented by Stocktake yet.");
        e = S3E_NOT_IMPLEMENTED;
    }
    struct s3_object_grant grant = {"", NULL};
    if (!e)
        e = s3_acl_object_for_write(r, 0, NULL, &grant);
    if (!e)
        e = s3_tagging_from_request(r, NULL, &u.tags); /* applied on completion */
    struct s3_lock_fields lock; /* the bucket's default retention is taken at completion */
    if (!e)
        e = s3_lock_for_write(r, 0, &lock);
    if (!e)
        e = s3_object_collect_headers(r, &u.headers);
    if (e) {
        OPENSSL_cleanse(&sse, sizeof(sse));
        free(grant.acl);
        free(u.tags);
        return e;
    }
    u.acl = grant.acl; /* applied, with the owner, when the upload completes */
    s3_lock_fields_set(&lock, u.lock_mode, &u.lock_until_ms, &u.legal_hold);
    s3_upload_id_new(u.upload_id, sizeof(u.upload_id));
    int rec = sse.mode == OBJ_SSE_S3  ? obj_sse_record_new(u.upload_id, &u.sse)
              : sse.mode == OBJ_SSE_C ? obj_sse_record_new_customer(u.upload_id, sse.key, &u.sse)
                                      : 0;
    if (sse.mode == OBJ_SSE_KMS) /* parts and the object use the KMS data key of the record */
        u.sse = xstrdup(sse.kms_record);
    OPENSSL_cleanse(sse.key, sizeof(sse.key)); /* its MD5 stays for the answer */
    if (rec) {
        log_error("CreateMultipartUpload %s/%s: %s", r->bucket, r->key, err_msg());
        free(u.acl);
        free(u.tags);
        free(u.headers);
        return S3E_INTERNAL_ERROR;
    }
    snprintf(u.bucket, sizeof(u.bucket), "%s", r->bucket);
    memcpy(u.bucket_id, r->bucket_info.id, sizeof(u.bucket_id));
    u.key = r->key;
    u.initiated_ms = clock_now_ms();
    memcpy(u.owner_id, grant.owner_id, sizeof(u.owner_id));
    const char *sc = s3_req_header(r, "x-amz-storage-class");
    snprintf(u.storage_class, sizeof(u.storage_class), "%s", sc ? sc : "STANDARD");
    int rc = meta_upload_create(r->srv->meta, &u);
    free(u.headers);
    free(u.acl);
    free(u.tags);
    char *sse_record = u.sse; /* for the answer's header */
    u.sse = NULL;
    if (rc) {
        free(sse_record);
        return s3_error_from_err(rc, S3E_NO_SUCH_BUCKET);
    }
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    rc = s3_mpu_result_head(&xml, "InitiateMultipartUploadResult", r->bucket, r->key, u.upload_id);
    if (!rc)
        rc = buf_puts(&xml, "</InitiateMultipartUploadResult>");
    if (rc) {
        free(sse_record);
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    struct http_response *resp = s3_response_xml(r, &xml);
    s3_mpu_checksum_headers(resp, &u);
    s3_sse_write_response_header(resp, sse_record);
    s3_sse_customer_headers(resp, &sse);
    free(sse_record);
    http_req_respond(r->http, resp);
    return S3_OK;
}

enum s3_error s3_mpu_load(struct s3_req *r, struct meta_upload *u)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    const char *id = s3_req_param(r, "uploadId");
    int rc = meta_upload_get(r->srv->meta, r->bucket, id ? id : "", u);
    if (rc == ERR_NOTFOUND || (!rc && strcmp(u->key, r->key) != 0)) {
        if (!rc)
            meta_upload_dispose(u);
        s3_req_error_elem(r, "UploadId", id ? id : "");
        return S3E_NO_SUCH_UPLOAD;
    }
    return s3_error_from_rc(rc);
}

enum s3_error s3_mpu_part_number(struct s3_req *r, int *out)
{
    const char *pn = s3_req_param(r, "partNumber");
    int64_t n = 0;
    if (str_parse_i64(pn, 1, S3_MAX_PARTS, &n)) {
        s3_req_set_message(r, "Part number must be an integer between 1 and 10000, inclusive");
        s3_req_error_elem(r, "ArgumentName", "partNumber");
        s3_req_error_elem(r, "ArgumentValue", pn ? pn : "");
        return S3E_INVALID_ARGUMENT;
    }
    *out = (int)n;
    return S3_OK;
}

/* ---- Abort, ListParts, ListMultipartUploads ---- */

/* The upload and its parts go; their blobs become dead, for the collector. */
int s3_upload_abort(struct s3_server *srv, const char *bucket, const char *upload_id)
{
    return obj_upload_abort(srv->meta, bucket, upload_id);
}

struct s3_abort_list {
    char (*ids)[80];
    char (*buckets)[64];
    size_t n;
    size_t cap;
};

static int s3_abort_collect(void *payload, const struct meta_upload *u)
{
    struct s3_abort_list *l = payload;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->ids = xrealloc(l->ids, l->cap * sizeof(*l->ids));
        l->buckets = xrealloc(l->buckets, l->cap * sizeof(*l->buckets));
    }
    memcpy(l->ids[l->n], u->upload_id, sizeof(l->ids[0]));
    memcpy(l->buckets[l->n], u->bucket, sizeof(l->buckets[0]));
    l->n++;
    return 0;
}

long s3_uploads_abort_all(struct s3_server *srv, const char *bucket, int64_t before_ms)
{
    struct s3_abort_list l = {NULL, NULL, 0, 0};
    int rc = meta_upload_scan(srv->meta, bucket, "", NULL, NULL, before_ms, (size_t)-1 >> 1,
                              s3_abort_collect, &l);
    long aborted = 0;
    for (size_t i = 0; i < l.n && !rc; i++) {
        int one = s3_upload_abort(srv, l.buckets[i], l.ids[i]);
        if (one && one != ERR_NOTFOUND)
            rc = one;
        aborted += one == 0;
    }
    free(l.ids);
    free(l.buckets);
    return rc ? rc : aborted;
}

enum s3_error s3_op_abort_multipart_upload(struct s3_req *r)
{
    struct meta_upload u;
    enum s3_error e = s3_mpu_load(r, &u);
    if (e)
        return e;
    int rc = s3_upload_abort(r->srv, r->bucket, u.upload_id);
    e = s3_error_from_err(rc, S3E_NO_SUCH_UPLOAD);
    meta_upload_dispose(&u);
    if (!e)
        s3_respond_empty(r, 204);
    return e;
}

struct s3_parts_xml {
    struct buf *xml;
    long max;
    long count;
    int truncated;
    int last;
    const char *ck_elem;
    int rc;
};

static int s3_parts_xml_each(void *payload, const struct meta_part *p)
{
    struct s3_parts_xml *l = payload;
    if (l->count == l->max) {
        l->truncated = 1;
        return 1;
    }
    char lm[32];
    clock_format_iso8601(lm, sizeof(lm), p->last_modified_ms);
    int rc = buf_printf(l->xml, "<Part><PartNumber>%d</PartNumber>", p->number);
    if (!rc)
        rc = xmlw_elem(l->xml, "LastModified", lm);
    if (!rc)
        rc = xmlw_elem(l->xml, "ETag", p->etag);
    if (!rc)
        rc = xmlw_elem_i64(l->xml, "Size", p->size);
    if (!rc && l->ck_elem && p->checksum_value[0])
        rc = xmlw_elem(l->xml, l->ck_elem, p->checksum_value);
    if (!rc)
        rc = buf_puts(l->xml, "</Part>");
    l->count++;
    l->last = p->number;
    l->rc = rc;
    return rc ? 1 : 0;
}

static int s3_owner_elems(struct s3_req *r, struct buf *xml, const char *owner_id)
{
    struct meta_account a;
    if (meta_account_get(r->srv->meta, owner_id, &a))
        return ERR_BACKEND;
    int rc = s3_xml_person(xml, "Initiator", &a);
    return rc ? rc : s3_xml_person(xml, "Owner", &a);
}

static enum s3_error s3_list_parts_params(struct s3_req *r, long *max, int *marker)
{
    const char *mp = s3_req_param(r, "max-parts");
    const char *pm = s3_req_param(r, "part-number-marker");
    int64_t v = 0;
    *max = S3_LIST_PARTS_MAX;
    *marker = 0;
    if (mp) {
        if (str_parse_i64(mp, 0, INT32_MAX, &v))
            return S3E_INVALID_ARGUMENT;
        *max = v;
        if (*max > S3_LIST_PARTS_MAX)
            *max = S3_LIST_PARTS_MAX;
    }
    if (pm) {
        if (str_parse_i64(pm, 0, S3_MAX_PARTS, &v))
            return S3E_INVALID_ARGUMENT;
        *marker = (int)v;
    }
    return S3_OK;
}

enum s3_error s3_op_list_parts(struct s3_req *r)
{
    struct meta_upload u;
    long max;
    int marker;
    enum s3_error e = s3_list_parts_params(r, &max, &marker);
    if (!e)
        e = s3_mpu_load(r, &u);
    if (e)
        return e;
    struct buf parts, xml;
    buf_init(&parts, BUF_UNLIMITED);
    buf_init(&xml, BUF_UNLIMITED);
    char elem[32];
    snprintf(elem, sizeof(elem), "Checksum%s", u.checksum_algorithm);
    struct s3_parts_xml l = {&parts, max, 0, 0, marker, u.checksum_algorithm[0] ? elem : NULL, 0};
    int rc =
        meta_part_scan(r->srv->meta, u.upload_id, marker, (size_t)max + 1, s3_parts_xml_each, &l);
    rc = rc == 1 ? l.rc : rc;
    if (!rc)
        rc = s3_mpu_result_head(&xml, "ListPartsResult", r->bucket, r->key, u.upload_id);
    if (!rc)
        rc = buf_printf(&xml, "<PartNumberMarker>%d</PartNumberMarker>", marker);
    if (!rc && l.truncated)
        rc = buf_printf(&xml, "<NextPartNumberMarker>%d</NextPartNumberMarker>", l.last);
    if (!rc)
        rc = buf_printf(&xml, "<MaxParts>%ld</MaxParts>", max);
    if (!rc)
        rc = xmlw_elem_bool(&xml, "IsTruncated", l.truncated);
    if (!rc)
        rc = buf_append(&xml, parts.data, parts.len);
    if (!rc)
        rc = s3_owner_elems(r, &xml, u.owner_id);
    if (!rc)
        rc = xmlw_elem(&xml, "StorageClass", u.storage_class);
    if (!rc && u.checksum_algorithm[0])
        rc = xmlw_elem(&xml, "ChecksumAlgorithm", u.checksum_algorithm);
    if (!rc && u.checksum_algorithm[0])
        rc = xmlw_elem(&xml, "ChecksumType", u.checksum_type);
    if (!rc)
        rc = buf_puts(&xml, "</ListPartsResult>");
    buf_dispose(&parts);
    meta_upload_dispose(&u);
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}
