/* fuzz_notify.c — NotificationConfiguration bodies (PutBucketNotificationConfiguration)
 * through the notification parser. An error must come with bounded, terminated texts; a
 * document that parses is rendered (the stored form) and must parse again to the same
 * entries, and every entry is matched against event names and a key taken from the input;
 * an event is rendered for the first entry, as the change hook would. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notify/notify_config.h"
#include "notify/notify_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const struct notify_entry *a, const struct notify_entry *b)
{
    if (a->kind != b->kind || strcmp(a->id, b->id) || strcmp(a->arn, b->arn) ||
        a->n_events != b->n_events || !a->prefix != !b->prefix || !a->suffix != !b->suffix ||
        (a->prefix && strcmp(a->prefix, b->prefix)) || (a->suffix && strcmp(a->suffix, b->suffix)))
        abort();
    for (size_t i = 0; i < a->n_events; i++)
        if (strcmp(a->events[i], b->events[i]))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct notify_config c;
    struct notify_config_fail f;
    enum notify_config_error e = notify_config_parse((const char *)data, size, &c, &f);
    if (e > NOTIFY_CONFIG_NOT_IMPLEMENTED || strlen(f.msg) >= sizeof(f.msg) ||
        strlen(f.arg_name) >= sizeof(f.arg_name) || strlen(f.arg_value) >= sizeof(f.arg_value))
        abort();
    if (e != NOTIFY_CONFIG_OK) {
        notify_config_dispose(&c);
        return 0;
    }
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    struct notify_config again;
    if (notify_config_render(&out, &c) ||
        notify_config_parse(out.data, out.len, &again, &f) != NOTIFY_CONFIG_OK || again.n != c.n)
        abort();
    /* rendered grouped by kind: compare each entry with its namesake */
    for (size_t i = 0; i < c.n; i++) {
        size_t j = 0;
        while (j < again.n && strcmp(again.entries[j].id, c.entries[i].id))
            j++;
        if (j == again.n)
            abort();
        same(&c.entries[i], &again.entries[j]);
    }
    char key[64];
    size_t n = size < sizeof(key) - 1 ? size : sizeof(key) - 1;
    memcpy(key, data, n);
    key[n] = '\0';
    static const char *const events[] = {"s3:ObjectCreated:Put", "s3:ObjectRemoved:Delete",
                                         "s3:ObjectTagging:Put", "s3:LifecycleTransition"};
    for (size_t i = 0; i < c.n; i++)
        for (size_t k = 0; k < 4; k++)
            (void)notify_entry_matches(&c.entries[i], events[k], key);
    if (c.n) {
        struct meta_object o;
        memset(&o, 0, sizeof(o));
        o.key = key;
        memcpy(o.version_id, "null", 5);
        struct meta_change ch = {
            META_CHANGE_PUT, "b", "123456789012", "us-east-1", &o, "", "01", NULL, NULL, NULL, 0};
        struct notify_ctx ctx;
        memset(&ctx, 0, sizeof(ctx));
        struct notify_event_args a = {
            "us-east-1", "ObjectCreated:Put", c.entries[0].id, &ctx, &ch, 0};
        char *json = notify_event_render(&a);
        if (!json)
            abort();
        free(json);
    }
    buf_dispose(&out);
    notify_config_dispose(&again);
    notify_config_dispose(&c);
    return 0;
}
