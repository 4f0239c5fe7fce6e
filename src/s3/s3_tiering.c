/* s3_tiering.c — archives and Intelligent-Tiering on the object paths (s3_tiering.h). */
#include "s3/s3_tiering.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "lifecycle/lc_day.h"
#include "tiering/tier.h"

void s3_tiering_new_version(struct meta_object *o)
{
    if (!tier_is_intelligent(o))
        return;
    snprintf(o->tier, sizeof(o->tier), "%s", TIER_FREQUENT);
    o->last_access_ms = o->last_modified_ms ? o->last_modified_ms : clock_now_ms();
}

enum s3_error s3_tiering_check_readable(struct s3_req *r, const struct meta_object *o,
                                        int copy_source)
{
    if (!tier_is_archived(o) || restore_state_of(o, clock_now_ms()) == RESTORE_DONE)
        return S3_OK;
    if (copy_source)
        s3_req_set_message(r, "The source object of the COPY action is not in the active tier "
                              "and is only stored in Amazon Glacier.");
    else
        s3_req_error_elem(r, "StorageClass", o->storage_class);
    if (!copy_source && tier_is_intelligent(o))
        s3_req_error_elem(r, "AccessTier", o->tier);
    return S3E_INVALID_OBJECT_STATE;
}

void s3_tiering_response_headers(struct s3_req *r, struct http_response *resp,
                                 const struct meta_object *o)
{
    struct restore_record rec;
    int64_t now = clock_now_ms();
    if (!restore_record_parse(o->restore, &rec)) {
        enum restore_state st = restore_state_at(&rec, now);
        if (st == RESTORE_ONGOING) {
            http_response_header(resp, "x-amz-restore", "ongoing-request=\"true\"");
        } else if (st == RESTORE_DONE && rec.expiry_ms) {
            char date[40], h[96];
            clock_format_http(date, sizeof(date), rec.expiry_ms);
            snprintf(h, sizeof(h), "ongoing-request=\"false\", expiry-date=\"%s\"", date);
            http_response_header(resp, "x-amz-restore", h);
        }
    }
    if (strcmp(r->op->name, "HeadObject") == 0 && tier_is_archived(o) && tier_is_intelligent(o) &&
        restore_state_of(o, now) != RESTORE_DONE)
        http_response_header(resp, "x-amz-archive-status", o->tier);
}

/* meta guard: the version is still INTELLIGENT_TIERING and in an instant-access tier. */
static int s3_tiering_still_instant(void *arg, const struct meta_object *cur)
{
    (void)arg;
    return tier_is_intelligent(cur) && !tier_is_archived(cur) ? 0 : ERR_CONFLICT;
}

void s3_tiering_note_access(struct s3_req *r, const struct meta_object *o)
{
    if (!tier_is_intelligent(o) || tier_is_archived(o))
        return;
    int64_t now = clock_now_ms();
    int64_t since = o->last_access_ms ? o->last_access_ms : o->last_modified_ms;
    /* days count whole: a write per GET only when the tier or a fraction of a day changed */
    if (strcmp(o->tier, TIER_FREQUENT) == 0 && now - since < lc_day_ms() / 8)
        return;
    struct meta_tiering t = {TIER_FREQUENT, now, NULL};
    int rc = meta_object_set_tiering(r->srv->meta, r->bucket, o->key, o->version_id, &t,
                                     s3_tiering_still_instant, NULL);
    if (rc && rc != ERR_CONFLICT && rc != ERR_NOTFOUND)
        log_warn("request %s: could not record the access of %s/%s: %s", r->request_id, r->bucket,
                 o->key, err_msg());
}
