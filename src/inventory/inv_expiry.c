/* inv_expiry.c — the LifecycleExpirationDate of each report row (inv_expiry.h). */
#include "inventory/inv_expiry.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "lifecycle/lc_decide.h"

int inv_expiry_load(struct inv_expiry *e, struct meta_store *meta, const char *bucket)
{
    memset(e, 0, sizeof(*e));
    e->meta = meta;
    e->bucket = bucket;
    int rc = lc_rules_load(meta, bucket, &e->rules);
    if (rc)
        return rc == ERR_NOTFOUND ? 0 : rc;
    e->has_rules = 1;
    for (size_t i = 0; i < e->rules.count; i++) {
        const struct lc_rule *r = &e->rules.rules[i];
        e->needs_tags |= r->enabled && r->ntags > 0 &&
                         (r->exp_days > 0 || r->exp_date_ms > 0 || r->noncurrent_days > 0);
    }
    return 0;
}

/* The version's tags (caller frees; NULL: none or unreadable). */
static char *inv_expiry_tags(struct inv_expiry *e, const struct meta_object *o)
{
    struct meta_object full;
    if (meta_object_get(e->meta, e->bucket, o->key, o->version_id, &full) != 0)
        return NULL;
    char *tags = full.tags;
    full.tags = NULL;
    meta_object_dispose(&full);
    return tags;
}

int64_t inv_expiry_of(struct inv_expiry *e, const struct meta_object *o)
{
    int same = e->prev_key && strcmp(e->prev_key, o->key) == 0;
    int64_t since = e->prev_ms, rank = same ? e->rank : 0;
    if (!same) {
        free(e->prev_key);
        e->prev_key = xstrdup(o->key);
        e->rank = 0;
    } else if (!o->is_latest) {
        e->rank++;
    }
    e->prev_ms = o->last_modified_ms;
    if (!e->has_rules || o->is_delete_marker)
        return 0;
    char *tags = e->needs_tags ? inv_expiry_tags(e, o) : NULL;
    int64_t at = 0;
    const struct lc_rule *r = NULL;
    if (o->is_latest)
        r = lc_decide_expiry(&e->rules, o->key, tags, o->size, o->last_modified_ms, &at);
    else if (same)
        r = lc_decide_noncurrent_expiry(&e->rules, o->key, tags, o->size, since, rank, &at);
    free(tags);
    return r ? at : 0;
}

void inv_expiry_dispose(struct inv_expiry *e)
{
    if (e->has_rules)
        lc_rules_dispose(&e->rules);
    free(e->prev_key);
    memset(e, 0, sizeof(*e));
}
