/* obj_lock.c — the Object Lock delete decision (see obj_lock.h). */
#include "object/obj_lock.h"

#include <string.h>

enum obj_lock_block obj_lock_blocks_delete(const struct meta_object *o, int bypass_allowed,
                                           int64_t now_ms)
{
    if (o->is_delete_marker)
        return OBJ_LOCK_FREE;
    if (o->legal_hold)
        return OBJ_LOCK_LEGAL_HOLD;
    if (o->lock_mode[0] == '\0' || o->lock_until_ms <= now_ms)
        return OBJ_LOCK_FREE;
    if (strcmp(o->lock_mode, "GOVERNANCE") == 0)
        return bypass_allowed ? OBJ_LOCK_FREE : OBJ_LOCK_GOVERNANCE;
    return OBJ_LOCK_COMPLIANCE;
}
