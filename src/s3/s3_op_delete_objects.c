/* s3_op_delete_objects.c — DeleteObjects (POST /bucket?delete): up to 1000 keys in one XML
 * body, answered per key; Quiet mode reports only the failures. */
#include <stdlib.h>
#include <string.h>

#include "core/xmlw.h"
#include "s3/s3_object.h"
#include "s3/s3_req.h"
#include "s3/s3_xml.h"

#define S3_DELETE_MAX_KEYS 1000

/* One key's <Error>: Key, VersionId (when the request named one, as AWS answers), Code,
 * Message. */
static int s3_delete_result_error(struct buf *xml, const char *key, const char *version,
                                  enum s3_error e)
{
    int rc = buf_puts(xml, "<Error>");
    if (!rc)
        rc = xmlw_elem(xml, "Key", key);
    if (!rc && version)
        rc = xmlw_elem(xml, "VersionId", version);
    if (!rc)
        rc = xmlw_elem(xml, "Code", s3_error_code(e));
    if (!rc)
        rc = xmlw_elem(xml, "Message", s3_error_message(e));
    return rc ? rc : buf_puts(xml, "</Error>");
}

static int s3_delete_one(struct s3_req *r, struct buf *xml, xmlNode *obj, int quiet)
{
    char *key = s3_xml_text(s3_xml_child(obj, "Key"));
    xmlNode *vnode = s3_xml_child(obj, "VersionId");
    char *version = vnode ? s3_xml_text(vnode) : NULL;
    int rc = 0;
    struct s3_delete_result res;
    memset(&res, 0, sizeof(res));
    const char *action = version ? "s3:DeleteObjectVersion" : "s3:DeleteObject";
    enum s3_error e = strlen(key) > S3_MAX_KEY_BYTES
                          ? S3E_KEY_TOO_LONG
                          : s3_req_authorize_version(r, action, &r->bucket_info, key, version);
    if (!e)
        e = s3_object_delete_key(r, key, version, &res);
    if (!e && buf_append(&r->log_deleted, key, strlen(key) + 1))
        r->log_deleted.len = 0; /* only the access log's records; the delete stands */
    if (e) {
        rc = s3_delete_result_error(xml, key, version, e);
    } else if (!quiet) {
        rc = buf_puts(xml, "<Deleted>");
        if (!rc)
            rc = xmlw_elem(xml, "Key", key);
        if (!rc && version)
            rc = xmlw_elem(xml, "VersionId", version);
        if (!rc && res.delete_marker)
            rc = xmlw_elem(xml, "DeleteMarker", "true");
        if (!rc && res.delete_marker && res.version_id[0])
            rc = xmlw_elem(xml, "DeleteMarkerVersionId", res.version_id);
        if (!rc)
            rc = buf_puts(xml, "</Deleted>");
    }
    free(key);
    free(version);
    return rc;
}

/* Every <Object> has a non-empty <Key>; at most 1000 of them. */
static enum s3_error s3_delete_validate(xmlNode *root)
{
    size_t n = 0;
    for (xmlNode *o = s3_xml_child(root, "Object"); o; o = s3_xml_next(o, "Object")) {
        xmlNode *k = s3_xml_child(o, "Key");
        char *key = k ? s3_xml_text(k) : NULL;
        int bad = !key || !key[0];
        free(key);
        if (bad || ++n > S3_DELETE_MAX_KEYS)
            return S3E_MALFORMED_XML;
    }
    return n ? S3_OK : S3E_MALFORMED_XML;
}

enum s3_error s3_op_delete_objects(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    e = s3_body_require_integrity(r);
    if (e)
        return e;
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, r->body.xml.data, r->body.xml.len, "Delete"))
        return S3E_MALFORMED_XML;
    xmlNode *root = xmlDocGetRootElement(doc);
    e = s3_delete_validate(root);
    if (e) {
        xmlFreeDoc(doc);
        return e;
    }
    char *quiet_text = s3_xml_text(s3_xml_child(root, "Quiet"));
    int quiet = strcmp(quiet_text, "true") == 0;
    free(quiet_text);
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = buf_puts(&xml, XML_DECL "<DeleteResult xmlns=\"" S3_XMLNS "\">");
    for (xmlNode *o = s3_xml_child(root, "Object"); o && !rc; o = s3_xml_next(o, "Object"))
        rc = s3_delete_one(r, &xml, o, quiet);
    xmlFreeDoc(doc);
    if (!rc)
        rc = buf_puts(&xml, "</DeleteResult>");
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}
