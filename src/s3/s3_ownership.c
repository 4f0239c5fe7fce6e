/* s3_ownership.c — Object Ownership names and the stored per-bucket setting. */
#include "s3/s3_ownership.h"

#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"};

const char *s3_ownership_name(enum s3_ownership o)
{
    return (unsigned)o <= S3_OWNERSHIP_OBJECT_WRITER ? names[o] : "";
}

int s3_ownership_parse(const char *s, enum s3_ownership *out)
{
    for (int i = 0; s && i <= S3_OWNERSHIP_OBJECT_WRITER; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum s3_ownership)i;
            return 0;
        }
    err_set("unknown object ownership");
    return ERR_INVALID;
}

int s3_ownership_get(struct meta_store *meta, const char *bucket, enum s3_ownership *out,
                     int *stored)
{
    char *doc = NULL;
    int rc = meta_bucket_config_get(meta, bucket, META_CONFIG_OWNERSHIP, &doc);
    if (stored)
        *stored = rc == 0;
    if (rc == ERR_NOTFOUND) {
        *out = S3_OWNERSHIP_OBJECT_WRITER;
        return 0;
    }
    if (rc)
        return rc;
    rc = s3_ownership_parse(doc, out);
    free(doc);
    return rc;
}
