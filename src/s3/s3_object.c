/* s3_object.c — helpers shared by the object-writing operations (see s3_object.h). */
#include "s3/s3_object.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "core/uri.h"
#include "core/utf8.h"
#include "object/obj_lock.h"
#include "s3/s3_lock.h"
#include "s3/s3_names.h"
#include "s3/s3_tiering.h"

#define S3_USER_METADATA_MAX 2048

/* Headers stored with an object and returned on GET/HEAD. */
static const char *const s3_stored_headers[] = {"Content-Type",
                                                "Content-Encoding",
                                                "Content-Disposition",
                                                "Content-Language",
                                                "Cache-Control",
                                                "Expires",
                                                "x-amz-website-redirect-location"};

/* Content-Encoding without the transport-only "aws-chunked" token; NULL when nothing is left. */
static char *s3_content_encoding(const char *v)
{
    char *out = xcalloc(1, strlen(v) + 1);
    const char *tok;
    size_t len;
    while (str_list_next(&v, &tok, &len)) {
        if (len == 11 && strncasecmp(tok, "aws-chunked", 11) == 0)
            continue;
        size_t at = strlen(out);
        if (at)
            out[at++] = ',';
        memcpy(out + at, tok, len);
    }
    if (!out[0]) {
        free(out);
        return NULL;
    }
    return out;
}

static void s3_headers_add(json_t *arr, const char *name, const char *value)
{
    json_array_append_new(arr, json_pack("[ss]", name, value));
}

/* The JSON list of headers kept with the object; MetadataTooLarge past 2 KiB of user data. */
enum s3_error s3_object_collect_headers(struct s3_req *r, char **out)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof(s3_stored_headers) / sizeof(s3_stored_headers[0]); i++) {
        const char *v = s3_req_header(r, s3_stored_headers[i]);
        if (!v)
            continue;
        if (i == 1) {
            char *enc = s3_content_encoding(v);
            if (enc)
                s3_headers_add(arr, s3_stored_headers[i], enc);
            free(enc);
            continue;
        }
        s3_headers_add(arr, s3_stored_headers[i], v);
    }
    const struct kv_pair *h;
    size_t n = http_req_headers(r->http, &h), meta_size = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncasecmp(h[i].name, "x-amz-meta-", 11) != 0)
            continue;
        char *lower = xstrdup(h[i].name);
        for (char *p = lower; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        meta_size += strlen(lower) - 11 + strlen(h[i].value);
        s3_headers_add(arr, lower, h[i].value);
        free(lower);
    }
    *out = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (meta_size > S3_USER_METADATA_MAX) {
        free(*out);
        *out = NULL;
        return S3E_METADATA_TOO_LARGE;
    }
    return *out ? S3_OK : S3E_INTERNAL_ERROR;
}

void s3_object_version_for_write(const struct s3_req *r, char *out)
{
    if (r->bucket_info.versioning != META_VERSIONING_ENABLED) {
        snprintf(out, S3_VERSION_ID_LEN + 1, "null");
        return;
    }
    hash_version_id(out);
}

enum s3_error s3_object_commit(struct s3_req *r, struct meta_object *o, const char *upload_id,
                               const char *if_match, const char *if_none_match)
{
    s3_tiering_new_version(o);
    struct obj_commit c = {r->bucket, r->bucket_info.id, o, upload_id, if_match, if_none_match};
    enum obj_failure why;
    int rc = obj_commit(r->srv->meta, r->srv->blobs, &c, &why);
    if (rc == 0)
        return S3_OK;
    switch (why) {
    case OBJ_FAIL_NO_SUCH_BUCKET:
        s3_req_error_elem(r, "BucketName", r->bucket);
        return S3E_NO_SUCH_BUCKET;
    case OBJ_FAIL_NO_SUCH_UPLOAD:
        s3_req_error_elem(r, "UploadId", upload_id ? upload_id : "");
        return S3E_NO_SUCH_UPLOAD;
    case OBJ_FAIL_IF_MATCH:
    case OBJ_FAIL_IF_NONE_MATCH:
        s3_req_set_message(r, "At least one of the pre-conditions you specified did not hold");
        s3_req_error_elem(r, "Condition", why == OBJ_FAIL_IF_MATCH ? "If-Match" : "If-None-Match");
        return S3E_PRECONDITION_FAILED;
    case OBJ_FAIL_NO_SUCH_KEY:
        s3_req_error_elem(r, "Key", o->key);
        return S3E_NO_SUCH_KEY;
    default:
        return s3_error_from_rc(rc); /* a busy store is SlowDown */
    }
}

void s3_object_version_header(struct http_response *resp, const char *version_id)
{
    if (strcmp(version_id, "null") != 0)
        http_response_header(resp, "x-amz-version-id", version_id);
}

void s3_object_read_version_header(const struct s3_req *r, struct http_response *resp,
                                   const char *version_id)
{
    if (r->bucket_info.versioning != META_UNVERSIONED || strcmp(version_id, "null") != 0)
        http_response_header(resp, "x-amz-version-id", version_id);
}

/* Without a version id in a versioned (or suspended) bucket: a new delete marker. */
static enum s3_error s3_object_add_delete_marker(struct s3_req *r, const char *key,
                                                 struct s3_delete_result *out)
{
    struct meta_object dm;
    obj_delete_marker_init(&dm, key, r->bucket_info.versioning, r->account.id, clock_now_ms());
    enum s3_error e = s3_object_commit(r, &dm, NULL, NULL, NULL);
    if (!e) {
        snprintf(out->version_id, sizeof(out->version_id), "%s", dm.version_id);
        out->delete_marker = 1;
    }
    return e;
}

struct s3_delete_guard {
    int bypass;
    int64_t now_ms;
};

/* meta guard: Object Lock protects the stored version (ERR_DENIED). */
static int s3_object_delete_guard(void *arg, const struct meta_object *cur)
{
    const struct s3_delete_guard *g = arg;
    return obj_lock_blocks_delete(cur, g->bypass, g->now_ms) == OBJ_LOCK_FREE ? 0 : ERR_DENIED;
}

enum s3_error s3_object_delete_key(struct s3_req *r, const char *key, const char *version,
                                   struct s3_delete_result *out)
{
    memset(out, 0, sizeof(*out));
    if (!version && r->bucket_info.versioning != META_UNVERSIONED)
        return s3_object_add_delete_marker(r, key, out);
    struct meta_object gone;
    struct s3_delete_guard g = {s3_lock_bypass_allowed(r, key), clock_now_ms()};
    int rc = meta_object_delete_version_if(r->srv->meta, r->bucket, key, version ? version : "null",
                                           NULL, s3_object_delete_guard, &g, &gone);
    if (rc == ERR_DENIED) {
        s3_req_set_message(r, "Access Denied because object protected by object lock.");
        return S3E_ACCESS_DENIED;
    }
    if (rc == ERR_NOTFOUND) { /* deleting what is not there succeeds */
        if (version)
            snprintf(out->version_id, sizeof(out->version_id), "%s", version);
        return S3_OK;
    }
    if (rc)
        return s3_error_from_rc(rc);
    if (version)
        snprintf(out->version_id, sizeof(out->version_id), "%s", version);
    out->delete_marker = gone.is_delete_marker; /* its blob is dead now, for the collector */
    meta_object_dispose(&gone);
    return S3_OK;
}

/* The bucket of an object to read; a copy source (ops selected by x-amz-copy-source) is
 * authorized apart from the destination: s3:GetObject(Version) on the source object. */
static enum s3_error s3_object_check_bucket(struct s3_req *r, const char *bucket, const char *key,
                                            const char *version)
{
    const char *action = version ? "s3:GetObjectVersion" : "s3:GetObject";
    if (strcmp(bucket, r->bucket) == 0) { /* already checked when loaded for the operation */
        enum s3_error e = r->bucket_info.name[0] ? S3_OK : s3_req_load_bucket(r);
        return e || !r->op->header_selector
                   ? e
                   : s3_req_authorize_version(r, action, &r->bucket_info, key, version);
    }
    struct meta_bucket b;
    int rc = meta_bucket_get(r->srv->meta, bucket, &b);
    if (rc == ERR_NOTFOUND) {
        s3_req_error_elem(r, "BucketName", bucket);
        return S3E_NO_SUCH_BUCKET;
    }
    if (rc)
        return s3_error_from_rc(rc);
    const char *expected = s3_req_header(r, "x-amz-source-expected-bucket-owner");
    if (expected && strcmp(expected, b.owner_id) != 0)
        return S3E_ACCESS_DENIED;
    return s3_req_authorize_version(r, action, &b, key, version);
}

enum s3_error s3_object_load(struct s3_req *r, const char *bucket, const char *key,
                             const char *version, struct meta_object *o)
{
    enum s3_error e = s3_object_check_bucket(r, bucket, key, version);
    return e ? e : s3_object_find(r, bucket, key, version, o);
}

enum s3_error s3_object_find(struct s3_req *r, const char *bucket, const char *key,
                             const char *version, struct meta_object *o)
{
    int rc = meta_object_get(r->srv->meta, bucket, key, version, o);
    if (rc == ERR_NOTFOUND) {
        s3_req_error_elem(r, "Key", key);
        if (!version)
            return s3_req_missing_key(r, bucket);
        s3_req_error_elem(r, "VersionId", version);
        return S3E_NO_SUCH_VERSION;
    }
    if (rc)
        return s3_error_from_rc(rc);
    if (!o->is_delete_marker && r->authz_missing_only) {
        meta_object_dispose(o);
        return S3E_ACCESS_DENIED;
    }
    if (!o->is_delete_marker)
        return S3_OK;
    s3_req_error_header(r, "x-amz-delete-marker", "true");
    s3_req_error_header(r, "x-amz-version-id", o->version_id);
    if (version) {
        /* AWS: a version that is a delete marker answers 405 with its Last-Modified */
        char lm[40];
        clock_format_http(lm, sizeof(lm), o->last_modified_ms);
        s3_req_error_header(r, "Last-Modified", lm);
    }
    meta_object_dispose(o);
    if (version) {
        s3_req_error_header(r, "Allow", "DELETE");
        s3_req_set_message(r, "The specified method is not allowed against this resource.");
        s3_req_error_elem(r, "Method", http_req_method(r->http));
        s3_req_error_elem(r, "ResourceType", "DeleteMarker");
        return S3E_METHOD_NOT_ALLOWED;
    }
    s3_req_error_elem(r, "Key", key);
    return s3_req_missing_key(r, bucket);
}

enum s3_error s3_object_parse_copy_range(struct s3_req *r, const char *h, uint64_t size,
                                         uint64_t *start, uint64_t *len)
{
    uint64_t a = 0, b = 0;
    const char *spec = strncmp(h, "bytes=", 6) == 0 ? h + 6 : NULL;
    const char *dash = spec ? strchr(spec, '-') : NULL;
    /* digits only on both sides (no sign, no space), as AWS's first-last */
    if (!dash || dash == spec || !dash[1] ||
        str_parse_u64n(spec, (size_t)(dash - spec), 10, UINT64_MAX, &a) ||
        str_parse_u64(dash + 1, 10, UINT64_MAX, &b) || b < a) {
        s3_req_set_message(r, "The x-amz-copy-source-range value must be of the form "
                              "bytes=first-last where first and last are the zero-based offsets "
                              "of the first and last bytes to copy");
        return S3E_INVALID_ARGUMENT;
    }
    if (b >= size) {
        s3_req_set_message(r, "Range specified is not valid for source object of size: %llu",
                           (unsigned long long)size);
        return S3E_INVALID_RANGE;
    }
    *start = a;
    *len = b - a + 1;
    return S3_OK;
}

enum s3_error s3_object_check_write_headers(struct s3_req *r)
{
    const char *sc = s3_req_header(r, "x-amz-storage-class");
    if (sc && !s3_storage_class_valid(sc))
        return S3E_INVALID_STORAGE_CLASS;
    return S3_OK;
}

enum s3_error s3_copy_source_parse(struct s3_req *r, char **bucket, char **key, char **version)
{
    const char *raw = s3_req_header(r, "x-amz-copy-source");
    *bucket = *key = *version = NULL;
    if (!raw)
        return S3E_INVALID_ARGUMENT;
    const char *q = strstr(raw, "?versionId=");
    size_t len = q ? (size_t)(q - raw) : strlen(raw);
    char *path = NULL;
    size_t path_len = 0;
    if (uri_decode(&path, &path_len, raw, len, 0))
        goto bad;
    if (path_len != strlen(path) || !utf8_valid(path, path_len)) {
        free(path); /* NUL or invalid UTF-8 in the source key */
        goto bad;
    }
    const char *p = path[0] == '/' ? path + 1 : path;
    const char *slash = strchr(p, '/');
    if (!slash || slash == p || !slash[1]) {
        free(path);
        goto bad;
    }
    *bucket = xstrndup(p, (size_t)(slash - p));
    *key = xstrdup(slash + 1);
    free(path);
    if (q && uri_decode(version, NULL, q + 11, strlen(q + 11), 0)) {
        free(*bucket);
        free(*key);
        *bucket = *key = NULL;
        goto bad;
    }
    /* the source's read is logged in its bucket's access log (s3_log_hook.c) */
    free(r->log_copy_bucket);
    free(r->log_copy_key);
    free(r->log_copy_version);
    r->log_copy_bucket = xstrdup(*bucket);
    r->log_copy_key = xstrdup(*key);
    r->log_copy_version = *version ? xstrdup(*version) : NULL;
    return S3_OK;
bad:
    s3_req_set_message(r, "Invalid copy source object key");
    return S3E_INVALID_ARGUMENT;
}

enum s3_error s3_copy_source_conditions(struct s3_req *r, const struct meta_object *src)
{
    const char *im = s3_req_header(r, "x-amz-copy-source-if-match");
    const char *inm = s3_req_header(r, "x-amz-copy-source-if-none-match");
    const char *ims = s3_req_header(r, "x-amz-copy-source-if-modified-since");
    const char *ius = s3_req_header(r, "x-amz-copy-source-if-unmodified-since");
    int64_t t, lm = src->last_modified_ms / 1000;
    int ok = 1;
    if (im)
        ok = s3_etag_matches(im, src->etag);
    if (ok && !im && ius && clock_parse_http(ius, &t) == 0)
        ok = lm <= t;
    if (ok && inm)
        ok = !s3_etag_matches(inm, src->etag);
    if (ok && !inm && ims && clock_parse_http(ims, &t) == 0)
        ok = lm > t;
    return ok ? S3_OK : S3E_PRECONDITION_FAILED;
}
