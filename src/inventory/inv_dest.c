/* inv_dest.c — a configuration's destination bucket (see inv_dest.h). */
#include "inventory/inv_dest.h"

#include <stdio.h>
#include <string.h>

int inv_dest_load(struct meta_store *meta, const struct inv_config *c, struct meta_bucket *dest,
                  char *why, size_t size)
{
    const char *name = NULL;
    const char *msg = inv_config_destination_error(c, &name);
    if (msg) {
        snprintf(why, size, "%s", msg);
        return ERR_INVALID;
    }
    int rc = meta_bucket_get(meta, name, dest);
    if (rc == ERR_NOTFOUND)
        snprintf(why, size, "destination bucket %s does not exist", name);
    else if (rc)
        snprintf(why, size, "%s", err_msg());
    else if (c->account_id && strcmp(c->account_id, dest->owner_id) != 0) {
        snprintf(why, size, "AccountId %s does not own destination bucket %s", c->account_id, name);
        rc = ERR_INVALID;
    }
    return rc;
}
