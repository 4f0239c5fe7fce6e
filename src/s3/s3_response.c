/* s3_response.c — building S3 responses: the headers every response carries, XML bodies, and
 * the one place an S3 error becomes an HTTP response. */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/uri.h"
#include "core/xmlw.h"
#include "s3/s3_req.h"

void s3_response_headers(struct s3_req *r, struct http_response *resp)
{
    http_response_header(resp, "x-amz-request-id", r->request_id);
    http_response_header(resp, "x-amz-id-2", r->host_id);
    http_response_header(resp, "Server", "Stocktake");
    s3_cors_response_headers(r, resp);
}

struct http_response *s3_response_new(struct s3_req *r, int status, char *body, size_t len)
{
    struct http_response *resp = http_response_new_buffer(status, body, len);
    s3_response_headers(r, resp);
    return resp;
}

struct http_response *s3_response_xml(struct s3_req *r, struct buf *xml)
{
    size_t len = xml->len;
    struct http_response *resp = s3_response_new(r, 200, buf_detach(xml), len);
    http_response_header(resp, "Content-Type", "application/xml");
    return resp;
}

void s3_respond_xml(struct s3_req *r, struct buf *xml)
{
    http_req_respond(r->http, s3_response_xml(r, xml));
}

int s3_xml_name(struct buf *xml, const char *elem, const char *v, int url)
{
    if (!url)
        return xmlw_elem(xml, elem, v);
    struct buf enc;
    buf_init(&enc, BUF_UNLIMITED);
    int rc = uri_encode(&enc, v, strlen(v), 1);
    if (!rc)
        rc = xmlw_elem(xml, elem, enc.data ? enc.data : "");
    buf_dispose(&enc);
    return rc;
}

int s3_xml_person(struct buf *xml, const char *elem, const struct meta_account *a)
{
    int rc = buf_printf(xml, "<%s>", elem);
    if (!rc)
        rc = xmlw_elem(xml, "ID", a->canonical_id);
    if (!rc)
        rc = xmlw_elem(xml, "DisplayName", a->name);
    return rc ? rc : buf_printf(xml, "</%s>", elem);
}

int s3_xml_checksum(struct buf *xml, const char *algo, const char *value, const char *type)
{
    if (!algo[0])
        return 0;
    int rc = buf_printf(xml, "<Checksum%s>", algo);
    if (!rc)
        rc = xmlw_escape(xml, value, strlen(value));
    if (!rc)
        rc = buf_printf(xml, "</Checksum%s>", algo);
    return rc ? rc : xmlw_elem(xml, "ChecksumType", type[0] ? type : "FULL_OBJECT");
}

void s3_respond_empty(struct s3_req *r, int status)
{
    http_req_respond(r->http, s3_response_new(r, status, NULL, 0));
}

void s3_respond_error(struct s3_req *r, enum s3_error e)
{
    int status = s3_error_status(e);
    r->log_error_code = s3_error_code(e);
    if (status >= 500)
        log_error("request %s: %s: %s", r->request_id, s3_error_code(e), err_msg());
    else
        log_debug("request %s: %s", r->request_id, s3_error_code(e));
    if (s3_req_is_kms(r)) {
        s3_kms_respond_error(r, e); /* the key service answers errors in JSON */
        return;
    }
    if (r->is_head || status == 304) {
        struct http_response *resp = s3_response_new(r, status, NULL, 0);
        for (size_t i = 0; i < r->n_error_headers; i++)
            http_response_header(resp, r->error_headers[i][0], r->error_headers[i][1]);
        http_req_respond(r->http, resp);
        return;
    }
    struct buf body;
    buf_init(&body, BUF_UNLIMITED);
    const char *extra = r->error_extra.len ? r->error_extra.data : NULL;
    if (s3_error_body(&body, e, r->error_message, extra, r->request_id, r->host_id)) {
        buf_dispose(&body);
        s3_respond_empty(r, status);
        return;
    }
    size_t len = body.len;
    struct http_response *resp = s3_response_new(r, status, buf_detach(&body), len);
    http_response_header(resp, "Content-Type", "application/xml");
    for (size_t i = 0; i < r->n_error_headers; i++)
        http_response_header(resp, r->error_headers[i][0], r->error_headers[i][1]);
    http_req_respond(r->http, resp);
}
