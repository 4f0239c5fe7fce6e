/* inv_grant.c — the delivery decision of an inventory run (see inv_grant.h). */
#include "inventory/inv_grant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authz/authz.h"
#include "authz/policy.h"

int inv_grant_load(struct inv_grant *g, struct meta_store *meta, const struct meta_bucket *source,
                   const struct meta_bucket *dest)
{
    return inv_grant_load_for(g, AUTHZ_SERVICE_S3, meta, source, dest);
}

int inv_grant_load_for(struct inv_grant *g, const char *service, struct meta_store *meta,
                       const struct meta_bucket *source, const struct meta_bucket *dest)
{
    memset(g, 0, sizeof(*g));
    g->service = service;
    snprintf(g->source, sizeof(g->source), "%s", source->name);
    snprintf(g->source_account, sizeof(g->source_account), "%s", source->owner_id);
    snprintf(g->dest, sizeof(g->dest), "%s", dest->name);
    snprintf(g->dest_owner, sizeof(g->dest_owner), "%s", dest->owner_id);
    char *doc = NULL;
    int rc = meta_bucket_config_get(meta, dest->name, META_CONFIG_POLICY, &doc);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    /* validated when PutBucketPolicy stored it */
    rc = policy_parse_stored(&g->policy, doc, strlen(doc));
    free(doc);
    return rc;
}

int inv_grant_check(const struct inv_grant *g, const char *key, char *why, size_t size)
{
    struct authz_resource res = {g->dest, key, g->dest_owner};
    const char *reason = "";
    if (authz_decide_delivery(g->service, g->source, g->source_account, &res, g->policy, &reason) ==
        AUTHZ_ALLOW)
        return 0;
    char what[1400];
    snprintf(what, sizeof(what),
             "%s to s3:PutObject arn:aws:s3:::%s/%s with aws:SourceArn arn:aws:s3:::%s, "
             "aws:SourceAccount %s and s3:x-amz-acl bucket-owner-full-control",
             g->service, g->dest, key, g->source, g->source_account);
    if (g->policy)
        snprintf(why, size,
                 "delivery denied: the policy of destination bucket %s does not allow %s (%s)",
                 g->dest, what, reason);
    else
        snprintf(why, size,
                 "delivery denied: destination bucket %s has no policy; it needs a statement "
                 "that allows %s (the destination policy AWS documents for its deliveries)",
                 g->dest, what);
    return ERR_DENIED;
}

void inv_grant_dispose(struct inv_grant *g)
{
    policy_free(g->policy);
    g->policy = NULL;
}
