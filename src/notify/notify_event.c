/* notify_event.c — event names and AWS's event JSON (notify_event.h). */
#include "notify/notify_event.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "tiering/tier.h"

const char *notify_event_name(enum notify_source source, const struct meta_change *ch)
{
    const struct meta_object *o = ch->object;
    switch (ch->kind) {
    case META_CHANGE_PUT:
        if (o->is_delete_marker)
            return source == NOTIFY_SRC_DELETE      ? "ObjectRemoved:DeleteMarkerCreated"
                   : source == NOTIFY_SRC_LIFECYCLE ? "LifecycleExpiration:DeleteMarkerCreated"
                                                    : NULL;
        switch (source) {
        case NOTIFY_SRC_PUT:
        case NOTIFY_SRC_SERVICE_PUT:
            return "ObjectCreated:Put";
        case NOTIFY_SRC_POST:
            return "ObjectCreated:Post";
        case NOTIFY_SRC_COPY:
            return "ObjectCreated:Copy";
        case NOTIFY_SRC_COMPLETE:
            return "ObjectCreated:CompleteMultipartUpload";
        default:
            return NULL;
        }
    case META_CHANGE_REMOVE:
        return source == NOTIFY_SRC_DELETE      ? "ObjectRemoved:Delete"
               : source == NOTIFY_SRC_LIFECYCLE ? "LifecycleExpiration:Delete"
                                                : NULL;
    case META_CHANGE_TAGS:
        return source == NOTIFY_SRC_TAGGING_PUT      ? "ObjectTagging:Put"
               : source == NOTIFY_SRC_TAGGING_DELETE ? "ObjectTagging:Delete"
                                                     : NULL;
    case META_CHANGE_ACL:
        return source == NOTIFY_SRC_ACL_PUT ? "ObjectAcl:Put" : NULL;
    case META_CHANGE_RESTORE:
        if (source == NOTIFY_SRC_RESTORE && o->restore && o->restore[0])
            return "ObjectRestore:Post";
        if (source == NOTIFY_SRC_LIFECYCLE && (!o->restore || !o->restore[0]))
            return "ObjectRestore:Delete";
        if (source == NOTIFY_SRC_RESTORE_SWEEP) {
            struct restore_record r;
            if (!o->restore || !o->restore[0]) /* an IT archive restore done: back to FREQUENT */
                return "ObjectRestore:Completed";
            if (restore_record_parse(o->restore, &r))
                return NULL;
            return r.notified == RESTORE_NOTIFIED_COMPLETED ? "ObjectRestore:Completed"
                   : r.notified == RESTORE_NOTIFIED_DELETE  ? "ObjectRestore:Delete"
                                                            : NULL;
        }
        return NULL;
    case META_CHANGE_REPLICATION_FAILED:
        return source == NOTIFY_SRC_REPLICATION ? "Replication:OperationFailedReplication" : NULL;
    case META_CHANGE_STORAGE_CLASS:
        return source == NOTIFY_SRC_LIFECYCLE ? "LifecycleTransition" : NULL;
    }
    return NULL;
}

const char *notify_event_version(const char *name)
{
    if (strncmp(name, "Replication:", 12) == 0)
        return "2.2";
    if (strncmp(name, "ObjectTagging:", 14) == 0 || strncmp(name, "ObjectAcl:", 10) == 0 ||
        strcmp(name, "ObjectRestore:Delete") == 0 || strcmp(name, "LifecycleTransition") == 0 ||
        strcmp(name, "IntelligentTiering") == 0)
        return "2.3";
    return "2.1";
}

char *notify_key_encode(const char *key)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(key);
    char *out = xmalloc(n * 3 + 1), *p = out;
    for (const unsigned char *k = (const unsigned char *)key; *k; k++) {
        if ((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
            strchr("-_.*/", *k)) {
            *p++ = (char)*k;
        } else if (*k == ' ') {
            *p++ = '+';
        } else {
            *p++ = '%';
            *p++ = hex[*k >> 4];
            *p++ = hex[*k & 15];
        }
    }
    *p = '\0';
    return out;
}

static char *notify_dump(json_t *root)
{
    char *s = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    return s;
}

/* eTag without its quotes */
static json_t *notify_etag(const char *etag)
{
    size_t n = strlen(etag);
    if (n >= 2 && etag[0] == '"' && etag[n - 1] == '"')
        return json_stringn(etag + 1, n - 2);
    return json_string(etag);
}

static json_t *notify_object_json(const char *name, const struct meta_change *ch)
{
    const struct meta_object *o = ch->object;
    char *key = notify_key_encode(o->key);
    json_t *obj = json_object();
    json_object_set_new(obj, "key", json_string(key));
    free(key);
    /* removals carry no size or eTag (AWS's records of ObjectRemoved and expirations) */
    if (strncmp(name, "ObjectRemoved:", 14) != 0 && strncmp(name, "LifecycleExpiration:", 20)) {
        json_object_set_new(obj, "size", json_integer(o->size));
        json_object_set_new(obj, "eTag", notify_etag(o->etag));
    }
    if (strcmp(o->version_id, "null") != 0)
        json_object_set_new(obj, "versionId", json_string(o->version_id));
    json_object_set_new(obj, "sequencer", json_string(ch->sequencer));
    return obj;
}

char *notify_event_render(const struct notify_event_args *a)
{
    char when[40];
    clock_format_iso8601(when, sizeof(when), a->time_ms);
    char arn[128];
    snprintf(arn, sizeof(arn), "arn:aws:s3:::%s", a->ch->bucket);
    json_t *rec = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:s, s:s, s:{s:s, s:{s:s}, "
        "s:s}, s:o}}",
        "eventVersion", notify_event_version(a->name), "eventSource", "aws:s3", "awsRegion",
        a->region, "eventTime", when, "eventName", a->name, "userIdentity", "principalId",
        a->ctx->principal, "requestParameters", "sourceIPAddress", a->ctx->source_ip,
        "responseElements", "x-amz-request-id", a->ctx->request_id, "x-amz-id-2", a->ctx->host_id,
        "s3", "s3SchemaVersion", "1.0", "configurationId", a->config_id, "bucket", "name",
        a->ch->bucket, "ownerIdentity", "principalId", a->ch->bucket_owner, "arn", arn, "object",
        notify_object_json(a->name, a->ch));
    if (!rec)
        return NULL;
    if (a->ch->kind == META_CHANGE_REPLICATION_FAILED) {
        char dest[128], req[40];
        snprintf(dest, sizeof(dest), "arn:aws:s3:::%s",
                 a->ch->repl_dest_bucket ? a->ch->repl_dest_bucket : "");
        clock_format_iso8601(req, sizeof(req), a->ch->repl_request_ms);
        json_object_set_new(
            rec, "replicationEventData",
            json_pack(
                "{s:s, s:s, s:s, s:s, s:s}", "replicationRuleId",
                a->ch->repl_rule_id ? a->ch->repl_rule_id : "", "destinationBucket", dest,
                "s3Operation", a->ch->object->is_delete_marker ? "DELETE_MARKER_PUT" : "OBJECT_PUT",
                "requestTime", req, "failureReason", a->ch->repl_reason ? a->ch->repl_reason : ""));
    }
    if (strcmp(a->name, "ObjectRestore:Completed") == 0) {
        /* AWS: glacierEventData only on Completed; the expiry when the copy has one */
        const struct meta_object *o = a->ch->object;
        struct restore_record r;
        json_t *red = json_object();
        if (!restore_record_parse(o->restore, &r) && r.expiry_ms) {
            char exp[40];
            clock_format_iso8601(exp, sizeof(exp), r.expiry_ms);
            json_object_set_new(red, "lifecycleRestorationExpiryTime", json_string(exp));
        }
        json_object_set_new(red, "lifecycleRestoreStorageClass", json_string(o->storage_class));
        json_object_set_new(rec, "glacierEventData", json_pack("{s:o}", "restoreEventData", red));
    }
    if (a->ch->kind == META_CHANGE_STORAGE_CLASS)
        json_object_set_new(rec, "lifecycleEventData",
                            json_pack("{s:{s:s}}", "transitionEventData", "destinationStorageClass",
                                      a->ch->object->storage_class));
    return notify_dump(json_pack("{s:[o]}", "Records", rec));
}

char *notify_event_test(const char *bucket, const char *request_id, const char *host_id,
                        int64_t time_ms)
{
    char when[40];
    clock_format_iso8601(when, sizeof(when), time_ms);
    return notify_dump(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "Service", "Amazon S3", "Event",
                                 "s3:TestEvent", "Time", when, "Bucket", bucket, "RequestId",
                                 request_id, "HostId", host_id));
}
