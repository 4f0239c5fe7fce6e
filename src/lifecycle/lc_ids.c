/* lc_ids.c — generated IDs for lifecycle rules sent without one (lc_ids.h). */
#include "lifecycle/lc_ids.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "s3/s3_xml.h"

/* Give rule an <ID> (first, in the rule's namespace). */
static int lc_ids_add(xmlDoc *doc, xmlNode *rule)
{
    char uuid[37], id[64];
    hash_uuid(uuid);
    id[hash_base64((const uint8_t *)uuid, 36, id)] = '\0';
    xmlNode *node = xmlNewDocNode(doc, rule->ns, (const xmlChar *)"ID", (const xmlChar *)id);
    if (!node)
        return ERR_NOMEM;
    xmlNode *first = rule->children;
    if (first ? !xmlAddPrevSibling(first, node) : !xmlAddChild(rule, node)) {
        xmlFreeNode(node);
        return ERR_NOMEM;
    }
    return 0;
}

int lc_ids_assign(const char *data, size_t len, char **out)
{
    *out = NULL;
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, data, len, "LifecycleConfiguration")) {
        err_set("lifecycle configuration does not parse");
        return ERR_INVALID;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    int added = 0, rc = 0;
    for (xmlNode *r = s3_xml_child(root, "Rule"); r && !rc; r = s3_xml_next(r, "Rule")) {
        if (!s3_xml_child(r, "ID")) {
            rc = lc_ids_add(doc, r);
            added++;
        }
    }
    if (!rc && !added)
        *out = xstrndup(data, len);
    if (!rc && added) {
        xmlChar *mem = NULL;
        int size = 0;
        xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
        if (mem)
            *out = xstrndup((const char *)mem, (size_t)size);
        xmlFree(mem);
        rc = *out ? 0 : ERR_NOMEM;
    }
    if (rc == ERR_NOMEM)
        err_set("out of memory");
    xmlFreeDoc(doc);
    return rc;
}
