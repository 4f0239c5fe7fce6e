/* test_kms_store.c — the key service against a real (SQLite) store: the canonical encryption
 * context, keys and their states, the data-key C API for SSE-KMS (distinct errors), key
 * policies evaluated with the IAM engine (the inventory set-up page's statement for
 * s3.amazonaws.com), rotation, and the JSON API's answers. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/keys.h"
#include "harness.h"

#include "core/clock.h"
#include "kms/kms.h"

#define KMS_T_ACCOUNT "111111111111"
#define KMS_T_OTHER "222222222222"

struct kms_fixture {
    char dir[64];
    struct meta_store *m;
    struct kms_caller c;
};

static int kms_fixture_open(struct kms_fixture *f)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/stocktake-kms-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    struct meta_config cfg = {"sqlite", f->dir, 0, NULL};
    if (meta_open(&f->m, &cfg))
        return -1;
    static struct keys_master mk;
    if (keys_master_from_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                             &mk))
        return -1;
    keys_master_install(&mk);
    memset(&f->c, 0, sizeof(f->c));
    f->c.meta = f->m;
    f->c.region = "us-east-1";
    authz_principal_account(&f->c.who, KMS_T_ACCOUNT, "");
    return 0;
}

static void kms_fixture_close(struct kms_fixture *f)
{
    meta_close(f->m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    CHECK(system(cmd) == 0);
}

/* One API call; the answer parsed (caller decrefs), *status set. */
static json_t *kms_t_call(const struct kms_caller *c, const char *op, const char *body, int *status)
{
    char target[96], *out = NULL;
    snprintf(target, sizeof(target), "TrentService.%s", op);
    kms_api_handle(c, target, body, strlen(body), status, &out);
    json_t *j = out ? json_loads(out, 0, NULL) : NULL;
    free(out);
    return j;
}

static const char *kms_t_type(json_t *j)
{
    return json_string_value(json_object_get(j, "__type"));
}

TEST(kms_ctx_canon_sorted_and_strict)
{
    char *a = NULL, *b = NULL, *e = NULL;
    CHECK(kms_ctx_canon("{\"b\":\"2\",\"a\":\"1\"}", 17, &a) == 0);
    CHECK(kms_ctx_canon("{\"a\":\"1\",\"b\":\"2\"}", 17, &b) == 0);
    CHECK_STR(a, b);
    CHECK_STR(a, "{\"a\":\"1\",\"b\":\"2\"}");
    CHECK(kms_ctx_canon(NULL, 0, &e) == 0);
    CHECK_STR(e, "");
    free(a);
    free(b);
    free(e);
    CHECK(kms_ctx_canon("{\"a\":1}", 7, &a) == ERR_INVALID);
    CHECK(kms_ctx_canon("[\"a\"]", 5, &a) == ERR_INVALID);
    CHECK(kms_ctx_canon("{\"a\":\"1\",\"a\":\"2\"}", 17, &a) == ERR_INVALID);
}

TEST(kms_data_key_roundtrip_and_errors)
{
    struct kms_fixture f;
    CHECK(kms_fixture_open(&f) == 0);
    struct meta_kms_key k;
    char msg[512];
    CHECK(kms_key_create(&f.c, "d", NULL, &k, msg, sizeof(msg)) == KMS_OK);
    uint8_t dk[32], back[32], *blob = NULL;
    size_t blob_len = 0;
    char arn[200];
    CHECK(kms_data_key_generate(&f.c, k.key_id, "{\"aws:s3:arn\":\"arn:aws:s3:::b/k\"}", dk, &blob,
                                &blob_len, arn, sizeof(arn)) == KMS_OK);
    CHECK_STR(arn, k.arn);
    CHECK(kms_data_key_decrypt(&f.c, blob, blob_len, "{\"aws:s3:arn\":\"arn:aws:s3:::b/k\"}",
                               back) == KMS_OK);
    CHECK(memcmp(dk, back, 32) == 0);
    CHECK(kms_data_key_decrypt(&f.c, blob, blob_len, "{\"aws:s3:arn\":\"arn:aws:s3:::b/x\"}",
                               back) == KMS_E_INVALID_CIPHERTEXT);
    blob[blob_len - 1] ^= 1;
    CHECK(kms_data_key_decrypt(&f.c, blob, blob_len, "{\"aws:s3:arn\":\"arn:aws:s3:::b/k\"}",
                               back) == KMS_E_INVALID_CIPHERTEXT);
    free(blob);
    blob = NULL;
    CHECK(kms_data_key_generate(&f.c, "00000000-0000-0000-0000-000000000000", NULL, dk, &blob,
                                &blob_len, arn, sizeof(arn)) == KMS_E_NOT_FOUND);
    snprintf(k.state, sizeof(k.state), "Disabled");
    CHECK(meta_kms_key_update(f.m, &k) == 0);
    CHECK(kms_data_key_generate(&f.c, k.arn, NULL, dk, &blob, &blob_len, arn, sizeof(arn)) ==
          KMS_E_DISABLED);
    snprintf(k.state, sizeof(k.state), "PendingDeletion");
    k.deletion_ms = INT64_MAX; /* not reached */
    CHECK(meta_kms_key_update(f.m, &k) == 0);
    CHECK(kms_data_key_generate(&f.c, k.arn, NULL, dk, &blob, &blob_len, arn, sizeof(arn)) ==
          KMS_E_INVALID_STATE);
    struct kms_caller other = f.c;
    authz_principal_account(&other.who, KMS_T_OTHER, "");
    CHECK(kms_data_key_generate(&other, k.arn, NULL, dk, &blob, &blob_len, arn, sizeof(arn)) ==
          KMS_E_DENIED);
    CHECK(kms_data_key_generate(&other, k.key_id, NULL, dk, &blob, &blob_len, arn, sizeof(arn)) ==
          KMS_E_NOT_FOUND);
    meta_kms_key_clear(&k);
    kms_fixture_close(&f);
}

TEST(kms_key_past_deletion_date_is_gone)
{
    struct kms_fixture f;
    CHECK(kms_fixture_open(&f) == 0);
    struct meta_kms_key k, got;
    char msg[512];
    CHECK(kms_key_create(&f.c, "", NULL, &k, msg, sizeof(msg)) == KMS_OK);
    uint8_t dk[32], *blob = NULL;
    size_t len = 0;
    CHECK(kms_data_key_generate(&f.c, k.key_id, NULL, dk, &blob, &len, NULL, 0) == KMS_OK);
    snprintf(k.state, sizeof(k.state), "PendingDeletion");
    k.deletion_ms = 1000;
    CHECK(meta_kms_key_update(f.m, &k) == 0);
    CHECK(kms_key_find(&f.c, k.arn, &got, msg, sizeof(msg)) == KMS_E_NOT_FOUND);
    CHECK(kms_data_key_decrypt(&f.c, blob, len, NULL, dk) == KMS_E_INVALID_CIPHERTEXT);
    int status = 0;
    json_t *j = kms_t_call(&f.c, "ListKeys", "{}", &status);
    CHECK(status == 200 && json_array_size(json_object_get(j, "Keys")) == 0);
    json_decref(j);
    free(blob);
    meta_kms_key_clear(&k);
    kms_fixture_close(&f);
}

TEST(kms_rotation_keeps_old_versions)
{
    struct kms_fixture f;
    CHECK(kms_fixture_open(&f) == 0);
    struct meta_kms_key k;
    char msg[512];
    CHECK(kms_key_create(&f.c, "", NULL, &k, msg, sizeof(msg)) == KMS_OK);
    uint8_t dk[32], back[32], *old = NULL, *new = NULL;
    size_t old_len = 0, new_len = 0;
    CHECK(kms_data_key_generate(&f.c, k.key_id, NULL, dk, &old, &old_len, NULL, 0) == KMS_OK);
    CHECK(kms_material_rotate(&f.c, &k, msg, sizeof(msg)) == KMS_OK && k.current_version == 2);
    CHECK(kms_data_key_generate(&f.c, k.key_id, NULL, back, &new, &new_len, NULL, 0) == KMS_OK);
    struct kms_blob_ref r1, r2;
    CHECK(kms_blob_peek(old, old_len, &r1) == 0 && r1.version == 1);
    CHECK(kms_blob_peek(new, new_len, &r2) == 0 && r2.version == 2);
    CHECK(kms_data_key_decrypt(&f.c, old, old_len, NULL, back) == KMS_OK);
    CHECK(memcmp(dk, back, 32) == 0);
    free(old);
    free(new);
    meta_kms_key_clear(&k);
    kms_fixture_close(&f);
}

TEST(kms_automatic_rotation_at_first_use_after_the_period)
{
    struct kms_fixture f;
    CHECK(kms_fixture_open(&f) == 0);
    struct meta_kms_key k;
    char msg[512];
    int64_t t0 = 1800000000000LL;
    clock_set_fake_ms(t0);
    CHECK(kms_key_create(&f.c, "", NULL, &k, msg, sizeof(msg)) == KMS_OK);
    int status = 0;
    char body[160];
    snprintf(body, sizeof(body), "{\"KeyId\": \"%s\", \"RotationPeriodInDays\": 90}", k.key_id);
    json_t *j = kms_t_call(&f.c, "EnableKeyRotation", body, &status);
    CHECK(status == 200);
    json_decref(j);
    uint8_t dk[32], back[32], *b1 = NULL, *b2 = NULL, *b3 = NULL;
    size_t n1 = 0, n2 = 0, n3 = 0;
    struct kms_blob_ref r;
    clock_set_fake_ms(t0 + 89 * KMS_DAY_MS); /* within the period: the same material */
    CHECK(kms_data_key_generate(&f.c, k.key_id, NULL, dk, &b1, &n1, NULL, 0) == KMS_OK);
    CHECK(kms_blob_peek(b1, n1, &r) == 0 && r.version == 1);
    clock_set_fake_ms(t0 + 90 * KMS_DAY_MS); /* due: the next use rotates, once */
    CHECK(kms_data_key_generate(&f.c, k.key_id, NULL, dk, &b2, &n2, NULL, 0) == KMS_OK);
    CHECK(kms_blob_peek(b2, n2, &r) == 0 && r.version == 2);
    CHECK(kms_data_key_generate(&f.c, k.key_id, NULL, back, &b3, &n3, NULL, 0) == KMS_OK);
    CHECK(kms_blob_peek(b3, n3, &r) == 0 && r.version == 2);
    CHECK(kms_data_key_decrypt(&f.c, b1, n1, NULL, back) == KMS_OK); /* old still opens */
    j = kms_t_call(&f.c, "GetKeyRotationStatus", body, &status);
    CHECK(status == 200 && json_is_true(json_object_get(j, "KeyRotationEnabled")));
    CHECK(json_number_value(json_object_get(j, "NextRotationDate")) ==
          (double)(t0 + 180 * KMS_DAY_MS) / 1000.0);
    json_decref(j);
    clock_set_fake_ms(0);
    free(b1);
    free(b2);
    free(b3);
    meta_kms_key_clear(&k);
    kms_fixture_close(&f);
}

/* The statement of the inventory set-up page (S3 User Guide, "Configuring inventory", key
 * policy for an SSE-KMS encrypted report), appended to the default policy. */
static char *kms_t_seed_policy(const char *condition)
{
    char *dflt = kms_policy_default(KMS_T_ACCOUNT);
    json_t *p = json_loads(dflt, 0, NULL);
    free(dflt);
    char stmt[1024];
    snprintf(stmt, sizeof(stmt),
             "{\"Sid\": \"Allow Amazon S3 use of the CMK\", \"Effect\": \"Allow\","
             " \"Principal\": {\"Service\": \"s3.amazonaws.com\"},"
             " \"Action\": [\"kms:GenerateDataKey\"], \"Resource\": \"*\"%s%s}",
             condition ? ", \"Condition\": " : "", condition ? condition : "");
    json_array_append_new(json_object_get(p, "Statement"), json_loads(stmt, 0, NULL));
    char *s = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    return s;
}

static int kms_t_put_policy(struct kms_fixture *f, const char *key_id, const char *policy)
{
    json_t *req =
        json_pack("{s:s, s:s, s:s}", "KeyId", key_id, "PolicyName", "default", "Policy", policy);
    char *body = json_dumps(req, JSON_COMPACT);
    int status = 0;
    json_t *ans = kms_t_call(&f->c, "PutKeyPolicy", body, &status);
    free(body);
    json_decref(req);
    json_decref(ans);
    return status;
}

TEST(kms_inventory_seed_policy_allows_s3)
{
    struct kms_fixture f;
    CHECK(kms_fixture_open(&f) == 0);
    struct meta_kms_key k;
    char msg[512];
    CHECK(kms_key_create(&f.c, "", NULL, &k, msg, sizeof(msg)) == KMS_OK);
    struct kms_caller s3 = f.c;
    authz_principal_service(&s3.who, "s3.amazonaws.com");
    s3.source_account = KMS_T_ACCOUNT;
    s3.source_arn = "arn:aws:s3:::source-bucket";
    uint8_t dk[32], *blob = NULL;
    size_t len = 0;
    CHECK(kms_data_key_generate(&s3, k.arn, NULL, dk, &blob, &len, NULL, 0) == KMS_E_DENIED);
    char *policy = kms_t_seed_policy(NULL);
    CHECK(kms_t_put_policy(&f, k.key_id, policy) == 200);
    free(policy);
    CHECK(kms_data_key_generate(&s3, k.arn, NULL, dk, &blob, &len, NULL, 0) == KMS_OK);
    uint8_t back[32];
    CHECK(kms_data_key_decrypt(&s3, blob, len, NULL, back) == KMS_E_DENIED); /* not granted */
    CHECK(kms_data_key_decrypt(&f.c, blob, len, NULL, back) == KMS_OK);
    free(blob);
    blob = NULL;
    policy = kms_t_seed_policy("{\"StringEquals\": {\"aws:SourceAccount\": \"" KMS_T_ACCOUNT
                               "\"}, \"ArnLike\": {\"aws:SourceArn\": \"arn:aws:s3:::source-*\"}}");
    CHECK(kms_t_put_policy(&f, k.key_id, policy) == 200);
    free(policy);
    CHECK(kms_data_key_generate(&s3, k.arn, NULL, dk, &blob, &len, NULL, 0) == KMS_OK);
    free(blob);
    blob = NULL;
    s3.source_arn = "arn:aws:s3:::elsewhere";
    CHECK(kms_data_key_generate(&s3, k.arn, NULL, dk, &blob, &len, NULL, 0) == KMS_E_DENIED);
    s3.source_arn = "arn:aws:s3:::source-bucket";
    s3.source_account = KMS_T_OTHER;
    CHECK(kms_data_key_generate(&s3, k.arn, NULL, dk, &blob, &len, NULL, 0) != KMS_OK);
    meta_kms_key_clear(&k);
    kms_fixture_close(&f);
}

TEST(kms_api_errors)
{
    struct kms_fixture f;
    CHECK(kms_fixture_open(&f) == 0);
    int status = 0;
    json_t *j = kms_t_call(&f.c, "TagResource", "{}", &status);
    CHECK(status == 400);
    CHECK_STR(kms_t_type(j), "UnsupportedOperationException");
    json_decref(j);
    j = kms_t_call(&f.c, "CreateKey", "[1]", &status);
    CHECK(status == 400);
    CHECK_STR(kms_t_type(j), "ValidationException");
    json_decref(j);
    j = kms_t_call(&f.c, "CreateKey", "{\"Policy\": \"{\\\"Statement\\\": 3}\"}", &status);
    CHECK_STR(kms_t_type(j), "MalformedPolicyDocumentException");
    json_decref(j);
    j = kms_t_call(&f.c, "DescribeKey", "{\"KeyId\": \"alias/none\"}", &status);
    CHECK_STR(kms_t_type(j), "NotFoundException");
    json_decref(j);
    j = kms_t_call(&f.c, "CreateKey", "{\"Description\": \"x\"}", &status);
    CHECK(status == 200);
    const char *id = json_string_value(json_object_get(json_object_get(j, "KeyMetadata"), "KeyId"));
    char body[256];
    snprintf(body, sizeof(body), "{\"AliasName\": \"alias/aws/x\", \"TargetKeyId\": \"%s\"}",
             id ? id : "");
    json_t *a = kms_t_call(&f.c, "CreateAlias", body, &status);
    CHECK_STR(kms_t_type(a), "InvalidAliasNameException");
    json_decref(a);
    snprintf(body, sizeof(body), "{\"AliasName\": \"alias/ok\", \"TargetKeyId\": \"%s\"}",
             id ? id : "");
    a = kms_t_call(&f.c, "CreateAlias", body, &status);
    CHECK(status == 200);
    json_decref(a);
    a = kms_t_call(&f.c, "CreateAlias", body, &status);
    CHECK_STR(kms_t_type(a), "AlreadyExistsException");
    json_decref(a);
    snprintf(body, sizeof(body), "{\"KeyId\": \"%s\", \"Plaintext\": \"!!\"}", id ? id : "");
    a = kms_t_call(&f.c, "Encrypt", body, &status);
    CHECK_STR(kms_t_type(a), "ValidationException");
    json_decref(a);
    json_decref(j);
    struct kms_caller anon = f.c;
    authz_principal_anonymous(&anon.who);
    j = kms_t_call(&anon, "ListKeys", "{}", &status);
    CHECK_STR(kms_t_type(j), "AccessDeniedException");
    json_decref(j);
    kms_fixture_close(&f);
}
