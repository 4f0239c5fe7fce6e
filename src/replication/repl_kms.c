/* repl_kms.c — SSE-KMS source versions replicated to a bucket on this server (repl.h): as on
 * AWS, only when the rule's SourceSelectionCriteria/SseKmsEncryptedObjects is Enabled, and the
 * copy is re-encrypted under the rule's EncryptionConfiguration/ReplicaKmsKeyID. The KMS is
 * asked by the source bucket's owner account (AWS's replication role acts for it, as in
 * repl_copy.c's authorization): the source key's policy must let it decrypt (kms:Decrypt), the
 * replica key's policy must let it generate data keys. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "crypto/keys.h"
#include "object/object.h"
#include "replication/repl.h"
#include "s3/s3_sse_kms.h"

struct repl_kms_caller {
    struct kms_caller c;
    char region[64];
    char account[16];
    char arn[128];
};

static int repl_kms_caller_init(struct repl_kms_caller *k, struct meta_store *meta,
                                const struct meta_bucket *src)
{
    memset(k, 0, sizeof(*k));
    struct meta_account acc;
    int rc = meta_account_get(meta, src->owner_id, &acc);
    if (rc)
        return rc;
    snprintf(k->region, sizeof(k->region), "%s", src->region[0] ? src->region : "us-east-1");
    snprintf(k->account, sizeof(k->account), "%s", src->owner_id);
    snprintf(k->arn, sizeof(k->arn), "arn:aws:s3:::%s", src->name);
    k->c.meta = meta;
    k->c.region = k->region;
    authz_principal_account(&k->c.who, k->account, acc.canonical_id);
    k->c.secure_transport = 1; /* S3's own call to the KMS */
    return 0;
}

/* The source version's plain data key, decrypted by the KMS for k's account. */
static int repl_kms_decrypt(struct repl_kms_caller *k, const struct meta_object *o, uint8_t dk[32],
                            char *why, size_t size)
{
    enum kms_error e = s3_sse_kms_record_key(&k->c, o->sse, dk);
    if (!e)
        return 0;
    snprintf(why, size, "SrcKmsKeyInvalidState: the source version's data key: %s: %s",
             kms_error_name(e), err_msg());
    return ERR_DENIED;
}

int repl_kms_source_key(struct meta_store *meta, const struct meta_bucket *src,
                        const struct meta_object *o, uint8_t dk[32], char *why, size_t size)
{
    struct repl_kms_caller k;
    int rc = repl_kms_caller_init(&k, meta, src);
    if (rc) {
        snprintf(why, size, "source bucket owner %s: %s", src->owner_id, err_msg());
        return rc;
    }
    return repl_kms_decrypt(&k, o, dk, why, size);
}

int repl_kms_copy(struct meta_store *meta, struct blob_store *bs, const struct meta_bucket *src,
                  const char *dest, struct meta_object *o, const char *replica_key, char *why,
                  size_t size)
{
    struct repl_kms_caller k;
    int rc0 = repl_kms_caller_init(&k, meta, src);
    if (rc0) {
        snprintf(why, size, "source bucket owner %s: %s", src->owner_id, err_msg());
        return rc0;
    }
    uint8_t sdk[32], ddk[32];
    rc0 = repl_kms_decrypt(&k, o, sdk, why, size);
    if (rc0)
        return rc0;
    enum kms_error e;
    char *arn = NULL;
    if (asprintf(&arn, "arn:aws:s3:::%s/%s", dest, o->key) < 0)
        return ERR_NOMEM;
    json_t *j = json_object();
    json_object_set_new(j, "aws:s3:arn", json_string(arn));
    free(arn);
    char *ctx = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    char *rec = xmalloc(S3_SSE_KMS_RECORD_MAX);
    e = ctx ? s3_sse_kms_generate(&k.c, KEYS_MODE_KMS, replica_key, ctx, 0, 0, ddk, rec)
            : KMS_E_INTERNAL;
    free(ctx);
    if (e) {
        snprintf(why, size, "DstKmsKeyNotFound: a data key under %s: %s: %s", replica_key,
                 kms_error_name(e), err_msg());
        free(rec);
        memset(sdk, 0, sizeof(sdk));
        return e == KMS_E_INTERNAL ? ERR_BACKEND : ERR_DENIED;
    }
    struct obj_reader *rd = NULL;
    int rc = obj_reader_open_key(bs, o, sdk, 0, (uint64_t)o->size, &rd);
    struct obj_writer *w = NULL;
    if (!rc) {
        struct obj_write_opts wo;
        memset(&wo, 0, sizeof(wo));
        wo.checksum = CHECKSUM_NONE;
        wo.sse = OBJ_SSE_KMS;
        wo.customer_key = ddk;
        wo.sse_record = rec;
        rc = obj_writer_open(bs, &wo, &w);
        if (rc)
            obj_reader_close(rd);
    }
    if (!rc) {
        rc = obj_copy_reader(rd, w);
        if (rc)
            obj_writer_abort(w);
    }
    struct obj_written res;
    memset(&res, 0, sizeof(res));
    if (!rc)
        rc = obj_writer_finish(w, &res);
    memset(sdk, 0, sizeof(sdk));
    memset(ddk, 0, sizeof(ddk));
    free(rec);
    if (rc) {
        snprintf(why, size, "copying the bytes of blob %s: %s", o->blob_id, err_msg());
        return rc;
    }
    snprintf(o->blob_id, sizeof(o->blob_id), "%s", res.blob_id);
    free(o->sse);
    o->sse = res.sse;
    return 0;
}
