/* tier_worker.c — the Intelligent-Tiering worker (see tier_worker.h). */
#include "tiering/tier_worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/work_lease.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/periodic.h"
#include "lifecycle/lc_day.h"
#include "notify/notify_ctx.h"
#include "tiering/it_config.h"
#include "tiering/tier.h"

#define TIER_SCAN_PAGE 1000

struct tier_worker {
    struct meta_store *meta;
    struct periodic *thread;
    struct work_lease *lease; /* one node of a cluster moves tiers */
};

/* One page of a bucket's versions; moves are made after the page is read (no write inside the
 * scan's callback). */
struct tier_scan {
    struct meta_store *meta;
    const char *bucket;
    const struct it_configs *configs;
    int64_t now_ms;
    char *marker_key;
    int64_t marker_seq;
    size_t seen;
    struct tier_move {
        char *key;
        char version_id[64];
        char from[32];
        char to[32];
        int restored; /* an archived version whose restore finished */
    } * moves;
    size_t n_moves;
    /* restores whose next event is due (Completed, then Delete): the record seen, the next */
    struct tier_note {
        char *key;
        char version_id[64];
        char seen[128];
        char next[128];
    } * notes;
    size_t n_notes;
    struct tier_pass_stats *stats;
};

/* A GLACIER / DEEP_ARCHIVE version whose restore became ready or whose copy expired and was not
 * notified yet: note it (IT versions notify when tier_apply returns them to FREQUENT_ACCESS). */
static void tier_scan_restore(struct tier_scan *s, const struct meta_object *o)
{
    struct restore_record r;
    if (o->is_delete_marker || !o->restore || !o->restore[0] || tier_is_intelligent(o) ||
        restore_record_parse(o->restore, &r) || strlen(o->restore) >= sizeof(s->notes[0].seen))
        return;
    int due = restore_notify_due(&r, s->now_ms);
    if (due == r.notified)
        return;
    r.notified = due;
    s->notes = xrealloc(s->notes, (s->n_notes + 1) * sizeof(*s->notes));
    struct tier_note *n = &s->notes[s->n_notes++];
    memset(n, 0, sizeof(*n));
    n->key = xstrdup(o->key);
    snprintf(n->version_id, sizeof(n->version_id), "%s", o->version_id);
    snprintf(n->seen, sizeof(n->seen), "%s", o->restore);
    restore_record_format(&r, n->next, sizeof(n->next));
}

/* meta guard: the restore record is still the one the note was decided from. */
static int tier_note_guard(void *arg, const struct meta_object *cur)
{
    const struct tier_note *n = arg;
    return cur->restore && strcmp(cur->restore, n->seen) == 0 ? 0 : ERR_CONFLICT;
}

/* Record the event as sent and emit it (the change hook) in one transaction, so each restore
 * notifies Completed and Delete once each, whatever kill -9 interrupts. */
static int tier_note_apply(struct tier_scan *s, const struct tier_note *n)
{
    struct meta_tiering t = {NULL, -1, n->next};
    int rc = meta_object_set_tiering(s->meta, s->bucket, n->key, n->version_id, &t, tier_note_guard,
                                     (void *)n);
    if (rc == ERR_CONFLICT || rc == ERR_NOTFOUND)
        return 0; /* changed meanwhile: the next pass decides again */
    if (!rc)
        s->stats->notified++;
    return rc;
}

static const char *tier_target(const struct tier_scan *s, const struct meta_object *o,
                               int *restored)
{
    *restored = tier_is_archived(o) && restore_state_of(o, s->now_ms) == RESTORE_DONE;
    if (*restored)
        return TIER_FREQUENT;
    struct tier_archive_days a;
    it_configs_archive_days(s->configs, o->key, o->tags, &a);
    return tier_decide(o, &a, s->now_ms, lc_day_ms());
}

static int tier_scan_each(void *payload, const struct meta_object *o)
{
    struct tier_scan *s = payload;
    s->seen++;
    free(s->marker_key);
    s->marker_key = xstrdup(o->key);
    s->marker_seq = o->seq;
    tier_scan_restore(s, o);
    if (!tier_is_intelligent(o))
        return 0;
    s->stats->scanned++;
    int restored;
    const char *to = tier_target(s, o, &restored);
    if (!restored && strcmp(to, o->tier) == 0)
        return 0;
    s->moves = xrealloc(s->moves, (s->n_moves + 1) * sizeof(*s->moves));
    struct tier_move *m = &s->moves[s->n_moves++];
    memset(m, 0, sizeof(*m));
    m->key = xstrdup(o->key);
    snprintf(m->version_id, sizeof(m->version_id), "%s", o->version_id);
    snprintf(m->from, sizeof(m->from), "%s", o->tier);
    snprintf(m->to, sizeof(m->to), "%s", to);
    m->restored = restored;
    return 0;
}

/* meta guard: the version is still in the tier the move was decided from. */
static int tier_move_guard(void *arg, const struct meta_object *cur)
{
    const struct tier_move *m = arg;
    return tier_is_intelligent(cur) && strcmp(cur->tier, m->from) == 0 ? 0 : ERR_CONFLICT;
}

static int tier_apply(struct tier_scan *s, const struct tier_move *m)
{
    /* a restored version starts over in FREQUENT_ACCESS, accessed now */
    struct meta_tiering t = {m->to, m->restored ? s->now_ms : -1, m->restored ? "" : NULL};
    int rc = meta_object_set_tiering(s->meta, s->bucket, m->key, m->version_id, &t, tier_move_guard,
                                     (void *)m);
    if (rc == ERR_CONFLICT || rc == ERR_NOTFOUND)
        return 0; /* changed meanwhile: the next pass decides again */
    if (rc)
        return rc;
    s->stats->moved++;
    log_info("tiering: %s/%s (%s) %s -> %s%s", s->bucket, m->key, m->version_id,
             m->from[0] ? m->from : "(new)", m->to, m->restored ? " after its restore" : "");
    return 0;
}

static int tier_bucket(struct meta_store *meta, const char *bucket, int64_t now_ms,
                       struct tier_pass_stats *stats)
{
    char *doc = NULL;
    struct it_configs configs;
    memset(&configs, 0, sizeof(configs));
    int rc = meta_bucket_config_get(meta, bucket, META_CONFIG_INTELLIGENT_TIERING, &doc);
    if (!rc)
        rc = it_configs_parse(doc, &configs);
    else if (rc == ERR_NOTFOUND)
        rc = 0;
    free(doc);
    struct tier_scan s = {meta, bucket, &configs, now_ms, NULL, -1, 0, NULL, 0, NULL, 0, stats};
    do {
        s.seen = 0;
        if (!rc)
            rc = meta_version_scan(meta, bucket, "", s.marker_key ? s.marker_key : "",
                                   s.marker_key ? s.marker_seq : -1, TIER_SCAN_PAGE, tier_scan_each,
                                   &s);
        for (size_t i = 0; i < s.n_moves; i++) {
            if (!rc)
                rc = tier_apply(&s, &s.moves[i]);
            free(s.moves[i].key);
        }
        s.n_moves = 0;
        for (size_t i = 0; i < s.n_notes; i++) {
            if (!rc)
                rc = tier_note_apply(&s, &s.notes[i]);
            free(s.notes[i].key);
        }
        s.n_notes = 0;
    } while (!rc && s.seen == TIER_SCAN_PAGE);
    free(s.moves);
    free(s.notes);
    free(s.marker_key);
    it_configs_dispose(&configs);
    return rc;
}

struct tier_bucket_list {
    char (*names)[64];
    size_t n;
};

static int tier_collect_bucket(void *payload, const struct meta_bucket *b)
{
    struct tier_bucket_list *l = payload;
    l->names = xrealloc(l->names, (l->n + 1) * sizeof(*l->names));
    memcpy(l->names[l->n++], b->name, sizeof(l->names[0]));
    return 0;
}

int tier_worker_pass(struct meta_store *meta, int64_t now_ms, struct tier_pass_stats *out)
{
    memset(out, 0, sizeof(*out));
    struct tier_bucket_list l = {NULL, 0};
    int rc = meta_bucket_list(meta, NULL, tier_collect_bucket, &l);
    struct notify_ctx nc; /* restores completed or expired notify as S3's own (issue 13) */
    notify_ctx_service(&nc, NOTIFY_SRC_RESTORE_SWEEP);
    notify_ctx_enter(&nc);
    for (size_t i = 0; !rc && i < l.n; i++) {
        rc = tier_bucket(meta, l.names[i], now_ms, out);
        if (rc == ERR_NOTFOUND) /* deleted meanwhile */
            rc = 0;
    }
    notify_ctx_leave();
    free(l.names);
    return rc;
}

static void tier_worker_tick(void *arg)
{
    struct tier_worker *w = arg;
    if (!work_lease_hold(w->lease))
        return;
    struct tier_pass_stats st;
    if (tier_worker_pass(w->meta, clock_now_ms(), &st))
        log_warn("tiering: pass failed: %s", err_msg());
}

int tier_worker_start(struct tier_worker **out, struct meta_store *meta)
{
    struct tier_worker *w = xcalloc(1, sizeof(*w));
    w->meta = meta;
    w->lease = work_lease_new(meta, "tiering");
    int64_t period = lc_day_ms() / 4;
    if (period < 1000)
        period = 1000;
    if (period > 3600 * 1000)
        period = 3600 * 1000;
    int rc = periodic_start(&w->thread, period, tier_worker_tick, w);
    if (rc) {
        work_lease_free(w->lease);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void tier_worker_stop(struct tier_worker *w)
{
    if (!w)
        return;
    periodic_stop(w->thread);
    work_lease_free(w->lease);
    free(w);
}
