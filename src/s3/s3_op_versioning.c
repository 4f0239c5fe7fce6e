/* s3_op_versioning.c — PutBucketVersioning, GetBucketVersioning and ListObjectVersions.
 *
 * A bucket starts unversioned (GetBucketVersioning shows no Status); once configured, Enabled
 * or Suspended, it never returns to unversioned, as on AWS. ListObjectVersions
 * walks every version and delete marker by key, newest first within a key, with the same
 * common-prefix roll-up as ListObjects; NextKeyMarker/NextVersionIdMarker resume inside a key. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/str.h"
#include "core/uri.h"
#include "core/xmlw.h"
#include "s3/s3_listing.h"
#include "s3/s3_lock.h"
#include "s3/s3_list_params.h"
#include "s3/s3_req.h"
#include "s3/s3_xml.h"

#define S3_VERSIONS_MAX_KEYS 1000

/* Object Lock keeps versioning on: a lock-enabled bucket cannot be suspended (AWS). */
static enum s3_error s3_versioning_check_lock(struct s3_req *r)
{
    int enabled;
    struct s3_lock_config c;
    enum s3_error e = s3_lock_bucket_config(r, r->bucket, &enabled, &c);
    if (!e && enabled) {
        s3_req_set_message(r, "An Object Lock configuration is present on this bucket, so the "
                              "versioning state cannot be changed.");
        e = S3E_INVALID_BUCKET_STATE;
    }
    return e;
}

/* Replication needs versioning Enabled on its source: a bucket with a replication
 * configuration cannot be suspended (AWS). */
static enum s3_error s3_versioning_check_replication(struct s3_req *r)
{
    char *doc = NULL;
    int rc = meta_bucket_config_get(r->srv->meta, r->bucket, META_CONFIG_REPLICATION, &doc);
    free(doc);
    if (rc == ERR_NOTFOUND)
        return S3_OK;
    if (rc)
        return s3_error_from_rc(rc);
    s3_req_set_message(r, "A replication configuration is present on this bucket, so the "
                          "versioning state cannot be changed.");
    return S3E_INVALID_BUCKET_STATE;
}

enum s3_error s3_op_put_bucket_versioning(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    if (r->body.xml.len == 0)
        return S3E_MISSING_REQUEST_BODY;
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, r->body.xml.data, r->body.xml.len, "VersioningConfiguration"))
        return S3E_MALFORMED_XML;
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *status_node = s3_xml_child(root, "Status");
    xmlNode *mfa_node = s3_xml_child(root, "MfaDelete");
    char *status = status_node ? s3_xml_text(status_node) : NULL;
    char *mfa = mfa_node ? s3_xml_text(mfa_node) : NULL;
    xmlFreeDoc(doc);
    enum meta_versioning v = r->bucket_info.versioning;
    if (status && strcmp(status, "Enabled") == 0)
        v = META_VERSIONING_ENABLED;
    else if (status && strcmp(status, "Suspended") == 0)
        v = META_VERSIONING_SUSPENDED;
    else if (status)
        e = S3E_MALFORMED_XML;
    if (!e && mfa && strcmp(mfa, "Disabled") != 0) {
        s3_req_set_message(r, strcmp(mfa, "Enabled") == 0
                                  ? "MFA delete is not implemented by Stocktake."
                                  : "The XML you provided was not well-formed");
        e = strcmp(mfa, "Enabled") == 0 ? S3E_NOT_IMPLEMENTED : S3E_MALFORMED_XML;
    }
    free(status);
    free(mfa);
    if (!e && v == META_VERSIONING_SUSPENDED)
        e = s3_versioning_check_lock(r);
    if (!e && v == META_VERSIONING_SUSPENDED)
        e = s3_versioning_check_replication(r);
    if (e)
        return e;
    if (meta_bucket_set_versioning(r->srv->meta, r->bucket, v))
        return S3E_INTERNAL_ERROR;
    s3_respond_empty(r, 200);
    return S3_OK;
}

enum s3_error s3_op_get_bucket_versioning(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = buf_puts(&xml, XML_DECL "<VersioningConfiguration xmlns=\"" S3_XMLNS "\">");
    if (!rc && r->bucket_info.versioning == META_VERSIONING_ENABLED)
        rc = xmlw_elem(&xml, "Status", "Enabled");
    if (!rc && r->bucket_info.versioning == META_VERSIONING_SUSPENDED)
        rc = xmlw_elem(&xml, "Status", "Suspended");
    if (!rc)
        rc = buf_puts(&xml, "</VersioningConfiguration>");
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}

struct s3_versions {
    struct s3_req *r;
    struct buf *xml;
    const char *prefix;
    const char *delimiter;
    int url;
    long max;
    long count;
    int truncated;
    /* scan position */
    char *key_marker;
    int64_t seq_marker; /* >0: versions older than it; 0: after the key; -1: from the key */
    int reseek;
    int done;
    /* last entry written */
    char *last_key;
    char last_version[64];
    struct buf prefixes; /* the CommonPrefixes elements, written after the versions */
    struct meta_account owner;
    int rc;
};

static int s3_versions_entry(struct s3_versions *v, const struct meta_object *o)
{
    struct buf *x = v->xml;
    char lm[32];
    clock_format_iso8601(lm, sizeof(lm), o->last_modified_ms);
    if (strcmp(v->owner.id, o->owner_id) != 0 &&
        meta_account_get(v->r->srv->meta, o->owner_id, &v->owner))
        return ERR_BACKEND;
    int rc = buf_puts(x, o->is_delete_marker ? "<DeleteMarker>" : "<Version>");
    if (!rc)
        rc = s3_xml_name(x, "Key", o->key, v->url);
    if (!rc)
        rc = xmlw_elem(x, "VersionId", o->version_id);
    if (!rc)
        rc = xmlw_elem_bool(x, "IsLatest", o->is_latest);
    if (!rc)
        rc = xmlw_elem(x, "LastModified", lm);
    if (!rc && !o->is_delete_marker) {
        rc = xmlw_elem(x, "ETag", o->etag);
        if (!rc && o->checksum_algorithm[0])
            rc = xmlw_elem(x, "ChecksumAlgorithm", o->checksum_algorithm);
        if (!rc)
            rc = xmlw_elem_i64(x, "Size", o->size);
        if (!rc)
            rc = xmlw_elem(x, "StorageClass", o->storage_class);
    }
    if (!rc)
        rc = s3_xml_person(x, "Owner", &v->owner);
    if (!rc)
        rc = buf_puts(x, o->is_delete_marker ? "</DeleteMarker>" : "</Version>");
    return rc;
}

/* Seek just past every key that starts with p. */
static void s3_versions_skip_prefix(struct s3_versions *v, const char *p)
{
    free(v->key_marker);
    v->key_marker = str_prefix_successor(p);
    v->seq_marker = -1;
    v->done = v->key_marker == NULL;
}

static void s3_versions_set_last(struct s3_versions *v, const char *key, const char *version)
{
    free(v->last_key);
    v->last_key = xstrdup(key);
    snprintf(v->last_version, sizeof(v->last_version), "%s", version ? version : "");
}

static int s3_versions_each(void *payload, const struct meta_object *o)
{
    struct s3_versions *v = payload;
    if (v->count == v->max) {
        v->truncated = 1;
        v->done = 1;
        return 1;
    }
    char *cp = s3_list_common_prefix(v->prefix, v->delimiter, o->key);
    if (cp) {
        v->rc = buf_puts(&v->prefixes, "<CommonPrefixes>");
        if (!v->rc)
            v->rc = s3_xml_name(&v->prefixes, "Prefix", cp, v->url);
        if (!v->rc)
            v->rc = buf_puts(&v->prefixes, "</CommonPrefixes>");
        v->count++;
        s3_versions_set_last(v, cp, NULL);
        s3_versions_skip_prefix(v, cp);
        free(cp);
        v->reseek = 1;
        return 1;
    }
    v->rc = s3_versions_entry(v, o);
    v->count++;
    s3_versions_set_last(v, o->key, o->version_id);
    free(v->key_marker);
    v->key_marker = xstrdup(o->key);
    v->seq_marker = o->seq;
    return v->rc ? 1 : 0;
}

/* A version id this server could have issued: "null" or hash_version_id's 32 characters. */
static int s3_version_id_well_formed(const char *vid)
{
    if (strcmp(vid, "null") == 0)
        return 1;
    size_t n = strlen(vid);
    return n == 32 && strspn(vid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789._") == n;
}

/* Where a resumed listing starts: after (key-marker, version-id-marker). */
static enum s3_error s3_versions_start(struct s3_req *r, struct s3_versions *v)
{
    const char *km = s3_req_param(r, "key-marker");
    const char *vm = s3_req_param(r, "version-id-marker");
    if (vm && !km) {
        s3_req_set_message(r, "A version-id marker cannot be specified without a key marker.");
        return S3E_INVALID_ARGUMENT;
    }
    if (!km || !km[0])
        return S3_OK;
    char *cp = s3_list_common_prefix(v->prefix, v->delimiter, km);
    if (cp) {
        s3_versions_skip_prefix(v, cp);
        free(cp);
        return S3_OK;
    }
    v->key_marker = xstrdup(km);
    v->seq_marker = 0;
    if (!vm || !vm[0])
        return S3_OK;
    if (!s3_version_id_well_formed(vm)) {
        s3_req_set_message(r, "Invalid version id specified");
        s3_req_error_elem(r, "ArgumentName", "version-id-marker");
        s3_req_error_elem(r, "ArgumentValue", vm);
        return S3E_INVALID_ARGUMENT;
    }
    struct meta_object o;
    int rc = meta_object_get(r->srv->meta, r->bucket, km, vm, &o);
    if (rc == ERR_NOTFOUND) {
        /* The marker version is gone (typically deleted by the client between pages): the
         * versions listed before it went with it, so resume at the first remaining version
         * of the key rather than failing or skipping the rest of the key. */
        v->seq_marker = -1;
        return S3_OK;
    }
    if (rc)
        return s3_error_from_rc(rc);
    v->seq_marker = o.seq;
    meta_object_dispose(&o);
    return S3_OK;
}

static int s3_versions_run(struct s3_versions *v)
{
    if (v->max == 0)
        v->done = 1;
    while (!v->done && !v->rc) {
        v->reseek = 0;
        size_t want = (size_t)(v->max - v->count) + 1;
        int rc = meta_version_scan(v->r->srv->meta, v->r->bucket, v->prefix, v->key_marker,
                                   v->seq_marker, want, s3_versions_each, v);
        if (rc < 0)
            return rc;
        if (!v->reseek && rc == 0)
            v->done = 1;
    }
    return v->rc;
}

static enum s3_error s3_versions_params(struct s3_req *r, struct s3_versions *v)
{
    struct s3_list_params lp;
    enum s3_error e = s3_list_params_read(r, "max-keys", S3_VERSIONS_MAX_KEYS, &lp);
    if (e)
        return e;
    v->prefix = lp.prefix;
    v->delimiter = lp.delimiter;
    v->max = lp.max;
    v->url = lp.url;
    return s3_versions_start(r, v);
}

static int s3_versions_head(struct s3_req *r, struct buf *xml, struct s3_versions *v)
{
    const char *km = s3_req_param(r, "key-marker");
    const char *vm = s3_req_param(r, "version-id-marker");
    int rc = buf_puts(xml, XML_DECL "<ListVersionsResult xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = xmlw_elem(xml, "Name", r->bucket);
    if (!rc)
        rc = s3_xml_name(xml, "Prefix", v->prefix, v->url);
    if (!rc)
        rc = s3_xml_name(xml, "KeyMarker", km ? km : "", v->url);
    if (!rc)
        rc = xmlw_elem(xml, "VersionIdMarker", vm ? vm : "");
    if (!rc && v->truncated && v->last_key) {
        rc = s3_xml_name(xml, "NextKeyMarker", v->last_key, v->url);
        if (!rc && v->last_version[0])
            rc = xmlw_elem(xml, "NextVersionIdMarker", v->last_version);
    }
    if (!rc)
        rc = xmlw_elem_i64(xml, "MaxKeys", v->max);
    if (!rc && v->delimiter && v->delimiter[0])
        rc = s3_xml_name(xml, "Delimiter", v->delimiter, v->url);
    if (!rc && v->url)
        rc = xmlw_elem(xml, "EncodingType", "url");
    if (!rc)
        rc = xmlw_elem_bool(xml, "IsTruncated", v->truncated);
    return rc;
}

enum s3_error s3_op_list_object_versions(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    struct s3_versions v;
    struct buf entries, xml;
    memset(&v, 0, sizeof(v));
    buf_init(&entries, BUF_UNLIMITED);
    buf_init(&v.prefixes, BUF_UNLIMITED);
    buf_init(&xml, BUF_UNLIMITED);
    v.r = r;
    v.xml = &entries;
    e = s3_versions_params(r, &v);
    int rc = e ? 0 : s3_versions_run(&v);
    if (!e && !rc)
        rc = s3_versions_head(r, &xml, &v);
    if (!e && !rc)
        rc = buf_append(&xml, entries.data, entries.len);
    if (!e && !rc)
        rc = buf_append(&xml, v.prefixes.data, v.prefixes.len);
    if (!e && !rc)
        rc = buf_puts(&xml, "</ListVersionsResult>");
    buf_dispose(&entries);
    buf_dispose(&v.prefixes);
    free(v.key_marker);
    free(v.last_key);
    if (e || rc) {
        buf_dispose(&xml);
        return e ? e : S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}
