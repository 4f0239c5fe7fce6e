/* s3_policy.c — load and parse bucket policies for the S3 layer (see s3_policy.h). */
#include "s3/s3_policy.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

struct s3_policy_find {
    const char *canonical_id;
    int hit;
};

static int s3_policy_find_cb(void *payload, const struct meta_account *a)
{
    struct s3_policy_find *f = payload;
    if (strcmp(a->canonical_id, f->canonical_id) == 0)
        f->hit = 1;
    return 0;
}

/* AWS refuses a policy that names a principal it does not know. */
static int s3_policy_principal_known(void *ctx, const char *account_id, const char *canonical_id)
{
    struct meta_store *meta = ctx;
    if (account_id) {
        struct meta_account a;
        return meta_account_get(meta, account_id, &a) == 0;
    }
    struct s3_policy_find f = {canonical_id, 0};
    if (meta_account_list(meta, s3_policy_find_cb, &f))
        return 0;
    return f.hit;
}

int s3_policy_parse(struct meta_store *meta, const char *bucket, const char *json, size_t len,
                    struct policy **out)
{
    return policy_parse(out, json, len, bucket, s3_policy_principal_known, meta);
}

int s3_policy_load(struct meta_store *meta, const struct meta_bucket *b, struct policy **out)
{
    *out = NULL;
    char *doc = NULL;
    int rc = meta_bucket_config_get(meta, b->name, META_CONFIG_POLICY, &doc);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    /* principals were checked when the policy was stored; an account deleted since simply
     * matches nobody */
    rc = policy_parse(out, doc, strlen(doc), b->name, NULL, NULL);
    if (rc)
        log_warn("bucket %s: the stored policy does not parse: %s", b->name, err_msg());
    free(doc);
    return rc;
}
