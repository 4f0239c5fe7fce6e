/* test_repl_store.c — the metadata store's replication block (meta.h, issue 13): the hook is
 * asked inside the change's transaction and only for buckets with a configuration; a task is
 * queued with the change and the version becomes PENDING; replicas are never asked about;
 * metadata changes follow only replicated versions; only the first task of a key is due;
 * retry postpones; finish sets COMPLETED / FAILED once no other task of the version waits;
 * the stats count it all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "meta/meta.h"

static int repl_hook_calls;

/* Replicate everything under "r/" to "dst". */
static int test_repl_hook(const struct meta_change *ch, const char *config,
                          struct meta_repl_decision *out)
{
    repl_hook_calls++;
    CHECK(strcmp(config, "<ReplicationConfiguration/>") == 0);
    if (strncmp(ch->object->key, "r/", 2) != 0)
        return 0;
    out->op = ch->kind == META_CHANGE_TAGS   ? META_REPL_TAGS
              : ch->object->is_delete_marker ? META_REPL_MARKER
                                             : META_REPL_OBJECT;
    snprintf(out->rule_id, sizeof(out->rule_id), "rule");
    snprintf(out->dest_bucket, sizeof(out->dest_bucket), "dst");
    return 1;
}

struct task_list {
    int n;
    int64_t id[16];
    char key[16][16];
    char version[16][64];
    enum meta_repl_op op[16];
};

static int collect_task(void *payload, const struct meta_repl_task *t)
{
    struct task_list *l = payload;
    if (l->n < 16) {
        l->id[l->n] = t->id;
        snprintf(l->key[l->n], sizeof(l->key[0]), "%s", t->key);
        snprintf(l->version[l->n], sizeof(l->version[0]), "%s", t->version_id);
        l->op[l->n] = t->op;
        CHECK_STR(t->rule_id, "rule");
        CHECK_STR(t->dest_bucket, "dst");
        l->n++;
    }
    return 0;
}

static struct task_list tasks_at(struct meta_store *m, int64_t now)
{
    struct task_list l;
    memset(&l, 0, sizeof(l));
    CHECK(meta_repl_due(m, now, 16, collect_task, &l) == 0);
    return l;
}

static struct meta_object version(const char *key, const char *vid)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)key;
    snprintf(o.version_id, sizeof(o.version_id), "%s", vid);
    snprintf(o.etag, sizeof(o.etag), "\"e\"");
    snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
    snprintf(o.owner_id, sizeof(o.owner_id), "111111111111");
    return o;
}

static void status_is(struct meta_store *m, const char *bucket, const char *key, const char *vid,
                      const char *want)
{
    struct meta_object got;
    CHECK(meta_object_get(m, bucket, key, vid, &got) == 0);
    CHECK_STR(got.replication_status, want);
    meta_object_dispose(&got);
}

TEST(meta_repl_queue_in_the_change_transaction)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/stocktake-repl-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    struct meta_store *m = NULL;
    struct meta_config cfg = {"sqlite", dir, 0, NULL};
    CHECK(meta_open(&m, &cfg) == 0);
    repl_hook_calls = 0;
    meta_repl_hook_set(test_repl_hook);
    struct meta_bucket b;
    memset(&b, 0, sizeof(b));
    snprintf(b.name, sizeof(b.name), "src");
    snprintf(b.owner_id, sizeof(b.owner_id), "111111111111");
    snprintf(b.region, sizeof(b.region), "us-east-1");
    b.versioning = META_VERSIONING_ENABLED;
    CHECK(meta_bucket_create(m, &b) == 0);
    snprintf(b.name, sizeof(b.name), "dst");
    CHECK(meta_bucket_create(m, &b) == 0);

    /* no configuration: the hook is not asked */
    struct meta_object o = version("r/a", "v1");
    CHECK(meta_object_put(m, "src", &o) == 0);
    CHECK(repl_hook_calls == 0);
    status_is(m, "src", "r/a", "v1", "");
    /* a tag change of a version never replicated is not asked about either */
    CHECK(meta_bucket_config_put(m, "src", META_CONFIG_REPLICATION,
                                 "<ReplicationConfiguration/>") == 0);
    CHECK(meta_object_set_tags(m, "src", "r/a", "v1", "k=v") == 0);
    CHECK(repl_hook_calls == 0);

    o = version("r/a", "v2");
    CHECK(meta_object_put(m, "src", &o) == 0);
    o = version("r/a", "v3");
    CHECK(meta_object_put(m, "src", &o) == 0);
    o = version("other", "v1");
    CHECK(meta_object_put(m, "src", &o) == 0);
    CHECK(repl_hook_calls == 3);
    status_is(m, "src", "r/a", "v2", "PENDING");
    status_is(m, "src", "other", "v1", "");
    /* a replica is never asked about */
    o = version("r/a", "v2");
    snprintf(o.replication_status, sizeof(o.replication_status), "REPLICA");
    CHECK(meta_object_put(m, "dst", &o) == 0);
    CHECK(repl_hook_calls == 3);
    status_is(m, "dst", "r/a", "v2", "REPLICA");

    /* only the first task of the key is due */
    struct task_list l = tasks_at(m, INT64_MAX / 2);
    CHECK(l.n == 1);
    CHECK_STR(l.version[0], "v2");
    CHECK(l.op[0] == META_REPL_OBJECT);
    /* retry postpones it, and the key's line waits behind it */
    CHECK(meta_repl_retry(m, l.id[0], INT64_MAX / 2 + 10) == 0);
    CHECK(tasks_at(m, INT64_MAX / 2).n == 0);
    struct meta_repl_stats st;
    CHECK(meta_repl_stats(m, &st) == 0);
    CHECK(st.queued == 2 && st.retrying == 1 && st.oldest_ms > 0);
    CHECK(meta_repl_finish(m, l.id[0], "COMPLETED") == 0);
    status_is(m, "src", "r/a", "v2", "COMPLETED");
    CHECK(meta_repl_finish(m, l.id[0], "COMPLETED") == 0); /* already finished: no error */

    /* a tag change of the replicated version: PENDING again, a second task for v3 waits */
    CHECK(meta_object_set_tags(m, "src", "r/a", "v2", "t=1") == 0);
    status_is(m, "src", "r/a", "v2", "PENDING");
    l = tasks_at(m, INT64_MAX / 2);
    CHECK(l.n == 1 && strcmp(l.version[0], "v3") == 0);
    CHECK(meta_repl_finish(m, l.id[0], "FAILED") == 0);
    status_is(m, "src", "r/a", "v3", "FAILED");
    l = tasks_at(m, INT64_MAX / 2);
    CHECK(l.n == 1 && strcmp(l.version[0], "v2") == 0 && l.op[0] == META_REPL_TAGS);
    CHECK(meta_repl_finish(m, l.id[0], "COMPLETED") == 0);
    status_is(m, "src", "r/a", "v2", "COMPLETED");
    CHECK(meta_repl_stats(m, &st) == 0);
    CHECK(st.queued == 0 && st.completed == 1 && st.failed == 1);

    meta_repl_hook_set(NULL);
    meta_close(m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

static int count_remote(void *payload, const struct meta_remote *r)
{
    CHECK_STR(r->name, "site2");
    CHECK_STR(r->secret_key, "s3cr3t-s3cr3t-s3cr3t");
    ++*(int *)payload;
    return 0;
}

/* Remote endpoints (schema v16): put replaces, get/delete of an unknown name is NOTFOUND. */
TEST(meta_remote_endpoints)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/stocktake-remote-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    struct meta_store *m = NULL;
    struct meta_config cfg = {"sqlite", dir, 0, NULL};
    CHECK(meta_open(&m, &cfg) == 0);
    struct meta_remote r, got;
    memset(&r, 0, sizeof(r));
    snprintf(r.name, sizeof(r.name), "site2");
    snprintf(r.endpoint, sizeof(r.endpoint), "http://127.0.0.1:1");
    snprintf(r.access_key, sizeof(r.access_key), "AK");
    snprintf(r.secret_key, sizeof(r.secret_key), "s3cr3t-s3cr3t-s3cr3t");
    snprintf(r.region, sizeof(r.region), "eu-west-1");
    r.created_ms = 5;
    CHECK(meta_remote_put(m, &r) == 0);
    snprintf(r.endpoint, sizeof(r.endpoint), "https://backup.example");
    CHECK(meta_remote_put(m, &r) == 0);
    CHECK(meta_remote_get(m, "site2", &got) == 0);
    CHECK_STR(got.endpoint, "https://backup.example");
    CHECK_STR(got.region, "eu-west-1");
    CHECK(got.created_ms == 5);
    int n = 0;
    CHECK(meta_remote_list(m, count_remote, &n) == 0);
    CHECK(n == 1);
    CHECK(meta_remote_get(m, "nope", &got) == ERR_NOTFOUND);
    CHECK(meta_remote_delete(m, "site2") == 0);
    CHECK(meta_remote_delete(m, "site2") == ERR_NOTFOUND);
    meta_close(m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}
