/* s3_xml.c — safe XML body reading (see s3_xml.h). */
#include "s3/s3_xml.h"

#include <libxml/parser.h>
#include <string.h>

#include "core/alloc.h"

/* libxml2 reports some errors (encoding ones) through its generic handler whatever the parse
 * options; a client's bad body is answered with MalformedXML, not logged to stderr. */
static void s3_xml_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int s3_xml_parse(xmlDoc **out, const char *data, size_t len, const char *root_name)
{
    xmlSetGenericErrorFunc(NULL, s3_xml_quiet);
    if (len == 0 || len > (size_t)INT32_MAX) {
        err_set("empty or oversized XML");
        return ERR_INVALID;
    }
    xmlDoc *doc = xmlReadMemory(data, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        err_set("malformed XML");
        return ERR_INVALID;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (doc->intSubset || doc->extSubset || !root ||
        strcmp((const char *)root->name, root_name) != 0) {
        xmlFreeDoc(doc);
        err_set("unexpected XML document");
        return ERR_INVALID;
    }
    *out = doc;
    return 0;
}

static xmlNode *s3_xml_find(xmlNode *n, const char *name)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    }
    return NULL;
}

xmlNode *s3_xml_child(const xmlNode *parent, const char *name)
{
    return parent ? s3_xml_find(parent->children, name) : NULL;
}

xmlNode *s3_xml_next(const xmlNode *node, const char *name)
{
    return node ? s3_xml_find(node->next, name) : NULL;
}

char *s3_xml_text(const xmlNode *node)
{
    xmlChar *t = node ? xmlNodeGetContent(node) : NULL;
    char *s = xstrdup(t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

size_t s3_xml_count_children(const xmlNode *parent)
{
    size_t n = 0;
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            n++;
    }
    return n;
}
