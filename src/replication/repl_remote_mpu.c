/* repl_remote_mpu.c — a multipart version replicated to a remote endpoint as a multipart
 * upload with the source's parts (repl_remote.h): CreateMultipartUpload with the version's
 * headers, checksum algorithm and type; one UploadPart per source part (same number, same
 * bytes, its checksum); CompleteMultipartUpload listing them. The remote then computes the
 * source's ETag ("<md5 of the part MD5s>-N") and composite checksum, which a single PUT could
 * not carry. A failed attempt aborts the upload; the task's retry starts a new one (the HEAD
 * before it finds the version when an earlier Complete had stored it). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/uri.h"
#include "replication/repl.h"
#include "replication/repl_remote.h"

struct repl_mpu_part {
    uint64_t offset, size;
    long number;
    const char *checksum; /* base64, "" when the upload had no algorithm */
    char etag[80];
};

/* "x-amz-checksum-crc32" for CRC32 (into name, size bytes). */
static void repl_mpu_checksum_header(const char *algorithm, char *name, size_t size)
{
    snprintf(name, size, "x-amz-checksum-%s", algorithm);
    for (char *p = name; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
}

/* "ChecksumCRC32" for CRC32. */
static void repl_mpu_checksum_elem(const char *algorithm, char *name, size_t size)
{
    snprintf(name, size, "Checksum%s", algorithm);
}

/* The parts of o from its parts list [[size, "checksum", number], …] (strings point into
 * *arr, which the caller frees). */
static int repl_mpu_layout(const struct meta_object *o, json_t **arr, struct repl_mpu_part **out,
                           size_t *n)
{
    *arr = json_loads(o->parts, 0, NULL);
    size_t k = json_is_array(*arr) ? json_array_size(*arr) : 0;
    if (!k) {
        err_set("the version's parts list is malformed");
        return ERR_INVALID;
    }
    struct repl_mpu_part *p = xcalloc(k, sizeof(*p));
    uint64_t at = 0;
    for (size_t i = 0; i < k; i++) {
        json_t *e = json_array_get(*arr, i);
        json_int_t sz = json_integer_value(json_array_get(e, 0));
        json_t *num = json_array_get(e, 2);
        const char *ck = json_string_value(json_array_get(e, 1));
        p[i].offset = at;
        p[i].size = sz > 0 ? (uint64_t)sz : 0;
        p[i].number = num ? (long)json_integer_value(num) : (long)i + 1;
        p[i].checksum = ck ? ck : "";
        at += p[i].size;
    }
    if (at != (uint64_t)o->size) {
        free(p);
        err_set("the version's parts add up to %llu bytes, not %lld", (unsigned long long)at,
                (long long)o->size);
        return ERR_INVALID;
    }
    *out = p;
    *n = k;
    return 0;
}

/* "<first>uploadId=<id, URL-encoded>" into q. */
static int repl_mpu_query(struct buf *q, const char *first, const char *upload_id)
{
    int rc = buf_printf(q, "%suploadId=", first);
    return rc ? rc : uri_encode(q, upload_id, strlen(upload_id), 0);
}

static int repl_mpu_create(const struct meta_remote *rem, const struct meta_repl_task *t,
                           const struct repl_remote_src *s, char *upload_id, size_t id_size,
                           char *why, size_t size)
{
    const struct meta_object *o = s->o;
    struct curl_slist *h = repl_put_headers(s);
    int typed = 0;
    for (struct curl_slist *l = h; l; l = l->next)
        typed |= strncasecmp(l->data, "content-type:", 13) == 0;
    if (!typed) /* not libcurl's form type for a POST: S3's default, which the source answers */
        h = curl_slist_append(h, "Content-Type: binary/octet-stream");
    if (o->checksum_algorithm[0]) {
        h = repl_hdr(h, "x-amz-checksum-algorithm", o->checksum_algorithm);
        if (o->checksum_type[0])
            h = repl_hdr(h, "x-amz-checksum-type", o->checksum_type);
    }
    struct repl_body none = {NULL, "", 0};
    struct repl_answer a;
    int rc =
        repl_remote_call(rem, "POST", t->dest_bucket, t->key, "uploads=", h, &none, &a, why, size);
    if (rc)
        return rc;
    if (a.status != 200)
        return repl_status_fail(rem, "CreateMultipartUpload", &a, why, size);
    upload_id[0] = '\0';
    repl_xml_text(a.body, "<UploadId>", "</UploadId>", upload_id, id_size);
    if (!upload_id[0])
        return repl_rwhy(why, size, ERR_BACKEND,
                         "DstServiceUnavailable: remote %s answered CreateMultipartUpload "
                         "without an UploadId",
                         rem->name);
    return 0;
}

static int repl_mpu_part_send(struct blob_store *bs, const struct meta_remote *rem,
                              const struct meta_repl_task *t, const struct repl_remote_src *s,
                              const char *upload_id, struct repl_mpu_part *p, char *why,
                              size_t size)
{
    const struct meta_object *o = s->o;
    struct obj_reader *rd = NULL;
    int rc = repl_remote_open(bs, s, p->offset, p->size, &rd);
    if (rc)
        return repl_rwhy(why, size, rc, "reading %s/%s (%s) part %ld: %s", t->bucket, t->key,
                         o->version_id, p->number, err_msg());
    struct curl_slist *h = NULL;
    if (o->checksum_algorithm[0] && p->checksum[0]) {
        char name[48];
        repl_mpu_checksum_header(o->checksum_algorithm, name, sizeof(name));
        h = repl_hdr(h, name, p->checksum);
    }
    char first[40];
    snprintf(first, sizeof(first), "partNumber=%ld&", p->number);
    struct buf q;
    buf_init(&q, 8192);
    rc = repl_mpu_query(&q, first, upload_id);
    struct repl_body body = {rd, NULL, p->size};
    struct repl_answer a;
    if (rc)
        curl_slist_free_all(h);
    else
        rc = repl_remote_call(rem, "PUT", t->dest_bucket, t->key, q.data, h, &body, &a, why, size);
    buf_dispose(&q);
    obj_reader_close(rd);
    if (!rc && a.status != 200)
        rc = repl_status_fail(rem, "UploadPart", &a, why, size);
    if (!rc && !a.etag[0])
        rc = repl_rwhy(why, size, ERR_BACKEND,
                       "DstServiceUnavailable: remote %s answered UploadPart without an ETag",
                       rem->name);
    if (!rc)
        snprintf(p->etag, sizeof(p->etag), "%s", a.etag);
    return rc;
}

static int repl_mpu_complete_doc(const struct meta_object *o, const struct repl_mpu_part *p,
                                 size_t n, struct buf *doc)
{
    char elem[48];
    repl_mpu_checksum_elem(o->checksum_algorithm, elem, sizeof(elem));
    int rc = buf_puts(doc, "<CompleteMultipartUpload>");
    for (size_t i = 0; i < n && !rc; i++) {
        /* ETags are quoted hex and checksums base64: nothing to escape */
        rc = buf_printf(doc, "<Part><PartNumber>%ld</PartNumber><ETag>%s</ETag>", p[i].number,
                        p[i].etag);
        if (!rc && o->checksum_algorithm[0] && p[i].checksum[0])
            rc = buf_printf(doc, "<%s>%s</%s>", elem, p[i].checksum, elem);
        if (!rc)
            rc = buf_puts(doc, "</Part>");
    }
    return rc ? rc : buf_puts(doc, "</CompleteMultipartUpload>");
}

static int repl_mpu_complete(const struct meta_remote *rem, const struct meta_repl_task *t,
                             const struct meta_object *o, const char *upload_id,
                             const struct repl_mpu_part *p, size_t n, char *why, size_t size)
{
    struct buf doc;
    buf_init(&doc, 1u << 20);
    int rc = repl_mpu_complete_doc(o, p, n, &doc);
    if (rc) {
        buf_dispose(&doc);
        return repl_rwhy(why, size, rc, "the parts of %s: %s", o->version_id, err_msg());
    }
    struct buf q;
    buf_init(&q, 8192);
    rc = repl_mpu_query(&q, "", upload_id);
    struct repl_body body = {NULL, doc.data, doc.len};
    struct repl_answer a;
    if (!rc)
        rc = repl_remote_call(rem, "POST", t->dest_bucket, t->key, q.data,
                              curl_slist_append(NULL, "Content-Type: application/xml"), &body, &a,
                              why, size);
    buf_dispose(&q);
    buf_dispose(&doc);
    /* S3 may answer 200 with an <Error> document once the body has started */
    if (!rc && (a.status != 200 || strstr(a.body, "<Error>")))
        rc = repl_status_fail(rem, "CompleteMultipartUpload", &a, why, size);
    return rc;
}

static void repl_mpu_abort(const struct meta_remote *rem, const struct meta_repl_task *t,
                           const char *upload_id)
{
    char why[512];
    struct buf q;
    buf_init(&q, 8192);
    struct repl_answer a;
    /* an upload left behind is the remote's to expire (lifecycle
     * AbortIncompleteMultipartUpload): logged, the task's own failure is what counts */
    int rc = repl_mpu_query(&q, "", upload_id);
    if (!rc)
        rc = repl_remote_call(rem, "DELETE", t->dest_bucket, t->key, q.data, NULL, NULL, &a, why,
                              sizeof(why));
    if (rc || (a.status != 204 && a.status != 200 && a.status != 404))
        log_warn("replication: could not abort the multipart upload of %s/%s on remote %s",
                 t->dest_bucket, t->key, rem->name);
    buf_dispose(&q);
}

int repl_remote_put_multipart(struct blob_store *bs, const struct meta_remote *rem,
                              const struct meta_repl_task *t, const struct repl_remote_src *s,
                              char *why, size_t size)
{
    const struct meta_object *o = s->o;
    json_t *arr = NULL;
    struct repl_mpu_part *parts = NULL;
    size_t n = 0;
    int rc = repl_mpu_layout(o, &arr, &parts, &n);
    if (rc) {
        json_decref(arr);
        return repl_rwhy(why, size, rc, "%s/%s (%s): %s", t->bucket, t->key, o->version_id,
                         err_msg());
    }
    char upload_id[1024] = "";
    rc = repl_mpu_create(rem, t, s, upload_id, sizeof(upload_id), why, size);
    for (size_t i = 0; i < n && !rc; i++)
        rc = repl_mpu_part_send(bs, rem, t, s, upload_id, &parts[i], why, size);
    if (!rc)
        rc = repl_mpu_complete(rem, t, o, upload_id, parts, n, why, size);
    if (rc && upload_id[0])
        repl_mpu_abort(rem, t, upload_id);
    free(parts);
    json_decref(arr);
    return rc;
}
