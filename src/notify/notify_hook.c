/* notify_hook.c — the metadata store's change hook: from a change of a version to the events
 * its bucket's configuration asks for (notify.h), and the TestEvents of a new configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "notify/notify.h"
#include "notify/notify_config.h"
#include "notify/notify_event.h"

static char notify_region[64] = "us-east-1";

static int notify_on_change(void *arg, const struct meta_change *ch, meta_notify_emit_fn *emit,
                            void *emit_ctx)
{
    (void)arg;
    const struct notify_ctx *ctx = notify_ctx_current();
    const char *name = ctx ? notify_event_name(ctx->source, ch) : NULL;
    if (!name)
        return 0;
    struct notify_config cfg;
    struct notify_config_fail fail;
    if (notify_config_parse(ch->config, strlen(ch->config), &cfg, &fail) != NOTIFY_CONFIG_OK) {
        notify_config_dispose(&cfg);
        log_warn("the notification configuration of bucket %s does not parse; no event sent",
                 ch->bucket);
        return 0;
    }
    char full[96];
    snprintf(full, sizeof(full), "s3:%s", name);
    int rc = 0;
    int64_t now = clock_now_ms();
    for (size_t i = 0; !rc && i < cfg.n; i++) {
        const struct notify_entry *e = &cfg.entries[i];
        if (!notify_entry_matches(e, full, ch->object->key))
            continue;
        const char *region = ch->bucket_region[0] ? ch->bucket_region : notify_region;
        struct notify_event_args a = {region, name, e->id, ctx, ch, now};
        char *json = notify_event_render(&a);
        if (!json) {
            err_set("cannot render the event");
            rc = ERR_NOMEM;
            break;
        }
        rc = emit(emit_ctx, e->arn, json);
        free(json);
    }
    notify_config_dispose(&cfg);
    return rc;
}

void notify_install(const char *region)
{
    snprintf(notify_region, sizeof(notify_region), "%s", region);
    meta_change_hook_set(notify_on_change, NULL);
}

int notify_send_test_events(struct meta_store *meta, const char *bucket, const char *doc,
                            const char *request_id, const char *host_id)
{
    struct notify_config cfg;
    struct notify_config_fail fail;
    if (notify_config_parse(doc, strlen(doc), &cfg, &fail) != NOTIFY_CONFIG_OK) {
        notify_config_dispose(&cfg);
        err_set("the notification configuration does not parse");
        return ERR_INVALID;
    }
    char *json = notify_event_test(bucket, request_id, host_id, clock_now_ms());
    int rc = json ? 0 : ERR_NOMEM;
    for (size_t i = 0; !rc && i < cfg.n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(cfg.entries[j].arn, cfg.entries[i].arn) == 0;
        if (!seen)
            rc = meta_notify_enqueue(meta, bucket, "", cfg.entries[i].arn, json);
    }
    free(json);
    notify_config_dispose(&cfg);
    return rc;
}
