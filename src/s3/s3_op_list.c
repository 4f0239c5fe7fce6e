/* s3_op_list.c — ListObjectsV2 and ListObjects (v1): their parameters and XML answers over
 * the one listing engine in s3_listing.c. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/str.h"
#include "core/uri.h"
#include "core/xmlw.h"
#include "s3/s3_list_params.h"
#include "s3/s3_listing.h"
#include "s3/s3_req.h"

struct s3_list_opts {
    int url;
    int fetch_owner;
    int encode_prefix;         /* v2 url-encodes Prefix; v1 answers it as sent, as AWS does */
    struct meta_account owner; /* cache of the last owner looked up */
};

static int s3_list_owner(struct s3_req *r, struct buf *xml, struct s3_list_opts *opts,
                         const char *owner_id)
{
    if (strcmp(opts->owner.id, owner_id) != 0 &&
        meta_account_get(r->srv->meta, owner_id, &opts->owner))
        return ERR_BACKEND;
    return s3_xml_person(xml, "Owner", &opts->owner);
}

static int s3_list_contents(struct s3_req *r, struct buf *xml, const struct s3_list *l,
                            struct s3_list_opts *opts)
{
    int rc = 0;
    for (size_t i = 0; i < l->n_items && !rc; i++) {
        const struct s3_list_item *it = &l->items[i];
        if (it->is_prefix)
            continue;
        char lm[32];
        clock_format_iso8601(lm, sizeof(lm), it->obj.last_modified_ms);
        rc = buf_puts(xml, "<Contents>");
        if (!rc)
            rc = s3_xml_name(xml, "Key", it->key, opts->url);
        if (!rc)
            rc = xmlw_elem(xml, "LastModified", lm);
        if (!rc)
            rc = xmlw_elem(xml, "ETag", it->obj.etag);
        if (!rc && it->obj.checksum_algorithm[0])
            rc = xmlw_elem(xml, "ChecksumAlgorithm", it->obj.checksum_algorithm);
        if (!rc && it->obj.checksum_algorithm[0])
            rc = xmlw_elem(xml, "ChecksumType", "FULL_OBJECT");
        if (!rc)
            rc = xmlw_elem_i64(xml, "Size", it->obj.size);
        if (!rc && opts->fetch_owner)
            rc = s3_list_owner(r, xml, opts, it->obj.owner_id);
        if (!rc)
            rc = xmlw_elem(xml, "StorageClass", it->obj.storage_class);
        if (!rc)
            rc = buf_puts(xml, "</Contents>");
    }
    for (size_t i = 0; i < l->n_items && !rc; i++) {
        if (!l->items[i].is_prefix)
            continue;
        rc = buf_puts(xml, "<CommonPrefixes>");
        if (!rc)
            rc = s3_xml_name(xml, "Prefix", l->items[i].key, opts->url);
        if (!rc)
            rc = buf_puts(xml, "</CommonPrefixes>");
    }
    return rc;
}

/* Shared request parameters: prefix, delimiter, max-keys, encoding-type. */
static enum s3_error s3_list_params(struct s3_req *r, struct s3_list *l, struct s3_list_opts *o)
{
    memset(l, 0, sizeof(*l));
    memset(o, 0, sizeof(*o));
    struct s3_list_params lp;
    enum s3_error e = s3_list_params_read(r, "max-keys", S3_LIST_MAX_KEYS, &lp);
    if (e)
        return e;
    l->prefix = lp.prefix;
    l->delimiter = lp.delimiter;
    l->max_keys = lp.max;
    o->url = lp.url;
    return s3_req_load_bucket(r);
}

static int s3_list_head(struct buf *xml, struct s3_req *r, const struct s3_list *l,
                        const struct s3_list_opts *o)
{
    int rc = buf_puts(xml, XML_DECL "<ListBucketResult xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = xmlw_elem(xml, "Name", r->bucket);
    if (!rc)
        rc = s3_xml_name(xml, "Prefix", l->prefix, o->url && o->encode_prefix);
    if (!rc && l->delimiter && l->delimiter[0])
        rc = s3_xml_name(xml, "Delimiter", l->delimiter, o->url);
    if (!rc)
        rc = xmlw_elem_i64(xml, "MaxKeys", l->max_keys);
    if (!rc && o->url)
        rc = xmlw_elem(xml, "EncodingType", "url");
    if (!rc)
        rc = xmlw_elem_bool(xml, "IsTruncated", l->truncated);
    return rc;
}

static enum s3_error s3_list_respond(struct s3_req *r, struct buf *xml, int rc)
{
    if (!rc)
        rc = buf_puts(xml, "</ListBucketResult>");
    if (rc) {
        buf_dispose(xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, xml);
    return S3_OK;
}

static enum s3_error s3_list_token_decode(struct s3_req *r, const char *token, char **out)
{
    size_t n = strlen(token);
    uint8_t *raw = xmalloc(n + 4);
    long len = hash_unbase64(token, n, raw);
    if (len < 1 || raw[0] != 'k' || memchr(raw + 1, '\0', (size_t)len - 1)) {
        free(raw);
        s3_req_set_message(r, "The continuation token provided is incorrect");
        s3_req_error_elem(r, "ArgumentName", "continuation-token");
        return S3E_INVALID_ARGUMENT;
    }
    *out = xstrndup((const char *)raw + 1, (size_t)len - 1);
    free(raw);
    return S3_OK;
}

static char *s3_list_token_encode(const char *last)
{
    size_t n = strlen(last);
    char *raw = xmalloc(n + 1);
    raw[0] = 'k';
    memcpy(raw + 1, last, n);
    char *out = xmalloc(4 * (n + 3) / 3 + 8);
    out[hash_base64((const uint8_t *)raw, n + 1, out)] = '\0';
    free(raw);
    return out;
}

enum s3_error s3_op_list_objects_v2(struct s3_req *r)
{
    struct s3_list l;
    struct s3_list_opts o;
    if (strcmp(s3_req_param(r, "list-type"), "2") != 0)
        return S3E_INVALID_ARGUMENT;
    enum s3_error e = s3_list_params(r, &l, &o);
    if (e)
        return e;
    const char *token = s3_req_param(r, "continuation-token");
    const char *start_after = s3_req_param(r, "start-after");
    const char *fo = s3_req_param(r, "fetch-owner");
    o.fetch_owner = fo && strcmp(fo, "true") == 0;
    o.encode_prefix = 1;
    char *marker = NULL;
    /* an empty token starts at the beginning (and is echoed back), as S3 answers it */
    if (token && token[0] && (e = s3_list_token_decode(r, token, &marker)))
        return e;
    if (!marker && start_after)
        marker = xstrdup(start_after);
    s3_list_seek_marker(&l, marker);
    free(marker);
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = s3_list_run(r->srv->meta, r->bucket, &l);
    if (!rc)
        rc = s3_list_head(&xml, r, &l, &o);
    if (!rc)
        rc = xmlw_elem_i64(&xml, "KeyCount", (int64_t)l.n_items);
    if (!rc && token)
        rc = xmlw_elem(&xml, "ContinuationToken", token);
    if (!rc && l.truncated && l.n_items) {
        char *next = s3_list_token_encode(l.items[l.n_items - 1].key);
        rc = xmlw_elem(&xml, "NextContinuationToken", next);
        free(next);
    }
    if (!rc && start_after)
        rc = s3_xml_name(&xml, "StartAfter", start_after, o.url);
    if (!rc)
        rc = s3_list_contents(r, &xml, &l, &o);
    s3_list_dispose(&l);
    return s3_list_respond(r, &xml, rc);
}

enum s3_error s3_op_list_objects(struct s3_req *r)
{
    struct s3_list l;
    struct s3_list_opts o;
    enum s3_error e = s3_list_params(r, &l, &o);
    if (e)
        return e;
    const char *marker = s3_req_param(r, "marker");
    o.fetch_owner = 1;
    s3_list_seek_marker(&l, marker);
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = s3_list_run(r->srv->meta, r->bucket, &l);
    if (!rc)
        rc = s3_list_head(&xml, r, &l, &o);
    if (!rc)
        rc = s3_xml_name(&xml, "Marker", marker ? marker : "", o.url);
    if (!rc && l.truncated && l.delimiter && l.n_items)
        rc = s3_xml_name(&xml, "NextMarker", l.items[l.n_items - 1].key, o.url);
    if (!rc)
        rc = s3_list_contents(r, &xml, &l, &o);
    s3_list_dispose(&l);
    return s3_list_respond(r, &xml, rc);
}
