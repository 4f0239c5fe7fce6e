/* test_acl.c — the ACL model (canned ACLs, grant headers, the permission check) and its
 * AccessControlPolicy XML form (parse, render, round trip, malformed documents), the compact
 * JSON form object ACLs are stored in, and the ACL rules of authz_decide. */
#include <stdlib.h>
#include <string.h>

#include "authz/acl.h"
#include "authz/acl_json.h"
#include "authz/pab.h"
#include "harness.h"
#include "s3/s3_acl_xml.h"

#define OWNER "1111111111111111111111111111111111111111111111111111111111111111"
#define OTHER "2222222222222222222222222222222222222222222222222222222222222222"

static struct acl *acl_new(void)
{
    return calloc(1, sizeof(struct acl));
}

static void principals(struct authz_principal *owner, struct authz_principal *other,
                       struct authz_principal *anon)
{
    authz_principal_account(owner, "111111111111", OWNER);
    authz_principal_account(other, "222222222222", OTHER);
    authz_principal_anonymous(anon);
}

TEST(acl_canned_grants)
{
    struct acl *a = acl_new();
    struct authz_principal o, x, anon;
    principals(&o, &x, &anon);

    CHECK(acl_canned(a, "private", OWNER, "owner", NULL) == 0);
    CHECK(a->n == 1 && acl_allows(a, &o, ACL_PERM_WRITE_ACP));
    CHECK(!acl_allows(a, &x, ACL_PERM_READ) && !acl_allows(a, &anon, ACL_PERM_READ));
    CHECK(!acl_grants_beyond_owner(a, NULL) && !acl_is_public(a));

    CHECK(acl_canned(a, "public-read", OWNER, "owner", NULL) == 0);
    CHECK(acl_allows(a, &anon, ACL_PERM_READ) && acl_allows(a, &x, ACL_PERM_READ));
    CHECK(!acl_allows(a, &anon, ACL_PERM_WRITE) && acl_is_public(a));

    CHECK(acl_canned(a, "public-read-write", OWNER, "owner", NULL) == 0);
    CHECK(acl_allows(a, &anon, ACL_PERM_WRITE) && !acl_allows(a, &anon, ACL_PERM_READ_ACP));

    CHECK(acl_canned(a, "authenticated-read", OWNER, "owner", NULL) == 0);
    CHECK(acl_allows(a, &x, ACL_PERM_READ) && !acl_allows(a, &anon, ACL_PERM_READ));

    CHECK(acl_canned(a, "bucket-owner-read", OTHER, "", OWNER) == 0);
    CHECK(a->n == 2 && acl_allows(a, &o, ACL_PERM_READ) && !acl_allows(a, &o, ACL_PERM_WRITE));
    CHECK(acl_canned(a, "bucket-owner-full-control", OTHER, "", OWNER) == 0);
    CHECK(a->n == 2 && acl_allows(a, &o, ACL_PERM_WRITE_ACP));
    CHECK(!acl_grants_beyond_owner(a, OWNER) && acl_grants_beyond_owner(a, NULL));
    CHECK(acl_canned(a, "bucket-owner-full-control", OWNER, "", OWNER) == 0 && a->n == 1);

    CHECK(acl_canned(a, "log-delivery-write", OWNER, "", NULL) == 0 && a->n == 3);
    CHECK(a->grants[1].kind == ACL_GRANTEE_GROUP && a->grants[1].group == ACL_GROUP_LOG_DELIVERY);
    CHECK(!acl_allows(a, &anon, ACL_PERM_WRITE) && !acl_is_public(a));

    CHECK(acl_canned(a, "public", OWNER, "", NULL) == ERR_INVALID);
    free(a);
}

TEST(acl_grant_headers)
{
    struct acl *a = acl_new();
    struct authz_principal o, x, anon;
    principals(&o, &x, &anon);
    enum acl_perm p;
    CHECK(acl_grant_header_perm("X-Amz-Grant-Read-Acp", &p) == 0 && p == ACL_PERM_READ_ACP);
    CHECK(acl_grant_header_perm("x-amz-grant-full-control", &p) == 0 && p == ACL_PERM_FULL_CONTROL);
    CHECK(acl_grant_header_perm("x-amz-grant-all", &p) == ERR_INVALID);

    acl_init(a, OWNER, "");
    CHECK(acl_grant_header(a, ACL_PERM_READ,
                           "id=\"" OTHER "\", uri=\"" ACL_GROUP_URI_AUTHENTICATED "\"") == 0);
    CHECK(acl_grant_header(a, ACL_PERM_WRITE, "emailAddress=\"x@example.com\"") == 0);
    CHECK(a->n == 3 && a->grants[0].kind == ACL_GRANTEE_USER);
    CHECK_STR(a->grants[0].id, OTHER);
    CHECK(a->grants[1].group == ACL_GROUP_AUTHENTICATED);
    CHECK_STR(a->grants[2].email, "x@example.com");
    CHECK(acl_allows(a, &x, ACL_PERM_READ) && !acl_allows(a, &x, ACL_PERM_WRITE));
    CHECK(acl_grant_header(a, ACL_PERM_READ, "id=" OTHER) == 0 && a->n == 4);

    CHECK(acl_grant_header(a, ACL_PERM_READ, "") == ERR_INVALID);
    CHECK(acl_grant_header(a, ACL_PERM_READ, "id=") == ERR_INVALID);
    CHECK(acl_grant_header(a, ACL_PERM_READ, "id=\"abc") == ERR_INVALID);
    CHECK(acl_grant_header(a, ACL_PERM_READ, "foo=\"bar\"") == ERR_INVALID);
    CHECK(acl_grant_header(a, ACL_PERM_READ, "uri=\"http://example.com/g\"") == ERR_INVALID);
    CHECK(acl_grant_header(a, ACL_PERM_READ, "id=\"a\" junk") == ERR_INVALID);
    free(a);
}

TEST(acl_grant_limit)
{
    struct acl *a = acl_new();
    acl_init(a, OWNER, "");
    for (int i = 0; i < ACL_MAX_GRANTS; i++)
        CHECK(acl_add_group(a, ACL_GROUP_ALL_USERS, ACL_PERM_READ) == 0);
    CHECK(acl_add_group(a, ACL_GROUP_ALL_USERS, ACL_PERM_READ) == ERR_TOOBIG);
    free(a);
}

static int parse(struct acl *a, const char *xml)
{
    return s3_acl_xml_parse(a, xml, strlen(xml));
}

#define POLICY(grants)                                                                             \
    "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>" OWNER     \
    "</ID><DisplayName>me</DisplayName></Owner><AccessControlList>" grants                         \
    "</AccessControlList></AccessControlPolicy>"
#define GRANT(type, inner, perm)                                                                   \
    "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"" type     \
    "\">" inner "</Grantee><Permission>" perm "</Permission></Grant>"

TEST(acl_xml_parse_grantees)
{
    struct acl *a = acl_new();
    CHECK(parse(a, POLICY(GRANT("CanonicalUser", "<ID>" OTHER "</ID><DisplayName>x</DisplayName>",
                                "WRITE_ACP")
                              GRANT("Group", "<URI>" ACL_GROUP_URI_ALL_USERS "</URI>", "READ")
                                  GRANT("AmazonCustomerByEmail",
                                        "<EmailAddress>x@example.com</EmailAddress>",
                                        "FULL_CONTROL"))) == 0);
    CHECK_STR(a->owner_id, OWNER);
    CHECK_STR(a->owner_name, "me");
    CHECK(a->n == 3);
    CHECK(a->grants[0].kind == ACL_GRANTEE_USER && a->grants[0].perm == ACL_PERM_WRITE_ACP);
    CHECK_STR(a->grants[0].display_name, "x");
    CHECK(a->grants[1].kind == ACL_GRANTEE_GROUP && a->grants[1].group == ACL_GROUP_ALL_USERS);
    CHECK(a->grants[2].kind == ACL_GRANTEE_EMAIL && a->grants[2].perm == ACL_PERM_FULL_CONTROL);
    CHECK(parse(a, POLICY("")) == 0 && a->n == 0);
    free(a);
}

TEST(acl_xml_parse_refuses_malformed)
{
    struct acl *a = acl_new();
    CHECK(parse(a, "<AccessControlPolicy><Owner>") == ERR_INVALID);
    CHECK(parse(a, "<Other/>") == ERR_INVALID);
    CHECK(parse(a, "<AccessControlPolicy><AccessControlList/></AccessControlPolicy>") ==
          ERR_INVALID);
    CHECK(parse(a, "<AccessControlPolicy><Owner><ID>" OWNER
                   "</ID></Owner></AccessControlPolicy>") == ERR_INVALID);
    CHECK(parse(a, POLICY(GRANT("CanonicalUser", "<ID>" OTHER "</ID>", "EVERYTHING"))) ==
          ERR_INVALID);
    CHECK(parse(a, POLICY(GRANT("CanonicalUser", "<DisplayName>x</DisplayName>", "READ"))) ==
          ERR_INVALID);
    CHECK(parse(a, POLICY(GRANT("Group", "<URI>http://example.com/g</URI>", "READ"))) ==
          ERR_INVALID);
    CHECK(parse(a, POLICY(GRANT("Robot", "<ID>" OTHER "</ID>", "READ"))) == ERR_INVALID);
    CHECK(parse(a, POLICY("<Grant><Grantee><ID>" OTHER "</ID></Grantee><Permission>READ"
                          "</Permission></Grant>")) == ERR_INVALID);
    CHECK(parse(a, POLICY("<Grant><Permission>READ</Permission></Grant>")) == ERR_INVALID);
    CHECK(parse(a, POLICY(GRANT("CanonicalUser", "<ID>" OTHER "</ID>", ""))) == ERR_INVALID);
    free(a);
}

TEST(acl_xml_render_round_trip)
{
    struct acl *a = acl_new(), *b = acl_new();
    CHECK(acl_canned(a, "log-delivery-write", OWNER, "o&wner", NULL) == 0);
    CHECK(acl_add_email(a, "x@example.com", ACL_PERM_READ) == 0);
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(s3_acl_xml_render(&out, a) == 0);
    CHECK(strstr(out.data, "<DisplayName>o&amp;wner</DisplayName>") != NULL);
    CHECK(strstr(out.data, "xsi:type=\"Group\"><URI>" ACL_GROUP_URI_LOG_DELIVERY
                           "</URI></Grantee><Permission>WRITE</Permission>") != NULL);
    CHECK(s3_acl_xml_parse(b, out.data, out.len) == 0);
    CHECK_STR(b->owner_name, "o&wner");
    CHECK(b->n == a->n);
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        CHECK(a->grants[i].kind == b->grants[i].kind && a->grants[i].perm == b->grants[i].perm);
        CHECK(a->grants[i].group == b->grants[i].group);
        CHECK_STR(a->grants[i].id, b->grants[i].id);
        CHECK_STR(a->grants[i].email, b->grants[i].email);
    }
    buf_dispose(&out);
    free(a);
    free(b);
}

TEST(acl_authz_rule_bucket_actions)
{
    struct acl *a = acl_new();
    struct authz_principal o, x, anon;
    principals(&o, &x, &anon);
    struct authz_resource bucket = {"b", NULL, "111111111111"};
    struct authz_resource object = {"b", "k", "111111111111"};
    struct authz_context ctx;
    memset(&ctx, 0, sizeof(ctx));
    CHECK(acl_canned(a, "public-read", OWNER, "", NULL) == 0);
    CHECK(acl_add_user(a, OTHER, "", ACL_PERM_WRITE_ACP) == 0);
    const char *why = NULL;
    CHECK(authz_decide(&anon, "s3:ListBucket", &bucket, &ctx, &why) == AUTHZ_DENY);
    ctx.bucket_acl = a;
    CHECK(authz_decide(&anon, "s3:ListBucket", &bucket, &ctx, &why) == AUTHZ_ALLOW);
    CHECK(authz_decide(&anon, "s3:ListBucketVersions", &bucket, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&anon, "s3:GetBucketAcl", &bucket, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&anon, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&anon, "s3:DeleteBucket", &bucket, &ctx, &why) == AUTHZ_DENY);
    CHECK(why && *why);
    CHECK(authz_decide(&x, "s3:PutBucketAcl", &bucket, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&x, "s3:GetBucketAcl", &bucket, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&x, "s3:PutBucketPolicy", &bucket, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&o, "s3:DeleteBucket", &bucket, &ctx, NULL) == AUTHZ_ALLOW);
    free(a);
}

TEST(acl_authz_rule_object_actions)
{
    struct acl *obj = acl_new(), *bkt = acl_new();
    struct authz_principal o, x, anon;
    principals(&o, &x, &anon);
    struct authz_resource object = {"b", "k", "111111111111"};
    struct authz_resource any = {"b", "*", "111111111111"};
    struct authz_context ctx;
    memset(&ctx, 0, sizeof(ctx));
    CHECK(acl_canned(obj, "public-read", OWNER, "", NULL) == 0);
    CHECK(acl_add_user(obj, OTHER, "", ACL_PERM_READ_ACP) == 0);
    CHECK(acl_canned(bkt, "private", OWNER, "", NULL) == 0);
    CHECK(acl_add_user(bkt, OTHER, "", ACL_PERM_WRITE) == 0);
    CHECK(authz_decide(&anon, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_DENY);
    ctx.object_acl = obj;
    ctx.bucket_acl = bkt;
    /* the object's READ: reading; READ_ACP: its ACL, not writing it */
    CHECK(authz_decide(&anon, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&anon, "s3:GetObjectVersion", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&anon, "s3:GetObjectAttributes", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&anon, "s3:GetObjectAcl", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&anon, "s3:GetObjectTagging", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&x, "s3:GetObjectAcl", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&x, "s3:GetObjectVersionAcl", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&x, "s3:PutObjectAcl", &object, &ctx, NULL) == AUTHZ_DENY);
    /* the bucket's WRITE: create, overwrite, delete any object; anonymous has none */
    CHECK(authz_decide(&x, "s3:PutObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&x, "s3:DeleteObject", &any, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&x, "s3:DeleteObjectVersion", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&x, "s3:AbortMultipartUpload", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&anon, "s3:PutObject", &object, &ctx, NULL) == AUTHZ_DENY);
    /* an object ACL's WRITE grants nothing: writes are the bucket's to grant */
    CHECK(acl_add_group(obj, ACL_GROUP_ALL_USERS, ACL_PERM_WRITE) == 0);
    CHECK(authz_decide(&anon, "s3:PutObject", &object, &ctx, NULL) == AUTHZ_DENY);
    /* the bucket's READ does not read objects */
    ctx.object_acl = NULL;
    CHECK(acl_add_group(bkt, ACL_GROUP_ALL_USERS, ACL_PERM_READ) == 0);
    CHECK(authz_decide(&anon, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_DENY);
    /* the object's owner may always read and write its ACL, not more */
    ctx.object_owner_id = "222222222222";
    CHECK(authz_decide(&x, "s3:PutObjectAcl", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&x, "s3:GetObjectAcl", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&x, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&anon, "s3:GetObjectAcl", &object, &ctx, NULL) == AUTHZ_DENY);
    /* the service principal is never granted anything by ACLs */
    struct authz_principal svc;
    authz_principal_service(&svc, AUTHZ_SERVICE_S3);
    ctx.object_acl = obj;
    CHECK(authz_decide(&svc, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_DENY);
    free(obj);
    free(bkt);
}

TEST(acl_json_round_trip)
{
    struct acl *a = acl_new(), *b = acl_new();
    char doc[ACL_JSON_MAX];
    CHECK(acl_canned(a, "public-read", OWNER, "", NULL) == 0);
    CHECK(acl_add_group(a, ACL_GROUP_AUTHENTICATED, ACL_PERM_WRITE_ACP) == 0);
    CHECK(acl_add_user(a, OTHER, "other", ACL_PERM_READ_ACP) == 0);
    CHECK(acl_json_render(a, doc, sizeof(doc)) == 0);
    CHECK(strcmp(
              doc,
              "{\"version\":\"2022-11-10\",\"status\":\"AVAILABLE\",\"grants\":["
              "{\"permission\":\"FULL_CONTROL\",\"type\":\"CanonicalUser\",\"canonicalId\":\"" OWNER
              "\"},{\"permission\":\"READ\",\"type\":\"Group\",\"uri\":"
              "\"http://acs.amazonaws.com/groups/global/AllUsers\"},"
              "{\"permission\":\"WRITE_ACP\",\"type\":\"Group\",\"uri\":"
              "\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\"},"
              "{\"permission\":\"READ_ACP\",\"type\":\"CanonicalUser\",\"canonicalId\":\"" OTHER
              "\"}]}") == 0);
    acl_init(b, OWNER, "");
    CHECK(acl_json_parse(b, doc, strlen(doc)) == 0);
    CHECK(b->n == 4);
    CHECK(b->grants[1].kind == ACL_GRANTEE_GROUP && b->grants[1].group == ACL_GROUP_ALL_USERS);
    CHECK(b->grants[3].kind == ACL_GRANTEE_USER && b->grants[3].perm == ACL_PERM_READ_ACP);
    CHECK_STR(b->grants[3].id, OTHER);
    CHECK(!acl_is_default(a));
    CHECK(acl_canned(a, "private", OWNER, "", NULL) == 0);
    CHECK(acl_is_default(a));
    /* the largest ACL fits ACL_JSON_MAX */
    acl_init(a, OWNER, "");
    for (int i = 0; i < ACL_MAX_GRANTS; i++)
        CHECK(acl_add_group(a, ACL_GROUP_AUTHENTICATED, ACL_PERM_FULL_CONTROL) == 0);
    CHECK(acl_json_render(a, doc, sizeof(doc)) == 0);
    CHECK(acl_json_render(a, doc, 100) == ERR_TOOBIG);
    /* e-mail grantees are resolved before storing; other documents are refused */
    acl_init(a, OWNER, "");
    CHECK(acl_add_email(a, "x@example.com", ACL_PERM_READ) == 0);
    CHECK(acl_json_render(a, doc, sizeof(doc)) == ERR_INVALID);
    static const char *const bad[] = {
        "",
        "[]",
        "{}",
        "{\"version\":\"2022-11-10\",\"grants\":{}}",
        "{\"version\":\"2000-01-01\",\"grants\":[]}",
        "{\"version\":\"2022-11-10\",\"grants\":[{\"type\":\"Group\",\"permission\":\"READ\"}]}",
        "{\"version\":\"2022-11-10\",\"grants\":[{\"type\":\"CanonicalUser\","
        "\"permission\":\"READ\"}]}",
        "{\"version\":\"2022-11-10\",\"grants\":[{\"type\":\"Alien\",\"permission\":\"READ\"}]}",
        "{\"version\":\"2022-11-10\",\"grants\":[{\"type\":\"Group\",\"permission\":\"ALL\","
        "\"uri\":\"http://acs.amazonaws.com/groups/global/AllUsers\"}]}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        acl_init(b, OWNER, "");
        CHECK(acl_json_parse(b, bad[i], strlen(bad[i])) == ERR_INVALID);
    }
    free(a);
    free(b);
}

/* IgnorePublicAcls: the AllUsers / AuthenticatedUsers grants of an object's ACL and of the
 * bucket's WRITE stop counting, as those of bucket-level actions do; a grant to a named
 * account still stands. */
TEST(acl_authz_rule_object_actions_ignore_public_acls)
{
    struct acl *obj = acl_new(), *bkt = acl_new();
    struct authz_principal o, x, anon;
    principals(&o, &x, &anon);
    struct authz_resource object = {"b", "k", "111111111111"};
    struct authz_context ctx;
    memset(&ctx, 0, sizeof(ctx));
    CHECK(acl_canned(obj, "authenticated-read", OWNER, "", NULL) == 0);
    CHECK(acl_add_group(obj, ACL_GROUP_ALL_USERS, ACL_PERM_READ) == 0);
    CHECK(acl_canned(bkt, "public-read-write", OWNER, "", NULL) == 0);
    ctx.object_acl = obj;
    ctx.bucket_acl = bkt;
    CHECK(authz_decide(&anon, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&x, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&anon, "s3:PutObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&anon, "s3:DeleteObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    struct pab ignore = {0, 1, 0, 0};
    ctx.public_access_block = &ignore;
    CHECK(authz_decide(&anon, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&x, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&anon, "s3:PutObject", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&anon, "s3:DeleteObject", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&x, "s3:PutObject", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(acl_add_user(obj, OTHER, "", ACL_PERM_READ) == 0);
    CHECK(acl_add_user(bkt, OTHER, "", ACL_PERM_WRITE) == 0);
    CHECK(authz_decide(&x, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&x, "s3:PutObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    free(obj);
    free(bkt);
}

/* The bucket's owner reads an object another account owns only as that object's ACL grants
 * (bucket-owner-read, bucket-owner-full-control), as on AWS; writing and deleting stay its. */
TEST(acl_authz_rule_bucket_owner_and_foreign_objects)
{
    struct acl *obj = acl_new();
    struct authz_principal o, x, anon;
    principals(&o, &x, &anon);
    struct authz_resource object = {"b", "k", "111111111111"};
    struct authz_context ctx;
    memset(&ctx, 0, sizeof(ctx));
    CHECK(acl_canned(obj, "private", OTHER, "", NULL) == 0);
    ctx.object_acl = obj;
    ctx.object_owner_id = "222222222222";
    CHECK(authz_decide(&o, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&o, "s3:GetObjectVersion", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&o, "s3:GetObjectAcl", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&o, "s3:PutObjectAcl", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(authz_decide(&o, "s3:PutObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&o, "s3:DeleteObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&x, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(acl_canned(obj, "bucket-owner-read", OTHER, "", OWNER) == 0);
    CHECK(authz_decide(&o, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    CHECK(authz_decide(&o, "s3:GetObjectAcl", &object, &ctx, NULL) == AUTHZ_DENY);
    CHECK(acl_canned(obj, "bucket-owner-full-control", OTHER, "", OWNER) == 0);
    CHECK(authz_decide(&o, "s3:GetObjectAcl", &object, &ctx, NULL) == AUTHZ_ALLOW);
    /* its own objects: the owner rule */
    ctx.object_owner_id = "111111111111";
    CHECK(acl_canned(obj, "private", OWNER, "", NULL) == 0);
    CHECK(authz_decide(&o, "s3:GetObject", &object, &ctx, NULL) == AUTHZ_ALLOW);
    free(obj);
}
