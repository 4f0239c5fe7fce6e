/* obj_lock.c — the Object Lock delete decision (see obj_lock.h). */
#include "object/obj_lock.h"

#include <string.h>

enum obj_lock_block obj_lock_blocks_delete(const struct meta_object *o, int bypass_allowed,
                                           int64_t now_ms)
{
    if (o->is_delete_marker)
        return OBJ_LOCK_FREE;
    if (o->legal_hold == META_LEGAL_HOLD_ON)
        return OBJ_LOCK_LEGAL_HOLD;
    if (o->lock_mode[0] == '\0' || o->lock_until_ms <= now_ms)
        return OBJ_LOCK_FREE;
    if (strcmp(o->lock_mode, "GOVERNANCE") == 0)
        return bypass_allowed ? OBJ_LOCK_FREE : OBJ_LOCK_GOVERNANCE;
    return OBJ_LOCK_COMPLIANCE;
}

enum obj_lock_block obj_lock_blocks_retention_change(const struct meta_object *o, const char *mode,
                                                     int64_t until_ms, int bypass_allowed,
                                                     int64_t now_ms)
{
    if (o->lock_mode[0] == '\0' || o->lock_until_ms <= now_ms)
        return OBJ_LOCK_FREE;
    int keeps = mode[0] && until_ms >= o->lock_until_ms; /* not shortened, not removed */
    if (strcmp(o->lock_mode, "GOVERNANCE") == 0) {
        if ((keeps && strcmp(mode, "GOVERNANCE") == 0) || bypass_allowed)
            return OBJ_LOCK_FREE;
        return OBJ_LOCK_GOVERNANCE;
    }
    /* COMPLIANCE, or an unknown mode (fail closed): only extended, never weakened */
    return keeps && strcmp(mode, "COMPLIANCE") == 0 ? OBJ_LOCK_FREE : OBJ_LOCK_COMPLIANCE;
}
