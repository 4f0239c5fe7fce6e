/* inv_xml.h — a tiny schema walker over libxml2 trees for the inventory configuration:
 * each element's children are matched by name, once each, and only whitespace may sit
 * between elements. */
#ifndef STOCKTAKE_INVENTORY_XML_H
#define STOCKTAKE_INVENTORY_XML_H

#include <stddef.h>

struct _xmlNode;

int inv_is_element(const struct _xmlNode *n);
/* Only whitespace text (and comments) between the element children of parent? */
int inv_only_elements(const struct _xmlNode *parent);
/* Children of parent whose names are in names[] (at most once each) → found[]. Any other
 * element child, repetition or stray text is ERR_INVALID. */
int inv_children(const struct _xmlNode *parent, const char *const *names, size_t n,
                 struct _xmlNode **found);
/* The text of a leaf element (no element children) into *out; caller frees. */
int inv_leaf_text(const struct _xmlNode *n, char **out);

#endif
