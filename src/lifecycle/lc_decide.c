/* lc_decide.c — the lifecycle decisions for one key's versions or one upload (lc_decide.h). */
#include "lifecycle/lc_decide.h"

#include <string.h>

#include "lifecycle/lc_day.h"

const char *lc_action_name(enum lc_action a)
{
    static const char *const names[LC_ACT_COUNT] = {
        "Expiration",        "ExpiredObjectDeleteMarker",   "NoncurrentVersionExpiration",
        "Transition",        "NoncurrentVersionTransition", "AbortIncompleteMultipartUpload",
        "SkippedObjectLock",
    };
    return a < LC_ACT_COUNT ? names[a] : "";
}

/* When an Expiration (Days or Date) of r falls for a version written at t_ms; -1: none. */
static int64_t lc_expiration_at(const struct lc_rule *r, int64_t t_ms)
{
    if (r->exp_days > 0)
        return lc_day_eligible_ms(t_ms, r->exp_days);
    if (r->exp_date_ms > 0)
        return r->exp_date_ms;
    return -1;
}

const struct lc_rule *lc_decide_expiry(const struct lc_rules *rules, const char *key,
                                       const char *tags, int64_t size, int64_t last_modified_ms,
                                       int64_t *at_ms)
{
    const struct lc_rule *best = NULL;
    for (size_t i = 0; i < rules->count; i++) {
        const struct lc_rule *r = &rules->rules[i];
        if (!r->enabled || !lc_rule_matches(r, key, tags, size))
            continue;
        int64_t at = lc_expiration_at(r, last_modified_ms);
        if (at >= 0 && (!best || at < *at_ms)) {
            best = r;
            *at_ms = at;
        }
    }
    return best;
}

/* The due transition of the latest stage among ts[0..n) for a version aged from t_ms (for a
 * noncurrent one, rank newer noncurrent versions exist); NULL when none is due. */
static const struct lc_transition *lc_transition_due(const struct lc_transition *ts, size_t n,
                                                     int64_t t_ms, int64_t rank, int64_t now_ms,
                                                     int64_t *best_at)
{
    const struct lc_transition *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct lc_transition *t = &ts[i];
        int64_t at = t->days >= 0 ? lc_day_eligible_ms(t_ms, t->days) : t->date_ms;
        if (at <= 0 || at > now_ms || rank < t->newer)
            continue;
        if (!best || at > *best_at) {
            best = t;
            *best_at = at;
        }
    }
    return best;
}

/* The current version v (not a delete marker): Expiration first, else the latest due
 * Transition to another class. */
static int lc_decide_current(const struct lc_rules *rules, const struct meta_object *v,
                             int64_t now_ms, struct lc_decision *d)
{
    int64_t at = 0;
    const struct lc_rule *r =
        lc_decide_expiry(rules, v->key, v->tags, v->size, v->last_modified_ms, &at);
    if (r && at <= now_ms) {
        *d = (struct lc_decision){LC_ACT_EXPIRE, 0, r, NULL};
        return 1;
    }
    const struct lc_transition *best = NULL;
    int64_t best_at = 0;
    for (size_t i = 0; i < rules->count; i++) {
        const struct lc_rule *x = &rules->rules[i];
        if (!x->enabled || !lc_rule_matches(x, v->key, v->tags, v->size))
            continue;
        int64_t t_at = 0;
        const struct lc_transition *t = lc_transition_due(x->transitions, x->ntransitions,
                                                          v->last_modified_ms, 0, now_ms, &t_at);
        if (t && (!best || t_at > best_at)) {
            best = t;
            best_at = t_at;
            r = x;
        }
    }
    if (!best || strcmp(best->storage_class, v->storage_class) == 0)
        return 0;
    *d = (struct lc_decision){LC_ACT_TRANSITION, 0, r, best->storage_class};
    return 1;
}

/* The key's sole version is the delete marker v: ExpiredObjectDeleteMarker removes it at once,
 * an Expiration by Days or Date once the marker is old enough (AWS's cleanup). */
static int lc_decide_marker(const struct lc_rules *rules, const struct meta_object *v,
                            int64_t now_ms, struct lc_decision *d)
{
    for (size_t i = 0; i < rules->count; i++) {
        const struct lc_rule *r = &rules->rules[i];
        if (!r->enabled || !lc_rule_matches(r, v->key, NULL, -1))
            continue;
        int64_t at = lc_expiration_at(r, v->last_modified_ms);
        if (r->exp_delete_marker || (at >= 0 && at <= now_ms)) {
            *d = (struct lc_decision){LC_ACT_DELETE_MARKER, 0, r, NULL};
            return 1;
        }
    }
    return 0;
}

/* Noncurrent version v, noncurrent since since_ms, with rank newer noncurrent versions. */
static int lc_decide_noncurrent(const struct lc_rules *rules, const struct meta_object *v,
                                int64_t since_ms, int64_t rank, int64_t now_ms,
                                struct lc_decision *d)
{
    int64_t size = v->is_delete_marker ? -1 : v->size;
    const struct lc_rule *tr = NULL;
    const struct lc_transition *best = NULL;
    int64_t best_at = 0, at = 0;
    const struct lc_rule *e =
        lc_decide_noncurrent_expiry(rules, v->key, v->tags, size, since_ms, rank, &at);
    if (e && at <= now_ms) {
        *d = (struct lc_decision){LC_ACT_NONCURRENT_EXPIRE, 0, e, NULL};
        return 1;
    }
    for (size_t i = 0; i < rules->count; i++) {
        const struct lc_rule *r = &rules->rules[i];
        if (!r->enabled || !lc_rule_matches(r, v->key, v->tags, size))
            continue;
        int64_t t_at = 0;
        const struct lc_transition *t =
            v->is_delete_marker ? NULL
                                : lc_transition_due(r->nc_transitions, r->nnc_transitions, since_ms,
                                                    rank, now_ms, &t_at);
        if (t && (!best || t_at > best_at)) {
            best = t;
            best_at = t_at;
            tr = r;
        }
    }
    if (!best || strcmp(best->storage_class, v->storage_class) == 0)
        return 0;
    *d = (struct lc_decision){LC_ACT_NONCURRENT_TRANSITION, 0, tr, best->storage_class};
    return 1;
}

size_t lc_decide_key(const struct lc_rules *rules, const struct meta_object *v, size_t n,
                     int64_t now_ms, struct lc_decision *out)
{
    size_t made = 0;
    for (size_t i = 0; i < n; i++) {
        struct lc_decision d;
        int hit;
        if (i == 0 && v[0].is_latest && !v[0].is_delete_marker)
            hit = lc_decide_current(rules, &v[0], now_ms, &d);
        else if (i == 0 && v[0].is_latest)
            hit = n == 1 && lc_decide_marker(rules, &v[0], now_ms, &d);
        else
            hit = lc_decide_noncurrent(rules, &v[i], v[i > 0 ? i - 1 : 0].last_modified_ms,
                                       (int64_t)(v[0].is_latest ? i - 1 : i), now_ms, &d);
        if (hit) {
            d.index = i;
            out[made++] = d;
        }
    }
    return made;
}

const struct lc_rule *lc_decide_upload(const struct lc_rules *rules, const char *key,
                                       int64_t initiated_ms, int64_t now_ms)
{
    for (size_t i = 0; i < rules->count; i++) {
        const struct lc_rule *r = &rules->rules[i];
        if (r->enabled && r->abort_days > 0 && lc_rule_matches(r, key, NULL, -1) &&
            lc_day_eligible_ms(initiated_ms, r->abort_days) <= now_ms)
            return r;
    }
    return NULL;
}

const struct lc_rule *lc_decide_noncurrent_expiry(const struct lc_rules *rules, const char *key,
                                                  const char *tags, int64_t size, int64_t since_ms,
                                                  int64_t rank, int64_t *at_ms)
{
    const struct lc_rule *best = NULL;
    for (size_t i = 0; i < rules->count; i++) {
        const struct lc_rule *r = &rules->rules[i];
        if (!r->enabled || r->noncurrent_days <= 0 || rank < r->newer_noncurrent ||
            !lc_rule_matches(r, key, tags, size))
            continue;
        int64_t at = lc_day_eligible_ms(since_ms, r->noncurrent_days);
        if (!best || at < *at_ms) {
            best = r;
            *at_ms = at;
        }
    }
    return best;
}
