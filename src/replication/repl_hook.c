/* repl_hook.c — the replication hook (repl.h): which change of a version a rule replicates,
 * decided inside the change's transaction from the bucket's stored configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify/notify_ctx.h"
#include "object/object.h"
#include "replication/repl.h"
#include "replication/repl_config.h"

/* Versions Stocktake can copy: plain and SSE-S3 (re-sealed under a fresh key); SSE-C, as on
 * AWS, to a bucket on this server (its sealed bytes copied as they are: the customer's key is
 * never stored, and a remote could not read them without our record); SSE-KMS, as on AWS,
 * only when the rule's SseKmsEncryptedObjects is Enabled (with the ReplicaKmsKeyID AWS then
 * requires), re-encrypted under that key (on a remote: a key of the remote's KMS). */
static int repl_copyable(const struct meta_object *o, const struct repl_rule *r)
{
    enum obj_sse_mode m = obj_sse_mode_of(o->sse);
    if (m == OBJ_SSE_KMS)
        return r->sse_kms_objects == REPL_ENABLED && r->kms_key;
    if (m == OBJ_SSE_C)
        return !repl_rule_remote(r);
    return m == OBJ_SSE_NONE || m == OBJ_SSE_S3;
}

static int repl_on_change(const struct meta_change *ch, const char *config,
                          struct meta_repl_decision *out)
{
    struct repl_config c;
    char msg[256];
    if (repl_config_parse(config, strlen(config), &c, msg, sizeof(msg)) != REPL_CONFIG_OK) {
        repl_config_dispose(&c);
        return 0; /* stored documents were validated by PutBucketReplication */
    }
    const struct meta_object *o = ch->object;
    const struct repl_rule *r = repl_config_match(&c, o->key, o->tags);
    int yes = 0;
    if (r) {
        switch (ch->kind) {
        case META_CHANGE_PUT:
            if (o->is_delete_marker) {
                /* the first schema always replicates delete markers; V2 when enabled; never
                 * those lifecycle expiration makes (as AWS) */
                const struct notify_ctx *nc = notify_ctx_current();
                yes = (!r->v2 || r->delete_markers == REPL_ENABLED) &&
                      !(nc && nc->source == NOTIFY_SRC_LIFECYCLE);
                out->op = META_REPL_MARKER;
            } else {
                yes = repl_copyable(o, r);
                out->op = META_REPL_OBJECT;
            }
            break;
        case META_CHANGE_TAGS:
            yes = !o->is_delete_marker;
            out->op = META_REPL_TAGS;
            break;
        case META_CHANGE_ACL:
            yes = !o->is_delete_marker;
            out->op = META_REPL_ACL;
            break;
        default:
            break;
        }
    }
    if (yes && out->op == META_REPL_ACL && repl_rule_remote(r))
        yes = 0; /* a remote's ACLs belong to its own accounts */
    if (yes) {
        size_t n = strlen(r->id);
        n = n < sizeof(out->rule_id) - 1 ? n : sizeof(out->rule_id) - 1;
        memcpy(out->rule_id, r->id, n);
        out->rule_id[n] = '\0';
        n = strlen(r->dest_bucket);
        n = n < sizeof(out->dest_bucket) - 1 ? n : sizeof(out->dest_bucket) - 1;
        memcpy(out->dest_bucket, r->dest_bucket, n);
        out->dest_bucket[n] = '\0';
        const char *remote = repl_rule_remote(r);
        snprintf(out->remote, sizeof(out->remote), "%s", remote ? remote : "");
    }
    repl_config_dispose(&c);
    return yes;
}

void repl_install(void)
{
    meta_repl_hook_set(repl_on_change);
}
