/* lc_apply.c — one lifecycle decision carried out on the store (lc_apply.h). */
#include "lifecycle/lc_apply.h"

#include <string.h>

#include "core/log.h"
#include "object/obj_lock.h"
#include "object/object.h"
#include "tiering/tier.h"

static void lc_apply_log(struct lc_pass *p, enum lc_action a, const char *key,
                         const char *version_id, const struct lc_rule *r, const char *detail)
{
    p->counts[a]++;
    log_info("lifecycle: %s %s/%s version %s (rule \"%s\")%s%s", lc_action_name(a), p->bucket->name,
             key, version_id, r && r->id ? r->id : "", detail ? " " : "", detail ? detail : "");
}

/* A gone or changed version is no failure: the next pass sees the new state. */
static int lc_apply_outcome(int rc)
{
    return rc == ERR_NOTFOUND || rc == ERR_CONFLICT ? 1 : rc;
}

/* meta guard: Object Lock protects the stored version (decided again in the delete's
 * transaction: a retention placed since the scan holds). */
static int lc_apply_unlocked(void *arg, const struct meta_object *cur)
{
    const struct lc_pass *p = arg;
    return obj_lock_blocks_delete(cur, 0, p->now_ms) == OBJ_LOCK_FREE ? 0 : ERR_DENIED;
}

/* Permanently remove version v unless Object Lock protects it; 1 when it was left alone. */
static int lc_apply_remove(struct lc_pass *p, const struct meta_object *v, const char *expect)
{
    enum obj_lock_block why = obj_lock_blocks_delete(v, 0, p->now_ms);
    if (why != OBJ_LOCK_FREE) {
        p->counts[LC_ACT_LOCKED]++;
        log_debug("lifecycle: %s/%s version %s is locked (%s), not removed", p->bucket->name,
                  v->key, v->version_id, why == OBJ_LOCK_LEGAL_HOLD ? "legal hold" : "retention");
        return 1;
    }
    struct meta_object gone;
    int rc = meta_object_delete_version_if(p->meta, p->bucket->name, v->key, v->version_id, expect,
                                           lc_apply_unlocked, p, &gone);
    if (rc == ERR_DENIED) {
        p->counts[LC_ACT_LOCKED]++;
        return 1;
    }
    if (!rc)
        meta_object_dispose(&gone);
    return lc_apply_outcome(rc);
}

/* The current version expires: a delete marker in a versioned or suspended bucket (which,
 * suspended, replaces a "null" current version: a removal Object Lock must allow), else the
 * version itself goes. */
static int lc_apply_expire(struct lc_pass *p, const struct meta_object *v)
{
    const struct meta_bucket *b = p->bucket;
    if (b->versioning == META_UNVERSIONED ||
        (b->versioning == META_VERSIONING_SUSPENDED && strcmp(v->version_id, "null") == 0)) {
        enum obj_lock_block why = obj_lock_blocks_delete(v, 0, p->now_ms);
        if (why != OBJ_LOCK_FREE) {
            p->counts[LC_ACT_LOCKED]++;
            return 1;
        }
    }
    if (b->versioning == META_UNVERSIONED)
        return lc_apply_remove(p, v, v->blob_id);
    char marker[64];
    return lc_apply_outcome(obj_delete_marker_add(p->meta, b->name, b->id, v->key, b->versioning,
                                                  b->owner_id, v->version_id, marker));
}

/* meta guard: the version is (still) INTELLIGENT_TIERING. */
static int lc_apply_still_intelligent(void *arg, const struct meta_object *cur)
{
    (void)arg;
    return tier_is_intelligent(cur) ? 0 : ERR_CONFLICT;
}

/* Set v's storage class while v still holds the blob seen. A version transitioned to
 * INTELLIGENT_TIERING starts in FREQUENT_ACCESS, its days without access counted from now (as
 * AWS: objects uploaded or transitioned to Intelligent-Tiering are in Frequent Access). */
static int lc_apply_transition(struct lc_pass *p, const struct meta_object *v, const char *cls)
{
    int rc = meta_object_set_storage_class(p->meta, p->bucket->name, v->key, v->version_id,
                                           v->blob_id, cls);
    if (rc || strcmp(cls, "INTELLIGENT_TIERING") != 0)
        return lc_apply_outcome(rc);
    struct meta_tiering t = {TIER_FREQUENT, p->now_ms, NULL};
    rc = meta_object_set_tiering(p->meta, p->bucket->name, v->key, v->version_id, &t,
                                 lc_apply_still_intelligent, NULL);
    return rc == ERR_NOTFOUND || rc == ERR_CONFLICT ? 0 : rc; /* changed since: transitioned */
}

int lc_apply_version(struct lc_pass *p, const struct meta_object *v, const struct lc_decision *d)
{
    int rc;
    switch (d->action) {
    case LC_ACT_EXPIRE:
        rc = lc_apply_expire(p, v);
        break;
    case LC_ACT_DELETE_MARKER:
        rc = lc_apply_remove(p, v, "");
        break;
    case LC_ACT_NONCURRENT_EXPIRE:
        rc = lc_apply_remove(p, v, v->blob_id);
        break;
    case LC_ACT_TRANSITION:
    case LC_ACT_NONCURRENT_TRANSITION:
        rc = lc_apply_transition(p, v, d->storage_class);
        break;
    default:
        return 0;
    }
    if (rc == 0)
        lc_apply_log(p, d->action, v->key, v->version_id, d->rule, d->storage_class);
    return rc < 0 ? rc : 0;
}

int lc_apply_abort(struct lc_pass *p, const char *key, const char *upload_id,
                   const struct lc_rule *r)
{
    int rc = obj_upload_abort(p->meta, p->bucket->name, upload_id);
    if (rc == 0)
        lc_apply_log(p, LC_ACT_ABORT_UPLOAD, key, "-", r, upload_id);
    return rc == ERR_NOTFOUND ? 0 : rc;
}
