/* notify_mqtt.c — delivering an event to an MQTT broker (libmosquitto, notify_deliver.h): one
 * connection per attempt, the JSON published with QoS 1 to the target's topic, delivered once
 * the broker's PUBACK arrives (so a crash before it means another attempt: at least once). The
 * target's token, when set, is the MQTT password. */
#include <mosquitto.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"
#include "notify/notify_deliver.h"

#define MQTT_DEFAULT_PORT 1883
#define MQTT_KEEPALIVE_S 30

int notify_mqtt_parse_url(const char *url, struct notify_mqtt_url *out)
{
    memset(out, 0, sizeof(*out));
    if (strncmp(url, "mqtt://", 7) != 0)
        return ERR_INVALID;
    const char *p = url + 7, *slash = strchr(p, '/');
    if (!slash || !slash[1] || strlen(slash + 1) >= sizeof(out->topic) || strpbrk(slash + 1, "+#"))
        return ERR_INVALID;
    snprintf(out->topic, sizeof(out->topic), "%s", slash + 1);
    const char *at = memchr(p, '@', (size_t)(slash - p));
    if (at) {
        if (at == p || (size_t)(at - p) >= sizeof(out->user))
            return ERR_INVALID;
        memcpy(out->user, p, (size_t)(at - p));
        p = at + 1;
    }
    const char *hend = slash, *colon = NULL;
    if (*p == '[') { /* [v6]:port */
        const char *close = memchr(p, ']', (size_t)(slash - p));
        if (!close)
            return ERR_INVALID;
        colon = close[1] == ':' ? close + 1 : NULL;
        if (close + 1 != slash && !colon)
            return ERR_INVALID;
        hend = close;
        p++;
    } else {
        colon = memchr(p, ':', (size_t)(slash - p));
        if (colon)
            hend = colon;
    }
    if (hend == p || (size_t)(hend - p) >= sizeof(out->host))
        return ERR_INVALID;
    memcpy(out->host, p, (size_t)(hend - p));
    out->port = MQTT_DEFAULT_PORT;
    if (colon) {
        char port[8];
        size_t n = (size_t)(slash - colon - 1);
        int64_t v = 0;
        if (n == 0 || n >= sizeof(port))
            return ERR_INVALID;
        memcpy(port, colon + 1, n);
        port[n] = '\0';
        if (str_parse_i64(port, 1, 65535, &v))
            return ERR_INVALID;
        out->port = (int)v;
    }
    return 0;
}

struct mqtt_state {
    int mid;
    int published;
    int refused; /* CONNACK with a non-zero code */
};

static void mqtt_on_connect(struct mosquitto *m, void *arg, int rc)
{
    (void)m;
    if (rc)
        ((struct mqtt_state *)arg)->refused = rc;
}

static void mqtt_on_publish(struct mosquitto *m, void *arg, int mid)
{
    (void)m;
    struct mqtt_state *s = arg;
    if (mid == s->mid)
        s->published = 1;
}

int notify_mqtt_deliver(const struct meta_notify_target *t, const char *event_json)
{
    struct notify_mqtt_url u;
    if (notify_mqtt_parse_url(t->endpoint, &u)) {
        err_set("target %s: not an mqtt://[user@]host[:port]/topic URL", t->arn);
        return ERR_INVALID;
    }
    struct mqtt_state st = {0, 0, 0};
    struct mosquitto *m = mosquitto_new(NULL, 1, &st);
    if (!m) {
        err_set("mosquitto_new failed");
        return ERR_NOMEM;
    }
    mosquitto_connect_callback_set(m, mqtt_on_connect);
    mosquitto_publish_callback_set(m, mqtt_on_publish);
    if (u.user[0] || t->auth_token[0])
        mosquitto_username_pw_set(m, u.user[0] ? u.user : NULL,
                                  t->auth_token[0] ? t->auth_token : NULL);
    int rc = mosquitto_connect(m, u.host, u.port, MQTT_KEEPALIVE_S);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_publish(m, &st.mid, u.topic, (int)strlen(event_json), event_json, 1, 0);
    int64_t deadline = clock_now_ms() + NOTIFY_DELIVER_TIMEOUT_MS;
    while (rc == MOSQ_ERR_SUCCESS && !st.published && !st.refused && clock_now_ms() < deadline)
        rc = mosquitto_loop(m, 100, 1);
    if (rc == MOSQ_ERR_SUCCESS)
        mosquitto_disconnect(m);
    mosquitto_destroy(m);
    if (st.published)
        return 0;
    if (st.refused)
        err_set("target %s: the broker refused the connection: %s", t->arn,
                mosquitto_connack_string(st.refused));
    else if (rc != MOSQ_ERR_SUCCESS)
        err_set("target %s: %s", t->arn,
                rc == MOSQ_ERR_ERRNO ? "connection failed" : mosquitto_strerror(rc));
    else
        err_set("target %s: no PUBACK within %d ms", t->arn, NOTIFY_DELIVER_TIMEOUT_MS);
    return ERR_BACKEND;
}
