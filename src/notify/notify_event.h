/* notify_event.h — the messages: which event a change is (from its kind and the thread's
 * context), and AWS's event JSON for it (Records[] with eventVersion, eventSource aws:s3,
 * awsRegion, eventTime, eventName, userIdentity, requestParameters, responseElements and s3
 * {s3SchemaVersion, configurationId, bucket, object}), or the s3:TestEvent S3 sends when a
 * configuration is put. */
#ifndef STOCKTAKE_NOTIFY_EVENT_H
#define STOCKTAKE_NOTIFY_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "meta/meta.h"
#include "notify/notify_ctx.h"

/* The event name without "s3:" ("ObjectCreated:Put") of change ch made in context source, or
 * NULL when it notifies nothing. */
const char *notify_event_name(enum notify_source source, const struct meta_change *ch);
/* eventVersion for an event name: 2.1, 2.2 (replication) or 2.3 (tagging, ACL, restore
 * deletion, transitions, Intelligent-Tiering), as AWS documents. */
const char *notify_event_version(const char *name);

struct notify_event_args {
    const char *region;
    const char *name;      /* without "s3:" */
    const char *config_id; /* s3.configurationId */
    const struct notify_ctx *ctx;
    const struct meta_change *ch;
    int64_t time_ms;
};
/* The JSON document of one event (malloc'd), NULL on allocation failure. */
char *notify_event_render(const struct notify_event_args *a);
/* The s3:TestEvent document (malloc'd). */
char *notify_event_test(const char *bucket, const char *request_id, const char *host_id,
                        int64_t time_ms);
/* key URL-encoded as AWS writes it in events (form encoding: ' ' is '+'; '/' kept); malloc'd. */
char *notify_key_encode(const char *key);

#endif
