/* s3_sse_config.c — ServerSideEncryptionConfiguration parse and render (s3_sse_config.h). */
#include "s3/s3_sse_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/xmlw.h"
#include "meta/meta.h"
#include "s3/s3_xml.h"

static const char *const s3_sse_alg_names[] = {"AES256", "aws:kms", "aws:kms:dsse"};

const char *s3_sse_algorithm_name(enum s3_sse_algorithm a)
{
    return s3_sse_alg_names[a];
}

void s3_sse_config_default(struct s3_sse_config *out)
{
    memset(out, 0, sizeof(*out));
    out->algorithm = S3_SSE_ALG_AES256;
    out->blocked = S3_SSE_BLOCK_UNSET;
}

static enum s3_error s3_sse_fail(enum s3_error e, char *msg, size_t size, const char *text)
{
    snprintf(msg, size, "%s", text);
    return e;
}

/* Only the listed element children are allowed, each at most once. */
static int s3_sse_children_ok(const xmlNode *parent, const char *const *names, size_t n)
{
    int seen[4] = {0};
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        size_t i = 0;
        while (i < n && strcmp((const char *)c->name, names[i]) != 0)
            i++;
        if (i == n || seen[i]++)
            return 0;
    }
    return 1;
}

static enum s3_error s3_sse_parse_default(struct s3_sse_config *out, const xmlNode *def, char *msg,
                                          size_t size)
{
    static const char *const names[] = {"SSEAlgorithm", "KMSMasterKeyID"};
    if (!s3_sse_children_ok(def, names, 2))
        return S3E_MALFORMED_XML;
    xmlNode *alg = s3_xml_child(def, "SSEAlgorithm");
    if (!alg)
        return S3E_MALFORMED_XML;
    char *a = s3_xml_text(alg);
    size_t i = 0;
    while (i < 3 && strcmp(a, s3_sse_alg_names[i]) != 0)
        i++;
    free(a);
    if (i == 3)
        return S3E_MALFORMED_XML;
    out->algorithm = (enum s3_sse_algorithm)i;
    xmlNode *kid = s3_xml_child(def, "KMSMasterKeyID");
    if (!kid)
        return S3_OK;
    char *k = s3_xml_text(kid);
    size_t klen = strlen(k);
    if (klen < sizeof(out->kms_key_id))
        memcpy(out->kms_key_id, k, klen + 1);
    free(k);
    if (klen >= sizeof(out->kms_key_id))
        return S3E_MALFORMED_XML;
    if (out->algorithm == S3_SSE_ALG_AES256)
        return s3_sse_fail(S3E_INVALID_ARGUMENT, msg, size,
                           "a KMSMasterKeyID is not applicable if the default sse algorithm is "
                           "not aws:kms or aws:kms:dsse");
    return S3_OK;
}

/* EncryptionType elements: NONE or SSE-C (one of them, possibly repeated). */
static enum s3_error s3_sse_parse_blocked(struct s3_sse_config *out, const xmlNode *blocked)
{
    static const char *const names[] = {"EncryptionType"};
    int none = 0, ssec = 0;
    for (const xmlNode *c = blocked->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, names[0]) != 0)
            return S3E_MALFORMED_XML;
        char *v = s3_xml_text(c);
        none |= strcmp(v, "NONE") == 0;
        ssec |= strcmp(v, "SSE-C") == 0;
        int known = strcmp(v, "NONE") == 0 || strcmp(v, "SSE-C") == 0;
        free(v);
        if (!known)
            return S3E_MALFORMED_XML;
    }
    if (none == ssec) /* none given, or both */
        return S3E_MALFORMED_XML;
    out->blocked = ssec ? S3_SSE_BLOCK_SSE_C : S3_SSE_BLOCK_NONE;
    return S3_OK;
}

static enum s3_error s3_sse_parse_rule(struct s3_sse_config *out, const xmlNode *rule, char *msg,
                                       size_t size)
{
    static const char *const names[] = {"ApplyServerSideEncryptionByDefault", "BucketKeyEnabled",
                                        "BlockedEncryptionTypes"};
    if (!s3_sse_children_ok(rule, names, 3))
        return S3E_MALFORMED_XML;
    xmlNode *def = s3_xml_child(rule, "ApplyServerSideEncryptionByDefault");
    if (!def) /* a rule without a default names only the bucket key, which SSE-S3 needs not */
        return S3E_MALFORMED_XML;
    enum s3_error e = s3_sse_parse_default(out, def, msg, size);
    if (e)
        return e;
    xmlNode *bk = s3_xml_child(rule, "BucketKeyEnabled");
    if (bk) {
        char *v = s3_xml_text(bk);
        int t = strcmp(v, "true") == 0, f = strcmp(v, "false") == 0;
        free(v);
        if (!t && !f)
            return S3E_MALFORMED_XML;
        out->bucket_key_enabled = t;
    }
    xmlNode *blocked = s3_xml_child(rule, "BlockedEncryptionTypes");
    return blocked ? s3_sse_parse_blocked(out, blocked) : S3_OK;
}

enum s3_error s3_sse_config_parse(struct s3_sse_config *out, const char *xml, size_t len, char *msg,
                                  size_t msg_size)
{
    msg[0] = '\0';
    s3_sse_config_default(out);
    xmlDoc *doc = NULL;
    if (len == 0 || s3_xml_parse(&doc, xml, len, "ServerSideEncryptionConfiguration"))
        return S3E_MALFORMED_XML;
    xmlNode *root = xmlDocGetRootElement(doc);
    static const char *const names[] = {"Rule"};
    enum s3_error e = S3_OK;
    xmlNode *rule = s3_xml_child(root, "Rule");
    if (!rule || !s3_sse_children_ok(root, names, 1))
        e = S3E_MALFORMED_XML; /* exactly one rule */
    if (!e)
        e = s3_sse_parse_rule(out, rule, msg, msg_size);
    xmlFreeDoc(doc);
    return e;
}

int s3_sse_config_render(struct buf *out, const struct s3_sse_config *c)
{
    int rc = buf_puts(out, XML_DECL "<ServerSideEncryptionConfiguration xmlns=\"" S3_XMLNS
                                    "\"><Rule><ApplyServerSideEncryptionByDefault>");
    if (!rc)
        rc = xmlw_elem(out, "SSEAlgorithm", s3_sse_algorithm_name(c->algorithm));
    if (!rc && c->kms_key_id[0])
        rc = xmlw_elem(out, "KMSMasterKeyID", c->kms_key_id);
    if (!rc)
        rc = buf_puts(out, "</ApplyServerSideEncryptionByDefault>");
    if (!rc)
        rc = xmlw_elem(out, "BucketKeyEnabled", c->bucket_key_enabled ? "true" : "false");
    if (!rc && c->blocked != S3_SSE_BLOCK_UNSET)
        rc = buf_printf(out,
                        "<BlockedEncryptionTypes><EncryptionType>%s</EncryptionType>"
                        "</BlockedEncryptionTypes>",
                        c->blocked == S3_SSE_BLOCK_SSE_C ? "SSE-C" : "NONE");
    if (!rc)
        rc = buf_puts(out, "</Rule></ServerSideEncryptionConfiguration>");
    return rc;
}

int s3_sse_config_load(struct meta_store *m, const char *bucket, int legacy,
                       struct s3_sse_config *out)
{
    char *doc = NULL;
    int rc = meta_bucket_config_get(m, bucket, META_CONFIG_ENCRYPTION, &doc);
    if (rc == ERR_NOTFOUND && !legacy) {
        s3_sse_config_default(out);
        out->blocked = S3_SSE_BLOCK_SSE_C; /* AWS since April 2026 */
        return 0;
    }
    if (rc)
        return rc;
    char msg[256];
    enum s3_error e = s3_sse_config_parse(out, doc, strlen(doc), msg, sizeof(msg));
    free(doc);
    if (e) {
        err_set("stored encryption configuration of %s does not parse", bucket);
        return ERR_INVALID;
    }
    if (out->blocked == S3_SSE_BLOCK_UNSET && !legacy)
        out->blocked = S3_SSE_BLOCK_SSE_C;
    return 0;
}
