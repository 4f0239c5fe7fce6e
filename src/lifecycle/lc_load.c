/* lc_load.c — a bucket's stored lifecycle rules, for every reader of them (the worker, the
 * x-amz-expiration header, inventory's LifecycleExpirationDate, lifecycle status). */
#include <stdlib.h>
#include <string.h>

#include "lifecycle/lc_rules.h"
#include "meta/meta.h"

int lc_rules_load(struct meta_store *m, const char *bucket, struct lc_rules *out)
{
    memset(out, 0, sizeof(*out));
    char *doc = NULL;
    int rc = meta_bucket_config_get(m, bucket, META_CONFIG_LIFECYCLE, &doc);
    if (rc)
        return rc; /* ERR_NOTFOUND: none */
    rc = lc_rules_parse(doc, strlen(doc), out);
    free(doc);
    return rc;
}
