/* repl_copy.c — one replication task applied to its destination bucket on this server
 * (repl.h): the destination must exist with versioning Enabled, and the source bucket's owner
 * must be allowed s3:ReplicateObject / ReplicateDelete / ReplicateTags on the destination
 * object by the one authorization step (authz_decide: the owner rule, then the destination's
 * bucket policy), as AWS requires of the replication role. The copy keeps the version id,
 * metadata, tags, ACL, checksums and lock settings of the source, is re-sealed when the
 * source is SSE-S3, and is marked REPLICA. A task is idempotent: a destination that already
 * holds the version is done. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authz/authz.h"
#include "authz/policy.h"
#include "core/alloc.h"
#include "core/log.h"
#include "object/object.h"
#include "replication/repl.h"
#include "replication/repl_config.h"
#include "s3/s3_sse_config.h"

static int repl_why(char *why, size_t size, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return rc;
}

static const char *repl_action(enum meta_repl_op op)
{
    switch (op) {
    case META_REPL_MARKER:
        return "s3:ReplicateDelete";
    case META_REPL_TAGS:
        return "s3:ReplicateTags";
    case META_REPL_OBJECT:
    case META_REPL_ACL:
        break;
    }
    return "s3:ReplicateObject";
}

/* May the source bucket's owner replicate into dest (key)? */
static int repl_authorize(struct meta_store *meta, const struct meta_bucket *src,
                          const struct meta_bucket *dest, const char *key, enum meta_repl_op op,
                          char *why, size_t size)
{
    struct meta_account acc;
    int rc = meta_account_get(meta, src->owner_id, &acc);
    if (rc)
        return repl_why(why, size, rc, "source bucket owner %s: %s", src->owner_id, err_msg());
    struct policy *pol = NULL;
    char *doc = NULL;
    rc = meta_bucket_config_get(meta, dest->name, META_CONFIG_POLICY, &doc);
    if (!rc)
        rc = policy_parse_stored(&pol, doc, strlen(doc));
    free(doc);
    if (rc && rc != ERR_NOTFOUND)
        return repl_why(why, size, rc, "policy of %s: %s", dest->name, err_msg());
    struct authz_principal p;
    authz_principal_account(&p, src->owner_id, acc.canonical_id);
    struct authz_resource res = {dest->name, key, dest->owner_id};
    struct authz_context ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.bucket_policy = pol;
    ctx.now = (int64_t)time(NULL);
    const char *reason = "";
    enum authz_decision d = authz_decide(&p, repl_action(op), &res, &ctx, &reason);
    policy_free(pol);
    if (d == AUTHZ_ALLOW)
        return 0;
    return repl_why(why, size, ERR_DENIED,
                    "%s: %s denied to account %s on arn:aws:s3:::%s/%s by the destination (%s)",
                    op == META_REPL_MARKER ? "DstDelObjNotPermitted"
                    : op == META_REPL_TAGS ? "DstPutTaggingNotPermitted"
                                           : "DstPutObjectNotPermitted",
                    repl_action(op), src->owner_id, dest->name, key, reason);
}

/* The rule's overrides (storage class, owner) for the copy, when the rule is still there. */
static void repl_rule_overrides(struct meta_store *meta, const struct meta_repl_task *t,
                                char *storage_class, size_t sc_size, int *owner_override,
                                char *kms_key, size_t kms_size)
{
    storage_class[0] = '\0';
    *owner_override = 0;
    if (kms_key)
        kms_key[0] = '\0';
    char *doc = NULL;
    if (meta_bucket_config_get(meta, t->bucket, META_CONFIG_REPLICATION, &doc))
        return;
    struct repl_config c;
    char msg[256];
    if (repl_config_parse(doc, strlen(doc), &c, msg, sizeof(msg)) == REPL_CONFIG_OK) {
        for (size_t i = 0; i < c.n; i++) {
            if (strcmp(c.rules[i].id, t->rule_id) != 0)
                continue;
            if (c.rules[i].storage_class)
                snprintf(storage_class, sc_size, "%s", c.rules[i].storage_class);
            *owner_override = c.rules[i].owner_override;
            if (kms_key && c.rules[i].kms_key)
                snprintf(kms_key, kms_size, "%s", c.rules[i].kms_key);
        }
    }
    repl_config_dispose(&c);
    free(doc);
}

/* Copy the version's bytes into a new blob of the destination (src->blob_id, src->sse become
 * the copy's). An SSE-C version's sealed bytes are copied as they are and keep their record,
 * so the same customer key reads the replica. */
static int repl_copy_bytes(struct blob_store *bs, struct meta_object *src, char *why, size_t size)
{
    enum obj_sse_mode mode = obj_sse_mode_of(src->sse);
    struct obj_write_opts wo;
    memset(&wo, 0, sizeof(wo));
    wo.checksum = CHECKSUM_NONE;
    wo.sse = mode == OBJ_SSE_S3 ? OBJ_SSE_S3 : OBJ_SSE_NONE;
    struct obj_writer *w = NULL;
    int rc = obj_writer_open(bs, &wo, &w);
    if (!rc) {
        rc = mode == OBJ_SSE_C ? obj_copy_sealed(bs, src, w)
                               : obj_copy_range(bs, src, 0, (uint64_t)src->size, w);
        if (rc)
            obj_writer_abort(w);
    }
    struct obj_written res;
    memset(&res, 0, sizeof(res));
    if (!rc)
        rc = obj_writer_finish(w, &res);
    if (rc)
        return repl_why(why, size, rc, "copying the bytes of blob %s: %s", src->blob_id, err_msg());
    snprintf(src->blob_id, sizeof(src->blob_id), "%s", res.blob_id);
    if (mode == OBJ_SSE_C) {
        free(res.sse); /* a plain writer's: none */
    } else {
        free(src->sse);
        src->sse = res.sse;
    }
    return 0;
}

static int repl_put_copy(struct meta_store *meta, struct blob_store *bs,
                         const struct meta_repl_task *t, const struct meta_bucket *sb,
                         const struct meta_bucket *dest, struct meta_object *src, char *why,
                         size_t size)
{
    char sc[40], kms_key[2048];
    int owner_override;
    repl_rule_overrides(meta, t, sc, sizeof(sc), &owner_override, kms_key, sizeof(kms_key));
    int rc = 0;
    if (t->op == META_REPL_OBJECT && obj_sse_mode_of(src->sse) == OBJ_SSE_KMS) {
        if (!kms_key[0]) /* the rule changed since: AWS requires the key then */
            return repl_why(why, size, ERR_INVALID,
                            "DstKmsKeyNotFound: the rule has no ReplicaKmsKeyID for an SSE-KMS "
                            "version");
        rc = repl_kms_copy(meta, bs, sb, dest->name, src, kms_key, why, size);
    } else if (t->op == META_REPL_OBJECT) {
        rc = repl_copy_bytes(bs, src, why, size);
    }
    if (rc)
        return rc;
    snprintf(src->replication_status, sizeof(src->replication_status), "REPLICA");
    if (sc[0] && t->op == META_REPL_OBJECT && strcmp(sc, src->storage_class) != 0) {
        snprintf(src->storage_class, sizeof(src->storage_class), "%s", sc);
        src->tier[0] = '\0';
    }
    if (owner_override) { /* AccessControlTranslation: the destination's owner owns it */
        snprintf(src->owner_id, sizeof(src->owner_id), "%s", dest->owner_id);
        free(src->acl);
        src->acl = NULL;
    }
    free(src->restore);
    src->restore = NULL;
    rc = meta_object_put(meta, dest->name, src);
    if (rc && src->blob_id[0] && t->op == META_REPL_OBJECT && blob_remove(bs, src->blob_id))
        log_warn("replication: could not remove blob %s: %s", src->blob_id, err_msg());
    if (rc == ERR_EXISTS) /* a concurrent pass stored it */
        return 0;
    if (rc)
        return repl_why(why, size, rc, "storing the replica in %s: %s", dest->name, err_msg());
    return 0;
}

/* As AWS: replication writes of SSE-C versions into a bucket that blocks SSE-C are refused
 * (403 AccessDenied there). */
static int repl_check_sse_c(struct meta_store *meta, int legacy, const struct meta_bucket *dest,
                            const struct meta_object *src, char *why, size_t size)
{
    if (obj_sse_mode_of(src->sse) != OBJ_SSE_C)
        return 0;
    struct s3_sse_config c;
    int rc = s3_sse_config_load(meta, dest->name, legacy, &c);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc)
        return repl_why(why, size, rc, "encryption configuration of %s: %s", dest->name, err_msg());
    if (c.blocked == S3_SSE_BLOCK_SSE_C)
        return repl_why(why, size, ERR_DENIED,
                        "DstPutObjectNotPermitted: SSE-C writes are blocked on %s "
                        "(BlockedEncryptionTypes)",
                        dest->name);
    return 0;
}

int repl_apply(struct meta_store *meta, struct blob_store *bs, int legacy,
               const struct meta_repl_task *t, struct meta_object *src, char *why, size_t size)
{
    if (t->remote[0]) {
        char sc[40], kms_key[2048];
        int owner_override;
        repl_rule_overrides(meta, t, sc, sizeof(sc), &owner_override, kms_key, sizeof(kms_key));
        return repl_apply_remote(meta, bs, t, src, sc, kms_key, why, size);
    }
    struct meta_bucket sb, db;
    int rc = meta_bucket_get(meta, t->bucket, &sb);
    if (rc)
        return repl_why(why, size, rc, "source bucket %s: %s", t->bucket, err_msg());
    rc = meta_bucket_get(meta, t->dest_bucket, &db);
    if (rc == ERR_NOTFOUND)
        return repl_why(why, size, rc, "DstBucketNotFound: destination bucket %s does not exist",
                        t->dest_bucket);
    if (rc)
        return repl_why(why, size, rc, "destination bucket %s: %s", t->dest_bucket, err_msg());
    if (db.versioning != META_VERSIONING_ENABLED)
        return repl_why(why, size, ERR_INVALID,
                        "DstBucketUnversioned: versioning is not enabled on %s", db.name);
    rc = repl_authorize(meta, &sb, &db, t->key, t->op, why, size);
    if (rc)
        return rc;
    if (t->op == META_REPL_OBJECT && (src->lock_mode[0] || src->legal_hold == META_LEGAL_HOLD_ON)) {
        char *lock = NULL;
        rc = meta_bucket_config_get(meta, db.name, META_CONFIG_OBJECT_LOCK, &lock);
        free(lock);
        if (rc == ERR_NOTFOUND)
            return repl_why(why, size, ERR_INVALID,
                            "DstBucketObjectLockConfigMissing: the version has Object Lock "
                            "settings and Object Lock is not enabled on %s",
                            db.name);
        if (rc)
            return repl_why(why, size, rc, "Object Lock of %s: %s", db.name, err_msg());
    }
    struct meta_object have;
    memset(&have, 0, sizeof(have));
    rc = meta_object_get(meta, db.name, t->key, t->version_id, &have);
    int exists = rc == 0;
    meta_object_dispose(&have);
    if (rc && rc != ERR_NOTFOUND)
        return repl_why(why, size, rc, "destination version: %s", err_msg());
    switch (t->op) {
    case META_REPL_OBJECT:
        if (exists)
            return 0;
        rc = repl_check_sse_c(meta, legacy, &db, src, why, size);
        return rc ? rc : repl_put_copy(meta, bs, t, &sb, &db, src, why, size);
    case META_REPL_MARKER:
        return exists ? 0 : repl_put_copy(meta, bs, t, &sb, &db, src, why, size);
    case META_REPL_TAGS:
        rc = exists ? meta_object_set_tags(meta, db.name, t->key, t->version_id, src->tags)
                    : ERR_NOTFOUND;
        break;
    case META_REPL_ACL:
        rc = exists ? meta_object_set_acl(meta, db.name, t->key, t->version_id, src->acl)
                    : ERR_NOTFOUND;
        break;
    }
    if (rc)
        return repl_why(why, size, rc, "updating the replica %s/%s (%s): %s", db.name, t->key,
                        t->version_id, rc == ERR_NOTFOUND ? "not replicated yet" : err_msg());
    return 0;
}
