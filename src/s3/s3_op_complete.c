/* s3_op_complete.c — CompleteMultipartUpload.
 *
 * Checks the part list (ascending, every part present with its ETag, all but the last at
 * least 5 MiB), concatenates the parts into one new blob: composed by the blob backend when
 * the parts' bytes are the object's (plain, or SSE-C's composite of sealed streams; see
 * blob.h's blob_writer_append_blob), else through the object layer (re-sealing SSE-S3/KMS
 * parts, computing a FULL_OBJECT checksum on the way when one was asked for), then obj_commit
 * stores the object, removes the upload and records its part blobs as dead in one metadata
 * transaction, with If-Match / If-None-Match decided there. A repeated Complete of a completed
 * upload answers as the first did (AWS). The ETag is the MD5 of the parts' binary MD5s, "-N"; a
 * COMPOSITE checksum is the checksum of the parts' binary checksums, "-N". */
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
#include "s3/s3_lock.h"
#include "s3/s3_expiration.h"
#include "s3/s3_multipart.h"
#include "s3/s3_object.h"
#include "s3/s3_req.h"
#include "s3/s3_sse.h"
#include "s3/s3_xml.h"

#define S3_MIN_PART_SIZE (5 * 1024 * 1024)

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
    return s3_error_from_rc(
        meta_part_scan(srv->meta, upload_id, 0, S3_MAX_PARTS, s3_part_collect, out));
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

/* Is <Part> x followed by another with the same PartNumber? A client that uploaded a part
 * twice may list both; the later entry is the one that counts (as RGW and AWS treat it). */
static int s3_complete_superseded(xmlNode *x)
{
    xmlNode *next = s3_xml_next(x, "Part");
    if (!next)
        return 0;
    char *a = s3_xml_text(s3_xml_child(x, "PartNumber"));
    char *b = s3_xml_text(s3_xml_child(next, "PartNumber"));
    int same = a[0] && strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
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
        if (s3_complete_superseded(x))
            continue;
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
    char checksum[CHECKSUM_B64_MAX + 24]; /* "…-N" */
    char *parts_json;
    char *sse; /* the object's encryption record (NULL: plain) */
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
        json_array_append_new(arr,
                              json_pack("[IsI]", (json_int_t)parts[i]->size,
                                        parts[i]->checksum_value, (json_int_t)parts[i]->number));
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
    struct obj_write_opts opts = {.md5 = 0, .checksum = full ? algo : CHECKSUM_NONE};
    if (obj_sse_mode_of(u->sse) == OBJ_SSE_S3)
        opts.sse = OBJ_SSE_S3; /* the object gets a data key of its own */
    uint8_t dk[32];
    const uint8_t *kms_key = NULL;
    if (obj_sse_mode_of(u->sse) == OBJ_SSE_KMS) {
        /* the upload's KMS data key (kms:Decrypt, as AWS's Complete), sealing the object
         * under the upload's record; its segment key is the new blob's own */
        enum s3_error e = s3_sse_kms_data_key(r, u->sse, dk);
        if (e)
            return e;
        kms_key = dk;
        opts.sse = OBJ_SSE_KMS;
        opts.customer_key = dk;
        opts.sse_record = u->sse;
    }
    struct obj_writer *w = NULL;
    if (obj_writer_open(r->srv->blobs, &opts, &w)) {
        OPENSSL_cleanse(dk, sizeof(dk));
        log_error("CompleteMultipartUpload %s/%s: %s", r->bucket, r->key, err_msg());
        return S3E_INTERNAL_ERROR;
    }
    int rc = 0, composite = obj_sse_mode_of(u->sse) == OBJ_SSE_C;
    int plain_compose = !full && obj_sse_mode_of(u->sse) == OBJ_SSE_NONE;
    int64_t plain = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        struct obj_reader *rd = NULL;
        plain += parts[i]->size;
        if (composite) { /* no key to re-encrypt with: the parts' sealed streams as they are */
            rc = obj_append_sealed_part(r->srv->blobs, parts[i]->blob_id, w);
            if (rc)
                log_error("CompleteMultipartUpload %s/%s part %d (blob %s): %s", r->bucket, r->key,
                          parts[i]->number, parts[i]->blob_id, err_msg());
            continue;
        }
        if (plain_compose) { /* the parts' bytes are the object's: compose, no copy here */
            rc = obj_writer_append_blob(w, parts[i]->blob_id);
            if (!rc && obj_writer_size(w) != (uint64_t)plain) {
                err_set("part blob size differs from the part's record");
                rc = ERR_INVALID;
            }
            if (rc)
                log_error("CompleteMultipartUpload %s/%s part %d (blob %s): %s", r->bucket, r->key,
                          parts[i]->number, parts[i]->blob_id, err_msg());
            continue;
        }
        rc = obj_reader_open_part_key(r->srv->blobs, parts[i]->blob_id, (uint64_t)parts[i]->size,
                                      u->sse, kms_key, (uint32_t)parts[i]->number, 0,
                                      (uint64_t)parts[i]->size, &rd);
        if (!rc)
            rc = obj_copy_reader(rd, w);
        if (rc)
            log_error("CompleteMultipartUpload %s/%s part %d (blob %s): %s", r->bucket, r->key,
                      parts[i]->number, parts[i]->blob_id, err_msg());
    }
    OPENSSL_cleanse(dk, sizeof(dk));
    if (rc) {
        obj_writer_abort(w);
        return S3E_INTERNAL_ERROR;
    }
    struct obj_written res;
    if (obj_writer_finish(w, &res))
        return S3E_INTERNAL_ERROR;
    out->sse = composite ? xstrdup(u->sse) : res.sse; /* a composite keeps the upload's key */
    snprintf(out->blob_id, sizeof(out->blob_id), "%s", res.blob_id);
    out->size = composite ? plain : (int64_t)res.size;
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
    o->acl = u->acl;   /* the ACL given at create */
    o->tags = u->tags; /* and the tags */
    o->headers = u->headers;
    snprintf(o->blob_id, sizeof(o->blob_id), "%s", a->blob_id);
    o->multipart = 1;
    snprintf(o->checksum_algorithm, sizeof(o->checksum_algorithm), "%s", u->checksum_algorithm);
    o->checksum_value = (char *)a->checksum;
    snprintf(o->checksum_type, sizeof(o->checksum_type), "%s", u->checksum_type);
    o->parts = a->parts_json;
    o->sse = a->sse;
}

static enum s3_error s3_complete_respond(struct s3_req *r, const struct meta_object *o,
                                         const struct s3_sse_want *key)
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
    s3_object_version_header(resp, o->version_id);
    s3_expiration_header(r, resp, o);
    s3_sse_response_header(resp, o->sse);
    if (key)
        s3_sse_customer_headers(resp, key);
    http_req_respond(r->http, resp);
    return S3_OK;
}

static enum s3_error s3_complete_commit(struct s3_req *r, const struct meta_upload *u,
                                        const struct meta_part **chosen, size_t n,
                                        const struct s3_sse_want *key)
{
    struct s3_assembled a;
    memset(&a, 0, sizeof(a));
    s3_complete_digests(u, chosen, n, &a);
    struct s3_lock_fields lock = {"", u->lock_until_ms, u->legal_hold};
    memcpy(lock.mode, u->lock_mode, sizeof(lock.mode));
    /* the create's lock headers, or the bucket's default retention now */
    enum s3_error e = s3_lock_apply_default(r, &lock);
    if (!e)
        e = s3_complete_assemble(r, u, chosen, n, &a);
    struct meta_object o;
    if (!e) {
        s3_complete_object(r, u, &a, &o);
        s3_lock_fields_set(&lock, o.lock_mode, &o.lock_until_ms, &o.legal_hold);
        e = s3_object_commit(r, &o, u->upload_id, s3_req_header(r, "If-Match"),
                             s3_req_header(r, "If-None-Match"));
    }
    if (!e)
        e = s3_complete_respond(r, &o, key);
    free(a.parts_json);
    free(a.sse);
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
    enum s3_error e = o.is_delete_marker ? S3E_NO_SUCH_UPLOAD : s3_complete_respond(r, &o, NULL);
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
    /* An SSE-C upload's Complete may bring its key (s3-tests does), which must then match;
     * without it Complete works as on AWS (the aws CLI's `s3 cp --sse-c` sends none): the
     * object is a composite of the parts' sealed streams, so no key is needed to assemble. */
    struct s3_sse_want key;
    int given = 0;
    memset(&key, 0, sizeof(key));
    e = s3_sse_customer(r, "x-amz-", &key, &given);
    if (!e && (given || obj_sse_mode_of(u.sse) != OBJ_SSE_C))
        e = s3_sse_part_key(r, &u, &key);
    OPENSSL_cleanse(key.key, sizeof(key.key)); /* only checked; its MD5 stays for the answer */
    if (e) {
        meta_upload_dispose(&u);
        return e;
    }
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
        e = s3_complete_commit(r, &u, chosen, n, &key);
    if (doc)
        xmlFreeDoc(doc);
    free(chosen);
    free(stored.parts);
    meta_upload_dispose(&u);
    return e;
}
