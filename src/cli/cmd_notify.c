/* cmd_notify.c — `stocktake admin notify add|list|remove`: the targets that notification ARNs
 * name (issue 13). A target is registered with its endpoint (a webhook URL, or an MQTT broker
 * and topic) and an optional token (the webhook's bearer token, the broker's password), which is a
 * secret: list shows only whether one is set and its last 4 characters, and nothing logs it. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "meta/meta.h"
#include "notify/notify_deliver.h"

static int notify_print(void *payload, const struct meta_notify_target *t)
{
    (void)payload;
    size_t n = strlen(t->auth_token);
    printf("%s  %s %s  auth-token %s%s\n", t->arn, t->kind, t->endpoint, n ? "set, ends " : "none",
           n >= 12 ? t->auth_token + n - 4 : (n ? "…" : ""));
    return 0;
}

/* ARNs of the services S3 notifies: arn:aws:sns|sqs|lambda:… (any partition). */
static int notify_arn_valid(const char *arn)
{
    if (strncmp(arn, "arn:", 4) != 0 ||
        strlen(arn) >= sizeof(((struct meta_notify_target *)0)->arn))
        return 0;
    const char *svc = strchr(arn + 4, ':');
    return svc && (strncmp(svc, ":sns:", 5) == 0 || strncmp(svc, ":sqs:", 5) == 0 ||
                   strncmp(svc, ":lambda:", 8) == 0);
}

static int notify_add(struct meta_store *meta, int argc, char **argv)
{
    /* add ARN webhook|mqtt URL [--auth-token T] */
    if (!(argc == 5 || (argc == 7 && strcmp(argv[5], "--auth-token") == 0)) ||
        (strcmp(argv[3], "webhook") != 0 && strcmp(argv[3], "mqtt") != 0))
        return 2;
    int mqtt = strcmp(argv[3], "mqtt") == 0;
    struct meta_notify_target t;
    memset(&t, 0, sizeof(t));
    const char *url = argv[4];
    if (!notify_arn_valid(argv[2])) {
        err_set("%s is not an SNS topic, SQS queue or Lambda function ARN", argv[2]);
        return -1;
    }
    struct notify_mqtt_url mu;
    if (mqtt && (strlen(url) >= sizeof(t.endpoint) || notify_mqtt_parse_url(url, &mu))) {
        err_set("the MQTT URL must be mqtt://[user@]host[:port]/topic (no + or # in the topic)");
        return -1;
    }
    if (!mqtt && ((strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
                  strlen(url) >= sizeof(t.endpoint))) {
        err_set("the webhook URL must be http:// or https:// (under %zu characters)",
                sizeof(t.endpoint));
        return -1;
    }
    if (argc == 7 &&
        (!argv[6][0] || strlen(argv[6]) >= sizeof(t.auth_token) || strpbrk(argv[6], "\r\n"))) {
        err_set("the auth token must be 1 to %zu characters on one line", sizeof(t.auth_token) - 1);
        return -1;
    }
    snprintf(t.arn, sizeof(t.arn), "%s", argv[2]);
    snprintf(t.kind, sizeof(t.kind), "%s", argv[3]);
    snprintf(t.endpoint, sizeof(t.endpoint), "%s", url);
    if (argc == 7)
        snprintf(t.auth_token, sizeof(t.auth_token), "%s", argv[6]);
    t.created_ms = clock_now_ms();
    int rc = meta_notify_target_put(meta, &t);
    if (!rc)
        notify_print(NULL, &t);
    memset(t.auth_token, 0, sizeof(t.auth_token));
    return rc ? -1 : 0;
}

int cli_notify(struct meta_store *meta, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return notify_add(meta, argc, argv);
    if (argc == 2 && strcmp(argv[1], "list") == 0)
        return meta_notify_target_list(meta, notify_print, NULL) ? -1 : 0;
    if (argc == 3 && strcmp(argv[1], "remove") == 0) {
        if (meta_notify_target_delete(meta, argv[2]))
            return -1;
        printf("removed %s\n", argv[2]);
        return 0;
    }
    return 2;
}
