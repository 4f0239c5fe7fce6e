/* fuzz_repl_config.c — ReplicationConfiguration bodies (PutBucketReplication) through the
 * replication parser. An error must come with a bounded, terminated message; a document that
 * parses is rendered (the stored form) and must parse again to the same rules, and every rule
 * set is matched against a key and tags taken from the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "replication/repl_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void same(const struct repl_rule *a, const struct repl_rule *b)
{
    if (strcmp(a->id, b->id) || a->v2 != b->v2 || (a->v2 && a->priority != b->priority) ||
        a->enabled != b->enabled || a->filter != b->filter || !same_str(a->prefix, b->prefix) ||
        a->n_tags != b->n_tags || a->delete_markers != b->delete_markers ||
        a->existing_objects != b->existing_objects || a->sse_kms_objects != b->sse_kms_objects ||
        a->replica_mods != b->replica_mods || strcmp(a->dest_arn, b->dest_arn) ||
        strcmp(a->dest_bucket, b->dest_bucket) || !same_str(a->account, b->account) ||
        !same_str(a->storage_class, b->storage_class) || a->owner_override != b->owner_override ||
        a->has_encryption != b->has_encryption || !same_str(a->kms_key, b->kms_key))
        abort();
    for (size_t i = 0; i < a->n_tags; i++)
        if (strcmp(a->tags[i].key, b->tags[i].key) || strcmp(a->tags[i].value, b->tags[i].value))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct repl_config c;
    char msg[256];
    enum repl_config_error e = repl_config_parse((const char *)data, size, &c, msg, sizeof(msg));
    if (e > REPL_CONFIG_NOT_IMPLEMENTED || strlen(msg) >= sizeof(msg))
        abort();
    if (e != REPL_CONFIG_OK) {
        repl_config_dispose(&c);
        return 0;
    }
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    struct repl_config again;
    if (repl_config_render(&out, &c) ||
        repl_config_parse(out.data, out.len, &again, msg, sizeof(msg)) != REPL_CONFIG_OK ||
        again.n != c.n || strcmp(again.role, c.role))
        abort();
    for (size_t i = 0; i < c.n; i++)
        same(&c.rules[i], &again.rules[i]);
    char key[64];
    size_t n = size < sizeof(key) - 1 ? size : sizeof(key) - 1;
    memcpy(key, data, n);
    key[n] = '\0';
    (void)repl_config_match(&c, key, key);
    (void)repl_config_match(&c, key, NULL);
    buf_dispose(&out);
    repl_config_dispose(&again);
    repl_config_dispose(&c);
    return 0;
}
