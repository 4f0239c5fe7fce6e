/* s3_op_tiering.c — Put/Get/List/DeleteBucketIntelligentTieringConfiguration
 * (?intelligent-tiering[&id=]): the bucket's set of configurations, one
 * META_CONFIG_INTELLIGENT_TIERING document (tiering/it_config.h), read, changed and stored
 * whole; List pages by 100 with the inventory API's opaque continuation tokens. */
#include <stdlib.h>
#include <string.h>

#include "core/xmlw.h"
#include "inventory/inv_token.h"
#include "s3/s3_req.h"
#include "tiering/it_config.h"

#define S3_IT_LIST_PAGE 100

static enum s3_error s3_it_load(struct s3_req *r, struct it_configs *out)
{
    memset(out, 0, sizeof(*out));
    enum s3_error e = s3_req_load_bucket(r);
    if (e)
        return e;
    char *doc = NULL;
    int rc = meta_bucket_config_get(r->srv->meta, r->bucket, META_CONFIG_INTELLIGENT_TIERING, &doc);
    if (rc == ERR_NOTFOUND)
        return S3_OK;
    if (rc)
        return s3_error_from_rc(rc);
    rc = it_configs_parse(doc, out);
    free(doc);
    return rc ? S3E_INTERNAL_ERROR : S3_OK;
}

static enum s3_error s3_it_store(struct s3_req *r, const struct it_configs *l)
{
    if (l->n == 0) {
        int rc =
            meta_bucket_config_delete(r->srv->meta, r->bucket, META_CONFIG_INTELLIGENT_TIERING);
        return rc && rc != ERR_NOTFOUND ? s3_error_from_rc(rc) : S3_OK;
    }
    struct buf xml;
    buf_init(&xml, META_CONFIG_DOC_MAX);
    int rc = it_configs_render(&xml, l);
    if (!rc)
        rc = meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_INTELLIGENT_TIERING,
                                    (const char *)xml.data);
    buf_dispose(&xml);
    return rc == ERR_TOOBIG ? S3E_TOO_MANY_CONFIGURATIONS : rc ? s3_error_from_rc(rc) : S3_OK;
}

static const char *s3_it_id(struct s3_req *r)
{
    const char *id = s3_req_param(r, "id");
    return id && id[0] ? id : NULL;
}

/* The id the request names and the bucket's configurations (the Put/Get/Delete start). */
static enum s3_error s3_it_begin(struct s3_req *r, const char **id, struct it_configs *l)
{
    memset(l, 0, sizeof(*l));
    *id = s3_it_id(r);
    if (!*id) {
        s3_req_set_message(r, "Missing required parameter: id");
        return S3E_INVALID_ARGUMENT;
    }
    return s3_it_load(r, l);
}

enum s3_error s3_op_put_bucket_intelligent_tiering(struct s3_req *r)
{
    const char *id;
    struct it_configs l;
    enum s3_error e = s3_it_begin(r, &id, &l);
    if (e)
        return e;
    struct it_config c;
    char msg[160];
    enum it_config_error ce =
        it_config_parse(r->body.xml.data, r->body.xml.len, &c, msg, sizeof(msg));
    if (ce == IT_CONFIG_MALFORMED)
        e = S3E_MALFORMED_XML;
    else if (ce) {
        s3_req_set_message(r, "%s", msg);
        e = S3E_INVALID_ARGUMENT;
    } else if (strcmp(c.id, id) != 0) {
        e = S3E_ID_MISMATCH;
    }
    int rc = e ? 0 : it_configs_put(&l, &c);
    if (rc == ERR_TOOBIG)
        e = S3E_TOO_MANY_CONFIGURATIONS;
    if (!e)
        e = s3_it_store(r, &l);
    if (ce == IT_CONFIG_OK)
        it_config_dispose(&c);
    it_configs_dispose(&l);
    if (e)
        return e;
    s3_respond_empty(r, 200);
    return S3_OK;
}

enum s3_error s3_op_get_bucket_intelligent_tiering(struct s3_req *r)
{
    const char *id;
    struct it_configs l;
    enum s3_error e = s3_it_begin(r, &id, &l);
    if (e)
        return e;
    const struct it_config *c = it_configs_find(&l, id);
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = c ? buf_puts(&xml, XML_DECL) : 0;
    if (c && !rc)
        rc = it_config_render(&xml, c, 1);
    it_configs_dispose(&l);
    if (!c || rc) {
        buf_dispose(&xml);
        return c ? S3E_INTERNAL_ERROR : S3E_NO_SUCH_CONFIGURATION;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}

enum s3_error s3_op_delete_bucket_intelligent_tiering(struct s3_req *r)
{
    const char *id;
    struct it_configs l;
    enum s3_error e = s3_it_begin(r, &id, &l);
    if (!e && it_configs_remove(&l, id))
        e = S3E_NO_SUCH_CONFIGURATION;
    if (!e)
        e = s3_it_store(r, &l);
    it_configs_dispose(&l);
    if (e)
        return e;
    s3_respond_empty(r, 204);
    return S3_OK;
}

static int s3_it_list_page(struct buf *xml, const struct it_configs *l, const char *from,
                           const char *token)
{
    size_t i = 0, shown = 0;
    while (i < l->n && strcmp(l->v[i].id, from) < 0)
        i++;
    int rc = buf_puts(xml, XML_DECL
                      "<ListBucketIntelligentTieringConfigurationsOutput xmlns=\"" S3_XMLNS "\">");
    for (; !rc && i < l->n && shown < S3_IT_LIST_PAGE; i++, shown++)
        rc = it_config_render(xml, &l->v[i], 0);
    if (!rc)
        rc = xmlw_elem(xml, "IsTruncated", i < l->n ? "true" : "false");
    if (!rc && token)
        rc = xmlw_elem(xml, "ContinuationToken", token);
    if (!rc && i < l->n) {
        char next[INV_TOKEN_MAX + 1];
        inv_token_encode(l->v[i].id, next);
        rc = xmlw_elem(xml, "NextContinuationToken", next);
    }
    return rc ? rc : buf_puts(xml, "</ListBucketIntelligentTieringConfigurationsOutput>");
}

enum s3_error s3_op_list_bucket_intelligent_tiering(struct s3_req *r)
{
    const char *token = s3_req_param(r, "continuation-token");
    char from[INV_ID_MAX + 1] = "";
    if (token && token[0] && inv_token_decode(token, strlen(token), from)) {
        s3_req_set_message(r, "The continuation token provided is incorrect");
        s3_req_error_elem(r, "ArgumentName", "continuation-token");
        return S3E_INVALID_ARGUMENT;
    }
    struct it_configs l;
    enum s3_error e = s3_it_load(r, &l);
    if (e)
        return e;
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    int rc = s3_it_list_page(&xml, &l, from, token);
    it_configs_dispose(&l);
    if (rc) {
        buf_dispose(&xml);
        return S3E_INTERNAL_ERROR;
    }
    s3_respond_xml(r, &xml);
    return S3_OK;
}
