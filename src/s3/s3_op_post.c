/* s3_op_post.c — POST Object: a browser upload with an HTML form (multipart/form-data).
 *
 * The body is parsed as it arrives (post_form.c). The fields before the file are the form:
 * when the file part begins, the form's signature and policy are checked (s3_post_auth.c), the
 * key is named (${filename} replaced) and s3:PutObject on it is decided by the authorization
 * step, as for PutObject. The file then streams into an object-layer writer, never buffered;
 * the commit comes after the last byte, so a broken or refused upload leaves nothing. The
 * answer is 204 (default), 200, 201 with a PostResponse document, or a 303 to
 * success_action_redirect. */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/uri.h"
#include "s3/post_form.h"
#include "s3/s3_acl.h"
#include "s3/s3_lock.h"
#include "s3/s3_object.h"
#include "s3/s3_post_auth.h"
#include "s3/s3_req.h"
#include "s3/s3_sse.h"
#include "s3/s3_tagging.h"
#include "core/xmlw.h"

#define S3_POST_FIELDS_MAX 256
#define S3_POST_USER_METADATA_MAX 2048 /* as PutObject (s3_object.c) */

struct s3_post_state {
    struct post_form *form;
    struct kv_pair *fields;
    size_t n_fields;
    enum s3_error error; /* why a callback stopped the parser */
    struct obj_writer *writer;
    struct hash_stream *md5;
    uint64_t size;
    int has_range;
    uint64_t min, max;
    char filename[1025];
    char file_type[257];
    struct s3_object_grant grant; /* owner and ACL (the acl field), decided before the file */
    char *tags;                   /* the tagging field, stored form (NULL: none) */
    struct s3_lock_fields lock;   /* the bucket's default retention */
    char *sse;                    /* the new version's encryption record (NULL: plain) */
    struct s3_sse_want want;      /* the encryption asked for (SSE-C: the key) */
};

static void s3_post_free(struct s3_req *r)
{
    struct s3_post_state *st = r->op_state;
    post_form_free(st->form);
    for (size_t i = 0; i < st->n_fields; i++) {
        free((char *)st->fields[i].name);
        free((char *)st->fields[i].value);
    }
    free(st->fields);
    obj_writer_abort(st->writer);
    if (st->md5)
        hash_stream_free(st->md5);
    free(st->grant.acl);
    free(st->tags);
    free(st->sse);
    OPENSSL_cleanse(&st->want, sizeof(st->want));
    r->authz_request_tags = NULL;
    free(st);
    r->op_state = NULL;
}

static int s3_post_on_field(void *ctx, const char *name, const char *value, size_t len)
{
    struct s3_req *r = ctx;
    struct s3_post_state *st = r->op_state;
    if (st->n_fields == S3_POST_FIELDS_MAX || strlen(value) != len) {
        st->error = S3E_MALFORMED_POST_REQUEST;
        return -1;
    }
    st->fields = xrealloc(st->fields, (st->n_fields + 1) * sizeof(*st->fields));
    st->fields[st->n_fields].name = xstrdup(name);
    st->fields[st->n_fields].value = xstrdup(value);
    st->n_fields++;
    return 0;
}

/* The key field with ${filename} replaced by the file's name. */
static enum s3_error s3_post_key(struct s3_req *r, const char *filename)
{
    struct s3_post_state *st = r->op_state;
    const char *key = s3_post_field(st->fields, st->n_fields, "key");
    if (!key || !*key) {
        s3_req_set_message(r, "Bucket POST must contain a field named 'key'.  If it is "
                              "specified, please check the order of the fields.");
        s3_req_error_elem(r, "ArgumentName", "key");
        s3_req_error_elem(r, "ArgumentValue", "");
        return S3E_INVALID_ARGUMENT;
    }
    struct buf out;
    buf_init(&out, 4 * S3_MAX_KEY_BYTES);
    const char *p = key, *var;
    int rc = 0;
    while (!rc && (var = strstr(p, "${filename}")) != NULL) {
        rc = buf_append(&out, p, (size_t)(var - p)) || buf_puts(&out, filename);
        p = var + 11;
    }
    if (!rc)
        rc = buf_puts(&out, p);
    if (rc || out.len > S3_MAX_KEY_BYTES) {
        buf_dispose(&out);
        return S3E_KEY_TOO_LONG;
    }
    free(r->key);
    r->key = buf_detach(&out);
    return S3_OK;
}

static enum s3_error s3_post_start_file(struct s3_req *r, const char *filename)
{
    struct s3_post_state *st = r->op_state;
    enum s3_error e = s3_post_key(r, filename);
    if (!e)
        e = s3_post_authenticate(r, st->fields, st->n_fields, &st->has_range, &st->min, &st->max);
    /* the tagging field is a Tagging document (AWS), read before the decision: a policy's
     * s3:RequestObjectTag conditions see its tags */
    const char *tagging = s3_post_field(st->fields, st->n_fields, "tagging");
    if (!e && tagging)
        e = s3_tagging_from_request(r, tagging, &st->tags);
    r->authz_request_tags = st->tags ? st->tags : ""; /* the form's, not x-amz-tagging */
    r->authz_form = st->fields;                       /* s3:x-amz-acl etc. are the form's fields */
    r->authz_form_n = st->n_fields;
    if (!e)
        e = s3_req_authorize_on(r, "s3:PutObject", &r->bucket_info, r->key);
    if (!e) /* the form's acl field is the canned ACL (x-amz-acl of a PUT) */
        e = s3_acl_object_for_write(r, 1, s3_post_field(st->fields, st->n_fields, "acl"),
                                    &st->grant);
    if (!e)
        e = s3_lock_apply_default(r, &st->lock);
    struct obj_write_opts opts = {.md5 = 0, .checksum = CHECKSUM_NONE};
    if (!e) { /* the form's fields, else the bucket's default encryption */
        const struct s3_sse_fields f = {
            s3_post_field(st->fields, st->n_fields, "x-amz-server-side-encryption"),
            s3_post_field(st->fields, st->n_fields,
                          "x-amz-server-side-encryption-customer-algorithm"),
            s3_post_field(st->fields, st->n_fields, "x-amz-server-side-encryption-customer-key"),
            s3_post_field(st->fields, st->n_fields,
                          "x-amz-server-side-encryption-customer-key-MD5"),
            s3_post_field(st->fields, st->n_fields, "x-amz-server-side-encryption-aws-kms-key-id"),
            s3_post_field(st->fields, st->n_fields, "x-amz-server-side-encryption-context"),
            s3_post_field(st->fields, st->n_fields,
                          "x-amz-server-side-encryption-bucket-key-enabled")};
        e = s3_sse_for_fields(r, &f, &st->want);
        opts.sse = st->want.mode;
        opts.customer_key = st->want.key;
        opts.sse_record = st->want.kms_record;
    }
    if (e)
        return e;
    if (obj_writer_open(r->srv->blobs, &opts, &st->writer))
        return S3E_INTERNAL_ERROR;
    st->md5 = hash_stream_new_md5();
    return S3_OK;
}

static int s3_post_on_file_begin(void *ctx, const char *filename, const char *type)
{
    struct s3_req *r = ctx;
    struct s3_post_state *st = r->op_state;
    snprintf(st->filename, sizeof(st->filename), "%s", filename);
    snprintf(st->file_type, sizeof(st->file_type), "%s", type);
    st->error = s3_post_start_file(r, filename);
    return st->error ? -1 : 0;
}

static int s3_post_on_file_data(void *ctx, const char *data, size_t n)
{
    struct s3_req *r = ctx;
    struct s3_post_state *st = r->op_state;
    st->size += n;
    if (st->size > S3_MAX_OBJECT_SIZE || (st->has_range && st->size > st->max)) {
        st->error = S3E_ENTITY_TOO_LARGE;
        return -1;
    }
    hash_stream_update(st->md5, data, n);
    if (obj_writer_write(st->writer, data, n)) {
        st->error = S3E_INTERNAL_ERROR;
        return -1;
    }
    return 0;
}

static int s3_post_on_file_end(void *ctx)
{
    (void)ctx;
    return 0;
}

static const struct post_form_callbacks s3_post_callbacks = {
    s3_post_on_field, s3_post_on_file_begin, s3_post_on_file_data, s3_post_on_file_end};

static enum s3_error s3_post_form_error(struct s3_req *r, enum post_form_result res)
{
    struct s3_post_state *st = r->op_state;
    switch (res) {
    case POST_FORM_OK:
        return S3_OK;
    case POST_FORM_STOPPED:
        return st->error;
    case POST_FORM_TOO_LARGE:
        return S3E_MAX_POST_PRE_DATA_LENGTH_EXCEEDED;
    case POST_FORM_MALFORMED:
        break;
    }
    return S3E_MALFORMED_POST_REQUEST;
}

static int s3_post_data(struct s3_req *r, const char *data, size_t n)
{
    struct s3_post_state *st = r->op_state;
    return (int)s3_post_form_error(r, post_form_feed(st->form, data, n));
}

enum s3_error s3_op_post_object_begin(struct s3_req *r)
{
    char boundary[POST_FORM_BOUNDARY_MAX + 1];
    if (post_form_boundary(s3_req_header(r, "Content-Type"), boundary))
        return S3E_MALFORMED_POST_REQUEST;
    int rc = meta_bucket_get(r->srv->meta, r->bucket, &r->bucket_info);
    if (rc == ERR_NOTFOUND) {
        memset(&r->bucket_info, 0, sizeof(r->bucket_info));
        s3_req_error_elem(r, "BucketName", r->bucket);
        return S3E_NO_SUCH_BUCKET;
    }
    if (rc) {
        memset(&r->bucket_info, 0, sizeof(r->bucket_info));
        return s3_error_from_rc(rc);
    }
    struct s3_post_state *st = xcalloc(1, sizeof(*st));
    st->form = post_form_new(boundary, &s3_post_callbacks, r);
    r->op_state = st;
    r->op_free = s3_post_free;
    r->op_data = s3_post_data;
    return S3_OK;
}

/* The object's stored headers: Content-Type and the other content headers, x-amz-meta-*. */
static enum s3_error s3_post_headers(struct s3_req *r, char **out)
{
    static const char *const stored[] = {"Content-Type",        "Content-Encoding",
                                         "Content-Disposition", "Content-Language",
                                         "Cache-Control",       "Expires"};
    struct s3_post_state *st = r->op_state;
    json_t *arr = json_array();
    size_t meta_size = 0;
    for (size_t i = 0; i < sizeof(stored) / sizeof(stored[0]); i++) {
        const char *v = s3_post_field(st->fields, st->n_fields, stored[i]);
        if (v)
            json_array_append_new(arr, json_pack("[ss]", stored[i], v));
    }
    for (size_t i = 0; i < st->n_fields; i++) {
        if (strncasecmp(st->fields[i].name, "x-amz-meta-", 11) != 0)
            continue;
        char *lower = xstrdup(st->fields[i].name);
        for (char *p = lower; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        meta_size += strlen(lower) - 11 + strlen(st->fields[i].value);
        json_array_append_new(arr, json_pack("[ss]", lower, st->fields[i].value));
        free(lower);
    }
    *out = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (meta_size > S3_POST_USER_METADATA_MAX) {
        free(*out);
        *out = NULL;
        return S3E_METADATA_TOO_LARGE;
    }
    return *out ? S3_OK : S3E_INTERNAL_ERROR;
}

static enum s3_error s3_post_commit(struct s3_req *r, struct meta_object *o)
{
    struct s3_post_state *st = r->op_state;
    char *headers = NULL;
    enum s3_error e = s3_post_headers(r, &headers);
    if (e)
        return e;
    uint8_t md5[MD5_LEN];
    hash_stream_finish(st->md5, md5); /* frees it */
    st->md5 = NULL;
    struct obj_written w;
    int rc = obj_writer_finish(st->writer, &w);
    st->writer = NULL;
    if (rc) {
        free(headers);
        return S3E_INTERNAL_ERROR;
    }
    memset(o, 0, sizeof(*o));
    o->key = r->key;
    s3_object_version_for_write(r, o->version_id);
    o->is_latest = 1;
    o->size = (int64_t)w.size;
    o->last_modified_ms = clock_now_ms();
    obj_etag_format(md5, o->etag, sizeof(o->etag));
    if (st->want.mode == OBJ_SSE_KMS)
        s3_sse_kms_etag(st->want.key, o->etag, sizeof(o->etag));
    snprintf(o->storage_class, sizeof(o->storage_class), "STANDARD");
    memcpy(o->owner_id, st->grant.owner_id, sizeof(o->owner_id));
    o->acl = st->grant.acl;
    o->tags = st->tags;
    s3_lock_fields_set(&st->lock, o->lock_mode, &o->lock_until_ms, &o->legal_hold);
    snprintf(o->blob_id, sizeof(o->blob_id), "%s", w.blob_id);
    o->checksum_value = "";
    o->headers = headers;
    st->sse = w.sse;
    o->sse = st->sse;
    e = s3_object_commit(r, o, NULL, NULL, NULL);
    o->headers = NULL;
    free(headers);
    return e;
}

static char *s3_post_location(struct s3_req *r)
{
    const char *host = s3_req_header(r, "Host");
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    if (buf_printf(&b, "http://%s/%s/", host ? host : "localhost", r->bucket) ||
        uri_encode(&b, r->key, strlen(r->key), 1)) {
        buf_dispose(&b);
        return xstrdup("");
    }
    return buf_detach(&b);
}

/* success_action_redirect: 303 to it with bucket, key and etag added to its query. */
static int s3_post_redirect(struct s3_req *r, const char *to, const char *etag)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    int rc = buf_puts(&b, to) || buf_puts(&b, strchr(to, '?') ? "&bucket=" : "?bucket=") ||
             uri_encode(&b, r->bucket, strlen(r->bucket), 0) || buf_puts(&b, "&key=") ||
             uri_encode(&b, r->key, strlen(r->key), 0) || buf_puts(&b, "&etag=") ||
             uri_encode(&b, etag, strlen(etag), 0);
    if (rc) {
        buf_dispose(&b);
        return -1;
    }
    struct http_response *resp = s3_response_new(r, 303, NULL, 0);
    http_response_header(resp, "Location", b.data);
    http_response_header(resp, "ETag", etag);
    buf_dispose(&b);
    http_req_respond(r->http, resp);
    return 0;
}

static void s3_post_respond(struct s3_req *r, const struct meta_object *o)
{
    struct s3_post_state *st = r->op_state;
    const char *redirect = s3_post_field(st->fields, st->n_fields, "success_action_redirect");
    if (!redirect)
        redirect = s3_post_field(st->fields, st->n_fields, "redirect");
    if (redirect && *redirect && s3_post_redirect(r, redirect, o->etag) == 0)
        return;
    const char *status = s3_post_field(st->fields, st->n_fields, "success_action_status");
    int code = status && (strcmp(status, "200") == 0 || strcmp(status, "201") == 0)
                   ? (status[2] == '0' ? 200 : 201)
                   : 204;
    char *location = s3_post_location(r);
    struct http_response *resp;
    if (code == 201) {
        struct buf x;
        buf_init(&x, BUF_UNLIMITED);
        int rc = buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse>") ||
                 xmlw_elem(&x, "Location", location) || xmlw_elem(&x, "Bucket", r->bucket) ||
                 xmlw_elem(&x, "Key", r->key) || xmlw_elem(&x, "ETag", o->etag) ||
                 buf_puts(&x, "</PostResponse>");
        size_t len = rc ? 0 : x.len;
        char *body = rc ? NULL : buf_detach(&x);
        buf_dispose(&x);
        resp = s3_response_new(r, 201, body, len);
        http_response_header(resp, "Content-Type", "application/xml");
    } else {
        resp = s3_response_new(r, code, NULL, 0);
    }
    http_response_header(resp, "ETag", o->etag);
    http_response_header(resp, "Location", location);
    s3_object_version_header(resp, o->version_id);
    s3_sse_response_header(resp, o->sse);
    s3_sse_customer_headers(resp, &st->want);
    free(location);
    http_req_respond(r->http, resp);
}

enum s3_error s3_op_post_object_finish(struct s3_req *r)
{
    struct s3_post_state *st = r->op_state;
    enum s3_error e = s3_post_form_error(r, post_form_finish(st->form));
    if (e == S3E_MALFORMED_POST_REQUEST && post_form_closed(st->form)) {
        s3_req_set_message(r, "POST requires exactly one file upload per request.");
        s3_req_error_elem(r, "ArgumentName", "file");
        s3_req_error_elem(r, "ArgumentValue", "0");
        return S3E_INVALID_ARGUMENT;
    }
    if (e)
        return e;
    if (st->has_range && st->size < st->min)
        return S3E_ENTITY_TOO_SMALL;
    struct meta_object o;
    e = s3_post_commit(r, &o);
    if (e)
        return e;
    s3_post_respond(r, &o);
    return S3_OK;
}
