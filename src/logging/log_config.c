/* log_config.c — BucketLoggingStatus documents (see log_config.h). */
#include "logging/log_config.h"

#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmlw.h"
#include "s3/s3_xml.h"

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

static int log_config_bad(char *msg, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int log_config_bad(char *msg, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
    return ERR_INVALID;
}

static int log_node_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The text of n into out (size bytes): ERR_INVALID when longer. */
static int log_node_text(const xmlNode *n, char *out, size_t size)
{
    char *t = s3_xml_text(n);
    size_t len = strlen(t);
    int rc = len < size ? 0 : ERR_INVALID;
    if (!rc)
        memcpy(out, t, len + 1);
    free(t);
    return rc;
}

/* Is every element child of parent one of the names (NULL-terminated), each at most once? */
static int log_children_known(const xmlNode *parent, const char *const *names)
{
    unsigned seen = 0;
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        int found = 0;
        for (unsigned i = 0; names[i]; i++) {
            if (strcmp((const char *)c->name, names[i]) == 0) {
                if (seen & (1u << i))
                    return 0;
                seen |= 1u << i;
                found = 1;
            }
        }
        if (!found)
            return 0;
    }
    return 1;
}

static int log_grant_parse(struct log_grant *g, const xmlNode *grant, char *msg, size_t size)
{
    static const char *const grant_names[] = {"Grantee", "Permission", NULL};
    static const char *const grantee_names[] = {"ID", "DisplayName", "EmailAddress", "URI", NULL};
    const xmlNode *grantee = s3_xml_child(grant, "Grantee");
    const xmlNode *perm = s3_xml_child(grant, "Permission");
    if (!log_children_known(grant, grant_names) || !grantee || !perm)
        return log_config_bad(msg, size, "a Grant needs one Grantee and one Permission");
    if (!log_children_known(grantee, grantee_names))
        return log_config_bad(msg, size, "unknown element in a Grantee");
    if (log_node_text(perm, g->permission, sizeof(g->permission)) ||
        (strcmp(g->permission, "FULL_CONTROL") != 0 && strcmp(g->permission, "READ") != 0 &&
         strcmp(g->permission, "WRITE") != 0))
        return log_config_bad(msg, size, "Permission must be FULL_CONTROL, READ or WRITE");
    xmlChar *type = xmlGetNsProp(grantee, (const xmlChar *)"type", (const xmlChar *)XSI_NS);
    if (!type)
        type = xmlGetProp(grantee, (const xmlChar *)"type");
    const char *t = type ? (const char *)type : "";
    const char *elem = strcmp(t, "CanonicalUser") == 0           ? "ID"
                       : strcmp(t, "AmazonCustomerByEmail") == 0 ? "EmailAddress"
                       : strcmp(t, "Group") == 0                 ? "URI"
                                                                 : NULL;
    int rc = 0;
    if (!elem)
        rc = log_config_bad(msg, size,
                            "a Grantee's xsi:type must be CanonicalUser, "
                            "AmazonCustomerByEmail or Group");
    else {
        snprintf(g->type, sizeof(g->type), "%s", t);
        const xmlNode *v = s3_xml_child(grantee, elem);
        if (!v || log_node_text(v, g->value, sizeof(g->value)) || !g->value[0])
            rc = log_config_bad(msg, size, "a %s Grantee needs its %s", t, elem);
    }
    xmlFree(type);
    return rc;
}

static int log_key_format_parse(struct log_config *c, const xmlNode *fmt, char *msg, size_t size)
{
    static const char *const names[] = {"SimplePrefix", "PartitionedPrefix", NULL};
    const xmlNode *simple = s3_xml_child(fmt, "SimplePrefix");
    const xmlNode *part = s3_xml_child(fmt, "PartitionedPrefix");
    if (!log_children_known(fmt, names) || !simple == !part)
        return log_config_bad(msg, size,
                              "TargetObjectKeyFormat needs exactly one of "
                              "SimplePrefix and PartitionedPrefix");
    if (simple) {
        if (s3_xml_count_children(simple))
            return log_config_bad(msg, size, "SimplePrefix has no elements");
        c->key_format = LOG_KEY_SIMPLE;
        return 0;
    }
    static const char *const part_names[] = {"PartitionDateSource", NULL};
    if (!log_children_known(part, part_names))
        return log_config_bad(msg, size, "unknown element in PartitionedPrefix");
    c->key_format = LOG_KEY_PARTITIONED;
    c->date_source = LOG_DATE_DELIVERY;
    const xmlNode *src = s3_xml_child(part, "PartitionDateSource");
    if (!src)
        return 0;
    char v[16];
    if (log_node_text(src, v, sizeof(v)) ||
        (strcmp(v, "EventTime") != 0 && strcmp(v, "DeliveryTime") != 0))
        return log_config_bad(msg, size, "PartitionDateSource must be EventTime or DeliveryTime");
    c->date_source = strcmp(v, "EventTime") == 0 ? LOG_DATE_EVENT : LOG_DATE_DELIVERY;
    return 0;
}

static int log_enabled_parse(struct log_config *c, const xmlNode *le, char *msg, size_t size)
{
    static const char *const names[] = {"TargetBucket", "TargetPrefix", "TargetGrants",
                                        "TargetObjectKeyFormat", NULL};
    if (!log_children_known(le, names))
        return log_config_bad(msg, size, "unknown or repeated element in LoggingEnabled");
    const xmlNode *bucket = s3_xml_child(le, "TargetBucket");
    const xmlNode *prefix = s3_xml_child(le, "TargetPrefix");
    if (!bucket || !prefix)
        return log_config_bad(msg, size, "LoggingEnabled needs TargetBucket and TargetPrefix");
    if (log_node_text(bucket, c->target_bucket, sizeof(c->target_bucket)) || !c->target_bucket[0])
        return log_config_bad(msg, size, "TargetBucket is not a bucket name");
    if (log_node_text(prefix, c->target_prefix, sizeof(c->target_prefix)))
        return log_config_bad(msg, size, "TargetPrefix is longer than %d bytes", LOG_PREFIX_MAX);
    const xmlNode *grants = s3_xml_child(le, "TargetGrants");
    for (const xmlNode *g = grants ? grants->children : NULL; g; g = g->next) {
        if (g->type != XML_ELEMENT_NODE)
            continue;
        if (!log_node_is(g, "Grant"))
            return log_config_bad(msg, size, "TargetGrants holds only Grant elements");
        if (c->n_grants == LOG_MAX_GRANTS)
            return log_config_bad(msg, size, "more than %d TargetGrants", LOG_MAX_GRANTS);
        int rc = log_grant_parse(&c->grants[c->n_grants], g, msg, size);
        if (rc)
            return rc;
        c->n_grants++;
    }
    const xmlNode *fmt = s3_xml_child(le, "TargetObjectKeyFormat");
    return fmt ? log_key_format_parse(c, fmt, msg, size) : 0;
}

int log_config_parse(struct log_config *out, const char *xml, size_t len, char *msg, size_t size)
{
    memset(out, 0, sizeof(*out));
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, xml, len, "BucketLoggingStatus"))
        return log_config_bad(msg, size, "not a BucketLoggingStatus document");
    const xmlNode *root = xmlDocGetRootElement(doc);
    static const char *const names[] = {"LoggingEnabled", NULL};
    int rc = 0;
    if (!log_children_known(root, names))
        rc = log_config_bad(msg, size, "BucketLoggingStatus holds one LoggingEnabled at most");
    const xmlNode *le = s3_xml_child(root, "LoggingEnabled");
    if (!rc && le) {
        out->enabled = 1;
        rc = log_enabled_parse(out, le, msg, size);
    }
    xmlFreeDoc(doc);
    if (rc)
        out->enabled = 0;
    return rc;
}

static int log_grant_render(struct buf *b, const struct log_grant *g)
{
    const char *elem = strcmp(g->type, "CanonicalUser") == 0           ? "ID"
                       : strcmp(g->type, "AmazonCustomerByEmail") == 0 ? "EmailAddress"
                                                                       : "URI";
    int rc = buf_printf(b, "<Grant><Grantee xmlns:xsi=\"" XSI_NS "\" xsi:type=\"%s\">", g->type);
    if (!rc)
        rc = xmlw_elem(b, elem, g->value);
    if (!rc)
        rc = buf_puts(b, "</Grantee>");
    if (!rc)
        rc = xmlw_elem(b, "Permission", g->permission);
    return rc ? rc : buf_puts(b, "</Grant>");
}

int log_config_render(struct buf *b, const struct log_config *c)
{
    int rc = buf_puts(b, XML_DECL "<BucketLoggingStatus xmlns=\"" S3_XMLNS "\">");
    if (rc || !c->enabled)
        return rc ? rc : buf_puts(b, "</BucketLoggingStatus>");
    rc = buf_puts(b, "<LoggingEnabled>");
    if (!rc)
        rc = xmlw_elem(b, "TargetBucket", c->target_bucket);
    if (!rc)
        rc = xmlw_elem(b, "TargetPrefix", c->target_prefix);
    if (!rc && c->n_grants) {
        rc = buf_puts(b, "<TargetGrants>");
        for (size_t i = 0; i < c->n_grants && !rc; i++)
            rc = log_grant_render(b, &c->grants[i]);
        if (!rc)
            rc = buf_puts(b, "</TargetGrants>");
    }
    if (!rc && c->key_format == LOG_KEY_SIMPLE)
        rc = buf_puts(b, "<TargetObjectKeyFormat><SimplePrefix/></TargetObjectKeyFormat>");
    else if (!rc && c->key_format == LOG_KEY_PARTITIONED)
        rc = buf_printf(b,
                        "<TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>%s"
                        "</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat>",
                        c->date_source == LOG_DATE_EVENT ? "EventTime" : "DeliveryTime");
    return rc ? rc : buf_puts(b, "</LoggingEnabled></BucketLoggingStatus>");
}
