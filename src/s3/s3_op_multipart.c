/* s3_op_multipart.c — multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort,
 * ListParts, ListMultipartUploads.
 *
 * Each part is its own durable blob. Complete checks the part list (ascending, every part
 * present with its ETag, all but the last at least 5 MiB), concatenates the parts into one
 * new blob (computing a FULL_OBJECT checksum on the way when one was asked for), then in one
 * metadata transaction stores the object and removes the upload; the part blobs are removed
 * last. The ETag is the MD5 of the parts' binary MD5s, "-N"; a COMPOSITE checksum is the
 * checksum of the parts' binary checksums, "-N". */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
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

struct s3_part_state {
    struct blob_writer *writer;
    struct meta_upload upload;
    int number;
};

static void s3_part_free(struct s3_req *r)
{
    struct s3_part_state *st = r->op_state;
    blob_writer_abort(st->writer);
    meta_upload_dispose(&st->upload);
    free(st);
    r->op_state = NULL;
}

static int s3_part_data(struct s3_req *r, const char *data, size_t n)
{
    struct s3_part_state *st = r->op_state;
    return blob_writer_write(st->writer, data, n) ? S3E_INTERNAL_ERROR : S3_OK;
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
    if (blob_writer_open(r->srv->blobs, &st->writer))
        return S3E_INTERNAL_ERROR;
    r->op_data = s3_part_data;
    return S3_OK;
}

/* Commit the part's blob and record it; the blob of a replaced part is removed. */
static enum s3_error s3_part_store(struct s3_req *r, struct blob_writer **w, struct meta_part *p)
{
    int rc = blob_writer_commit(*w, p->blob_id);
    *w = NULL;
    if (rc)
        return S3E_INTERNAL_ERROR;
    char *replaced = NULL;
    rc = meta_part_put(r->srv->meta, s3_req_param(r, "uploadId"), p, &replaced);
    if (rc) {
        if (blob_remove(r->srv->blobs, p->blob_id))
            log_warn("could not remove blob %s", p->blob_id);
        return rc == ERR_NOTFOUND ? S3E_NO_SUCH_UPLOAD : S3E_INTERNAL_ERROR;
    }
    if (replaced && blob_remove(r->srv->blobs, replaced))
        log_warn("could not remove replaced part blob %s", replaced);
    free(replaced);
    return S3_OK;
}

enum s3_error s3_op_upload_part_finish(struct s3_req *r)
{
    struct s3_part_state *st = r->op_state;
    struct meta_part p;
    memset(&p, 0, sizeof(p));
    p.number = st->number;
    p.size = (int64_t)r->body.received;
    p.last_modified_ms = clock_now_ms();
    char hex[2 * MD5_LEN + 1];
    hash_hex(r->body.md5_digest, MD5_LEN, hex);
    snprintf(p.etag, sizeof(p.etag), "\"%s\"", hex);
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

/* Copy the source range into a new part blob, hashing it. */
static enum s3_error s3_part_copy_bytes(struct s3_req *r, const struct meta_object *src,
                                        const struct meta_upload *u, struct meta_part *p)
{
    uint64_t start = 0, len = (uint64_t)src->size;
    const char *range = s3_req_header(r, "x-amz-copy-source-range");
    enum s3_error e = range ? s3_object_parse_copy_range(r, range, len, &start, &len) : S3_OK;
    if (e)
        return e;
    struct blob_writer *w = NULL;
    if (blob_writer_open(r->srv->blobs, &w))
        return S3E_INTERNAL_ERROR;
    struct hash_stream *md5 = hash_stream_new_md5();
    enum checksum_algo algo = checksum_algo_from_name(u->checksum_algorithm);
    struct checksum *ck = algo != CHECKSUM_NONE ? checksum_new(algo) : NULL;
    e = s3_object_copy_bytes(r, src->blob_id, start, len, w, md5, ck);
    uint8_t digest[MD5_LEN];
    char hex[2 * MD5_LEN + 1];
    hash_stream_finish(md5, digest);
    hash_hex(digest, MD5_LEN, hex);
    snprintf(p->etag, sizeof(p->etag), "\"%s\"", hex);
    if (ck)
        checksum_finish(ck, p->checksum_value);
    p->size = (int64_t)len;
    if (e) {
        blob_writer_abort(w);
        return e;
    }
    return s3_part_store(r, &w, p);
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

static void s3_parts_remove_blobs(struct s3_server *srv, const struct s3_part_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (blob_remove(srv->blobs, l->parts[i].blob_id))
            log_warn("could not remove part blob %s", l->parts[i].blob_id);
    }
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
        int64_t n = 0;
        enum s3_error e = S3_OK;
        const struct meta_part *p = NULL;
        if (str_parse_i64(num, 1, S3_MAX_PARTS, &n) || *n_chosen == S3_MAX_PARTS)
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

/* Concatenate the parts into one new blob (FULL_OBJECT checksum computed on the way). */
static enum s3_error s3_complete_assemble(struct s3_req *r, const struct meta_upload *u,
                                          const struct meta_part **parts, size_t n,
                                          struct s3_assembled *out)
{
    struct blob_writer *w = NULL;
    if (blob_writer_open(r->srv->blobs, &w))
        return S3E_INTERNAL_ERROR;
    enum checksum_algo algo = checksum_algo_from_name(u->checksum_algorithm);
    int full = algo != CHECKSUM_NONE && strcmp(u->checksum_type, "FULL_OBJECT") == 0;
    struct checksum *ck = full ? checksum_new(algo) : NULL;
    enum s3_error e = S3_OK;
    out->size = 0;
    for (size_t i = 0; i < n && !e; i++) {
        e = s3_object_copy_bytes(r, parts[i]->blob_id, 0, (uint64_t)parts[i]->size, w, NULL, ck);
        out->size += parts[i]->size;
    }
    if (ck)
        checksum_finish(ck, out->checksum);
    if (e) {
        blob_writer_abort(w);
        return e;
    }
    return blob_writer_commit(w, out->blob_id) ? S3E_INTERNAL_ERROR : S3_OK;
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
    if (e) {
        free(a.parts_json);
        return e;
    }
    struct meta_object o;
    s3_complete_object(r, u, &a, &o);
    char *replaced = NULL;
    int rc = meta_upload_complete(r->srv->meta, r->bucket, u->upload_id, &o, &replaced);
    if (rc) {
        if (blob_remove(r->srv->blobs, a.blob_id))
            log_warn("could not remove blob %s", a.blob_id);
        free(a.parts_json);
        return rc == ERR_NOTFOUND ? S3E_NO_SUCH_UPLOAD : S3E_INTERNAL_ERROR;
    }
    if (replaced && blob_remove(r->srv->blobs, replaced))
        log_warn("could not remove replaced blob %s", replaced);
    free(replaced);
    e = s3_complete_respond(r, &o);
    free(a.parts_json);
    return e;
}

enum s3_error s3_op_complete_multipart_upload(struct s3_req *r)
{
    struct meta_upload u;
    enum s3_error e = s3_mpu_load(r, &u);
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
    if (!e)
        s3_parts_remove_blobs(r->srv, &stored);
    if (doc)
        xmlFreeDoc(doc);
    free(chosen);
    free(stored.parts);
    meta_upload_dispose(&u);
    return e;
}

/* ---- Abort, ListParts, ListMultipartUploads ---- */

int s3_upload_abort(struct s3_server *srv, const char *bucket, const char *upload_id)
{
    struct s3_part_list parts = {NULL, 0};
    int rc = s3_parts_load(srv, upload_id, &parts) ? ERR_BACKEND : 0;
    if (!rc)
        rc = meta_upload_delete(srv->meta, bucket, upload_id);
    if (!rc)
        s3_parts_remove_blobs(srv, &parts);
    free(parts.parts);
    return rc;
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
