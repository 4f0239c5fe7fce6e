/* s3_op_object.c — PutObject, GetObject, HeadObject, DeleteObject.
 *
 * PutObject streams the decoded body into an object-layer writer (src/object); only after the
 * body pipeline has checked every digest does the finish handler finish the writer (fsync,
 * rename) and commit the version, If-Match / If-None-Match decided inside that commit. A
 * dropped connection or a failed check aborts the temp file, so no partial object is ever
 * visible. Concurrent PUTs of one key each write their own blob; the commit that lands last
 * wins, and the blob it replaced is left to the collector. GET and HEAD read through the
 * object layer's reader. */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "s3/s3_acl.h"
#include "s3/s3_lock.h"
#include "s3/s3_expiration.h"
#include "s3/s3_names.h"
#include "s3/s3_object.h"
#include "s3/s3_object_stream.h"
#include "s3/s3_req.h"
#include "s3/s3_tiering.h"
#include "s3/s3_sse.h"
#include "s3/s3_tagging.h"

struct s3_put_state {
    struct obj_writer *writer;
    struct s3_object_grant grant; /* owner and ACL, decided before the body is read */
    char *tags;                   /* x-amz-tagging, stored form (NULL: none) */
    struct s3_lock_fields lock;   /* Object Lock headers or the bucket's default retention */
    char *sse;                    /* the new version's encryption record (NULL: plain) */
    struct s3_sse_want want;      /* the encryption asked for (SSE-C: the key's MD5) */
};

static void s3_put_free(struct s3_req *r)
{
    struct s3_put_state *st = r->op_state;
    obj_writer_abort(st->writer);
    free(st->grant.acl);
    free(st->tags);
    free(st->sse);
    OPENSSL_cleanse(&st->want, sizeof(st->want));
    free(st);
    r->op_state = NULL;
}

static int s3_put_data(struct s3_req *r, const char *data, size_t n)
{
    struct s3_put_state *st = r->op_state;
    return obj_writer_write(st->writer, data, n) ? S3E_INTERNAL_ERROR : S3_OK;
}

enum s3_error s3_op_put_object_begin(struct s3_req *r)
{
    /* The body pipeline hashes the decoded bytes (it must check Content-MD5 and the client's
     * checksum before the commit), so the writer's hash stage is left out here. */
    struct obj_write_opts opts = {.md5 = 0, .checksum = CHECKSUM_NONE};
    struct s3_sse_want want;
    enum s3_error e = s3_req_load_bucket(r);
    if (!e)
        e = s3_object_check_write_headers(r);
    if (!e)
        e = s3_sse_for_write(r, &want);
    if (e)
        return e;
    struct s3_put_state *st = xcalloc(1, sizeof(*st));
    st->want = want;
    OPENSSL_cleanse(&want, sizeof(want));
    opts.sse = st->want.mode;
    opts.customer_key = st->want.key;
    opts.sse_record = st->want.kms_record;
    e = s3_acl_object_for_write(r, 0, NULL, &st->grant);
    if (!e)
        e = s3_tagging_from_request(r, NULL, &st->tags);
    if (!e)
        e = s3_lock_for_write(r, 1, &st->lock);
    if (!e && obj_writer_open(r->srv->blobs, &opts, &st->writer))
        e = S3E_INTERNAL_ERROR;
    if (e) {
        free(st->grant.acl);
        free(st->tags);
        OPENSSL_cleanse(&st->want, sizeof(st->want));
        free(st);
        return e;
    }
    r->op_state = st;
    r->op_free = s3_put_free;
    r->op_data = s3_put_data;
    return S3_OK;
}

static void s3_put_fill(struct s3_req *r, struct meta_object *o, const struct obj_written *w,
                        const struct s3_object_grant *g, const struct s3_sse_want *want)
{
    memset(o, 0, sizeof(*o));
    o->key = r->key;
    s3_object_version_for_write(r, o->version_id);
    o->is_latest = 1;
    o->size = (int64_t)w->size;
    o->last_modified_ms = clock_now_ms();
    obj_etag_format(r->body.md5_digest, o->etag, sizeof(o->etag));
    if (want->mode == OBJ_SSE_KMS)
        s3_sse_kms_etag(want->key, o->etag, sizeof(o->etag));
    const char *sc = s3_req_header(r, "x-amz-storage-class");
    snprintf(o->storage_class, sizeof(o->storage_class), "%s", sc ? sc : "STANDARD");
    memcpy(o->owner_id, g->owner_id, sizeof(o->owner_id));
    o->acl = g->acl;
    snprintf(o->blob_id, sizeof(o->blob_id), "%s", w->blob_id);
    snprintf(o->checksum_algorithm, sizeof(o->checksum_algorithm), "%s",
             checksum_algo_name(r->body.checksum_algo));
    o->checksum_value = r->body.checksum_value;
    if (r->body.checksum_algo != CHECKSUM_NONE)
        snprintf(o->checksum_type, sizeof(o->checksum_type), "FULL_OBJECT");
}

enum s3_error s3_op_put_object_finish(struct s3_req *r)
{
    struct s3_put_state *st = r->op_state;
    char *headers = NULL;
    enum s3_error e = s3_object_collect_headers(r, &headers);
    if (e)
        return e;
    struct obj_written w;
    int rc = obj_writer_finish(st->writer, &w);
    st->writer = NULL;
    if (rc) {
        free(headers);
        return S3E_INTERNAL_ERROR;
    }
    struct meta_object o;
    st->sse = w.sse;
    s3_put_fill(r, &o, &w, &st->grant, &st->want);
    o.headers = headers;
    o.tags = st->tags;
    s3_lock_fields_set(&st->lock, o.lock_mode, &o.lock_until_ms, &o.legal_hold);
    o.sse = st->sse;
    enum s3_error stored = s3_object_commit(r, &o, NULL, s3_req_header(r, "If-Match"),
                                            s3_req_header(r, "If-None-Match"));
    free(headers);
    if (stored)
        return stored;
    struct http_response *resp = s3_response_new(r, 200, NULL, 0);
    http_response_header(resp, "ETag", o.etag);
    s3_object_version_header(resp, o.version_id);
    s3_expiration_header(r, resp, &o);
    s3_sse_write_response_header(resp, o.sse);
    s3_sse_customer_headers(resp, &st->want);
    if (r->body.checksum_algo != CHECKSUM_NONE) {
        http_response_header(resp, checksum_algo_header(r->body.checksum_algo),
                             r->body.checksum_value);
        http_response_header(resp, "x-amz-checksum-type", "FULL_OBJECT");
    }
    http_req_respond(r->http, resp);
    return S3_OK;
}

/* ---- GET / HEAD ---- */

int s3_etag_matches(const char *list, const char *etag)
{
    return obj_etag_matches(list, etag);
}

/* RFC 7232 order, as S3 applies it: If-Match, If-Unmodified-Since, If-None-Match,
 * If-Modified-Since. */
static enum s3_error s3_object_conditions(struct s3_req *r, const struct meta_object *o)
{
    const char *im = s3_req_header(r, "If-Match");
    const char *ius = s3_req_header(r, "If-Unmodified-Since");
    const char *inm = s3_req_header(r, "If-None-Match");
    const char *ims = s3_req_header(r, "If-Modified-Since");
    int64_t t, lm = o->last_modified_ms / 1000;
    if (im && !s3_etag_matches(im, o->etag)) {
        s3_req_error_elem(r, "Condition", "If-Match");
        return S3E_PRECONDITION_FAILED;
    }
    if (!im && ius && clock_parse_http(ius, &t) == 0 && lm > t) {
        s3_req_error_elem(r, "Condition", "If-Unmodified-Since");
        return S3E_PRECONDITION_FAILED;
    }
    if (inm && s3_etag_matches(inm, o->etag))
        return S3E_NOT_MODIFIED;
    if (!inm && ims && clock_parse_http(ims, &t) == 0 && lm <= t)
        return S3E_NOT_MODIFIED;
    return S3_OK;
}

struct s3_range {
    int partial;
    uint64_t start;
    uint64_t length;
    size_t parts_count; /* a partNumber request on a multipart object */
};

/* One "bytes=a-b" / "bytes=a-" / "bytes=-n" range. Unparseable or multiple ranges are
 * ignored (the whole object is sent), as S3 does; unsatisfiable ones are InvalidRange. */
static enum s3_error s3_object_range(struct s3_req *r, uint64_t size, struct s3_range *out)
{
    const char *h = s3_req_header(r, "Range");
    memset(out, 0, sizeof(*out));
    out->length = size;
    if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
        return S3_OK;
    const char *p = h + 6;
    size_t n;
    uint64_t a = 0, b = 0;
    int has_a = *p >= '0' && *p <= '9', has_b;
    if (has_a) {
        n = strspn(p, "0123456789");
        a = str_parse_u64n(p, n, 10, UINT64_MAX, &a) ? UINT64_MAX : a; /* too big: past the end */
        p += n;
    }
    if (*p++ != '-')
        return S3_OK;
    has_b = *p >= '0' && *p <= '9';
    if (has_b) {
        n = strspn(p, "0123456789");
        b = str_parse_u64n(p, n, 10, UINT64_MAX, &b) ? UINT64_MAX : b;
        p += n;
    }
    if (*p || (!has_a && !has_b) || (has_a && has_b && b < a))
        return S3_OK;
    if (!has_a) { /* suffix: the last b bytes */
        if (b == 0 || size == 0)
            goto unsatisfiable;
        a = b > size ? 0 : size - b;
        b = size - 1;
    } else if (a >= size) {
        goto unsatisfiable;
    } else if (!has_b || b >= size) {
        b = size - 1;
    }
    out->partial = 1;
    out->start = a;
    out->length = b - a + 1;
    return S3_OK;
unsatisfiable:
    s3_req_error_elem(r, "RangeRequested", h);
    char sz[32];
    snprintf(sz, sizeof(sz), "%llu", (unsigned long long)size);
    s3_req_error_elem(r, "ActualObjectSize", sz);
    return S3E_INVALID_RANGE;
}

/* ?partNumber=N: the bytes of part N of a multipart object (the whole object is part 1 of a
 * single-part one). */
static enum s3_error s3_object_part_range(struct s3_req *r, const struct meta_object *o,
                                          const char *pn, struct s3_range *out)
{
    int64_t n = 0;
    memset(out, 0, sizeof(*out));
    out->length = (uint64_t)o->size;
    if (str_parse_i64(pn, 1, 10000, &n)) {
        s3_req_set_message(r, "Part number must be an integer between 1 and 10000, inclusive");
        return S3E_INVALID_ARGUMENT;
    }
    if (s3_req_header(r, "Range")) {
        s3_req_set_message(r, "Cannot specify both Range header and partNumber query parameter");
        return S3E_INVALID_REQUEST;
    }
    json_t *parts = o->parts ? json_loads(o->parts, 0, NULL) : NULL;
    size_t count = parts ? json_array_size(parts) : 1;
    if ((size_t)n > count) {
        json_decref(parts);
        return S3E_INVALID_PART_NUMBER;
    }
    if (parts) {
        uint64_t offset = 0;
        for (long i = 0; i < n - 1; i++)
            offset += (uint64_t)json_integer_value(json_array_get(json_array_get(parts, i), 0));
        out->start = offset;
        out->length = (uint64_t)json_integer_value(json_array_get(json_array_get(parts, n - 1), 0));
        out->partial = 1;
        out->parts_count = count;
        json_decref(parts);
    }
    return S3_OK;
}

static const char *const s3_overrides[][2] = {
    {"response-content-type", "Content-Type"},
    {"response-content-language", "Content-Language"},
    {"response-expires", "Expires"},
    {"response-cache-control", "Cache-Control"},
    {"response-content-disposition", "Content-Disposition"},
    {"response-content-encoding", "Content-Encoding"},
};
#define S3_N_OVERRIDES (sizeof(s3_overrides) / sizeof(s3_overrides[0]))

static int s3_object_overridden(struct s3_req *r, const char *header)
{
    for (size_t i = 0; i < S3_N_OVERRIDES; i++) {
        if (strcasecmp(s3_overrides[i][1], header) == 0 && s3_req_param(r, s3_overrides[i][0]))
            return 1;
    }
    return 0;
}

/* Stored headers (unless a response-* parameter overrides them), then the overrides. */
static void s3_object_content_headers(struct s3_req *r, struct http_response *resp,
                                      const struct meta_object *o)
{
    int has_ct = 0;
    json_t *arr = json_loads(o->headers ? o->headers : "[]", 0, NULL);
    size_t i;
    json_t *pair;
    json_array_foreach(arr, i, pair)
    {
        const char *name = json_string_value(json_array_get(pair, 0));
        const char *value = json_string_value(json_array_get(pair, 1));
        if (!name || !value || s3_object_overridden(r, name))
            continue;
        has_ct |= strcasecmp(name, "Content-Type") == 0;
        /* libmicrohttpd refuses an empty value; a lone space is an empty field value on the
         * wire (RFC 9110 5.5: clients strip the surrounding whitespace) */
        http_response_header(resp, name, value[0] ? value : " ");
    }
    json_decref(arr);
    for (i = 0; i < S3_N_OVERRIDES; i++) {
        const char *v = s3_req_param(r, s3_overrides[i][0]);
        if (v) {
            has_ct |= i == 0;
            http_response_header(resp, s3_overrides[i][1], v);
        }
    }
    if (!has_ct)
        http_response_header(resp, "Content-Type", "binary/octet-stream");
}

/* The metadata headers common to GET, HEAD and 304 answers. */
static void s3_object_headers(struct s3_req *r, struct http_response *resp,
                              const struct meta_object *o)
{
    char lm[40];
    clock_format_http(lm, sizeof(lm), o->last_modified_ms);
    http_response_header(resp, "ETag", o->etag);
    http_response_header(resp, "Last-Modified", lm);
    if (strcmp(o->version_id, "null") != 0 || r->bucket_info.versioning != META_UNVERSIONED)
        http_response_header(resp, "x-amz-version-id", o->version_id);
    s3_tagging_count_header(resp, o->tags);
    s3_expiration_header(r, resp, o);
    s3_sse_response_header(resp, o->sse);
    if (o->replication_status[0])
        http_response_header(resp, "x-amz-replication-status", o->replication_status);
}

static void s3_object_checksum_header(struct s3_req *r, struct http_response *resp,
                                      const struct meta_object *o)
{
    const char *mode = s3_req_header(r, "x-amz-checksum-mode");
    if (!mode || strcasecmp(mode, "ENABLED") != 0 || !o->checksum_algorithm[0])
        return;
    enum checksum_algo algo = checksum_algo_from_name(o->checksum_algorithm);
    if (algo != CHECKSUM_NONE) {
        http_response_header(resp, checksum_algo_header(algo), o->checksum_value);
        http_response_header(resp, "x-amz-checksum-type",
                             o->checksum_type[0] ? o->checksum_type : "FULL_OBJECT");
    }
}

/* The body: the blob's file itself (sendfile) when its bytes are the object's, else what the
 * reader decrypts. Takes rd; NULL on failure (logged). */
static struct http_response *s3_object_body(struct s3_req *r, const struct meta_object *o,
                                            struct obj_reader *rd, int status, uint64_t len)
{
    uint64_t offset;
    int fd = obj_reader_take_fd(rd, &offset);
    if (fd >= 0) {
        obj_reader_close(rd);
        return http_response_new_fd(status, fd, offset, len);
    }
    char what[512];
    snprintf(what, sizeof(what), "%s %s/%s (version %s, blob %s)", http_req_method(r->http),
             r->bucket, o->key, o->version_id, o->blob_id);
    int head = strcmp(http_req_method(r->http), "HEAD") == 0;
    return s3_object_stream_response(rd, status, len, head, what);
}

/* *blob_gone: the row's blob was collected already (the row was replaced or deleted longer
 * than the grace period ago, after this request loaded it). */
static enum s3_error s3_object_send_version(struct s3_req *r, const struct meta_object *o,
                                            const uint8_t *ck, const struct s3_sse_want *key,
                                            int *blob_gone)
{
    enum s3_error e = s3_object_conditions(r, o);
    if (e == S3E_NOT_MODIFIED) {
        struct http_response *resp = s3_response_new(r, 304, NULL, 0);
        s3_object_headers(r, resp, o);
        http_req_respond(r->http, resp);
        return S3_OK;
    }
    struct s3_range range;
    const char *pn = s3_req_param(r, "partNumber");
    int head = strcmp(r->op->name, "HeadObject") == 0;
    if (!e && !head) /* HEAD of an archived version answers; GET needs a restore */
        e = s3_tiering_check_readable(r, o, 0);
    if (!e)
        e = pn ? s3_object_part_range(r, o, pn, &range)
               : s3_object_range(r, (uint64_t)o->size, &range);
    if (e)
        return e;
    struct obj_reader *rd = NULL;
    int rc = 0;
    /* HEAD of an SSE-KMS version answers from the row: no data key, so no blob to open */
    if (!head || ck || obj_sse_mode_of(o->sse) != OBJ_SSE_KMS)
        rc = obj_reader_open_key(r->srv->blobs, o, ck, range.start, range.length, &rd);
    if (rc) {
        *blob_gone = rc == ERR_NOTFOUND;
        if (!*blob_gone)
            log_error("%s %s/%s (blob %s): %s", http_req_method(r->http), r->bucket, o->key,
                      o->blob_id, err_msg());
        return S3E_INTERNAL_ERROR;
    }
    struct http_response *resp =
        rd ? s3_object_body(r, o, rd, range.partial ? 206 : 200, range.length)
           : s3_object_stream_response(NULL, range.partial ? 206 : 200, range.length, 1, "HEAD");
    if (!resp)
        return S3E_INTERNAL_ERROR;
    s3_response_headers(r, resp);
    s3_object_headers(r, resp, o);
    s3_sse_customer_headers(resp, key);
    s3_object_content_headers(r, resp, o);
    if (!range.partial) /* a full-object checksum does not describe a range */
        s3_object_checksum_header(r, resp, o);
    http_response_header(resp, "Accept-Ranges", "bytes");
    if (strcmp(o->storage_class, "STANDARD") != 0)
        http_response_header(resp, "x-amz-storage-class", o->storage_class);
    s3_lock_response_headers(r, resp, o);
    s3_tiering_response_headers(r, resp, o);
    if (range.partial) {
        char cr[96];
        snprintf(cr, sizeof(cr), "bytes %llu-%llu/%lld", (unsigned long long)range.start,
                 (unsigned long long)(range.start + range.length - 1), (long long)o->size);
        http_response_header(resp, "Content-Range", cr);
    }
    if (range.parts_count) {
        char pc[24];
        snprintf(pc, sizeof(pc), "%zu", range.parts_count);
        http_response_header(resp, "x-amz-mp-parts-count", pc);
    }
    http_req_respond(r->http, resp);
    if (!head)
        s3_tiering_note_access(r, o);
    return S3_OK;
}

static enum s3_error s3_object_send(struct s3_req *r, const struct meta_object *o, int *blob_gone)
{
    struct s3_sse_want key; /* SSE-C: the customer's key, checked against the version's */
    const uint8_t *ck = NULL;
    if (s3_req_header(r, "x-amz-server-side-encryption")) { /* AWS: a write-only header */
        s3_req_set_message(r, "The x-amz-server-side-encryption header is not supported for this "
                              "operation.");
        return S3E_INVALID_ARGUMENT;
    }
    enum s3_error e = strcmp(r->op->name, "HeadObject") == 0
                          ? s3_sse_head_key(r, o, &key, &ck)
                          : s3_sse_read_key(r, "x-amz-", o, &key, &ck);
    if (!e)
        e = s3_object_send_version(r, o, ck, &key, blob_gone);
    OPENSSL_cleanse(&key, sizeof(key));
    return e;
}

/* A reader slower than the collector's grace period finds its blob gone: the row it loaded
 * is history by then, so it loads the key again (a few times at most) and sends what is
 * current. */
#define S3_GET_ATTEMPTS 3

static enum s3_error s3_object_get_or_head(struct s3_req *r)
{
    enum s3_error e = S3_OK;
    int blob_gone = 1;
    for (int i = 0; i < S3_GET_ATTEMPTS && blob_gone; i++) {
        struct meta_object o;
        blob_gone = 0;
        e = s3_object_load(r, r->bucket, r->key, s3_req_param(r, "versionId"), &o);
        if (e)
            return e;
        e = s3_object_send(r, &o, &blob_gone);
        meta_object_dispose(&o);
    }
    return e;
}

enum s3_error s3_op_get_object(struct s3_req *r)
{
    return s3_object_get_or_head(r);
}

enum s3_error s3_op_head_object(struct s3_req *r)
{
    return s3_object_get_or_head(r);
}

enum s3_error s3_op_delete_object(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    struct s3_delete_result res;
    if (!e)
        e = s3_object_delete_key(r, r->key, s3_req_param(r, "versionId"), &res);
    if (e)
        return e;
    struct http_response *resp = s3_response_new(r, 204, NULL, 0);
    if (res.version_id[0])
        http_response_header(resp, "x-amz-version-id", res.version_id);
    if (res.delete_marker)
        http_response_header(resp, "x-amz-delete-marker", "true");
    http_req_respond(r->http, resp);
    return S3_OK;
}
