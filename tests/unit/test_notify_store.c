/* test_notify_store.c — the metadata store's event-notification block (meta.h, issue 13), on
 * every backend: targets (put, replace, get, list, delete), the change hook called inside the
 * change's transaction (nothing without a configuration; nothing when the change rolls back;
 * every kind of change), sequencers increasing, and the outbox's lines (only the first event
 * of a bucket/key/target is due; retry postpones; delivered lets the next one through). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "meta/meta.h"

static const char *const notify_backends[] = {"sqlite"};

static struct meta_store *notify_open(char *dir, size_t size, const char *backend)
{
    snprintf(dir, size, "/tmp/stocktake-notify-XXXXXX");
    struct meta_store *m = NULL;
    CHECK(mkdtemp(dir) != NULL);
    struct meta_config cfg = {backend, dir, 0, NULL};
    CHECK(meta_open(&m, &cfg) == 0);
    return m;
}

static void notify_close(struct meta_store *m, const char *dir)
{
    meta_close(m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

static int count_target(void *payload, const struct meta_notify_target *t)
{
    (void)t;
    (*(int *)payload)++;
    return 0;
}

TEST(meta_notify_targets)
{
    for (size_t bi = 0; bi < sizeof(notify_backends) / sizeof(notify_backends[0]); bi++) {
        char dir[64];
        struct meta_store *m = notify_open(dir, sizeof(dir), notify_backends[bi]);
        struct meta_notify_target t, got;
        memset(&t, 0, sizeof(t));
        snprintf(t.arn, sizeof(t.arn), "arn:aws:sqs:us-east-1:1:q");
        snprintf(t.kind, sizeof(t.kind), "webhook");
        snprintf(t.endpoint, sizeof(t.endpoint), "http://127.0.0.1:1/a");
        CHECK(meta_notify_target_put(m, &t) == 0);
        snprintf(t.endpoint, sizeof(t.endpoint), "http://127.0.0.1:1/b");
        snprintf(t.auth_token, sizeof(t.auth_token), "tok");
        CHECK(meta_notify_target_put(m, &t) == 0); /* replaces */
        CHECK(meta_notify_target_get(m, t.arn, &got) == 0);
        CHECK_STR(got.endpoint, "http://127.0.0.1:1/b");
        CHECK_STR(got.auth_token, "tok");
        int n = 0;
        CHECK(meta_notify_target_list(m, count_target, &n) == 0 && n == 1);
        CHECK(meta_notify_target_get(m, "arn:other", &got) == ERR_NOTFOUND);
        CHECK(meta_notify_target_delete(m, t.arn) == 0);
        CHECK(meta_notify_target_delete(m, t.arn) == ERR_NOTFOUND);
        notify_close(m, dir);
    }
}

/* The test hook: one event per change, to target "t", naming the kind and the sequencer. */
static int hook_calls;
static char hook_last_seq[24];

static int test_hook(void *arg, const struct meta_change *ch, meta_notify_emit_fn *emit,
                     void *emit_ctx)
{
    (void)arg;
    hook_calls++;
    CHECK(strcmp(ch->bucket_owner, "111111111111") == 0);
    CHECK(strcmp(ch->bucket_region, "us-east-1") == 0);
    CHECK(strcmp(ch->config, "<doc/>") == 0);
    CHECK(strlen(ch->sequencer) == 16 && strcmp(ch->sequencer, hook_last_seq) > 0);
    snprintf(hook_last_seq, sizeof(hook_last_seq), "%s", ch->sequencer);
    char json[128];
    snprintf(json, sizeof(json), "{\"kind\":%d,\"seq\":\"%s\"}", (int)ch->kind, ch->sequencer);
    return emit(emit_ctx, "t", json);
}

struct due_list {
    int n;
    int64_t id[16];
    char key[16][16];
    char event[16][128];
};

static int collect_due(void *payload, const struct meta_notify_event *e)
{
    struct due_list *l = payload;
    if (l->n < 16) {
        l->id[l->n] = e->id;
        snprintf(l->key[l->n], sizeof(l->key[0]), "%s", e->key);
        snprintf(l->event[l->n], sizeof(l->event[0]), "%s", e->event);
        l->n++;
    }
    return 0;
}

static struct due_list due_at(struct meta_store *m, int64_t now)
{
    struct due_list l;
    memset(&l, 0, sizeof(l));
    CHECK(meta_notify_due(m, now, 16, collect_due, &l) == 0);
    return l;
}

static int refuse(void *arg, const struct meta_object *cur)
{
    (void)arg;
    (void)cur;
    return ERR_CONFLICT;
}

static struct meta_object obj(const char *key)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)key;
    snprintf(o.version_id, sizeof(o.version_id), "null");
    snprintf(o.etag, sizeof(o.etag), "\"e\"");
    snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
    snprintf(o.owner_id, sizeof(o.owner_id), "111111111111");
    return o;
}

TEST(meta_notify_outbox_in_the_change_transaction)
{
    for (size_t bi = 0; bi < sizeof(notify_backends) / sizeof(notify_backends[0]); bi++) {
        char dir[64];
        struct meta_store *m = notify_open(dir, sizeof(dir), notify_backends[bi]);
        hook_calls = 0;
        hook_last_seq[0] = '\0';
        meta_change_hook_set(test_hook, NULL);
        struct meta_bucket b;
        memset(&b, 0, sizeof(b));
        snprintf(b.name, sizeof(b.name), "nb");
        snprintf(b.owner_id, sizeof(b.owner_id), "111111111111");
        snprintf(b.region, sizeof(b.region), "us-east-1");
        CHECK(meta_bucket_create(m, &b) == 0);
        struct meta_object o = obj("k1");
        /* no configuration: the hook is not even asked */
        CHECK(meta_object_put(m, "nb", &o) == 0);
        CHECK(hook_calls == 0);
        CHECK(meta_bucket_config_put(m, "nb", META_CONFIG_NOTIFICATION, "<doc/>") == 0);
        CHECK(meta_object_put(m, "nb", &o) == 0);
        CHECK(meta_object_set_tags(m, "nb", "k1", NULL, "a=b") == 0);
        CHECK(meta_object_set_acl(m, "nb", "k1", NULL, "") == 0);
        struct meta_object k2 = obj("k2");
        CHECK(meta_object_put(m, "nb", &k2) == 0);
        CHECK(hook_calls == 4);
        /* a refused commit records nothing */
        char id[33];
        CHECK(meta_bucket_get(m, "nb", &b) == 0);
        snprintf(id, sizeof(id), "%s", b.id);
        struct meta_commit c = {"nb", id, &o, NULL, refuse, NULL, META_COMMIT_OK};
        CHECK(meta_object_commit(m, &c) == ERR_CONFLICT);
        int64_t pending = 0;
        CHECK(meta_notify_pending(m, &pending) == 0 && pending == 4);
        /* only the first of each key's line is due */
        struct due_list l = due_at(m, 0);
        CHECK(l.n == 2);
        CHECK_STR(l.key[0], "k1");
        CHECK_STR(l.key[1], "k2");
        CHECK(strstr(l.event[0], "\"kind\":0") != NULL);
        /* retry postpones it (and holds back the line) */
        CHECK(meta_notify_retry(m, l.id[0], 1000) == 0);
        l = due_at(m, 999);
        CHECK(l.n == 1);
        CHECK_STR(l.key[0], "k2");
        l = due_at(m, 1000);
        CHECK(l.n == 2);
        CHECK(meta_notify_delivered(m, l.id[0]) == 0);
        l = due_at(m, 1000);
        CHECK(l.n == 2 && strstr(l.event[0], "\"kind\":3") != NULL); /* the tags change */
        /* a removal is a change too */
        struct meta_object gone;
        CHECK(meta_object_delete_version(m, "nb", "k2", "null", NULL, &gone) == 0);
        meta_object_dispose(&gone);
        CHECK(hook_calls == 5);
        /* an event of its own (s3:TestEvent) */
        CHECK(meta_notify_enqueue(m, "nb", "", "t", "{}") == 0);
        CHECK(meta_notify_pending(m, &pending) == 0 && pending == 5);
        meta_change_hook_set(NULL, NULL);
        notify_close(m, dir);
    }
}
