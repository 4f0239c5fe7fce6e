/* s3_op_restore.c — RestoreObject (POST /key?restore): a temporary readable copy of a GLACIER
 * or DEEP_ARCHIVE version for Days days, or an Intelligent-Tiering archive tier's version back
 * to FREQUENT_ACCESS. 202 when a restore starts, 200 when the version is restored already (its
 * expiry moves to now + Days), 409 RestoreAlreadyInProgress while one runs. The restore takes
 * restore_duration_ms (tiering/tier.h: AWS's typical times as fractions of a lifecycle day, or
 * serve --restore-days); its record is meta_object.restore, whose state is a function of time.
 * SELECT restores (Type, OutputLocation) answer NotImplemented. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"
#include "lifecycle/lc_day.h"
#include "s3/s3_object.h"
#include "s3/s3_req.h"
#include "s3/s3_xml.h"
#include "tiering/tier.h"

#define S3_RESTORE_MAX_DAYS 2147483647LL

struct s3_restore_request {
    int64_t days; /* 0: not given */
    char tier[16];
};

static enum s3_error s3_restore_parse(struct s3_req *r, struct s3_restore_request *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->tier, sizeof(out->tier), "Standard");
    if (r->body.xml.len == 0)
        return S3_OK;
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, r->body.xml.data, r->body.xml.len, "RestoreRequest"))
        return S3E_MALFORMED_XML;
    xmlNode *root = xmlDocGetRootElement(doc);
    enum s3_error e = S3_OK;
    if (s3_xml_child(root, "Type") || s3_xml_child(root, "OutputLocation") ||
        s3_xml_child(root, "SelectParameters")) {
        s3_req_set_message(r, "SELECT restores are not implemented by Stocktake.");
        e = S3E_NOT_IMPLEMENTED;
    }
    xmlNode *d = s3_xml_child(root, "Days");
    char *days = d ? s3_xml_text(d) : NULL;
    if (!e && days && (str_parse_i64(days, 1, S3_RESTORE_MAX_DAYS, &out->days))) {
        s3_req_set_message(r, "The Days value must be a positive integer");
        e = S3E_INVALID_ARGUMENT;
    }
    free(days);
    xmlNode *gj = s3_xml_child(root, "GlacierJobParameters");
    xmlNode *t = gj ? s3_xml_child(gj, "Tier") : s3_xml_child(root, "Tier");
    char *tier = t ? s3_xml_text(t) : NULL;
    if (!e && tier) {
        if (strcmp(tier, "Expedited") != 0 && strcmp(tier, "Standard") != 0 &&
            strcmp(tier, "Bulk") != 0)
            e = S3E_MALFORMED_XML;
        else
            snprintf(out->tier, sizeof(out->tier), "%s", tier);
    }
    free(tier);
    xmlFreeDoc(doc);
    return e;
}

/* What the request may do to o: InvalidObjectState, InvalidArgument. */
static enum s3_error s3_restore_check(struct s3_req *r, const struct meta_object *o,
                                      const struct s3_restore_request *q)
{
    if (!tier_is_archived(o)) {
        s3_req_set_message(r, "Restore is not allowed for the object's current storage class");
        return S3E_INVALID_OBJECT_STATE;
    }
    int it = tier_is_intelligent(o);
    if (it && q->days) {
        s3_req_set_message(r, "Days is not allowed for objects in an Intelligent-Tiering "
                              "archive access tier");
        return S3E_INVALID_ARGUMENT;
    }
    if (!it && !q->days) {
        s3_req_set_message(r, "Days is required for a restore of a %s object", o->storage_class);
        return S3E_INVALID_ARGUMENT;
    }
    if (!restore_tier_allowed(o, q->tier)) {
        s3_req_set_message(r, "The %s retrieval tier is not available for this object", q->tier);
        return S3E_INVALID_ARGUMENT;
    }
    return S3_OK;
}

struct s3_restore_change {
    const char *version_id;
    enum restore_state state; /* as decided on the stored version */
};

/* meta guard: still the version checked, and no restore is running. */
static int s3_restore_guard(void *arg, const struct meta_object *cur)
{
    struct s3_restore_change *c = arg;
    if (strcmp(cur->version_id, c->version_id) != 0 || !tier_is_archived(cur))
        return ERR_CONFLICT;
    c->state = restore_state_of(cur, clock_now_ms());
    return c->state == RESTORE_ONGOING ? ERR_EXISTS : 0;
}

/* The new record: a fresh restore, or a finished one whose expiry moves. */
static void s3_restore_record(struct s3_req *r, const struct meta_object *o,
                              const struct s3_restore_request *q, char *out, size_t size)
{
    int64_t now = clock_now_ms();
    struct restore_record rec;
    if (restore_record_parse(o->restore, &rec) || restore_state_at(&rec, now) != RESTORE_DONE) {
        memset(&rec, 0, sizeof(rec));
        snprintf(rec.tier, sizeof(rec.tier), "%s", q->tier);
        rec.requested_ms = now;
        rec.ready_ms = now + restore_duration_ms(o, q->tier, lc_day_ms(), r->srv->restore_days);
    }
    /* AWS: the copy lives Days days after the restore completes, to the next midnight UTC */
    rec.expiry_ms =
        q->days ? lc_day_eligible_ms(rec.ready_ms > now ? rec.ready_ms : now, q->days) : 0;
    restore_record_format(&rec, out, size);
}

enum s3_error s3_op_restore_object(struct s3_req *r)
{
    struct s3_restore_request q;
    struct meta_object o;
    enum s3_error e = s3_req_load_bucket(r);
    if (!e)
        e = s3_restore_parse(r, &q);
    if (!e)
        e = s3_object_find(r, r->bucket, r->key, s3_req_param(r, "versionId"), &o);
    if (e)
        return e;
    e = s3_restore_check(r, &o, &q);
    char doc[128];
    struct s3_restore_change c = {o.version_id, RESTORE_NONE};
    if (!e) {
        s3_restore_record(r, &o, &q, doc, sizeof(doc));
        struct meta_tiering t = {NULL, -1, doc};
        int rc = meta_object_set_tiering(r->srv->meta, r->bucket, r->key, o.version_id, &t,
                                         s3_restore_guard, &c);
        if (rc == ERR_EXISTS)
            e = S3E_RESTORE_ALREADY_IN_PROGRESS;
        else if (rc == ERR_CONFLICT)
            e = S3E_INVALID_OBJECT_STATE;
        else if (rc)
            e = s3_error_from_err(rc, S3E_NO_SUCH_KEY);
    }
    meta_object_dispose(&o);
    if (e)
        return e;
    s3_respond_empty(r, c.state == RESTORE_DONE ? 200 : 202);
    return S3_OK;
}
