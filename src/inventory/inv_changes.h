/* inv_changes.h — the rows of a change report for one key (pure; docs/internals/INVENTORY.md
 * "Change reports").
 *
 * Given a key's versions at the previous report's journal position ("then") and now, both
 * newest first with is_latest as at that time, the events are the difference of the two full
 * reports of those snapshots:
 *   All (one row per version): Created (a row now, none then), Deleted (a row then, none now;
 *     its values then), Overwritten (the null version replaced by another object), Modified
 *     (the same version, its row differs: tags, ACL, restore, storage class, lock, IsLatest…).
 *   Current (one row per key, its latest version when that is not a delete marker): Created,
 *     Deleted, Overwritten (another version, or object, is current), Modified (the same one,
 *     its row differs).
 * A version is a row of a report when in() says so (the configuration's filter); differ()
 * compares the report rows of the same version then and now. */
#ifndef STOCKTAKE_INVENTORY_CHANGES_H
#define STOCKTAKE_INVENTORY_CHANGES_H

#include <stddef.h>

#include "meta/meta.h"

enum inv_change_event {
    INV_CHANGE_CREATED,
    INV_CHANGE_OVERWRITTEN,
    INV_CHANGE_MODIFIED,
    INV_CHANGE_DELETED
};

/* "Created", "Overwritten", "Modified", "Deleted" */
const char *inv_change_event_name(enum inv_change_event e);

struct inv_changes_ops {
    int (*in)(void *arg, const struct meta_object *o);
    int (*differ)(void *arg, const struct meta_object *then, const struct meta_object *now);
    /* a row: o with event e; non-zero stops (returned) */
    int (*emit)(void *arg, const struct meta_object *o, enum inv_change_event e);
};

int inv_changes_key(int all_versions, const struct meta_object *then, size_t n_then,
                    const struct meta_object *now, size_t n_now, const struct inv_changes_ops *ops,
                    void *arg);

#endif
