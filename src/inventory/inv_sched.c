/* inv_sched.c — the inventory scheduler (see inv_sched.h). */
#include "inventory/inv_sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/periodic.h"
#include "inventory/inv_config.h"

#define INV_DAY_MS (24LL * 3600 * 1000)
#define INV_SCHED_RUNS_SEEN 32 /* runs looked at for the last ended one */

/* Days since 1970-01-01 of the first of the month holding day (Hinnant's civil-from-days
 * and days-from-civil, proleptic Gregorian). */
static int64_t inv_month_first(int64_t day)
{
    int64_t z = day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    return day - (d - 1);
}

int64_t inv_sched_slot(const char *frequency, int64_t now_ms, int hour_utc)
{
    const int64_t hour_ms = 3600LL * 1000;
    int64_t day = now_ms / INV_DAY_MS;
    if (strcmp(frequency, "Hourly") == 0)
        return now_ms / hour_ms * hour_ms;
    if (strcmp(frequency, "Monthly") == 0) {
        int64_t first = inv_month_first(day);
        int64_t slot = first * INV_DAY_MS + (int64_t)hour_utc * hour_ms;
        if (slot <= now_ms)
            return slot;
        return inv_month_first(first - 1) * INV_DAY_MS + (int64_t)hour_utc * hour_ms;
    }
    if (strcmp(frequency, "Weekly") == 0) {
        int64_t weekday = (day + 4) % 7; /* 1970-01-01 was a Thursday; 0 is Sunday */
        int64_t slot = (day - weekday) * INV_DAY_MS + (int64_t)hour_utc * hour_ms;
        return slot > now_ms ? slot - 7 * INV_DAY_MS : slot;
    }
    int64_t slot = day * INV_DAY_MS + (int64_t)hour_utc * hour_ms;
    return slot > now_ms ? slot - INV_DAY_MS : slot;
}

int inv_sched_due(int is_enabled, const char *frequency, int64_t last_report_ms, int64_t now_ms,
                  int hour_utc)
{
    if (!is_enabled)
        return 0;
    if (last_report_ms == 0)
        return 1;
    return last_report_ms < inv_sched_slot(frequency, now_ms, hour_utc);
}

struct inv_due {
    char (*buckets)[64];
    char (*ids)[INV_ID_MAX + 1];
    size_t n, cap;
    const struct inv_sched_opts *opts;
    struct meta_store *meta;
    int64_t now_ms;
};

/* The report time of the newest run that ended (succeeded, failed, or cancelled by a user). Runs
 * left "interrupted" (their process died) or still "running" do not count: the slot is due again,
 * so another node redoes a report whose node was killed — the run lease (inv_lease.h) keeps a
 * live run from being doubled, and a dead one's lease is taken over. */
static int inv_last_report(void *payload, const struct meta_inventory_run *run)
{
    if (strcmp(run->outcome, "succeeded") != 0 && strcmp(run->outcome, "failed") != 0 &&
        strcmp(run->outcome, "cancelled") != 0)
        return 0;
    *(int64_t *)payload = run->report_ms;
    return 1;
}

static int inv_collect_due(void *payload, const char *bucket, const char *id, const char *config)
{
    struct inv_due *d = payload;
    struct inv_config c;
    if (inv_config_parse_stored(&c, config))
        return 0;
    int64_t last = 0;
    int lrc =
        meta_inventory_run_list(d->meta, bucket, id, INV_SCHED_RUNS_SEEN, inv_last_report, &last);
    if ((lrc == 0 || lrc == 1) &&
        inv_sched_due(c.is_enabled, c.frequency, last, d->now_ms, d->opts->hour_utc)) {
        if (d->n == d->cap) {
            d->cap = d->cap ? 2 * d->cap : 16;
            d->buckets = xrealloc(d->buckets, d->cap * sizeof(*d->buckets));
            d->ids = xrealloc(d->ids, d->cap * sizeof(*d->ids));
        }
        snprintf(d->buckets[d->n], sizeof(d->buckets[0]), "%s", bucket);
        snprintf(d->ids[d->n], sizeof(d->ids[0]), "%s", id);
        d->n++;
    }
    inv_config_dispose(&c);
    return 0;
}

long inv_sched_tick(struct meta_store *meta, struct blob_store *blobs,
                    const struct inv_sched_opts *opts)
{
    struct inv_due d;
    memset(&d, 0, sizeof(d));
    d.opts = opts;
    d.meta = meta;
    d.now_ms = clock_now_ms();
    /* collect first: the jobs write to the store, which must not happen inside this read */
    int rc = meta_inventory_list(meta, NULL, NULL, (size_t)-1 >> 1, inv_collect_due, &d);
    long ran = 0;
    for (size_t i = 0; i < d.n && !rc; i++) {
        struct meta_inventory_run run;
        struct inv_job_opts jo = opts->job;
        jo.now_ms = d.now_ms;
        if (inv_job_run(meta, blobs, d.buckets[i], d.ids[i], &jo, &run) == 0)
            ran++;
    }
    free(d.buckets);
    free(d.ids);
    return rc ? rc : ran;
}

struct inv_sched {
    struct meta_store *meta;
    struct blob_store *blobs;
    struct inv_sched_opts opts;
    struct periodic *thread;
};

static void inv_sched_run(void *arg)
{
    struct inv_sched *s = arg;
    if (inv_sched_tick(s->meta, s->blobs, &s->opts) < 0)
        log_warn("inventory scheduler: %s", err_msg());
}

int inv_sched_start(struct inv_sched **out, struct meta_store *meta, struct blob_store *blobs,
                    const struct inv_sched_opts *opts)
{
    struct inv_sched *s = xcalloc(1, sizeof(*s));
    s->meta = meta;
    s->blobs = blobs;
    s->opts = *opts;
    int rc = periodic_start(&s->thread, opts->tick_ms, inv_sched_run, s);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void inv_sched_stop(struct inv_sched *s)
{
    if (!s)
        return;
    periodic_stop(s->thread);
    free(s);
}
