/* notify_deliver.h — one delivery attempt of one event to one target: a webhook (libcurl)
 * gets the JSON as the body of a POST (Content-Type: application/json), with
 * "Authorization: Bearer T" when the target has a token; an MQTT broker (libmosquitto,
 * notify_mqtt.c) gets it published with QoS 1 on the URL's topic, the token as password. */
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

/* mqtt://[user@]host[:port]/topic (port 1883 by default; no wildcard in the topic). */
struct notify_mqtt_url {
    char user[128];
    char host[256];
    int port;
    char topic[1024];
};
int notify_mqtt_parse_url(const char *url, struct notify_mqtt_url *out) WARN_UNUSED;
int notify_mqtt_deliver(const struct meta_notify_target *t, const char *event_json) WARN_UNUSED;

#endif
