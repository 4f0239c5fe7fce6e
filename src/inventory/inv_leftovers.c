/* inv_leftovers.c — removing what incomplete inventory runs delivered (see inv_leftovers.h). */
#include "inventory/inv_leftovers.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "object/obj_lock.h"

struct inv_leftover_list {
    struct meta_inventory_run_object *items;
    size_t n, cap;
};

static int inv_leftovers_collect(void *payload, const struct meta_inventory_run_object *o)
{
    struct inv_leftover_list *l = payload;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
    }
    l->items[l->n] = *o;
    l->items[l->n].key = xstrdup(o->key);
    l->n++;
    return 0;
}

/* meta guard: a version Object Lock protects stays, like any other deleter's. */
static int inv_leftovers_unlocked(void *arg, const struct meta_object *cur)
{
    (void)arg;
    return obj_lock_blocks_delete(cur, 0, clock_now_ms()) == OBJ_LOCK_FREE ? 0 : ERR_DENIED;
}

/* Remove one recorded version if it still is what the run wrote (its blob, checked in the
 * delete's own transaction: a key rewritten since stays) and no Object Lock protects it:
 * 1 removed, 0 not there or kept. */
static int inv_leftovers_remove_one(struct meta_store *meta,
                                    const struct meta_inventory_run_object *o)
{
    struct meta_object removed;
    int rc = meta_object_delete_version_if(meta, o->dest_bucket, o->key, o->version_id, o->blob_id,
                                           inv_leftovers_unlocked, NULL, &removed);
    if (rc == ERR_DENIED)
        log_info("inventory: %s/%s of an incomplete run is kept: Object Lock protects it",
                 o->dest_bucket, o->key);
    if (rc == ERR_NOTFOUND || rc == ERR_DENIED)
        return 0;
    if (rc)
        return rc;
    meta_object_dispose(&removed); /* its blob is dead now: the collector removes it */
    return 1;
}

/* Did the run whose records start at items[from] deliver its manifest.checksum (the
 * completion signal, written last) and does that version still hold the run's blob? Such a run
 * was killed after its report was complete, before it forgot its records: its report stays. */
static int inv_leftovers_run_complete(struct meta_store *meta, const struct inv_leftover_list *l,
                                      size_t from)
{
    static const char suffix[] = "/manifest.checksum";
    for (size_t i = from; i < l->n && l->items[i].run_id == l->items[from].run_id; i++) {
        const struct meta_inventory_run_object *o = &l->items[i];
        size_t n = strlen(o->key);
        if (n < sizeof(suffix) - 1 || strcmp(o->key + n - (sizeof(suffix) - 1), suffix) != 0)
            continue;
        struct meta_object cur;
        if (meta_object_get(meta, o->dest_bucket, o->key, o->version_id, &cur) != 0)
            return 0;
        int ours = strcmp(cur.blob_id, o->blob_id) == 0;
        meta_object_dispose(&cur);
        return ours;
    }
    return 0;
}

long inv_leftovers_remove(struct meta_store *meta, const char *bucket, const char *config_id)
{
    struct inv_leftover_list l = {NULL, 0, 0};
    /* collect first: removing writes to the store, which must not happen inside the read */
    int rc = meta_inventory_run_object_list(meta, bucket, config_id, inv_leftovers_collect, &l);
    long removed = 0;
    int run_ok = 1, run_complete = -1;
    for (size_t i = 0; i < l.n && !rc; i++) {
        if (run_complete < 0)
            run_complete = inv_leftovers_run_complete(meta, &l, i);
        int one = run_complete ? 0 : inv_leftovers_remove_one(meta, &l.items[i]);
        if (one < 0) {
            log_warn("inventory %s/%s: could not remove %s of interrupted run %lld: %s", bucket,
                     config_id, l.items[i].key, (long long)l.items[i].run_id, err_msg());
            run_ok = 0;
        }
        removed += one > 0;
        int last_of_run = i + 1 == l.n || l.items[i + 1].run_id != l.items[i].run_id;
        if (last_of_run && run_ok)
            rc = meta_inventory_run_object_clear(meta, l.items[i].run_id);
        if (last_of_run) {
            run_ok = 1;
            run_complete = -1;
        }
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.items[i].key);
    free(l.items);
    if (removed)
        log_info("inventory %s/%s: removed %ld objects of runs that did not complete", bucket,
                 config_id, removed);
    return rc ? rc : removed;
}
