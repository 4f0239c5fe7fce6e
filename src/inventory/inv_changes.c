/* inv_changes.c — the rows of a change report for one key (see inv_changes.h). */
#include "inventory/inv_changes.h"

#include <string.h>

const char *inv_change_event_name(enum inv_change_event e)
{
    switch (e) {
    case INV_CHANGE_CREATED:
        return "Created";
    case INV_CHANGE_OVERWRITTEN:
        return "Overwritten";
    case INV_CHANGE_MODIFIED:
        return "Modified";
    case INV_CHANGE_DELETED:
        break;
    }
    return "Deleted";
}

static const struct meta_object *inv_changes_find(const struct meta_object *v, size_t n,
                                                  const char *version_id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].version_id, version_id) == 0)
            return &v[i];
    return NULL;
}

/* Both a row then (a) and now (b), or one of them (the other NULL): its event. */
static int inv_changes_pair(const struct meta_object *a, const struct meta_object *b,
                            const struct inv_changes_ops *ops, void *arg)
{
    if (!a && !b)
        return 0;
    if (!a)
        return ops->emit(arg, b, INV_CHANGE_CREATED);
    if (!b)
        return ops->emit(arg, a, INV_CHANGE_DELETED);
    if (a->seq != b->seq || strcmp(a->version_id, b->version_id) != 0)
        return ops->emit(arg, b, INV_CHANGE_OVERWRITTEN);
    return ops->differ(arg, a, b) ? ops->emit(arg, b, INV_CHANGE_MODIFIED) : 0;
}

/* The current row of a Current report: the latest version, not a delete marker, in it. */
static const struct meta_object *inv_changes_current(const struct meta_object *v, size_t n,
                                                     const struct inv_changes_ops *ops, void *arg)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].is_latest)
            return !v[i].is_delete_marker && ops->in(arg, &v[i]) ? &v[i] : NULL;
    return NULL;
}

int inv_changes_key(int all_versions, const struct meta_object *then, size_t n_then,
                    const struct meta_object *now, size_t n_now, const struct inv_changes_ops *ops,
                    void *arg)
{
    if (!all_versions)
        return inv_changes_pair(inv_changes_current(then, n_then, ops, arg),
                                inv_changes_current(now, n_now, ops, arg), ops, arg);
    int rc = 0;
    for (size_t i = 0; i < n_now && !rc; i++) {
        const struct meta_object *a = inv_changes_find(then, n_then, now[i].version_id);
        rc = inv_changes_pair(a && ops->in(arg, a) ? a : NULL,
                              ops->in(arg, &now[i]) ? &now[i] : NULL, ops, arg);
    }
    for (size_t i = 0; i < n_then && !rc; i++)
        if (!inv_changes_find(now, n_now, then[i].version_id) && ops->in(arg, &then[i]))
            rc = ops->emit(arg, &then[i], INV_CHANGE_DELETED);
    return rc;
}
