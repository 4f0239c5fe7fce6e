/* s3_op_tagging.c — object and bucket tagging over HTTP: Put/Get/DeleteObjectTagging (with
 * versionId), Put/Get/DeleteBucketTagging, and the tag sets object writes take from
 * x-amz-tagging or the POST form's tagging field.
 *
 * A version's tags are stored with it (meta_object.tags, the URL-encoded form); a bucket's are
 * its META_CONFIG_TAGGING document in the same form. Both are validated before they are
 * stored (s3_tags_check), so every reader parses a known-good set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/xmlw.h"
#include "s3/s3_object.h"
#include "s3/s3_req.h"
#include "s3/s3_tagging.h"

static enum s3_error s3_tagging_invalid(struct s3_req *r, const char *why)
{
    s3_req_set_message(r, "%s", why);
    return S3E_INVALID_TAG;
}

enum s3_error s3_tagging_from_request(struct s3_req *r, const char *form_field, char **out)
{
    *out = NULL;
    const char *h = form_field ? form_field : s3_req_header(r, "x-amz-tagging");
    if (!h)
        return S3_OK;
    struct s3_tags t;
    int rc =
        form_field ? s3_tags_parse_xml(&t, h, strlen(h)) : s3_tags_parse_query(&t, h, strlen(h));
    if (rc == ERR_INVALID && form_field)
        return S3E_MALFORMED_XML;
    if (rc == ERR_INVALID || (!rc && !form_field && s3_tags_have_duplicate(&t))) {
        if (!rc)
            s3_tags_dispose(&t);
        s3_req_set_message(r, "The header 'x-amz-tagging' shall be encoded as UTF-8 then "
                              "URLEncoded URL query parameters without tag name duplicates.");
        return S3E_INVALID_ARGUMENT;
    }
    if (rc)
        return S3E_INTERNAL_ERROR;
    const char *why = s3_tags_check(&t, S3_TAGS_OBJECT_MAX);
    enum s3_error e = why ? s3_tagging_invalid(r, why) : S3_OK;
    if (!e && s3_tags_encode(&t, out))
        e = S3E_INTERNAL_ERROR;
    s3_tags_dispose(&t);
    return e;
}

void s3_tagging_count_header(struct http_response *resp, const char *stored)
{
    struct s3_tags t;
    if (!stored || !*stored || s3_tags_parse_query(&t, stored, strlen(stored)))
        return;
    char n[24];
    snprintf(n, sizeof(n), "%zu", t.n);
    if (t.n)
        http_response_header(resp, "x-amz-tagging-count", n);
    s3_tags_dispose(&t);
}

/* The body's Tagging document, checked against max tags, in the stored form (NULL: empty);
 * *why is InvalidTag's message (set on the answer by the caller). */
static enum s3_error s3_tagging_body(struct s3_req *r, size_t max, char **out, const char **why)
{
    *out = NULL;
    *why = NULL;
    if (r->body.xml.len == 0)
        return S3E_MISSING_REQUEST_BODY;
    struct s3_tags t;
    int rc = s3_tags_parse_xml(&t, r->body.xml.data, r->body.xml.len);
    if (rc)
        return rc == ERR_INVALID ? S3E_MALFORMED_XML : S3E_INTERNAL_ERROR;
    *why = s3_tags_check(&t, max);
    enum s3_error e = *why ? S3E_INVALID_TAG : S3_OK;
    if (!e && s3_tags_encode(&t, out))
        e = S3E_INTERNAL_ERROR;
    s3_tags_dispose(&t);
    return e;
}

/* <Tagging><TagSet>…</TagSet></Tagging> of a stored set. */
static enum s3_error s3_tagging_respond(struct s3_req *r, const char *stored,
                                        const char *version_id)
{
    struct s3_tags t;
    memset(&t, 0, sizeof(t));
    if (stored && *stored && s3_tags_parse_query(&t, stored, strlen(stored))) {
        log_warn("request %s: stored tags of %s do not parse", r->request_id, r->bucket);
        return S3E_INTERNAL_ERROR;
    }
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = buf_puts(&xml, XML_DECL "<Tagging xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = s3_tags_render(&xml, &t);
    if (!rc)
        rc = buf_puts(&xml, "</Tagging>");
    s3_tags_dispose(&t);
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    struct http_response *resp = s3_response_xml(r, &xml);
    if (version_id)
        s3_object_read_version_header(r, resp, version_id);
    http_req_respond(r->http, resp);
    return S3_OK;
}

enum s3_error s3_op_get_object_tagging(struct s3_req *r)
{
    struct meta_object o;
    enum s3_error e = s3_object_load(r, r->bucket, r->key, s3_req_param(r, "versionId"), &o);
    if (e)
        return e;
    e = s3_tagging_respond(r, o.tags, o.version_id);
    meta_object_dispose(&o);
    return e;
}

/* Replace the tags of the target version with stored (NULL: none) and answer status. */
static enum s3_error s3_tagging_replace(struct s3_req *r, const char *stored, int status)
{
    struct meta_object o;
    enum s3_error e = s3_req_load_bucket(r);
    if (!e)
        e = s3_object_find(r, r->bucket, r->key, s3_req_param(r, "versionId"), &o);
    if (e)
        return e;
    /* by version id: a newer write to the key since does not take these tags */
    int rc = meta_object_set_tags(r->srv->meta, r->bucket, r->key, o.version_id, stored);
    if (rc) {
        meta_object_dispose(&o);
        return s3_error_from_err(rc, S3E_NO_SUCH_KEY);
    }
    struct http_response *resp = s3_response_new(r, status, NULL, 0);
    s3_object_read_version_header(r, resp, o.version_id);
    http_req_respond(r->http, resp);
    meta_object_dispose(&o);
    return S3_OK;
}

/* Decided here, once the body is read (S3_RES_OBJECT_BODY): the body's tags are the
 * request's for s3:RequestObjectTag conditions. A caller the decision refuses learns nothing
 * of the body: AccessDenied comes before MalformedXML and InvalidTag. */
enum s3_error s3_op_put_object_tagging(struct s3_req *r)
{
    char *stored = NULL;
    const char *why;
    enum s3_error bad = s3_tagging_body(r, S3_TAGS_OBJECT_MAX, &stored, &why);
    r->authz_request_tags = stored ? stored : "";
    enum s3_error e = s3_req_load_bucket(r);
    r->authz_request_tags = NULL;
    if (!e && why)
        e = s3_tagging_invalid(r, why);
    if (!e)
        e = bad;
    if (!e)
        e = s3_tagging_replace(r, stored, 200);
    free(stored);
    return e;
}

enum s3_error s3_op_delete_object_tagging(struct s3_req *r)
{
    return s3_tagging_replace(r, NULL, 204);
}

enum s3_error s3_op_put_bucket_tagging(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    char *stored = NULL;
    const char *why = NULL;
    if (!e)
        e = s3_tagging_body(r, S3_TAGS_BUCKET_MAX, &stored, &why);
    if (why)
        s3_req_set_message(r, "%s", why);
    if (e)
        return e;
    /* an empty TagSet removes the bucket's tags, as AWS */
    int rc = stored ? meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_TAGGING, stored)
                    : meta_bucket_config_delete(r->srv->meta, r->bucket, META_CONFIG_TAGGING);
    free(stored);
    if (rc && rc != ERR_NOTFOUND)
        return s3_error_from_rc(rc);
    s3_respond_empty(r, 204);
    return S3_OK;
}

enum s3_error s3_op_get_bucket_tagging(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    char *doc = NULL;
    int rc = meta_bucket_config_get(r->srv->meta, r->bucket, META_CONFIG_TAGGING, &doc);
    if (rc == ERR_NOTFOUND) {
        s3_req_error_elem(r, "BucketName", r->bucket);
        return S3E_NO_SUCH_TAG_SET;
    }
    if (rc)
        return s3_error_from_rc(rc);
    e = s3_tagging_respond(r, doc, NULL);
    free(doc);
    return e;
}

enum s3_error s3_op_delete_bucket_tagging(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    int rc = meta_bucket_config_delete(r->srv->meta, r->bucket, META_CONFIG_TAGGING);
    if (rc && rc != ERR_NOTFOUND)
        return s3_error_from_rc(rc);
    s3_respond_empty(r, 204);
    return S3_OK;
}
