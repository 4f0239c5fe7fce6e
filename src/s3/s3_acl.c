/* s3_acl.c — loading a bucket's ACL. */
#include "s3/s3_acl.h"

#include <stdlib.h>
#include <string.h>

#include "s3/s3_acl_xml.h"
#include "s3/s3_ownership.h"

int s3_acl_bucket_load(struct meta_store *meta, const struct meta_bucket *b, struct acl *acl,
                       int *disabled)
{
    enum s3_ownership o;
    struct meta_account owner;
    int rc = s3_ownership_of(meta, b, &o);
    if (!rc)
        rc = meta_account_get(meta, b->owner_id, &owner);
    if (rc)
        return rc;
    if (disabled)
        *disabled = o == S3_OWNERSHIP_BUCKET_OWNER_ENFORCED;
    char *doc = NULL;
    rc = o == S3_OWNERSHIP_BUCKET_OWNER_ENFORCED
             ? ERR_NOTFOUND
             : meta_bucket_config_get(meta, b->name, META_CONFIG_ACL, &doc);
    if (rc == ERR_NOTFOUND) {
        acl_init(acl, owner.canonical_id, owner.name);
        return acl_add_user(acl, owner.canonical_id, owner.name, ACL_PERM_FULL_CONTROL);
    }
    if (rc)
        return rc;
    rc = s3_acl_xml_parse(acl, doc, strlen(doc));
    free(doc);
    return rc ? ERR_BACKEND : 0;
}
