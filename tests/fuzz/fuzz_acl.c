/* fuzz_acl.c — AccessControlPolicy bodies (Put{Bucket,Object}Acl) through the ACL parser; a
 * document that parses is rendered and parsed again (the stored form), must give the same
 * grants, and is checked against the three kinds of principal. The input is also read as an
 * x-amz-grant-* header value, and as the compact JSON form object ACLs are stored in
 * (authz/acl_json.h), which must render and parse back to the same grants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authz/acl.h"
#include "authz/acl_json.h"
#include "s3/s3_acl_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_principals(const struct acl *a)
{
    struct authz_principal p;
    authz_principal_anonymous(&p);
    (void)acl_allows(a, &p, ACL_PERM_READ);
    authz_principal_account(&p, "111111111111",
                            "1111111111111111111111111111111111111111111111111111111111111111");
    for (int i = 0; i < ACL_PERM_COUNT; i++)
        (void)acl_allows(a, &p, (enum acl_perm)i);
    (void)acl_grants_beyond_owner(a, a->owner_id);
    (void)acl_is_public(a);
}

static void round_trip(const struct acl *a)
{
    struct acl *b = calloc(1, sizeof(*b));
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    if (!b || s3_acl_xml_render(&out, a) || s3_acl_xml_parse(b, out.data, out.len) || b->n != a->n)
        abort();
    buf_dispose(&out);
    free(b);
}

static void header_value(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    struct acl *a = calloc(1, sizeof(*a));
    if (!s || !a)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    acl_init(a, "owner", "");
    if (acl_grant_header(a, ACL_PERM_READ, s) != 0)
        a->n = 0;
    check_principals(a);
    free(a);
    free(s);
}

static void json_form(const uint8_t *data, size_t size)
{
    struct acl *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
    char *doc = malloc(ACL_JSON_MAX);
    if (!a || !b || !doc)
        abort();
    acl_init(a, "owner", "");
    if (acl_json_parse(a, (const char *)data, size) == 0) {
        check_principals(a);
        acl_init(b, "owner", "");
        if (acl_json_render(a, doc, ACL_JSON_MAX) || acl_json_parse(b, doc, strlen(doc)) ||
            b->n != a->n)
            abort();
    }
    free(doc);
    free(b);
    free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct acl *a = calloc(1, sizeof(*a));
    if (!a)
        abort();
    if (s3_acl_xml_parse(a, (const char *)data, size) == 0) {
        check_principals(a);
        round_trip(a);
    }
    free(a);
    header_value(data, size);
    json_form(data, size);
    return 0;
}
