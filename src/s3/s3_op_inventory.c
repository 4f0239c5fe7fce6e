/* s3_op_inventory.c — the bucket inventory configuration API: Put, Get, List, Delete, as AWS
 * answers them (research/inventory-api.md): 204 for Put and Delete; validation in AWS's order
 * (bucket and owner, body, Id match, destination ARN, the 1,000 limit); List sorted by Id in
 * pages of 100 with an opaque continuation token. Success bodies have no newline after the
 * XML prolog, as AWS's captured responses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmlw.h"
#include "inventory/inv_config.h"
#include "inventory/inv_token.h"
#include "s3/s3_inventory_store.h"
#include "s3/s3_req.h"

#define INV_LIST_PAGE 100
#define INV_PROLOG "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"

enum s3_error s3_op_put_bucket_inventory(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    if (r->body.xml.len == 0)
        return S3E_MISSING_REQUEST_BODY;
    struct s3_inventory_put_error err;
    e = s3_inventory_put(r->srv->meta, r->bucket, s3_req_param(r, "id"), r->body.xml.data,
                         r->body.xml.len, &err);
    if (e && err.message[0])
        s3_req_set_message(r, "%s", err.message);
    if (e && err.argument_name)
        s3_req_error_elem(r, "ArgumentName", err.argument_name);
    if (!e)
        s3_respond_empty(r, 204);
    return e;
}

/* The stored configuration for ?id, or NoSuchConfiguration (which carries no BucketName). */
static enum s3_error s3_inventory_load(struct s3_req *r, char **out)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    const char *id = s3_req_param(r, "id");
    int rc = id && inv_config_id_valid(id) ? meta_inventory_get(r->srv->meta, r->bucket, id, out)
                                           : ERR_NOTFOUND;
    return s3_error_from_err(rc, S3E_NO_SUCH_CONFIGURATION);
}

enum s3_error s3_op_get_bucket_inventory(struct s3_req *r)
{
    char *config = NULL;
    enum s3_error e = s3_inventory_load(r, &config);
    if (e)
        return e;
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = s3_inventory_document(config, &xml);
    free(config);
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}

enum s3_error s3_op_delete_bucket_inventory(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    const char *id = s3_req_param(r, "id");
    int rc = id && inv_config_id_valid(id) ? meta_inventory_delete(r->srv->meta, r->bucket, id)
                                           : ERR_NOTFOUND;
    if (rc)
        return s3_error_from_err(rc, S3E_NO_SUCH_CONFIGURATION);
    s3_respond_empty(r, 204);
    return S3_OK;
}

/* A continuation token that inv_token_encode did not produce: AWS's InvalidArgument. */
static enum s3_error s3_inventory_bad_token(struct s3_req *r)
{
    s3_req_set_message(r, "The continuation token provided is incorrect");
    s3_req_error_elem(r, "ArgumentName", "continuation-token");
    return S3E_INVALID_ARGUMENT;
}

struct s3_inventory_page {
    struct buf *xml;
    int count;
    char next[INV_ID_MAX + 1];
    int rc;
};

static int s3_inventory_page_each(void *payload, const char *bucket, const char *id,
                                  const char *config)
{
    struct s3_inventory_page *p = payload;
    (void)bucket;
    if (p->count == INV_LIST_PAGE) {
        snprintf(p->next, sizeof(p->next), "%s", id);
        return 1;
    }
    p->count++;
    p->rc = buf_puts(p->xml, "<InventoryConfiguration>");
    if (!p->rc)
        p->rc = buf_puts(p->xml, config);
    if (!p->rc)
        p->rc = buf_puts(p->xml, "</InventoryConfiguration>");
    return p->rc ? 1 : 0;
}

enum s3_error s3_op_list_bucket_inventory(struct s3_req *r)
{
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    const char *token = s3_req_param(r, "continuation-token");
    char from[INV_ID_MAX + 1] = "";
    if (token && token[0] && inv_token_decode(token, strlen(token), from))
        return s3_inventory_bad_token(r);
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    struct s3_inventory_page page = {&xml, 0, "", 0};
    int rc =
        buf_puts(&xml, INV_PROLOG "<ListInventoryConfigurationsResult xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = meta_inventory_list(r->srv->meta, r->bucket, from, INV_LIST_PAGE + 1,
                                 s3_inventory_page_each, &page);
    if (rc == 1)
        rc = page.rc;
    if (!rc)
        rc = xmlw_elem_bool(&xml, "IsTruncated", page.next[0] != '\0');
    if (!rc && token)
        rc = xmlw_elem(&xml, "ContinuationToken", token);
    if (!rc && page.next[0]) {
        char next[INV_TOKEN_MAX + 1];
        inv_token_encode(page.next, next);
        rc = xmlw_elem(&xml, "NextContinuationToken", next);
    }
    if (!rc)
        rc = buf_puts(&xml, "</ListInventoryConfigurationsResult>");
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}
