/* notify_config.h — a bucket's NotificationConfiguration (PutBucketNotificationConfiguration):
 * parsing and validating it as AWS does, rendering it back (GetBucketNotificationConfiguration,
 * and the stored form), and choosing the configurations an event of a key matches.
 *
 * Entries are TopicConfiguration (Topic), QueueConfiguration (Queue) and
 * CloudFunctionConfiguration (CloudFunction; the SDKs' LambdaFunctionConfigurations), each
 * with an optional Id (generated when absent), one or more Event and an optional
 * Filter/S3Key/FilterRule list (Name prefix|suffix, each at most once). Two entries that share
 * an event type (a wildcard shares with its family) and whose prefix and suffix rules can both
 * match one key overlap, which AWS refuses. Whether a target ARN exists is the caller's check
 * (the administrator's registered targets). */
#ifndef STOCKTAKE_NOTIFY_CONFIG_H
#define STOCKTAKE_NOTIFY_CONFIG_H

#include <stddef.h>

#include "core/buf.h"

#define NOTIFY_CONFIG_MAX_ENTRIES 100
#define NOTIFY_CONFIG_MAX_EVENTS 32 /* per entry */

enum notify_kind { NOTIFY_TOPIC = 0, NOTIFY_QUEUE, NOTIFY_FUNCTION };

struct notify_entry {
    enum notify_kind kind;
    char *id;
    char *arn;
    char *events[NOTIFY_CONFIG_MAX_EVENTS]; /* "s3:ObjectCreated:*", … as given */
    size_t n_events;
    char *prefix; /* NULL: no prefix rule */
    char *suffix; /* NULL: no suffix rule */
};

struct notify_config {
    struct notify_entry *entries;
    size_t n;
};

enum notify_config_error {
    NOTIFY_CONFIG_OK = 0,
    NOTIFY_CONFIG_MALFORMED,        /* MalformedXML */
    NOTIFY_CONFIG_INVALID_ARGUMENT, /* InvalidArgument, msg and arg set */
    NOTIFY_CONFIG_NOT_IMPLEMENTED   /* EventBridgeConfiguration */
};

/* What a refusal says: AWS's message, and the ArgumentName/ArgumentValue it names ("" when
 * none). */
struct notify_config_fail {
    char msg[256];
    char arg_name[256];
    char arg_value[1100];
};

/* Parse and validate a NotificationConfiguration document into *out (caller disposes, also on
 * error). An entry without an Id gets a generated one. An empty document is no entries. */
enum notify_config_error notify_config_parse(const char *data, size_t len,
                                             struct notify_config *out,
                                             struct notify_config_fail *fail);
void notify_config_dispose(struct notify_config *c);
/* The canonical document of c (what Get answers and what is stored). */
int notify_config_render(struct buf *out, const struct notify_config *c) WARN_UNUSED;
/* Is name ("s3:ObjectCreated:Put") an event type a configuration may name? */
int notify_event_known(const char *name);
/* Does entry e take event name (never a wildcard: "s3:ObjectCreated:Put") for key? */
int notify_entry_matches(const struct notify_entry *e, const char *event, const char *key);

#endif
