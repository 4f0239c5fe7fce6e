/* kms_api_keys.c — the key management operations of the JSON API: CreateKey, DescribeKey,
 * ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion, GetKeyPolicy,
 * PutKeyPolicy, ListKeyPolicies and RotateKeyOnDemand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "kms/kms_api_int.h"

#define KMS_DESCRIPTION_MAX 8192

/* BypassPolicyLockoutSafetyCheck: true skips the lockout check. */
static int kms_arg_bypass(struct kms_call *k)
{
    return json_is_true(json_object_get(k->req, "BypassPolicyLockoutSafetyCheck"));
}

static enum kms_error kms_create_args(struct kms_call *k)
{
    static const char *const only[][2] = {{"KeyUsage", "ENCRYPT_DECRYPT"},
                                          {"KeySpec", "SYMMETRIC_DEFAULT"},
                                          {"CustomerMasterKeySpec", "SYMMETRIC_DEFAULT"},
                                          {"Origin", "AWS_KMS"},
                                          {"MultiRegion", NULL},
                                          {"Tags", NULL},
                                          {"CustomKeyStoreId", NULL},
                                          {"XksKeyId", NULL}};
    enum kms_error e = KMS_OK;
    for (size_t i = 0; !e && i < sizeof(only) / sizeof(only[0]); i++)
        e = kms_arg_only(k, only[i][0], only[i][1]);
    return e;
}

enum kms_error kms_op_create_key(struct kms_call *k)
{
    const char *desc, *policy;
    enum kms_error e = kms_arg_str(k, "Description", 0, &desc);
    if (!e)
        e = kms_arg_str(k, "Policy", 0, &policy);
    if (!e)
        e = kms_create_args(k);
    if (!e && desc && strlen(desc) > KMS_DESCRIPTION_MAX) {
        snprintf(k->msg, sizeof(k->msg), "Description must be at most 8192 characters");
        e = KMS_E_INVALID;
    }
    if (!e && policy)
        e = kms_policy_check(policy, k->msg, sizeof(k->msg));
    if (!e && policy && !kms_arg_bypass(k)) {
        char arn[200];
        snprintf(arn, sizeof(arn), "arn:aws:kms:%s:%s:key/*", k->c->region,
                 kms_caller_account(k->c));
        e = kms_policy_lockout_check(k->c, policy, arn, k->msg, sizeof(k->msg));
    }
    struct meta_kms_key key;
    if (!e)
        e = kms_key_create(k->c, desc, policy, &key, k->msg, sizeof(k->msg));
    if (e)
        return e;
    json_object_set_new(k->resp, "KeyMetadata", kms_key_metadata(&key));
    meta_kms_key_clear(&key);
    return KMS_OK;
}

enum kms_error kms_call_key(struct kms_call *k, const char *action, struct meta_kms_key *key)
{
    const char *ref;
    enum kms_error e = kms_arg_str(k, "KeyId", 1, &ref);
    return e ? e : kms_key_open(k->c, ref, action, key, k->msg, sizeof(k->msg));
}

enum kms_error kms_key_save(struct kms_call *k, struct meta_kms_key *key)
{
    int rc = meta_kms_key_update(k->c->meta, key);
    if (rc)
        snprintf(k->msg, sizeof(k->msg), "%s", err_msg());
    return rc ? KMS_E_INTERNAL : KMS_OK;
}

enum kms_error kms_op_describe_key(struct kms_call *k)
{
    struct meta_kms_key key;
    enum kms_error e = kms_call_key(k, "kms:DescribeKey", &key);
    if (e)
        return e;
    json_object_set_new(k->resp, "KeyMetadata", kms_key_metadata(&key));
    meta_kms_key_clear(&key);
    return KMS_OK;
}

struct kms_list_keys {
    json_t *keys;
    const char *marker;
    long limit;
    const char *next;
    char last[40];
    int truncated;
};

static int kms_list_keys_row(void *payload, const struct meta_kms_key *key)
{
    struct kms_list_keys *l = payload;
    if ((l->marker && strcmp(key->key_id, l->marker) <= 0) || kms_key_deleted(key))
        return 0;
    if ((long)json_array_size(l->keys) == l->limit) {
        l->truncated = 1;
        return 1;
    }
    json_t *o = json_object();
    json_object_set_new(o, "KeyId", json_string(key->key_id));
    json_object_set_new(o, "KeyArn", json_string(key->arn));
    json_array_append_new(l->keys, o);
    snprintf(l->last, sizeof(l->last), "%s", key->key_id);
    return 0;
}

enum kms_error kms_op_list_keys(struct kms_call *k)
{
    struct kms_list_keys l = {json_array(), NULL, 100, NULL, "", 0};
    int present;
    enum kms_error e = kms_arg_int(k, "Limit", 1, 1000, &l.limit, &present);
    if (!e)
        e = kms_arg_str(k, "Marker", 0, &l.marker);
    int rc = e ? 0 : meta_kms_key_list(k->c->meta, kms_caller_account(k->c), kms_list_keys_row, &l);
    if (!e && rc < 0) {
        snprintf(k->msg, sizeof(k->msg), "%s", err_msg());
        e = KMS_E_INTERNAL;
    }
    json_object_set_new(k->resp, "Keys", l.keys);
    json_object_set_new(k->resp, "Truncated", json_boolean(l.truncated));
    if (l.truncated)
        json_object_set_new(k->resp, "NextMarker", json_string(l.last));
    return e;
}

static enum kms_error kms_set_enabled(struct kms_call *k, const char *action, int enabled)
{
    struct meta_kms_key key;
    enum kms_error e = kms_call_key(k, action, &key);
    if (e)
        return e;
    if (strcmp(key.state, "PendingDeletion") == 0) {
        snprintf(k->msg, sizeof(k->msg), "%s is pending deletion.", key.arn);
        e = KMS_E_INVALID_STATE;
    } else {
        snprintf(key.state, sizeof(key.state), "%s", enabled ? "Enabled" : "Disabled");
        e = kms_key_save(k, &key);
    }
    meta_kms_key_clear(&key);
    return e;
}

enum kms_error kms_op_enable_key(struct kms_call *k)
{
    return kms_set_enabled(k, "kms:EnableKey", 1);
}

enum kms_error kms_op_disable_key(struct kms_call *k)
{
    return kms_set_enabled(k, "kms:DisableKey", 0);
}

enum kms_error kms_op_schedule_key_deletion(struct kms_call *k)
{
    long days = 30;
    int present;
    enum kms_error e = kms_arg_int(k, "PendingWindowInDays", 7, 30, &days, &present);
    struct meta_kms_key key;
    if (!e)
        e = kms_call_key(k, "kms:ScheduleKeyDeletion", &key);
    if (e)
        return e;
    if (strcmp(key.state, "PendingDeletion") == 0) {
        snprintf(k->msg, sizeof(k->msg), "%s is pending deletion.", key.arn);
        e = KMS_E_INVALID_STATE;
    } else {
        snprintf(key.state, sizeof(key.state), "PendingDeletion");
        key.deletion_ms = clock_now_ms() + days * KMS_DAY_MS;
        e = kms_key_save(k, &key);
    }
    if (!e) {
        json_object_set_new(k->resp, "KeyId", json_string(key.arn));
        json_object_set_new(k->resp, "DeletionDate", kms_json_time(key.deletion_ms));
        json_object_set_new(k->resp, "KeyState", json_string(key.state));
        json_object_set_new(k->resp, "PendingWindowInDays", json_integer(days));
    }
    meta_kms_key_clear(&key);
    return e;
}

enum kms_error kms_op_cancel_key_deletion(struct kms_call *k)
{
    struct meta_kms_key key;
    enum kms_error e = kms_call_key(k, "kms:CancelKeyDeletion", &key);
    if (e)
        return e;
    if (strcmp(key.state, "PendingDeletion") != 0) {
        snprintf(k->msg, sizeof(k->msg), "%s is not pending deletion.", key.arn);
        e = KMS_E_INVALID_STATE;
    } else {
        snprintf(key.state, sizeof(key.state), "Disabled"); /* as AWS: cancelled keys are off */
        key.deletion_ms = 0;
        e = kms_key_save(k, &key);
    }
    if (!e)
        json_object_set_new(k->resp, "KeyId", json_string(key.arn));
    meta_kms_key_clear(&key);
    return e;
}

static enum kms_error kms_policy_name(struct kms_call *k, int required)
{
    const char *name;
    enum kms_error e = kms_arg_str(k, "PolicyName", required, &name);
    if (!e && name && strcmp(name, "default") != 0) {
        snprintf(k->msg, sizeof(k->msg), "No such policy exists: %s", name);
        e = KMS_E_NOT_FOUND;
    }
    return e;
}

enum kms_error kms_op_get_key_policy(struct kms_call *k)
{
    struct meta_kms_key key;
    enum kms_error e = kms_policy_name(k, 0);
    if (!e)
        e = kms_call_key(k, "kms:GetKeyPolicy", &key);
    if (e)
        return e;
    json_object_set_new(k->resp, "Policy", json_string(key.policy));
    json_object_set_new(k->resp, "PolicyName", json_string("default"));
    meta_kms_key_clear(&key);
    return KMS_OK;
}

enum kms_error kms_op_put_key_policy(struct kms_call *k)
{
    const char *policy;
    struct meta_kms_key key;
    enum kms_error e = kms_policy_name(k, 0);
    if (!e)
        e = kms_arg_str(k, "Policy", 1, &policy);
    if (!e)
        e = kms_policy_check(policy, k->msg, sizeof(k->msg));
    if (!e)
        e = kms_call_key(k, "kms:PutKeyPolicy", &key);
    if (e)
        return e;
    if (!kms_arg_bypass(k))
        e = kms_policy_lockout_check(k->c, policy, key.arn, k->msg, sizeof(k->msg));
    if (e) {
        meta_kms_key_clear(&key);
        return e;
    }
    char *dup = strdup(policy);
    if (!dup) {
        meta_kms_key_clear(&key);
        return KMS_E_INTERNAL;
    }
    free(key.policy);
    key.policy = dup;
    e = kms_key_save(k, &key);
    meta_kms_key_clear(&key);
    return e;
}

enum kms_error kms_op_list_key_policies(struct kms_call *k)
{
    struct meta_kms_key key;
    enum kms_error e = kms_call_key(k, "kms:ListKeyPolicies", &key);
    if (e)
        return e;
    meta_kms_key_clear(&key);
    json_t *names = json_array();
    json_array_append_new(names, json_string("default"));
    json_object_set_new(k->resp, "PolicyNames", names);
    json_object_set_new(k->resp, "Truncated", json_false());
    return KMS_OK;
}

/* A new backing key version; ciphertexts of the old ones still decrypt (they name theirs). */
enum kms_error kms_op_rotate_key_on_demand(struct kms_call *k)
{
    struct meta_kms_key key;
    enum kms_error e = kms_call_key(k, "kms:RotateKeyOnDemand", &key);
    if (e)
        return e;
    e = kms_key_usable(&key, k->msg, sizeof(k->msg));
    if (!e)
        e = kms_material_rotate(k->c, &key, k->msg, sizeof(k->msg));
    if (!e)
        json_object_set_new(k->resp, "KeyId", json_string(key.key_id));
    meta_kms_key_clear(&key);
    return e;
}
