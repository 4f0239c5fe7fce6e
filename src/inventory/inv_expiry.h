/* inv_expiry.h — the LifecycleExpirationDate column: when the source bucket's lifecycle
 * configuration will expire each listed version. A current version expires by its Expiration
 * rules (Days or Date, lc_decide_expiry: the date x-amz-expiration shows); a noncurrent one by
 * its NoncurrentVersionExpiration rules, aged from its successor (the row before it: the scan
 * lists a key's versions newest first); a delete marker and a version no rule expires have
 * none. Rules with tag filters need the version's tags, which the inventory scan leaves out:
 * they are read per version only when such a rule exists. */
#ifndef STOCKTAKE_INV_EXPIRY_H
#define STOCKTAKE_INV_EXPIRY_H

#include <stdint.h>

#include "lifecycle/lc_rules.h"
#include "meta/meta.h"

struct inv_expiry {
    struct meta_store *meta;
    const char *bucket;
    int has_rules;
    int needs_tags;
    struct lc_rules rules;
    /* the previous row, for the age of a noncurrent version */
    char *prev_key;
    int64_t prev_ms;
    int64_t rank; /* noncurrent versions of prev_key seen so far */
};

/* Read bucket's configuration (none: every version has no expiry). */
int inv_expiry_load(struct inv_expiry *e, struct meta_store *meta, const char *bucket) WARN_UNUSED;
/* The expiry of row o (rows in scan order), in ms; 0 when it has none. */
int64_t inv_expiry_of(struct inv_expiry *e, const struct meta_object *o);
void inv_expiry_dispose(struct inv_expiry *e);

#endif
