/* notify_deliver.h — one delivery attempt of one event to one target (libcurl): a webhook
 * gets the JSON as the body of a POST (Content-Type: application/json), with
 * "Authorization: Bearer T" when the target has a token. */
#ifndef STOCKTAKE_NOTIFY_DELIVER_H
#define STOCKTAKE_NOTIFY_DELIVER_H

#include <stddef.h>

#include "core/err.h"
#include "meta/meta.h"

#define NOTIFY_DELIVER_TIMEOUT_MS 10000

/* Once per process, before threads deliver. */
int notify_deliver_init(void) WARN_UNUSED;
/* 0 when the target answered 2xx; else ERR_BACKEND with err_msg() saying what it answered
 * (never the token). */
int notify_deliver(const struct meta_notify_target *t, const char *event_json) WARN_UNUSED;

#endif
