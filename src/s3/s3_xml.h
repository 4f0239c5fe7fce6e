/* s3_xml.h — reading XML request bodies with libxml2, safely: no network, no DTD, no entity
 * expansion, size bounded by the body pipeline. Element names are matched without namespace,
 * as S3 accepts bodies with or without xmlns. */
#ifndef STOCKTAKE_S3_XML_H
#define STOCKTAKE_S3_XML_H

#include <libxml/tree.h>
#include <stddef.h>

#include "core/err.h"

/* Parse a document whose root element is root_name. ERR_INVALID when malformed, when it has a
 * DTD, or when the root differs. Caller frees with xmlFreeDoc. */
int s3_xml_parse(xmlDoc **out, const char *data, size_t len, const char *root_name) WARN_UNUSED;
/* The first child element named name, or NULL. */
xmlNode *s3_xml_child(const xmlNode *parent, const char *name);
/* The next sibling element named name after node, or NULL. */
xmlNode *s3_xml_next(const xmlNode *node, const char *name);
/* Text content of node (caller frees with free()); "" when empty. */
char *s3_xml_text(const xmlNode *node);
/* Count of element children. */
size_t s3_xml_count_children(const xmlNode *parent);

#endif
