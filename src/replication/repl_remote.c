/* repl_remote.c — one replication task applied to a bucket on a remote S3 endpoint registered
 * with `admin remote add` (repl.h): HTTP(S) with libcurl, signed with SigV4
 * (core/http_sigv4.h: CURLOPT_AWS_SIGV4, unsigned payload). A version is PUT with its
 * content type and stored headers (x-amz-meta-*, Cache-Control, …), its tags (x-amz-tagging),
 * full-object checksum, Object Lock settings, storage class and SSE-S3 (as AES256 on the
 * remote), and the user metadata entry x-amz-meta-stocktake-replica-of: <source version id>.
 * Before every PUT the remote's current version of the key is HEADed: when it carries that
 * marker the version is already there (an earlier attempt whose answer was lost, or a kill -9
 * before the task was finished) and nothing is sent again, so a retried task never makes a
 * second remote version. A delete marker is a DELETE of the key (done when the key's current
 * version already is a delete marker); tags changes are PutObjectTagging of the remote version
 * that carries the marker. The remote assigns its own version ids. A multipart version is sent
 * as a multipart upload with the same parts (repl_remote_mpu.c), so its ETag and composite
 * checksum are the source's on the remote too. */
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/http_sigv4.h"
#include "core/uri.h"
#include "crypto/keys.h"
#include "object/object.h"
#include "replication/repl.h"
#include "replication/repl_remote.h"

#define REPL_REMOTE_TIMEOUT_MS 60000

int repl_rwhy(char *why, size_t size, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return rc;
}

static void repl_header_value(const char *line, size_t n, const char *name, char *out, size_t size)
{
    size_t k = strlen(name);
    if (n <= k + 1 || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return;
    const char *v = line + k + 1;
    size_t m = n - k - 1;
    while (m && (*v == ' ' || *v == '\t'))
        v++, m--;
    while (m && (v[m - 1] == '\r' || v[m - 1] == '\n' || v[m - 1] == ' '))
        m--;
    if (m >= size)
        m = size - 1;
    memcpy(out, v, m);
    out[m] = '\0';
}

static size_t repl_on_header(char *p, size_t size, size_t n, void *ctx)
{
    struct repl_answer *a = ctx;
    size_t len = size * n;
    char dm[8] = "";
    repl_header_value(p, len, "x-amz-version-id", a->version_id, sizeof(a->version_id));
    repl_header_value(p, len, REPL_MARKER_HEADER, a->replica_of, sizeof(a->replica_of));
    repl_header_value(p, len, "etag", a->etag, sizeof(a->etag));
    repl_header_value(p, len, "x-amz-delete-marker", dm, sizeof(dm));
    if (dm[0])
        a->delete_marker = strcmp(dm, "true") == 0;
    return len;
}

/* the start of the answer's body (an error document's Code) */
static size_t repl_on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct repl_answer *a = ctx;
    size_t len = size * n, room = sizeof(a->body) - 1 - a->body_len;
    size_t k = len < room ? len : room;
    memcpy(a->body + a->body_len, p, k);
    a->body_len += k;
    a->body[a->body_len] = '\0';
    return len;
}

void repl_xml_text(const char *body, const char *open, const char *close, char *out, size_t size)
{
    const char *c = strstr(body, open);
    const char *e = c ? strstr(c, close) : NULL;
    size_t k = strlen(open);
    if (c && e && (size_t)(e - c - k) < size) {
        memcpy(out, c + k, (size_t)(e - c - k));
        out[e - c - k] = '\0';
    }
}

static void repl_answer_code(struct repl_answer *a)
{
    repl_xml_text(a->body, "<Code>", "</Code>", a->code, sizeof(a->code));
    repl_xml_text(a->body, "<Message>", "</Message>", a->message, sizeof(a->message));
}

static size_t repl_on_read(char *p, size_t size, size_t n, void *ctx)
{
    size_t got = 0;
    if (obj_reader_read(ctx, p, size * n, &got))
        return CURL_READFUNC_ABORT;
    return got;
}

int repl_remote_call(const struct meta_remote *rem, const char *method, const char *bucket,
                     const char *key, const char *query, struct curl_slist *h,
                     const struct repl_body *body, struct repl_answer *a, char *why, size_t size)
{
    memset(a, 0, sizeof(*a));
    struct buf url;
    buf_init(&url, 16384);
    int rc = buf_printf(&url, "%s/%s/", rem->endpoint, bucket);
    if (!rc)
        rc = uri_encode(&url, key, strlen(key), 1);
    if (!rc && query)
        rc = buf_printf(&url, "?%s", query);
    CURL *c = rc ? NULL : curl_easy_init();
    if (!c) {
        buf_dispose(&url);
        return repl_rwhy(why, size, ERR_NOMEM, "remote %s: cannot build the request", rem->name);
    }
    struct http_sigv4 sig;
    http_sigv4_setup(c, &sig, rem->region, rem->access_key, rem->secret_key, &h);
    http_sigv4_request(c, url.data, h, (long)REPL_REMOTE_TIMEOUT_MS, 5000L,
                       "Stocktake-Replication/1.0");
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, repl_on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, repl_on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (body && body->rd) {
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, repl_on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, body->rd);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)body->size);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (body && body->data) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body->size);
        }
    }
    CURLcode cc = http_sigv4_perform(c, &sig, &a->status);
    repl_answer_code(a);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    buf_dispose(&url);
    if (cc != CURLE_OK)
        return repl_rwhy(why, size, ERR_BACKEND,
                         "DstServiceUnavailable: remote %s (%s): %s %s/%s: %s", rem->name,
                         rem->endpoint, method, bucket, key, curl_easy_strerror(cc));
    return 0;
}

int repl_status_fail(const struct meta_remote *rem, const char *what, const struct repl_answer *a,
                     char *why, size_t size)
{
    const char *reason = a->status == 404   ? "DstBucketNotFound"
                         : a->status == 403 ? "DstPutObjectNotPermitted"
                                            : "DstServiceUnavailable";
    return repl_rwhy(why, size, a->status == 403 ? ERR_DENIED : ERR_BACKEND,
                     "%s: remote %s answered HTTP %ld %s (%s) to %s", reason, rem->name, a->status,
                     a->code, a->message, what);
}

struct curl_slist *repl_hdr(struct curl_slist *h, const char *name, const char *value)
{
    char line[4096];
    if (strpbrk(value, "\r\n"))
        return h;
    snprintf(line, sizeof(line), "%s: %s", name, value);
    return curl_slist_append(h, line);
}

int repl_remote_open(struct blob_store *bs, const struct repl_remote_src *s, uint64_t start,
                     uint64_t len, struct obj_reader **out)
{
    return obj_reader_open_key(bs, s->o, s->data_key, start, len, out);
}

struct curl_slist *repl_put_headers(const struct repl_remote_src *s)
{
    const struct meta_object *o = s->o;
    const char *storage_class = s->storage_class;
    struct curl_slist *h = NULL;
    json_t *hs = o->headers ? json_loads(o->headers, 0, NULL) : NULL;
    size_t i;
    json_t *pair;
    json_array_foreach(hs, i, pair)
    {
        const char *n = json_string_value(json_array_get(pair, 0));
        const char *v = json_string_value(json_array_get(pair, 1));
        if (!n || !v || strcasecmp(n, REPL_MARKER_HEADER) == 0)
            continue;
        /* the object's own headers and user metadata; not the request's x-amz-* */
        if (strncasecmp(n, "x-amz-", 6) == 0 && strncasecmp(n, "x-amz-meta-", 11) != 0 &&
            strcasecmp(n, "x-amz-website-redirect-location") != 0)
            continue;
        h = repl_hdr(h, n, v);
    }
    json_decref(hs);
    h = repl_hdr(h, REPL_MARKER_HEADER, o->version_id);
    if (o->tags && o->tags[0])
        h = repl_hdr(h, "x-amz-tagging", o->tags);
    if (!o->multipart && o->checksum_algorithm[0] && o->checksum_value &&
        !strchr(o->checksum_value, '-')) {
        char name[48];
        snprintf(name, sizeof(name), "x-amz-checksum-%s", o->checksum_algorithm);
        for (char *p = name; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        h = repl_hdr(h, name, o->checksum_value);
    }
    if (o->lock_mode[0]) {
        char when[40];
        clock_format_iso8601(when, sizeof(when), o->lock_until_ms);
        h = repl_hdr(h, "x-amz-object-lock-mode", o->lock_mode);
        h = repl_hdr(h, "x-amz-object-lock-retain-until-date", when);
    }
    if (o->legal_hold == META_LEGAL_HOLD_ON)
        h = repl_hdr(h, "x-amz-object-lock-legal-hold", "ON");
    const char *sc = storage_class && storage_class[0] ? storage_class : o->storage_class;
    if (sc[0] && strcmp(sc, "STANDARD") != 0)
        h = repl_hdr(h, "x-amz-storage-class", sc);
    enum obj_sse_mode mode = obj_sse_mode_of(o->sse);
    if (mode == OBJ_SSE_S3)
        h = repl_hdr(h, "x-amz-server-side-encryption", "AES256");
    if (mode == OBJ_SSE_KMS && s->kms_key[0]) { /* under the remote's ReplicaKmsKeyID */
        char m[16];
        keys_record_mode(o->sse, m, sizeof(m));
        h = repl_hdr(h, "x-amz-server-side-encryption",
                     strcmp(m, KEYS_MODE_DSSE) == 0 ? KEYS_MODE_DSSE : KEYS_MODE_KMS);
        h = repl_hdr(h, "x-amz-server-side-encryption-aws-kms-key-id", s->kms_key);
    }
    return h;
}

static int repl_remote_put(struct blob_store *bs, const struct meta_remote *rem,
                           const struct meta_repl_task *t, const struct repl_remote_src *s,
                           char *why, size_t size)
{
    const struct meta_object *o = s->o;
    struct repl_answer a;
    int rc = repl_remote_call(rem, "HEAD", t->dest_bucket, t->key, NULL, NULL, NULL, &a, why, size);
    if (rc)
        return rc;
    if (a.status == 200 && strcmp(a.replica_of, o->version_id) == 0)
        return 0; /* an earlier attempt stored it */
    if (o->multipart && o->parts)
        return repl_remote_put_multipart(bs, rem, t, s, why, size);
    struct obj_reader *rd = NULL;
    rc = repl_remote_open(bs, s, 0, (uint64_t)o->size, &rd);
    if (rc)
        return repl_rwhy(why, size, rc, "reading %s/%s (%s): %s", t->bucket, t->key, o->version_id,
                         err_msg());
    struct repl_body body = {rd, NULL, (uint64_t)o->size};
    rc = repl_remote_call(rem, "PUT", t->dest_bucket, t->key, NULL, repl_put_headers(s), &body, &a,
                          why, size);
    obj_reader_close(rd);
    if (!rc && a.status != 200)
        rc = repl_status_fail(rem, "PutObject", &a, why, size);
    return rc;
}

static int repl_remote_marker(const struct meta_remote *rem, const struct meta_repl_task *t,
                              char *why, size_t size)
{
    struct repl_answer a;
    int rc = repl_remote_call(rem, "HEAD", t->dest_bucket, t->key, NULL, NULL, NULL, &a, why, size);
    if (rc)
        return rc;
    if (a.delete_marker)
        return 0; /* the key's current version already is a delete marker */
    rc = repl_remote_call(rem, "DELETE", t->dest_bucket, t->key, NULL, NULL, NULL, &a, why, size);
    if (!rc && a.status != 204 && a.status != 200)
        rc = repl_status_fail(rem, "DeleteObject", &a, why, size);
    return rc;
}

/* The Tagging document of an x-amz-tagging form "k1=v1&k2=v2". */
static int repl_tagging_doc(const char *tags, struct buf *out)
{
    int rc = buf_puts(out, "<Tagging><TagSet>");
    const char *p = tags ? tags : "";
    while (!rc && *p) {
        const char *end = strchr(p, '&');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t kn = eq ? (size_t)(eq - p) : n;
        char *k = NULL, *v = NULL;
        rc = uri_decode(&k, NULL, p, kn, 1);
        if (!rc)
            rc = uri_decode(&v, NULL, eq ? eq + 1 : "", eq ? n - kn - 1 : 0, 1);
        if (!rc) {
            rc = buf_puts(out, "<Tag><Key>");
            for (int f = 0; f < 2 && !rc; f++) {
                for (const char *c = f ? v : k; *c && !rc; c++)
                    rc = *c == '<'   ? buf_puts(out, "&lt;")
                         : *c == '>' ? buf_puts(out, "&gt;")
                         : *c == '&' ? buf_puts(out, "&amp;")
                                     : buf_append(out, c, 1);
                if (!rc)
                    rc = buf_puts(out, f ? "</Value></Tag>" : "</Key><Value>");
            }
        }
        free(k);
        free(v);
        p += n + (end ? 1 : 0);
    }
    return rc ? rc : buf_puts(out, "</TagSet></Tagging>");
}

static int repl_remote_tags(const struct meta_remote *rem, const struct meta_repl_task *t,
                            const struct meta_object *o, char *why, size_t size)
{
    struct repl_answer a;
    int rc = repl_remote_call(rem, "HEAD", t->dest_bucket, t->key, NULL, NULL, NULL, &a, why, size);
    if (rc)
        return rc;
    if (a.status != 200 || strcmp(a.replica_of, o->version_id) != 0)
        return repl_rwhy(why, size, ERR_NOTFOUND,
                         "remote %s: the current version of %s/%s is not the replica of %s",
                         rem->name, t->dest_bucket, t->key, o->version_id);
    char query[200];
    snprintf(query, sizeof(query), "tagging=&versionId=%s", a.version_id);
    struct buf doc;
    buf_init(&doc, 65536);
    rc = repl_tagging_doc(o->tags, &doc);
    if (rc) {
        buf_dispose(&doc);
        return repl_rwhy(why, size, rc, "the tags of %s: %s", o->version_id, err_msg());
    }
    struct repl_body body = {NULL, doc.data, doc.len};
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/xml");
    rc = repl_remote_call(rem, "PUT", t->dest_bucket, t->key, query, h, &body, &a, why, size);
    buf_dispose(&doc);
    if (!rc && a.status != 200)
        rc = repl_status_fail(rem, "PutObjectTagging", &a, why, size);
    return rc;
}

/* The plain data key of an SSE-KMS source (0 and nothing for other modes). */
static int repl_remote_data_key(struct meta_store *meta, const struct meta_repl_task *t,
                                const struct meta_object *src, const char *kms_key, uint8_t dk[32],
                                int *have, char *why, size_t size)
{
    *have = 0;
    if (t->op != META_REPL_OBJECT || obj_sse_mode_of(src->sse) != OBJ_SSE_KMS)
        return 0;
    if (!kms_key[0]) /* the rule changed since: AWS requires the key then */
        return repl_rwhy(why, size, ERR_INVALID,
                         "DstKmsKeyNotFound: the rule has no ReplicaKmsKeyID for an SSE-KMS "
                         "version");
    struct meta_bucket sb;
    int rc = meta_bucket_get(meta, t->bucket, &sb);
    if (rc)
        return repl_rwhy(why, size, rc, "source bucket %s: %s", t->bucket, err_msg());
    rc = repl_kms_source_key(meta, &sb, src, dk, why, size);
    *have = rc == 0;
    return rc;
}

int repl_apply_remote(struct meta_store *meta, struct blob_store *bs,
                      const struct meta_repl_task *t, const struct meta_object *src,
                      const char *storage_class, const char *kms_key, char *why, size_t size)
{
    uint8_t dk[32];
    int have_dk = 0;
    int rc0 = repl_remote_data_key(meta, t, src, kms_key, dk, &have_dk, why, size);
    if (rc0)
        return rc0;
    struct repl_remote_src s = {src, have_dk ? dk : NULL, storage_class, kms_key};
    struct meta_remote rem;
    int rc = meta_remote_get(meta, t->remote, &rem);
    if (rc == ERR_NOTFOUND)
        rc = repl_rwhy(why, size, rc,
                       "DstBucketNotFound: the remote endpoint %s is not "
                       "registered (admin remote add)",
                       t->remote);
    else if (rc)
        rc = repl_rwhy(why, size, rc, "remote %s: %s", t->remote, err_msg());
    if (rc) {
        OPENSSL_cleanse(dk, sizeof(dk));
        return rc;
    }
    switch (t->op) {
    case META_REPL_OBJECT:
        rc = repl_remote_put(bs, &rem, t, &s, why, size);
        break;
    case META_REPL_MARKER:
        rc = repl_remote_marker(&rem, t, why, size);
        break;
    case META_REPL_TAGS:
        rc = repl_remote_tags(&rem, t, src, why, size);
        break;
    case META_REPL_ACL: /* never queued for a remote (its ACLs are its account's) */
        rc = 0;
        break;
    }
    OPENSSL_cleanse(rem.secret_key, sizeof(rem.secret_key));
    OPENSSL_cleanse(dk, sizeof(dk));
    return rc;
}
