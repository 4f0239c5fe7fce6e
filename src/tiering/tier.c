/* tier.c — access tier and restore decisions (see tier.h). */
#include "tiering/tier.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"

int tier_is_intelligent(const struct meta_object *o)
{
    return !o->is_delete_marker && strcmp(o->storage_class, "INTELLIGENT_TIERING") == 0;
}

const char *tier_decide(const struct meta_object *o, const struct tier_archive_days *a,
                        int64_t now_ms, int64_t day_ms)
{
    int64_t since = o->last_access_ms ? o->last_access_ms : o->last_modified_ms;
    int64_t idle = now_ms > since && day_ms > 0 ? (now_ms - since) / day_ms : 0;
    int in_archive = strcmp(o->tier, TIER_ARCHIVE) == 0;
    if (strcmp(o->tier, TIER_DEEP_ARCHIVE) == 0)
        return TIER_DEEP_ARCHIVE; /* only a restore brings it back */
    if (a->deep_archive && idle >= a->deep_archive)
        return TIER_DEEP_ARCHIVE;
    if (in_archive || (a->archive && idle >= a->archive))
        return TIER_ARCHIVE;
    if (idle >= TIER_ARCHIVE_INSTANT_DAYS)
        return TIER_ARCHIVE_INSTANT;
    if (idle >= TIER_INFREQUENT_DAYS)
        return TIER_INFREQUENT;
    return TIER_FREQUENT;
}

const char *tier_report_name(const char *tier)
{
    if (strcmp(tier, TIER_INFREQUENT) == 0)
        return "INFREQUENT";
    if (strcmp(tier, TIER_ARCHIVE_INSTANT) == 0)
        return "ARCHIVE_INSTANT_ACCESS";
    if (strcmp(tier, TIER_ARCHIVE) == 0)
        return "ARCHIVE";
    if (strcmp(tier, TIER_DEEP_ARCHIVE) == 0)
        return "DEEP_ARCHIVE";
    return "FREQUENT"; /* FREQUENT_ACCESS, or not moved by the worker yet */
}

int tier_is_archived(const struct meta_object *o)
{
    if (o->is_delete_marker)
        return 0;
    if (strcmp(o->storage_class, "GLACIER") == 0 || strcmp(o->storage_class, "DEEP_ARCHIVE") == 0)
        return 1;
    return tier_is_intelligent(o) &&
           (strcmp(o->tier, TIER_ARCHIVE) == 0 || strcmp(o->tier, TIER_DEEP_ARCHIVE) == 0);
}

int restore_record_parse(const char *s, struct restore_record *out)
{
    memset(out, 0, sizeof(*out));
    if (!s || !*s)
        return 0;
    char tier[16];
    int64_t a, b, c;
    int end = 0, notified = 0;
    if (sscanf(s, "1;%15[A-Za-z];%" SCNd64 ";%" SCNd64 ";%" SCNd64 "%n", tier, &a, &b, &c, &end) !=
            4 ||
        a < 0 || b < a || c < 0)
        return ERR_INVALID;
    if (s[end] == ';' && (s[end + 1] == '1' || s[end + 1] == '2') && s[end + 2] == '\0') {
        notified = s[end + 1] - '0';
        end += 2;
    }
    if (s[end] != '\0')
        return ERR_INVALID;
    snprintf(out->tier, sizeof(out->tier), "%s", tier);
    out->requested_ms = a;
    out->ready_ms = b;
    out->expiry_ms = c;
    out->notified = notified;
    return 0;
}

void restore_record_format(const struct restore_record *r, char *out, size_t size)
{
    int n = snprintf(out, size, "1;%s;%" PRId64 ";%" PRId64 ";%" PRId64, r->tier, r->requested_ms,
                     r->ready_ms, r->expiry_ms);
    if (r->notified && n > 0 && (size_t)n < size)
        snprintf(out + n, size - (size_t)n, ";%d", r->notified);
}

int restore_notify_due(const struct restore_record *r, int64_t now_ms)
{
    if (!r->tier[0] || now_ms < r->ready_ms)
        return r->notified;
    if (r->notified == RESTORE_NOTIFIED_NONE)
        return RESTORE_NOTIFIED_COMPLETED; /* Completed first, even when already expired */
    if (r->notified == RESTORE_NOTIFIED_COMPLETED && r->expiry_ms && now_ms >= r->expiry_ms)
        return RESTORE_NOTIFIED_DELETE;
    return r->notified;
}

enum restore_state restore_state_at(const struct restore_record *r, int64_t now_ms)
{
    if (!r->tier[0])
        return RESTORE_NONE;
    if (now_ms < r->ready_ms)
        return RESTORE_ONGOING;
    if (r->expiry_ms && now_ms >= r->expiry_ms)
        return RESTORE_NONE;
    return RESTORE_DONE;
}

enum restore_state restore_state_of(const struct meta_object *o, int64_t now_ms)
{
    struct restore_record r;
    if (restore_record_parse(o->restore, &r))
        return RESTORE_NONE;
    return restore_state_at(&r, now_ms);
}

static int tier_is_deep(const struct meta_object *o)
{
    return strcmp(o->storage_class, "DEEP_ARCHIVE") == 0 ||
           (tier_is_intelligent(o) && strcmp(o->tier, TIER_DEEP_ARCHIVE) == 0);
}

int64_t restore_duration_ms(const struct meta_object *o, const char *tier, int64_t day_ms,
                            double restore_days)
{
    if (restore_days >= 0)
        return (int64_t)(restore_days * (double)day_ms);
    if (tier_is_deep(o))
        return strcmp(tier, "Bulk") == 0 ? 2 * day_ms : day_ms / 2;
    if (strcmp(tier, "Expedited") == 0)
        return day_ms / 288;
    return strcmp(tier, "Bulk") == 0 ? day_ms / 2 : day_ms / 6;
}

int restore_tier_allowed(const struct meta_object *o, const char *tier)
{
    if (strcmp(tier, "Expedited") == 0)
        return !tier_is_deep(o);
    return strcmp(tier, "Standard") == 0 || strcmp(tier, "Bulk") == 0;
}
