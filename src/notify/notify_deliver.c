/* notify_deliver.c — POSTing an event to a webhook target with libcurl (notify_deliver.h). */
#include "notify/notify_deliver.h"

#include <curl/curl.h>
#include <mosquitto.h>
#include <stdio.h>
#include <string.h>

int notify_deliver_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        err_set("curl_global_init failed");
        return ERR_BACKEND;
    }
    if (mosquitto_lib_init() != MOSQ_ERR_SUCCESS) {
        err_set("mosquitto_lib_init failed");
        return ERR_BACKEND;
    }
    return 0;
}

/* the answer's body is not read: drop it */
static size_t notify_discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

int notify_deliver(const struct meta_notify_target *t, const char *event_json)
{
    if (strcmp(t->kind, "mqtt") == 0)
        return notify_mqtt_deliver(t, event_json);
    if (strcmp(t->kind, "webhook") != 0) {
        err_set("target %s: kind %s cannot be delivered", t->arn, t->kind);
        return ERR_INVALID;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        err_set("curl_easy_init failed");
        return ERR_NOMEM;
    }
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    char auth[600];
    if (t->auth_token[0]) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", t->auth_token);
        h = curl_slist_append(h, auth);
    }
    curl_easy_setopt(c, CURLOPT_URL, t->endpoint);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, event_json);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(event_json));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)NOTIFY_DELIVER_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)NOTIFY_DELIVER_TIMEOUT_MS / 2);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, notify_discard);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "Stocktake-Notifications/1.0");
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    memset(auth, 0, sizeof(auth));
    curl_easy_cleanup(c);
    if (cc != CURLE_OK) {
        err_set("target %s: %s", t->arn, curl_easy_strerror(cc));
        return ERR_BACKEND;
    }
    if (status < 200 || status > 299) {
        err_set("target %s answered HTTP %ld", t->arn, status);
        return ERR_BACKEND;
    }
    return 0;
}
