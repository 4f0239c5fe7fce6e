/* obj_lock.h — Object Lock decisions on one stored version (issue 12), knowing nothing of HTTP.
 *
 * The decision reads only meta_object's lock_mode, lock_until_ms and legal_hold, so every
 * deleter (DeleteObject by version, DeleteObjects, bucket deletion, the lifecycle worker) asks
 * the same question the same way. Retention dates are real wall-clock milliseconds (never the
 * lifecycle day knob). */
#ifndef STOCKTAKE_OBJ_LOCK_H
#define STOCKTAKE_OBJ_LOCK_H

#include <stdint.h>

#include "meta/meta.h"

enum obj_lock_block {
    OBJ_LOCK_FREE = 0,   /* the version may be deleted */
    OBJ_LOCK_LEGAL_HOLD, /* a legal hold is ON: nothing removes it, bypass or not */
    OBJ_LOCK_COMPLIANCE, /* COMPLIANCE retention not yet expired: nothing removes it */
    OBJ_LOCK_GOVERNANCE, /* GOVERNANCE retention not yet expired and no bypass allowed */
};

/* Whether permanently deleting version o at now_ms is blocked, and by what. bypass_allowed is
 * 1 when the request carried x-amz-bypass-governance-retention: true AND authz granted
 * s3:BypassGovernanceRetention (the lifecycle worker passes 0). Retention ends at
 * lock_until_ms: a version whose date is <= now_ms is free. An unknown lock_mode is treated
 * as COMPLIANCE (fail closed). Delete markers carry no lock and are always free. */
enum obj_lock_block obj_lock_blocks_delete(const struct meta_object *o, int bypass_allowed,
                                           int64_t now_ms);

/* Whether PutObjectRetention may replace version o's retention with mode ("" removes it)
 * until until_ms at now_ms: an expired or absent retention changes freely; a COMPLIANCE one
 * may only be extended in COMPLIANCE mode; a GOVERNANCE one may be extended in GOVERNANCE mode,
 * and shortened, removed or turned into COMPLIANCE only with bypass_allowed (as in
 * obj_lock_blocks_delete). Legal holds do not matter here. */
enum obj_lock_block obj_lock_blocks_retention_change(const struct meta_object *o, const char *mode,
                                                     int64_t until_ms, int bypass_allowed,
                                                     int64_t now_ms);

#endif
