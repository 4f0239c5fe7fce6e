/* s3_op_multipart.c — multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort,
 * ListParts, ListMultipartUploads.
 *
 * Each part is its own durable blob, written through the object layer. Complete checks the
 * part list (ascending, every part present with its ETag, all but the last at least 5 MiB),
 * concatenates the parts into one new blob through the object layer (computing a FULL_OBJECT
 * checksum on the way when one was asked for), then obj_commit stores the object, removes
 * the upload and records its part blobs as dead in one metadata transaction, with
 * If-Match / If-None-Match decided there. A repeated Complete of a completed upload answers
 * as the first did (AWS). The ETag is the MD5 of the parts' binary MD5s, "-N"; a COMPOSITE
 * checksum is the checksum of the parts' binary checksums, "-N". */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uri.h"
#include "core/xmlw.h"
#include "s3/s3_object.h"
#include "s3/s3_req.h"
#include "s3/s3_xml.h"

#define S3_MIN_PART_SIZE (5 * 1024 * 1024)
#define S3_MAX_PARTS 10000
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

static int s3_mpu_result_head(struct buf *xml, const char *root, const char *bucket,
                              const char *key, const char *upload_id)
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
    enum s3_error e = s3_req_load_bucket(r);
    if (!e)
        e = s3_object_check_write_headers(r);
    struct meta_upload u;
    memset(&u, 0, sizeof(u));
    if (!e)
        e = s3_mpu_checksum_choice(r, &u);
    if (!e)
        e = s3_object_collect_headers(r, &u.headers);
    if (e)
        return e;
    s3_upload_id_new(u.upload_id, sizeof(u.upload_id));
    snprintf(u.bucket, sizeof(u.bucket), "%s", r->bucket);
    u.key = r->key;
    u.initiated_ms = clock_now_ms();
    memcpy(u.owner_id, r->account.id, sizeof(u.owner_id));
    const char *sc = s3_req_header(r, "x-amz-storage-class");
    snprintf(u.storage_class, sizeof(u.storage_class), "%s", sc ? sc : "STANDARD");
    int rc = meta_upload_create(r->srv->meta, &u);
    free(u.headers);
    if (rc)
        return S3E_INTERNAL_ERROR;
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    rc = s3_mpu_result_head(&xml, "InitiateMultipartUploadResult", r->bucket, r->key, u.upload_id);
    if (!rc)
        rc = buf_puts(&xml, "</InitiateMultipartUploadResult>");
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    struct http_response *resp = s3_response_xml(r, &xml);
    s3_mpu_checksum_headers(resp, &u);
    http_req_respond(r->http, resp);
    return S3_OK;
}

/* The upload named by ?uploadId, in the loaded bucket, for this key. */
static enum s3_error s3_mpu_load(struct s3_req *r, struct meta_upload *u)
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
    return rc ? S3E_INTERNAL_ERROR : S3_OK;
}

static enum s3_error s3_mpu_part_number(struct s3_req *r, int *out)
{
    const char *pn = s3_req_param(r, "partNumber");
    char *end = NULL;
    long n = pn ? strtol(pn, &end, 10) : 0;
    if (!pn || !*pn || *end || n < 1 || n > S3_MAX_PARTS) {
        s3_req_set_message(r, "Part number must be an integer between 1 and 10000, inclusive");
        s3_req_error_elem(r, "ArgumentName", "partNumber");
        s3_req_error_elem(r, "ArgumentValue", pn ? pn : "");
        return S3E_INVALID_ARGUMENT;
    }
    *out = (int)n;
    return S3_OK;
}

struct s3_part_state {
    struct obj_writer *writer;
    struct meta_upload upload;
    int number;
};

static void s3_part_free(struct s3_req *r)
{
    struct s3_part_state *st = r->op_state;
    obj_writer_abort(st->writer);
    meta_upload_dispose(&st->upload);
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
    if (e)
        return e;
    /* the body pipeline hashes the part (MD5 and the upload's checksum) */
    struct obj_write_opts opts = {0, CHECKSUM_NONE};
    if (obj_writer_open(r->srv->blobs, &opts, &st->writer))
        return S3E_INTERNAL_ERROR;
    r->op_data = s3_part_data;
    return S3_OK;
}

/* Finish the part's blob and record it; a replaced part's blob becomes dead in the same
 * transaction. p->size comes from the writer. */
static enum s3_error s3_part_store(struct s3_req *r, struct obj_writer **w, struct meta_part *p)
{
    struct obj_written res;
    int rc = obj_writer_finish(*w, &res);
    *w = NULL;
    if (rc)
        return S3E_INTERNAL_ERROR;
    snprintf(p->blob_id, sizeof(p->blob_id), "%s", res.blob_id);
    p->size = (int64_t)res.size;
    rc = meta_part_put(r->srv->meta, s3_req_param(r, "uploadId"), p);
    if (rc) {
        if (blob_remove(r->srv->blobs, p->blob_id)) /* never visible: removed at once */
            log_warn("could not remove blob %s", p->blob_id);
        return rc == ERR_NOTFOUND ? S3E_NO_SUCH_UPLOAD : S3E_INTERNAL_ERROR;
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
    enum s3_error e = s3_part_store(r, &st->writer, &p);
    if (e)
        return e;
    struct http_response *resp = s3_response_new(r, 200, NULL, 0);
    http_response_header(resp, "ETag", p.etag);
    if (r->body.checksum_algo != CHECKSUM_NONE)
        http_response_header(resp, checksum_algo_header(r->body.checksum_algo),
                             r->body.checksum_value);
    http_req_respond(r->http, resp);
    return S3_OK;
}

/* Copy the source range into a new part blob through the object layer, hashing it. */
static enum s3_error s3_part_copy_bytes(struct s3_req *r, const struct meta_object *src,
                                        const struct meta_upload *u, struct meta_part *p)
{
    uint64_t start = 0, len = (uint64_t)src->size;
    const char *range = s3_req_header(r, "x-amz-copy-source-range");
    enum s3_error e = range ? s3_object_parse_copy_range(r, range, len, &start, &len) : S3_OK;
    if (e)
        return e;
    struct obj_write_opts opts = {1, checksum_algo_from_name(u->checksum_algorithm)};
    struct obj_writer *w = NULL;
    if (obj_writer_open(r->srv->blobs, &opts, &w))
        return S3E_INTERNAL_ERROR;
    if (obj_copy_range(r->srv->blobs, src, start, len, w)) {
        obj_writer_abort(w);
        return S3E_INTERNAL_ERROR;
    }
    struct obj_written res;
    int rc = obj_writer_finish(w, &res);
    if (rc)
        return S3E_INTERNAL_ERROR;
    snprintf(p->blob_id, sizeof(p->blob_id), "%s", res.blob_id);
    snprintf(p->etag, sizeof(p->etag), "%s", res.etag);
    snprintf(p->checksum_value, sizeof(p->checksum_value), "%s", res.checksum);
    p->size = (int64_t)res.size;
    rc = meta_part_put(r->srv->meta, s3_req_param(r, "uploadId"), p);
    if (rc) {
        if (blob_remove(r->srv->blobs, p->blob_id))
            log_warn("could not remove blob %s", p->blob_id);
        return rc == ERR_NOTFOUND ? S3E_NO_SUCH_UPLOAD : S3E_INTERNAL_ERROR;
    }
    return S3_OK;
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
    e = s3_copy_source_parse(r, &sb, &sk, &sv);
    if (!e)
        e = s3_object_load(r, sb, sk, sv, &src);
    if (!e) {
        e = s3_copy_source_conditions(r, &src);
        p.last_modified_ms = clock_now_ms();
        if (!e)
            e = s3_part_copy_bytes(r, &src, &u, &p);
        meta_object_dispose(&src);
    }
    free(sb);
    free(sk);
    free(sv);
    meta_upload_dispose(&u);
    if (e)
        return e;
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
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}

/* ---- Complete ---- */

struct s3_part_list {
    struct meta_part *parts;
    size_t n;
};

static int s3_part_collect(void *payload, const struct meta_part *p)
{
    struct s3_part_list *l = payload;
    l->parts[l->n++] = *p;
    return 0;
}

static enum s3_error s3_parts_load(struct s3_server *srv, const char *upload_id,
                                   struct s3_part_list *out)
{
    out->parts = xcalloc(S3_MAX_PARTS, sizeof(*out->parts));
    out->n = 0;
    return meta_part_scan(srv->meta, upload_id, 0, S3_MAX_PARTS, s3_part_collect, out)
               ? S3E_INTERNAL_ERROR
               : S3_OK;
}

static const struct meta_part *s3_parts_find(const struct s3_part_list *l, int number)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->parts[i].number == number)
            return &l->parts[i];
    }
    return NULL;
}

static int s3_etag_equal(const char *given, const char *stored)
{
    size_t n = strlen(given);
    if (n >= 2 && given[0] == '"' && given[n - 1] == '"')
        return strcmp(given, stored) == 0;
    return strlen(stored) == n + 2 && strncmp(stored + 1, given, n) == 0;
}

/* The <Part> list of the request: ascending, each present with its ETag and checksum. */
static enum s3_error s3_complete_select(struct s3_req *r, xmlNode *root,
                                        const struct s3_part_list *stored,
                                        const struct meta_upload *u,
                                        const struct meta_part **chosen, size_t *n_chosen)
{
    int last = 0;
    *n_chosen = 0;
    const char *ck_elem = NULL;
    char elem[32];
    if (u->checksum_algorithm[0]) {
        snprintf(elem, sizeof(elem), "Checksum%s", u->checksum_algorithm);
        ck_elem = elem;
    }
    for (xmlNode *x = s3_xml_child(root, "Part"); x; x = s3_xml_next(x, "Part")) {
        char *num = s3_xml_text(s3_xml_child(x, "PartNumber"));
        char *etag = s3_xml_text(s3_xml_child(x, "ETag"));
        char *ck = ck_elem ? s3_xml_text(s3_xml_child(x, ck_elem)) : NULL;
        char *end = NULL;
        long n = strtol(num, &end, 10);
        enum s3_error e = S3_OK;
        const struct meta_part *p = NULL;
        if (!num[0] || *end || n < 1 || n > S3_MAX_PARTS || *n_chosen == S3_MAX_PARTS)
            e = S3E_MALFORMED_XML;
        else if (n <= last)
            e = S3E_INVALID_PART_ORDER;
        else if (!(p = s3_parts_find(stored, (int)n)) || !s3_etag_equal(etag, p->etag) ||
                 (ck && ck[0] && strcmp(ck, p->checksum_value) != 0))
            e = S3E_INVALID_PART;
        if (e == S3E_INVALID_PART) {
            s3_req_error_elem(r, "UploadId", u->upload_id);
            s3_req_error_elem(r, "PartNumber", num);
            s3_req_error_elem(r, "ETag", etag);
        }
        free(num);
        free(etag);
        free(ck);
        if (e)
            return e;
        chosen[(*n_chosen)++] = p;
        last = (int)n;
    }
    return *n_chosen ? S3_OK : S3E_MALFORMED_XML;
}

static enum s3_error s3_complete_sizes(struct s3_req *r, const struct meta_part **parts, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (parts[i]->size >= S3_MIN_PART_SIZE)
            continue;
        char num[16], size[24];
        snprintf(num, sizeof(num), "%d", parts[i]->number);
        snprintf(size, sizeof(size), "%lld", (long long)parts[i]->size);
        s3_req_error_elem(r, "ProposedSize", size);
        s3_req_error_elem(r, "MinSizeAllowed", "5242880");
        s3_req_error_elem(r, "PartNumber", num);
        s3_req_error_elem(r, "ETag", parts[i]->etag);
        return S3E_ENTITY_TOO_SMALL;
    }
    return S3_OK;
}

struct s3_assembled {
    char blob_id[BLOB_ID_LEN + 1];
    int64_t size;
    char etag[80];
    char checksum[CHECKSUM_B64_MAX + 8];
    char *parts_json;
};

/* MD5 of the parts' binary MD5s; COMPOSITE checksum of the parts' binary checksums. */
static void s3_complete_digests(const struct meta_upload *u, const struct meta_part **parts,
                                size_t n, struct s3_assembled *out)
{
    struct hash_stream *md5 = hash_stream_new_md5();
    enum checksum_algo algo = checksum_algo_from_name(u->checksum_algorithm);
    int composite = algo != CHECKSUM_NONE && strcmp(u->checksum_type, "COMPOSITE") == 0;
    struct checksum *ck = composite ? checksum_new(algo) : NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        uint8_t raw[MD5_LEN];
        if (hash_unhex(parts[i]->etag + 1, MD5_LEN, raw) == 0)
            hash_stream_update(md5, raw, MD5_LEN);
        if (ck) {
            uint8_t bin[64];
            long len =
                hash_unbase64(parts[i]->checksum_value, strlen(parts[i]->checksum_value), bin);
            if (len > 0)
                checksum_update(ck, bin, (size_t)len);
        }
        json_array_append_new(
            arr, json_pack("[Is]", (json_int_t)parts[i]->size, parts[i]->checksum_value));
    }
    uint8_t digest[MD5_LEN];
    char hex[2 * MD5_LEN + 1];
    hash_stream_finish(md5, digest);
    hash_hex(digest, MD5_LEN, hex);
    snprintf(out->etag, sizeof(out->etag), "\"%s-%zu\"", hex, n);
    if (ck) {
        char b64[CHECKSUM_B64_MAX];
        checksum_finish(ck, b64);
        snprintf(out->checksum, sizeof(out->checksum), "%s-%zu", b64, n);
    }
    out->parts_json = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
}

/* Concatenate the parts into one new blob through the object layer (FULL_OBJECT checksum
 * computed on the way; the ETag is not an MD5 of the bytes, so none is computed). */
static enum s3_error s3_complete_assemble(struct s3_req *r, const struct meta_upload *u,
                                          const struct meta_part **parts, size_t n,
                                          struct s3_assembled *out)
{
    enum checksum_algo algo = checksum_algo_from_name(u->checksum_algorithm);
    int full = algo != CHECKSUM_NONE && strcmp(u->checksum_type, "FULL_OBJECT") == 0;
    struct obj_write_opts opts = {0, full ? algo : CHECKSUM_NONE};
    struct obj_writer *w = NULL;
    if (obj_writer_open(r->srv->blobs, &opts, &w))
        return S3E_INTERNAL_ERROR;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        struct meta_object src;
        memset(&src, 0, sizeof(src));
        src.size = parts[i]->size;
        snprintf(src.blob_id, sizeof(src.blob_id), "%s", parts[i]->blob_id);
        rc = obj_copy_range(r->srv->blobs, &src, 0, (uint64_t)parts[i]->size, w);
    }
    if (rc) {
        obj_writer_abort(w);
        return S3E_INTERNAL_ERROR;
    }
    struct obj_written res;
    if (obj_writer_finish(w, &res))
        return S3E_INTERNAL_ERROR;
    snprintf(out->blob_id, sizeof(out->blob_id), "%s", res.blob_id);
    out->size = (int64_t)res.size;
    if (full)
        snprintf(out->checksum, sizeof(out->checksum), "%s", res.checksum);
    return S3_OK;
}

static void s3_complete_object(struct s3_req *r, const struct meta_upload *u,
                               const struct s3_assembled *a, struct meta_object *o)
{
    memset(o, 0, sizeof(*o));
    o->key = r->key;
    s3_object_version_for_write(r, o->version_id);
    o->is_latest = 1;
    o->size = a->size;
    o->last_modified_ms = clock_now_ms();
    snprintf(o->etag, sizeof(o->etag), "%s", a->etag);
    snprintf(o->storage_class, sizeof(o->storage_class), "%s", u->storage_class);
    memcpy(o->owner_id, u->owner_id, sizeof(o->owner_id));
    o->headers = u->headers;
    snprintf(o->blob_id, sizeof(o->blob_id), "%s", a->blob_id);
    o->multipart = 1;
    snprintf(o->checksum_algorithm, sizeof(o->checksum_algorithm), "%s", u->checksum_algorithm);
    o->checksum_value = (char *)a->checksum;
    snprintf(o->checksum_type, sizeof(o->checksum_type), "%s", u->checksum_type);
    o->parts = a->parts_json;
}

static enum s3_error s3_complete_respond(struct s3_req *r, const struct meta_object *o)
{
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = buf_puts(&xml, XML_DECL "<CompleteMultipartUploadResult xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = buf_printf(&xml, "<Location>/%s/", r->bucket);
    if (!rc)
        rc = uri_encode(&xml, r->key, strlen(r->key), 1);
    if (!rc)
        rc = buf_puts(&xml, "</Location>");
    if (!rc)
        rc = xmlw_elem(&xml, "Bucket", r->bucket);
    if (!rc)
        rc = xmlw_elem(&xml, "Key", r->key);
    if (!rc)
        rc = xmlw_elem(&xml, "ETag", o->etag);
    if (!rc)
        rc = s3_xml_checksum(&xml, o->checksum_algorithm, o->checksum_value, o->checksum_type);
    if (!rc)
        rc = buf_puts(&xml, "</CompleteMultipartUploadResult>");
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    struct http_response *resp = s3_response_xml(r, &xml);
    s3_object_version_header(r, resp, o->version_id);
    http_req_respond(r->http, resp);
    return S3_OK;
}

static enum s3_error s3_complete_commit(struct s3_req *r, const struct meta_upload *u,
                                        const struct meta_part **chosen, size_t n)
{
    struct s3_assembled a;
    memset(&a, 0, sizeof(a));
    s3_complete_digests(u, chosen, n, &a);
    enum s3_error e = s3_complete_assemble(r, u, chosen, n, &a);
    struct meta_object o;
    if (!e) {
        s3_complete_object(r, u, &a, &o);
        e = s3_object_commit(r, &o, u->upload_id, s3_req_header(r, "If-Match"),
                             s3_req_header(r, "If-None-Match"));
    }
    if (!e)
        e = s3_complete_respond(r, &o);
    free(a.parts_json);
    return e;
}

/* A Complete of an upload already completed into a version that still exists answers as the
 * first Complete did (AWS); otherwise NoSuchUpload. */
static enum s3_error s3_complete_again(struct s3_req *r)
{
    const char *id = s3_req_param(r, "uploadId");
    char version[64];
    struct meta_object o;
    if (!id || meta_upload_completed(r->srv->meta, r->bucket, id, version, sizeof(version)))
        return S3E_NO_SUCH_UPLOAD;
    if (meta_object_get(r->srv->meta, r->bucket, r->key, version, &o))
        return S3E_NO_SUCH_UPLOAD;
    enum s3_error e = o.is_delete_marker ? S3E_NO_SUCH_UPLOAD : s3_complete_respond(r, &o);
    meta_object_dispose(&o);
    return e;
}

enum s3_error s3_op_complete_multipart_upload(struct s3_req *r)
{
    struct meta_upload u;
    enum s3_error e = s3_mpu_load(r, &u);
    if (e == S3E_NO_SUCH_UPLOAD && r->bucket_info.name[0] && s3_complete_again(r) == S3_OK)
        return S3_OK;
    if (e)
        return e;
    xmlDoc *doc = NULL;
    struct s3_part_list stored = {NULL, 0};
    const struct meta_part **chosen = xcalloc(S3_MAX_PARTS, sizeof(*chosen));
    size_t n = 0;
    if (r->body.xml.len == 0)
        e = S3E_MALFORMED_XML;
    else if (s3_xml_parse(&doc, r->body.xml.data, r->body.xml.len, "CompleteMultipartUpload"))
        e = S3E_MALFORMED_XML;
    if (!e)
        e = s3_parts_load(r->srv, u.upload_id, &stored);
    if (!e)
        e = s3_complete_select(r, xmlDocGetRootElement(doc), &stored, &u, chosen, &n);
    if (!e)
        e = s3_complete_sizes(r, chosen, n);
    if (!e)
        e = s3_complete_commit(r, &u, chosen, n);
    if (doc)
        xmlFreeDoc(doc);
    free(chosen);
    free(stored.parts);
    meta_upload_dispose(&u);
    return e;
}

/* ---- Abort, ListParts, ListMultipartUploads ---- */

/* The upload and its parts go; their blobs become dead, for the collector. */
int s3_upload_abort(struct s3_server *srv, const char *bucket, const char *upload_id)
{
    return meta_upload_delete(srv->meta, bucket, upload_id);
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
    e = rc == ERR_NOTFOUND ? S3E_NO_SUCH_UPLOAD : rc ? S3E_INTERNAL_ERROR : S3_OK;
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
    char *end = NULL;
    *max = S3_LIST_PARTS_MAX;
    *marker = 0;
    if (mp) {
        *max = strtol(mp, &end, 10);
        if (!*mp || *end || *max < 0)
            return S3E_INVALID_ARGUMENT;
        if (*max > S3_LIST_PARTS_MAX)
            *max = S3_LIST_PARTS_MAX;
    }
    if (pm) {
        long v = strtol(pm, &end, 10);
        if (!*pm || *end || v < 0 || v > S3_MAX_PARTS)
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
