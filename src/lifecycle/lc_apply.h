/* lc_apply.h — private to src/lifecycle: carrying out one decision (lc_decide.h) on the store
 * through the object layer, as AWS's lifecycle does: a current version's expiry is a delete
 * marker made the way DeleteObject makes one (versioned or suspended bucket) or a delete
 * (unversioned); no version Object Lock protects is ever removed (obj_lock_blocks_delete, no
 * bypass); a version changed since it was looked at is left alone. Each action is logged. */
#ifndef STOCKTAKE_LC_APPLY_H
#define STOCKTAKE_LC_APPLY_H

#include "blob/blob.h"
#include "lifecycle/lc_decide.h"
#include "meta/meta.h"

struct lc_pass {
    struct meta_store *meta;
    struct blob_store *blobs;
    const struct meta_bucket *bucket;
    const struct lc_rules *rules;
    int64_t now_ms;
    int64_t counts[LC_ACT_COUNT]; /* what was done in this pass */
};

/* Apply d to version v. 0 when done or when there was nothing left to do (the version
 * changed or went meanwhile, or a lock protects it: counted as LC_ACT_LOCKED); else the
 * store's error. */
int lc_apply_version(struct lc_pass *p, const struct meta_object *v,
                     const struct lc_decision *d) WARN_UNUSED;

/* Abort the upload upload_id of key, due under rule r. */
int lc_apply_abort(struct lc_pass *p, const char *key, const char *upload_id,
                   const struct lc_rule *r) WARN_UNUSED;

#endif
