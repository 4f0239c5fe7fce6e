/* s3_op_uploads.c — ListMultipartUploads: the bucket's in-progress uploads by key, then by
 * initiation time, with prefix, delimiter (common prefixes) and key/upload-id markers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/str.h"
#include "core/xmlw.h"
#include "s3/s3_list_params.h"
#include "s3/s3_listing.h"
#include "s3/s3_req.h"

#define S3_UPLOADS_MAX 1000

struct s3_uploads {
    struct s3_req *r;
    struct buf *entries;
    struct buf *prefixes;
    const char *prefix;
    const char *delimiter;
    int url; /* encoding-type=url */
    long max;
    long count;
    int truncated;
    char *last_cp;
    char *next_key;
    char next_upload[80];
    int rc;
};

static int s3_uploads_each(void *payload, const struct meta_upload *u)
{
    struct s3_uploads *l = payload;
    char *cp = s3_list_common_prefix(l->prefix, l->delimiter, u->key);
    if (cp && l->last_cp && strcmp(cp, l->last_cp) == 0) {
        free(cp);
        return 0; /* rolled into the prefix already listed */
    }
    if (l->count == l->max) {
        free(cp);
        l->truncated = 1;
        return 1;
    }
    l->count++;
    free(l->next_key);
    l->next_key = xstrdup(cp ? cp : u->key);
    snprintf(l->next_upload, sizeof(l->next_upload), "%s", cp ? "" : u->upload_id);
    if (cp) {
        free(l->last_cp);
        l->last_cp = cp;
        l->rc = buf_puts(l->prefixes, "<CommonPrefixes>");
        if (!l->rc)
            l->rc = s3_xml_name(l->prefixes, "Prefix", cp, l->url);
        if (!l->rc)
            l->rc = buf_puts(l->prefixes, "</CommonPrefixes>");
        return l->rc ? 1 : 0;
    }
    struct meta_account a;
    char initiated[32];
    clock_format_iso8601(initiated, sizeof(initiated), u->initiated_ms);
    if (meta_account_get(l->r->srv->meta, u->owner_id, &a)) {
        l->rc = ERR_BACKEND;
        return 1;
    }
    struct buf *x = l->entries;
    int rc = buf_puts(x, "<Upload>");
    if (!rc)
        rc = s3_xml_name(x, "Key", u->key, l->url);
    if (!rc)
        rc = xmlw_elem(x, "UploadId", u->upload_id);
    if (!rc)
        rc = s3_xml_person(x, "Initiator", &a);
    if (!rc)
        rc = s3_xml_person(x, "Owner", &a);
    if (!rc)
        rc = xmlw_elem(x, "StorageClass", u->storage_class);
    if (!rc)
        rc = xmlw_elem(x, "Initiated", initiated);
    if (!rc && u->checksum_algorithm[0])
        rc = xmlw_elem(x, "ChecksumAlgorithm", u->checksum_algorithm);
    if (!rc && u->checksum_algorithm[0])
        rc = xmlw_elem(x, "ChecksumType", u->checksum_type);
    if (!rc)
        rc = buf_puts(x, "</Upload>");
    l->rc = rc;
    return rc ? 1 : 0;
}

static int s3_uploads_head(struct buf *xml, struct s3_req *r, const struct s3_uploads *l)
{
    const char *km = s3_req_param(r, "key-marker");
    const char *um = s3_req_param(r, "upload-id-marker");
    int rc = buf_puts(xml, XML_DECL "<ListMultipartUploadsResult xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = xmlw_elem(xml, "Bucket", r->bucket);
    if (!rc)
        rc = s3_xml_name(xml, "KeyMarker", km ? km : "", l->url);
    if (!rc)
        rc = xmlw_elem(xml, "UploadIdMarker", um ? um : "");
    if (!rc && l->truncated) {
        rc = s3_xml_name(xml, "NextKeyMarker", l->next_key, l->url);
        if (!rc)
            rc = xmlw_elem(xml, "NextUploadIdMarker", l->next_upload);
    }
    if (!rc)
        rc = s3_xml_name(xml, "Prefix", l->prefix, l->url);
    if (!rc && l->delimiter && l->delimiter[0])
        rc = s3_xml_name(xml, "Delimiter", l->delimiter, l->url);
    if (!rc)
        rc = xmlw_elem_i64(xml, "MaxUploads", l->max);
    if (!rc && l->url)
        rc = xmlw_elem(xml, "EncodingType", "url");
    if (!rc)
        rc = xmlw_elem_bool(xml, "IsTruncated", l->truncated);
    return rc;
}

static enum s3_error s3_uploads_params(struct s3_req *r, struct s3_uploads *l)
{
    struct s3_list_params lp;
    enum s3_error e = s3_list_params_read(r, "max-uploads", S3_UPLOADS_MAX, &lp);
    if (e)
        return e;
    l->prefix = lp.prefix;
    l->delimiter = lp.delimiter;
    l->max = lp.max;
    l->url = lp.url;
    /* a key marker inside a common prefix resumes after the whole prefix, never repeats it */
    const char *km = s3_req_param(r, "key-marker");
    l->last_cp = km ? s3_list_common_prefix(l->prefix, l->delimiter, km) : NULL;
    return S3_OK;
}

enum s3_error s3_op_list_multipart_uploads(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    struct buf entries, prefixes, xml;
    struct s3_uploads l;
    memset(&l, 0, sizeof(l));
    l.r = r;
    e = s3_uploads_params(r, &l);
    if (e) {
        free(l.last_cp);
        return e;
    }
    buf_init(&entries, BUF_UNLIMITED);
    buf_init(&prefixes, BUF_UNLIMITED);
    buf_init(&xml, BUF_UNLIMITED);
    l.entries = &entries;
    l.prefixes = &prefixes;
    const char *km = s3_req_param(r, "key-marker");
    const char *um = s3_req_param(r, "upload-id-marker");
    /* uploads are few; the scan is unbounded so rolled-up prefixes do not eat the budget */
    int rc = meta_upload_scan(r->srv->meta, r->bucket, l.prefix, km, um, 0, (size_t)-1 >> 1,
                              s3_uploads_each, &l);
    rc = rc == 1 ? l.rc : rc;
    if (!rc)
        rc = s3_uploads_head(&xml, r, &l);
    if (!rc)
        rc = buf_append(&xml, entries.data, entries.len);
    if (!rc)
        rc = buf_append(&xml, prefixes.data, prefixes.len);
    if (!rc)
        rc = buf_puts(&xml, "</ListMultipartUploadsResult>");
    buf_dispose(&entries);
    buf_dispose(&prefixes);
    free(l.last_cp);
    free(l.next_key);
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}
