/* test_s3_xml.c — reading request bodies: well-formed, malformed, DTDs refused, namespaces
 * ignored. */
#include <stdlib.h>

#include "harness.h"
#include "s3/s3_xml.h"

static int parses(const char *xml, const char *root)
{
    xmlDoc *doc = NULL;
    int rc = s3_xml_parse(&doc, xml, strlen(xml), root);
    if (doc)
        xmlFreeDoc(doc);
    return rc == 0;
}

TEST(s3_xml_accepts_with_and_without_namespace)
{
    CHECK(parses("<Delete><Object><Key>a</Key></Object></Delete>", "Delete"));
    CHECK(parses("<?xml version=\"1.0\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                 "<Object><Key>a</Key></Object></Delete>",
                 "Delete"));
}

TEST(s3_xml_refuses_bad_documents)
{
    CHECK(!parses("<Delete><Object></Delete>", "Delete"));
    CHECK(!parses("", "Delete"));
    CHECK(!parses("<Other/>", "Delete"));
    CHECK(!parses("<!DOCTYPE d [<!ENTITY e \"x\">]><Delete>&e;</Delete>", "Delete"));
    CHECK(!parses("<!DOCTYPE d SYSTEM \"http://example.invalid/x.dtd\"><Delete/>", "Delete"));
}

TEST(s3_xml_children_and_text)
{
    const char *xml = "<Delete><Quiet>true</Quiet><Object><Key>a&amp;b</Key></Object>"
                      "<Object><Key>c</Key><VersionId>v</VersionId></Object></Delete>";
    xmlDoc *doc = NULL;
    CHECK(s3_xml_parse(&doc, xml, strlen(xml), "Delete") == 0);
    xmlNode *root = xmlDocGetRootElement(doc);
    CHECK(s3_xml_count_children(root) == 3);
    xmlNode *o = s3_xml_child(root, "Object");
    char *k = s3_xml_text(s3_xml_child(o, "Key"));
    CHECK_STR(k, "a&b");
    free(k);
    o = s3_xml_next(o, "Object");
    k = s3_xml_text(s3_xml_child(o, "VersionId"));
    CHECK_STR(k, "v");
    free(k);
    CHECK(s3_xml_next(o, "Object") == NULL);
    xmlFreeDoc(doc);
}
