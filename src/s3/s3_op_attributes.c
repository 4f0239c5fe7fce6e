/* s3_op_attributes.c — reading an object version's attributes: GetObjectAttributes (ETag,
 * Checksum, ObjectParts, StorageClass, ObjectSize, as named in x-amz-object-attributes).
 * GetObjectTagging is s3_op_tagging.c's. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/str.h"
#include "core/xmlw.h"
#include "s3/s3_object.h"
#include "s3/s3_req.h"

static int s3_attr_checksum(struct buf *x, const struct meta_object *o)
{
    if (!o->checksum_algorithm[0])
        return 0;
    int rc = buf_puts(x, "<Checksum>");
    if (!rc)
        rc = s3_xml_checksum(x, o->checksum_algorithm, o->checksum_value, o->checksum_type);
    return rc ? rc : buf_puts(x, "</Checksum>");
}

static int s3_attr_parts(struct s3_req *r, struct buf *x, const struct meta_object *o)
{
    if (!o->parts)
        return 0;
    json_t *parts = json_loads(o->parts, 0, NULL);
    size_t total = json_array_size(parts);
    const char *mp = s3_req_header(r, "x-amz-max-parts");
    const char *pm = s3_req_header(r, "x-amz-part-number-marker");
    int64_t max = 1000, marker = 0;
    if (mp && str_parse_i64(mp, 0, 1000, &max))
        max = 1000;
    if (pm && str_parse_i64(pm, 0, INT32_MAX, &marker))
        marker = 0;
    long last = marker, shown = 0;
    int rc = buf_printf(x,
                        "<ObjectParts><PartsCount>%zu</PartsCount>"
                        "<PartNumberMarker>%ld</PartNumberMarker>",
                        total, marker);
    struct buf list;
    buf_init(&list, BUF_UNLIMITED);
    char elem[32];
    snprintf(elem, sizeof(elem), "Checksum%s", o->checksum_algorithm);
    for (size_t i = (size_t)marker; i < total && shown < max && !rc; i++, shown++) {
        json_t *p = json_array_get(parts, i);
        rc = buf_printf(&list, "<Part><PartNumber>%zu</PartNumber><Size>%lld</Size>", i + 1,
                        (long long)json_integer_value(json_array_get(p, 0)));
        const char *ck = json_string_value(json_array_get(p, 1));
        if (!rc && o->checksum_algorithm[0] && ck && ck[0])
            rc = xmlw_elem(&list, elem, ck);
        if (!rc)
            rc = buf_puts(&list, "</Part>");
        last = (long)i + 1;
    }
    int truncated = (size_t)last < total;
    if (!rc)
        rc = buf_printf(x,
                        "<NextPartNumberMarker>%ld</NextPartNumberMarker><MaxParts>%ld"
                        "</MaxParts><IsTruncated>%s</IsTruncated>",
                        last, max, truncated ? "true" : "false");
    if (!rc)
        rc = buf_append(x, list.data, list.len);
    if (!rc)
        rc = buf_puts(x, "</ObjectParts>");
    buf_dispose(&list);
    json_decref(parts);
    return rc;
}

static int s3_attr_body(struct s3_req *r, struct buf *x, const struct meta_object *o,
                        const char *want)
{
    int rc = buf_puts(x, XML_DECL "<GetObjectAttributesResponse xmlns=\"" S3_XMLNS "\">");
    if (!rc && str_list_has(want, "ETag")) {
        size_t n = strlen(o->etag);
        rc = xmlw_elem_n(x, "ETag", o->etag + 1, n >= 2 ? n - 2 : 0);
    }
    if (!rc && str_list_has(want, "Checksum"))
        rc = s3_attr_checksum(x, o);
    if (!rc && str_list_has(want, "ObjectParts"))
        rc = s3_attr_parts(r, x, o);
    if (!rc && str_list_has(want, "StorageClass"))
        rc = xmlw_elem(x, "StorageClass", o->storage_class);
    if (!rc && str_list_has(want, "ObjectSize"))
        rc = xmlw_elem_i64(x, "ObjectSize", o->size);
    return rc ? rc : buf_puts(x, "</GetObjectAttributesResponse>");
}

enum s3_error s3_op_get_object_attributes(struct s3_req *r)
{
    const char *want = s3_req_header(r, "x-amz-object-attributes");
    if (!want || !want[0]) {
        s3_req_set_message(r, "Missing required header for this request: "
                              "x-amz-object-attributes");
        return S3E_INVALID_REQUEST;
    }
    struct meta_object o;
    enum s3_error e = s3_object_load(r, r->bucket, r->key, s3_req_param(r, "versionId"), &o);
    if (e)
        return e;
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = s3_attr_body(r, &xml, &o, want);
    if (rc) {
        meta_object_dispose(&o);
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    char lm[40];
    clock_format_http(lm, sizeof(lm), o.last_modified_ms);
    struct http_response *resp = s3_response_xml(r, &xml);
    http_response_header(resp, "Last-Modified", lm);
    s3_object_read_version_header(r, resp, o.version_id);
    http_req_respond(r->http, resp);
    meta_object_dispose(&o);
    return S3_OK;
}
