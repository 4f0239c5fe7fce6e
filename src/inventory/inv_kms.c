/* inv_kms.c — SSE-KMS data keys for inventory report objects (inv_kms.h). */
#include "inventory/inv_kms.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/err.h"
#include "crypto/keys.h"
#include "s3/s3_sse_kms.h"

void inv_kms_init(struct inv_kms *k, struct meta_store *meta, const char *key_ref,
                  const struct meta_bucket *src, const struct meta_bucket *dest)
{
    memset(k, 0, sizeof(*k));
    snprintf(k->region, sizeof(k->region), "%s", dest->region[0] ? dest->region : "us-east-1");
    snprintf(k->source_account, sizeof(k->source_account), "%s", src->owner_id);
    snprintf(k->source_arn, sizeof(k->source_arn), "arn:aws:s3:::%s", src->name);
    snprintf(k->dest, sizeof(k->dest), "%s", dest->name);
    snprintf(k->key_ref, sizeof(k->key_ref), "%s", key_ref ? key_ref : "");
    k->caller.meta = meta;
    k->caller.region = k->region;
    authz_principal_service(&k->caller.who, "s3.amazonaws.com");
    k->caller.source_account = k->source_account;
    k->caller.source_arn = k->source_arn;
    k->caller.secure_transport = 1; /* S3's own call to KMS */
}

enum kms_error inv_kms_data_key(struct inv_kms *k, const char *key, uint8_t dk[32], char **record,
                                char *why, size_t why_size)
{
    *record = NULL;
    char *arn = NULL;
    if (asprintf(&arn, "arn:aws:s3:::%s/%s", k->dest, key) < 0) {
        snprintf(why, why_size, "out of memory");
        return KMS_E_INTERNAL;
    }
    json_t *o = json_object();
    json_object_set_new(o, "aws:s3:arn", json_string(arn));
    free(arn);
    char *ctx = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    char *rec = xmalloc(S3_SSE_KMS_RECORD_MAX);
    enum kms_error e =
        ctx ? s3_sse_kms_generate(&k->caller, KEYS_MODE_KMS, k->key_ref[0] ? k->key_ref : NULL, ctx,
                                  0, 0, dk, rec)
            : KMS_E_INTERNAL;
    free(ctx);
    if (e) {
        snprintf(why, why_size, "%s: %s", kms_error_name(e), err_msg());
        free(rec);
        return e;
    }
    *record = rec;
    return KMS_OK;
}
