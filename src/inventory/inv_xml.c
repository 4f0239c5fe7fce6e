/* inv_xml.c — the inventory configuration's schema walker (see inv_xml.h). */
#include "inventory/inv_xml.h"

#include <libxml/tree.h>
#include <string.h>

#include "core/alloc.h"
#include "core/err.h"

int inv_is_element(const xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE;
}

/* Only whitespace text (and comments) may sit between elements. */
int inv_only_elements(const xmlNode *parent)
{
    for (const xmlNode *n = parent->children; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            for (const xmlChar *p = n->content; p && *p; p++) {
                if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
                    return 0;
            }
        } else if (!inv_is_element(n) && n->type != XML_COMMENT_NODE) {
            return 0;
        }
    }
    return 1;
}

/* Children of parent whose names are in names[] (at most once each) → found[]. Any other
 * element child, repetition or stray text is an error. */
int inv_children(const xmlNode *parent, const char *const *names, size_t n, xmlNode **found)
{
    if (n)
        memset(found, 0, n * sizeof(*found));
    if (!inv_only_elements(parent))
        return ERR_INVALID;
    for (xmlNode *c = parent->children; c; c = c->next) {
        if (!inv_is_element(c))
            continue;
        size_t i = 0;
        while (i < n && strcmp((const char *)c->name, names[i]) != 0)
            i++;
        if (i == n || found[i])
            return ERR_INVALID;
        found[i] = c;
    }
    return 0;
}

/* The text of a leaf element (no element children); caller frees. */
int inv_leaf_text(const xmlNode *n, char **out)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (inv_is_element(c))
            return ERR_INVALID;
    }
    xmlChar *t = xmlNodeGetContent(n);
    *out = xstrdup(t ? (const char *)t : "");
    xmlFree(t);
    return 0;
}
