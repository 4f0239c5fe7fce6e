/* inv_config.c — InventoryConfiguration parsing, validation and rendering (see
 * inv_config.h). The rules and element order follow research/inventory-api.md §3–§5. */
#include "inventory/inv_config.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/xmlw.h"
#include "inventory/inv_filter.h"
#include "inventory/inv_xml.h"

static const char *const inv_field_names[INV_FIELD_COUNT] = {
    "Size",
    "LastModifiedDate",
    "StorageClass",
    "ETag",
    "IsMultipartUploaded",
    "ReplicationStatus",
    "EncryptionStatus",
    "ObjectLockRetainUntilDate",
    "ObjectLockMode",
    "ObjectLockLegalHoldStatus",
    "IntelligentTieringAccessTier",
    "BucketKeyStatus",
    "ChecksumAlgorithm",
    "ObjectAccessControlList",
    "ObjectOwner",
    "LifecycleExpirationDate",
    "Tags", /* extensions (docs/INVENTORY-EXTENSIONS.md) */
    "UserMetadata",
    "ContentType",
};

const char *inv_field_name(enum inv_field f)
{
    return inv_field_names[f];
}

int inv_config_id_valid(const char *id)
{
    size_t n = strlen(id);
    if (n < 1 || n > INV_ID_MAX)
        return 0;
    for (const char *p = id; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

void inv_config_dispose(struct inv_config *c)
{
    free(c->account_id);
    free(c->bucket_arn);
    free(c->prefix);
    free(c->kms_key_id);
    free(c->filter_prefix);
    inv_filter_free(c->filter_ext);
    memset(c, 0, sizeof(*c));
}

/* A leaf whose text must be one of the (case-sensitive) values. */
static int inv_leaf_enum(const xmlNode *n, const char *const *values, char *out, size_t size)
{
    char *t = NULL;
    int rc = inv_leaf_text(n, &t);
    for (const char *const *v = values; !rc && *v; v++) {
        if (strcmp(t, *v) == 0) {
            snprintf(out, size, "%s", t);
            free(t);
            return 0;
        }
    }
    free(t);
    return ERR_INVALID;
}

static int inv_parse_bool(const xmlNode *n, int *out)
{
    char *t = NULL;
    int rc = inv_leaf_text(n, &t);
    if (!rc && (strcmp(t, "true") == 0 || strcmp(t, "1") == 0))
        *out = 1;
    else if (!rc && (strcmp(t, "false") == 0 || strcmp(t, "0") == 0))
        *out = 0;
    else
        rc = ERR_INVALID;
    free(t);
    return rc;
}

static int inv_parse_encryption(struct inv_config *c, const xmlNode *enc)
{
    static const char *const names[] = {"SSE-S3", "SSE-KMS"};
    xmlNode *f[2];
    if (inv_children(enc, names, 2, f))
        return ERR_INVALID;
    if (f[0] && f[1])
        return ERR_INVALID;
    if (!f[0] && !f[1]) {
        c->encryption = INV_ENC_EMPTY;
        return 0;
    }
    if (f[0]) {
        c->encryption = INV_ENC_SSE_S3;
        return inv_children(f[0], NULL, 0, NULL);
    }
    static const char *const kms_names[] = {"KeyId"};
    xmlNode *k[1];
    if (inv_children(f[1], kms_names, 1, k) || !k[0])
        return ERR_INVALID;
    c->encryption = INV_ENC_SSE_KMS;
    return inv_leaf_text(k[0], &c->kms_key_id);
}

/* The extension CsvHeader: true or false (case-sensitive), with Format CSV only. */
static int inv_parse_csv_header(struct inv_config *c, const xmlNode *n)
{
    char *t = NULL;
    int rc = inv_leaf_text(n, &t);
    if (!rc && strcmp(t, "true") == 0)
        c->csv_header = 1;
    else if (!rc && strcmp(t, "false") == 0)
        c->csv_header = 0;
    else
        rc = ERR_INVALID;
    free(t);
    return rc || strcmp(c->format, "CSV") != 0 ? ERR_INVALID : 0;
}

static int inv_parse_destination(struct inv_config *c, const xmlNode *dest)
{
    static const char *const outer[] = {"S3BucketDestination"};
    static const char *const names[] = {"AccountId", "Bucket",     "Format",
                                        "Prefix",    "Encryption", "CsvHeader"};
    /* JSON is Stocktake's extension (docs/INVENTORY-EXTENSIONS.md) */
    static const char *const formats[] = {"CSV", "ORC", "Parquet", "JSON", NULL};
    xmlNode *o[1], *f[6];
    if (inv_children(dest, outer, 1, o) || !o[0] || inv_children(o[0], names, 6, f))
        return ERR_INVALID;
    if (!f[1] || !f[2])
        return ERR_INVALID;
    c->csv_header = -1;
    int rc = inv_leaf_text(f[1], &c->bucket_arn);
    if (!rc)
        rc = inv_leaf_enum(f[2], formats, c->format, sizeof(c->format));
    if (!rc && f[0])
        rc = inv_leaf_text(f[0], &c->account_id);
    if (!rc && f[3])
        rc = inv_leaf_text(f[3], &c->prefix);
    if (!rc && f[4])
        rc = inv_parse_encryption(c, f[4]);
    if (!rc && f[5])
        rc = inv_parse_csv_header(c, f[5]);
    return rc;
}

static int inv_parse_fields(struct inv_config *c, const xmlNode *of)
{
    if (!inv_only_elements(of))
        return ERR_INVALID;
    c->has_optional_fields = 1;
    for (xmlNode *n = of->children; n; n = n->next) {
        if (!inv_is_element(n))
            continue;
        char *t = NULL;
        if (strcmp((const char *)n->name, "Field") != 0 || c->n_fields == INV_MAX_FIELDS ||
            inv_leaf_text(n, &t))
            return ERR_INVALID;
        int found = -1;
        for (int i = 0; i < INV_FIELD_COUNT && found < 0; i++) {
            if (strcmp(t, inv_field_names[i]) == 0)
                found = i;
        }
        free(t);
        if (found < 0)
            return ERR_INVALID;
        c->fields[c->n_fields++] = (enum inv_field)found;
    }
    return 0;
}

static int inv_parse_filter(struct inv_config *c, const xmlNode *filter)
{
    c->has_filter = 1;
    return inv_filter_parse(filter, &c->filter_prefix, &c->filter_ext);
}

static int inv_parse_schedule(struct inv_config *c, const xmlNode *sched)
{
    static const char *const names[] = {"Frequency"};
    /* Hourly and Monthly are Stocktake's extensions (docs/INVENTORY-EXTENSIONS.md) */
    static const char *const freqs[] = {"Daily", "Weekly", "Hourly", "Monthly", NULL};
    xmlNode *f[1];
    if (inv_children(sched, names, 1, f) || !f[0])
        return ERR_INVALID;
    return inv_leaf_enum(f[0], freqs, c->frequency, sizeof(c->frequency));
}

enum {
    F_ID,
    F_ENABLED,
    F_DEST,
    F_SCHEDULE,
    F_VERSIONS,
    F_FILTER,
    F_FIELDS,
    F_REPORT_TYPE,
    F_COUNT
};

static int inv_parse_root(struct inv_config *c, const xmlNode *root)
{
    static const char *const names[F_COUNT] = {
        "Id",     "IsEnabled",      "Destination", "Schedule", "IncludedObjectVersions",
        "Filter", "OptionalFields", "ReportType"};
    static const char *const versions[] = {"All", "Current", NULL};
    /* ReportType is Stocktake's extension (change reports, docs/INVENTORY-EXTENSIONS.md) */
    static const char *const report_types[] = {"Full", "Changes", NULL};
    xmlNode *f[F_COUNT];
    if (inv_children(root, names, F_COUNT, f))
        return ERR_INVALID;
    if (!f[F_ID] || !f[F_ENABLED] || !f[F_DEST] || !f[F_SCHEDULE] || !f[F_VERSIONS])
        return ERR_INVALID;
    char *id = NULL;
    int rc = inv_leaf_text(f[F_ID], &id);
    if (!rc && !inv_config_id_valid(id))
        rc = ERR_INVALID;
    if (!rc)
        snprintf(c->id, sizeof(c->id), "%s", id);
    free(id);
    if (!rc)
        rc = inv_parse_bool(f[F_ENABLED], &c->is_enabled);
    if (!rc)
        rc = inv_parse_destination(c, f[F_DEST]);
    if (!rc)
        rc = inv_parse_schedule(c, f[F_SCHEDULE]);
    if (!rc)
        rc = inv_leaf_enum(f[F_VERSIONS], versions, c->included_versions,
                           sizeof(c->included_versions));
    if (!rc && f[F_FILTER])
        rc = inv_parse_filter(c, f[F_FILTER]);
    if (!rc && f[F_FIELDS])
        rc = inv_parse_fields(c, f[F_FIELDS]);
    if (!rc && f[F_REPORT_TYPE]) {
        char type[8];
        rc = inv_leaf_enum(f[F_REPORT_TYPE], report_types, type, sizeof(type));
        c->has_report_type = 1;
        c->report_changes = !rc && strcmp(type, "Changes") == 0;
    }
    return rc;
}

static void inv_xml_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int inv_config_parse(struct inv_config *out, const char *xml, size_t len)
{
    memset(out, 0, sizeof(*out));
    if (len == 0 || len > (1u << 20)) {
        err_set("empty or oversized configuration");
        return ERR_INVALID;
    }
    xmlSetGenericErrorFunc(NULL, inv_xml_quiet);
    xmlDoc *doc = xmlReadMemory(xml, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    int rc = ERR_INVALID;
    if (root && !doc->intSubset && !doc->extSubset &&
        strcmp((const char *)root->name, "InventoryConfiguration") == 0)
        rc = inv_parse_root(out, root);
    if (doc)
        xmlFreeDoc(doc);
    if (rc) {
        inv_config_dispose(out);
        err_set("the inventory configuration does not validate");
    }
    return rc;
}

int inv_config_parse_stored(struct inv_config *out, const char *children)
{
    struct buf doc;
    buf_init(&doc, BUF_UNLIMITED);
    int rc = buf_printf(&doc, "<InventoryConfiguration>%s</InventoryConfiguration>", children);
    if (!rc)
        rc = inv_config_parse(out, doc.data, doc.len);
    else
        memset(out, 0, sizeof(*out));
    buf_dispose(&doc);
    return rc;
}

const char *inv_config_destination_error(const struct inv_config *c, const char **name)
{
    /* arn:<partition>:s3:<region>:<account>:<name> — region and account must be empty */
    const char *parts[6];
    size_t lens[6];
    const char *p = c->bucket_arn;
    for (int i = 0; i < 6; i++) {
        const char *colon = i < 5 ? strchr(p, ':') : NULL;
        if (i < 5 && !colon)
            return "Invalid bucket ARN.";
        parts[i] = p;
        lens[i] = colon ? (size_t)(colon - p) : strlen(p);
        p += lens[i] + (colon ? 1 : 0);
    }
    if (lens[0] != 3 || strncmp(parts[0], "arn", 3) != 0 || lens[1] == 0 || lens[2] != 2 ||
        strncmp(parts[2], "s3", 2) != 0)
        return "Invalid bucket ARN.";
    if (lens[4] != 0)
        return "Bucket ARN should not specify a namespace.";
    if (lens[3] != 0 || lens[5] == 0 || strchr(parts[5], '/') || strchr(parts[5], ':'))
        return "Invalid bucket ARN.";
    if (name)
        *name = parts[5];
    return NULL;
}

static int inv_render_destination(const struct inv_config *c, struct buf *out)
{
    int rc = buf_puts(out, "<Destination><S3BucketDestination>");
    if (!rc)
        rc = xmlw_elem(out, "Format", c->format);
    if (!rc && c->account_id)
        rc = xmlw_elem(out, "AccountId", c->account_id);
    if (!rc)
        rc = xmlw_elem(out, "Bucket", c->bucket_arn);
    if (!rc && c->prefix)
        rc = xmlw_elem(out, "Prefix", c->prefix);
    if (!rc && c->encryption == INV_ENC_EMPTY)
        rc = buf_puts(out, "<Encryption/>");
    if (!rc && c->encryption == INV_ENC_SSE_S3)
        rc = buf_puts(out, "<Encryption><SSE-S3/></Encryption>");
    if (!rc && c->encryption == INV_ENC_SSE_KMS) {
        rc = buf_puts(out, "<Encryption><SSE-KMS>");
        if (!rc)
            rc = xmlw_elem(out, "KeyId", c->kms_key_id);
        if (!rc)
            rc = buf_puts(out, "</SSE-KMS></Encryption>");
    }
    if (!rc && c->csv_header >= 0)
        rc = xmlw_elem_bool(out, "CsvHeader", c->csv_header);
    return rc ? rc : buf_puts(out, "</S3BucketDestination></Destination>");
}

int inv_config_render(const struct inv_config *c, struct buf *out)
{
    int rc = xmlw_elem(out, "Id", c->id);
    if (!rc)
        rc = xmlw_elem_bool(out, "IsEnabled", c->is_enabled);
    if (!rc)
        rc = inv_render_destination(c, out);
    if (!rc)
        rc = buf_printf(out, "<Schedule><Frequency>%s</Frequency></Schedule>", c->frequency);
    if (!rc && c->has_filter) {
        rc = buf_puts(out, "<Filter>");
        if (!rc && c->filter_prefix)
            rc = xmlw_elem(out, "Prefix", c->filter_prefix);
        if (!rc && c->filter_ext)
            rc = inv_filter_render(c->filter_ext, out);
        if (!rc)
            rc = buf_puts(out, "</Filter>");
    }
    if (!rc)
        rc = xmlw_elem(out, "IncludedObjectVersions", c->included_versions);
    if (!rc && c->has_optional_fields && c->n_fields == 0)
        rc = buf_puts(out, "<OptionalFields/>");
    if (!rc && c->n_fields) {
        rc = buf_puts(out, "<OptionalFields>");
        for (size_t i = 0; i < c->n_fields && !rc; i++)
            rc = xmlw_elem(out, "Field", inv_field_names[c->fields[i]]);
        if (!rc)
            rc = buf_puts(out, "</OptionalFields>");
    }
    if (!rc && c->has_report_type)
        rc = xmlw_elem(out, "ReportType", c->report_changes ? "Changes" : "Full");
    return rc;
}
