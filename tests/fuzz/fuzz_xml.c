/* fuzz_xml.c — request-body XML (DeleteObjects, CreateBucketConfiguration,
 * CompleteMultipartUpload, VersioningConfiguration) through the safe parser and the walks the
 * handlers make over it. */
#include <stdint.h>
#include <stdlib.h>

#include "s3/s3_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *roots[] = {"Delete", "CreateBucketConfiguration", "CompleteMultipartUpload",
                                  "VersioningConfiguration"};
    for (int i = 0; i < 4; i++) {
        xmlDoc *doc = NULL;
        if (s3_xml_parse(&doc, (const char *)data, size, roots[i]))
            continue;
        xmlNode *root = xmlDocGetRootElement(doc);
        (void)s3_xml_count_children(root);
        for (xmlNode *o = s3_xml_child(root, "Object"); o; o = s3_xml_next(o, "Object")) {
            free(s3_xml_text(s3_xml_child(o, "Key")));
            free(s3_xml_text(s3_xml_child(o, "VersionId")));
        }
        for (xmlNode *p = s3_xml_child(root, "Part"); p; p = s3_xml_next(p, "Part")) {
            free(s3_xml_text(s3_xml_child(p, "PartNumber")));
            free(s3_xml_text(s3_xml_child(p, "ETag")));
        }
        free(s3_xml_text(s3_xml_child(root, "LocationConstraint")));
        free(s3_xml_text(s3_xml_child(root, "Status")));
        xmlFreeDoc(doc);
    }
    return 0;
}
