/* s3_op_policy.c — Put/Get/DeleteBucketPolicy and GetBucketPolicyStatus.
 *
 * PutBucketPolicy validates the document (s3_policy_parse: MalformedPolicy with AWS's message,
 * PolicyTooLarge past 20 KB) and stores it byte for byte: GetBucketPolicy answers it as sent.
 * A public policy on a bucket with BlockPublicPolicy is AccessDenied. GetBucketPolicyStatus
 * says whether the bucket is public: its policy is (policy_is_public), or its ACL grants
 * AllUsers / AuthenticatedUsers while ACLs count (not BucketOwnerEnforced, not
 * IgnorePublicAcls). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/xmlw.h"
#include "s3/s3_acl.h"
#include "s3/s3_pab.h"
#include "s3/s3_policy.h"
#include "s3/s3_req.h"

/* AWS: the bucket policy is managed by the bucket owner's account alone; another account that
 * a policy allows s3:*BucketPolicy gets 405 MethodNotAllowed. */
static enum s3_error policy_load_owned_bucket(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    if (r->anonymous || strcmp(r->account.id, r->bucket_info.owner_id) != 0)
        return S3E_METHOD_NOT_ALLOWED;
    return S3_OK;
}

static enum s3_error put_policy_check(struct s3_req *r, const char *doc, size_t len)
{
    struct policy *p = NULL;
    int rc = s3_policy_parse(r->srv->meta, r->bucket, doc, len, &p);
    if (rc == ERR_TOOBIG)
        return S3E_POLICY_TOO_LARGE;
    if (rc) {
        s3_req_set_message(r, "%s", err_msg());
        return S3E_MALFORMED_POLICY;
    }
    int is_public = p->is_public;
    policy_free(p);
    struct pab pab;
    if (s3_pab_load(r->srv->meta, r->bucket, &pab, NULL))
        return S3E_INTERNAL_ERROR;
    return is_public && pab.block_public_policy ? S3E_ACCESS_DENIED : S3_OK;
}

enum s3_error s3_op_put_bucket_policy(struct s3_req *r)
{
    enum s3_error e = policy_load_owned_bucket(r);
    if (e)
        return e;
    const char *doc = r->body.xml.data ? r->body.xml.data : "";
    size_t len = r->body.xml.len;
    if (memchr(doc, '\0', len)) {
        s3_req_set_message(r, "Policies must be valid JSON and the first byte must be '{'");
        return S3E_MALFORMED_POLICY;
    }
    e = put_policy_check(r, doc, len);
    if (e)
        return e;
    int rc = meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_POLICY, doc);
    if (rc)
        return s3_error_from_rc(rc);
    log_info("bucket %s: policy set by account %s", r->bucket, r->account.id);
    s3_respond_empty(r, 204);
    return S3_OK;
}

enum s3_error s3_op_get_bucket_policy(struct s3_req *r)
{
    enum s3_error e = policy_load_owned_bucket(r);
    if (e)
        return e;
    char *doc = NULL;
    int rc = meta_bucket_config_get(r->srv->meta, r->bucket, META_CONFIG_POLICY, &doc);
    if (rc == ERR_NOTFOUND) {
        s3_req_error_elem(r, "BucketName", r->bucket);
        return S3E_NO_SUCH_BUCKET_POLICY;
    }
    if (rc)
        return s3_error_from_rc(rc);
    size_t len = strlen(doc);
    struct http_response *resp = s3_response_new(r, 200, doc, len);
    http_response_header(resp, "Content-Type", "application/json");
    http_req_respond(r->http, resp);
    return S3_OK;
}

enum s3_error s3_op_delete_bucket_policy(struct s3_req *r)
{
    enum s3_error e = policy_load_owned_bucket(r);
    if (e)
        return e;
    int rc = meta_bucket_config_delete(r->srv->meta, r->bucket, META_CONFIG_POLICY);
    if (rc && rc != ERR_NOTFOUND)
        return s3_error_from_rc(rc);
    s3_respond_empty(r, 204);
    return S3_OK;
}

/* Does the bucket's ACL make it public (ACLs enabled and not ignored)? */
static int policy_status_acl_public(struct s3_req *r, const struct pab *pab, int *out)
{
    *out = 0;
    if (pab->ignore_public_acls)
        return 0;
    struct acl *acl = xcalloc(1, sizeof(*acl));
    int disabled = 0;
    int rc = s3_acl_bucket_load(r->srv->meta, &r->bucket_info, acl, &disabled);
    if (!rc)
        *out = !disabled && acl_is_public(acl);
    free(acl);
    return rc;
}

enum s3_error s3_op_get_bucket_policy_status(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    const struct policy *p = NULL;
    struct s3_policy_ref *ref = NULL;
    struct pab pab;
    int acl_public = 0;
    int rc = s3_policy_load(r->srv->meta, &r->bucket_info, &p, &ref);
    if (!rc)
        rc = s3_pab_load(r->srv->meta, r->bucket, &pab, NULL);
    if (!rc)
        rc = policy_status_acl_public(r, &pab, &acl_public);
    int is_public = (p && p->is_public) || acl_public;
    s3_policy_release(ref);
    if (rc)
        return S3E_INTERNAL_ERROR;
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    rc = buf_puts(&xml, XML_DECL "<PolicyStatus xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = xmlw_elem(&xml, "IsPublic", is_public ? "true" : "false");
    if (!rc)
        rc = buf_puts(&xml, "</PolicyStatus>");
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}
