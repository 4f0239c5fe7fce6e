/* lc_decide.h — what a lifecycle configuration does, now, to the versions of one key or to one
 * multipart upload, as AWS decides it; pure (no store, no clock: now_ms is given), so the
 * worker (lc_tick.c) applies what these functions return and the tests check them alone.
 *
 * Ages count from a version's Last-Modified, or for a noncurrent version from when it became
 * noncurrent (its successor's Last-Modified), and become due at the first day boundary after
 * the age is reached (lc_day_eligible_ms). A Date is due from that midnight on. */
#ifndef STOCKTAKE_LC_DECIDE_H
#define STOCKTAKE_LC_DECIDE_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle/lc_rules.h"
#include "meta/meta.h"

enum lc_action {
    LC_ACT_EXPIRE = 0,        /* the current version: delete marker (versioned) or delete */
    LC_ACT_DELETE_MARKER,     /* an expired object delete marker (the key's sole version) */
    LC_ACT_NONCURRENT_EXPIRE, /* a noncurrent version is deleted */
    LC_ACT_TRANSITION,        /* the current version changes storage class */
    LC_ACT_NONCURRENT_TRANSITION,
    LC_ACT_ABORT_UPLOAD, /* an incomplete multipart upload is aborted */
    LC_ACT_LOCKED,       /* a due expiry left alone: Object Lock retention or legal hold */
    LC_ACT_COUNT
};

/* AWS's name of the action ("Expiration", "NoncurrentVersionExpiration", …). */
const char *lc_action_name(enum lc_action a);

struct lc_decision {
    enum lc_action action;
    size_t index; /* the version it applies to (into the key's versions) */
    const struct lc_rule *rule;
    const char *storage_class; /* transitions: the new class */
};

/* Decide for the versions v[0..n) of one key (newest first, v[0] the latest) at now_ms; at
 * most one decision per version goes to out (room for n). Disabled rules do nothing.
 * Returns how many decisions were made. */
size_t lc_decide_key(const struct lc_rules *rules, const struct meta_object *v, size_t n,
                     int64_t now_ms, struct lc_decision *out);

/* The rule whose AbortIncompleteMultipartUpload is due for an upload of key initiated at
 * initiated_ms; NULL when none. */
const struct lc_rule *lc_decide_upload(const struct lc_rules *rules, const char *key,
                                       int64_t initiated_ms, int64_t now_ms);

/* The expiry of a current version (key, tags, size, last_modified_ms) under the Expiration
 * rules (Days or Date): the earliest, into *at_ms, with its rule; NULL when no rule expires
 * it. What x-amz-expiration and the inventory's LifecycleExpirationDate report. */
const struct lc_rule *lc_decide_expiry(const struct lc_rules *rules, const char *key,
                                       const char *tags, int64_t size, int64_t last_modified_ms,
                                       int64_t *at_ms);

/* The expiry of a noncurrent version (tags, size: -1 for a delete marker) noncurrent since
 * since_ms with rank newer noncurrent versions, under the NoncurrentVersionExpiration rules:
 * the earliest, into *at_ms, with its rule; NULL when none applies (or NewerNoncurrentVersions
 * keeps it). What the inventory's LifecycleExpirationDate reports for noncurrent versions. */
const struct lc_rule *lc_decide_noncurrent_expiry(const struct lc_rules *rules, const char *key,
                                                  const char *tags, int64_t size, int64_t since_ms,
                                                  int64_t rank, int64_t *at_ms);

#endif
