/* notify.h — event notifications as the rest of the server sees them (issue 13).
 *
 * notify_install: the metadata store's change hook (meta_change_hook_set) becomes this
 * module's: every change of an object version, inside its transaction, is matched against the
 * bucket's NotificationConfiguration and the thread's context (notify_ctx.h), and the events
 * it matches go to the outbox with the change. Every process that writes objects installs it
 * (serve, inventory run).
 *
 * notify_worker: the delivery worker inside serve — the outbox's due events, first of their
 * (bucket, key, target) line, POSTed to their targets; 2xx forgets the event, anything else
 * retries it after a backoff that doubles from retry_ms up to NOTIFY_RETRY_CAP_MS. */
#ifndef STOCKTAKE_NOTIFY_H
#define STOCKTAKE_NOTIFY_H

#include <stdint.h>

#include "core/err.h"
#include "meta/meta.h"

#define NOTIFY_RETRY_CAP_MS 60000

/* region: awsRegion of the events (copied). */
void notify_install(const char *region);

/* Queue the s3:TestEvent for every distinct target of the stored configuration doc. */
int notify_send_test_events(struct meta_store *meta, const char *bucket, const char *doc,
                            const char *request_id, const char *host_id) WARN_UNUSED;

struct notify_worker;
int notify_worker_start(struct notify_worker **out, struct meta_store *meta,
                        int64_t retry_ms) WARN_UNUSED;
void notify_worker_stop(struct notify_worker *w);

#endif
