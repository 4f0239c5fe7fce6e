/* tier.h — Intelligent-Tiering access tiers and archive restores as pure decisions on one
 * version (issue 12), knowing nothing of HTTP or storage.
 *
 * An INTELLIGENT_TIERING version carries its access tier (meta_object.tier) and its last access
 * (last_access_ms; 0: last_modified_ms). The tiering worker (tier_worker.c) moves it by
 * consecutive days without access: FREQUENT_ACCESS, INFREQUENT_ACCESS after 30,
 * ARCHIVE_INSTANT_ACCESS after 90, and into the opt-in ARCHIVE_ACCESS / DEEP_ARCHIVE_ACCESS after
 * the days a bucket's Intelligent-Tiering configuration names. A GET brings an instant-access
 * version back to FREQUENT_ACCESS; the archive tiers need RestoreObject. Days are lifecycle days
 * (lc_day.h).
 *
 * A restore (GLACIER, DEEP_ARCHIVE, or an IT archive tier) is a record in meta_object.restore,
 * "1;<tier>;<requested_ms>;<ready_ms>;<expiry_ms>[;<notified>]": in progress until ready_ms,
 * then readable until expiry_ms (0 for an IT tier, whose restored version returns to
 * FREQUENT_ACCESS). Its state is a function of time, so no worker has to finish or expire it;
 * <notified> (absent: 0) records which of its events the tiering worker's sweep has sent:
 * 1 s3:ObjectRestore:Completed, 2 also s3:ObjectRestore:Delete (tier_worker.c). */
#ifndef STOCKTAKE_TIERING_TIER_H
#define STOCKTAKE_TIERING_TIER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "meta/meta.h"

#define TIER_FREQUENT "FREQUENT_ACCESS"
#define TIER_INFREQUENT "INFREQUENT_ACCESS"
#define TIER_ARCHIVE_INSTANT "ARCHIVE_INSTANT_ACCESS"
#define TIER_ARCHIVE "ARCHIVE_ACCESS"
#define TIER_DEEP_ARCHIVE "DEEP_ARCHIVE_ACCESS"
#define TIER_INFREQUENT_DAYS 30
#define TIER_ARCHIVE_INSTANT_DAYS 90

/* The opt-in archive tiers that apply to a version (0: that tier is not configured). */
struct tier_archive_days {
    int64_t archive;
    int64_t deep_archive;
};

/* 1 when o is an INTELLIGENT_TIERING version (not a delete marker). */
int tier_is_intelligent(const struct meta_object *o);
/* The tier o belongs in at now_ms (day_ms a day), from its current tier and idle days. */
const char *tier_decide(const struct meta_object *o, const struct tier_archive_days *a,
                        int64_t now_ms, int64_t day_ms);
/* The inventory report's spelling of a tier ("FREQUENT", …; research inventory-format §3.3). */
const char *tier_report_name(const char *tier);

/* Is o in an archive (GLACIER, DEEP_ARCHIVE, or an IT archive tier), where GET needs a
 * restore? */
int tier_is_archived(const struct meta_object *o);

enum restore_state {
    RESTORE_NONE = 0, /* never restored, or the restored copy expired */
    RESTORE_ONGOING,
    RESTORE_DONE,
};

struct restore_record {
    char tier[16]; /* Expedited, Standard or Bulk */
    int64_t requested_ms;
    int64_t ready_ms;
    int64_t expiry_ms; /* 0: no expiry (an IT archive tier) */
    int notified;      /* RESTORE_NOTIFIED_* */
};
#define RESTORE_NOTIFIED_NONE 0
#define RESTORE_NOTIFIED_COMPLETED 1 /* s3:ObjectRestore:Completed sent */
#define RESTORE_NOTIFIED_DELETE 2    /* and s3:ObjectRestore:Delete */

/* The notified state r should move to at now_ms (Completed once ready, then Delete once its
 * copy expired), or r->notified when none is due. */
int restore_notify_due(const struct restore_record *r, int64_t now_ms);

/* Parse a stored record; ERR_INVALID when it is not one. NULL or "" is RESTORE_NONE. */
int restore_record_parse(const char *s, struct restore_record *out) WARN_UNUSED;
void restore_record_format(const struct restore_record *r, char *out, size_t size);
enum restore_state restore_state_at(const struct restore_record *r, int64_t now_ms);
/* The state of o's restore at now_ms (RESTORE_NONE for an unreadable record). */
enum restore_state restore_state_of(const struct meta_object *o, int64_t now_ms);

/* How long a restore of o at retrieval tier (Expedited/Standard/Bulk) takes, in ms: AWS's
 * typical times as a fraction of a day (5 min, 4 h, 12 h for GLACIER; 12 h and 48 h for
 * DEEP_ARCHIVE), or restore_days days when restore_days >= 0 (serve --restore-days). */
int64_t restore_duration_ms(const struct meta_object *o, const char *tier, int64_t day_ms,
                            double restore_days);
/* Is tier allowed for o (no Expedited from DEEP_ARCHIVE)? */
int restore_tier_allowed(const struct meta_object *o, const char *tier);

#endif
