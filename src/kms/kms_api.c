/* kms_api.c — the AWS KMS JSON 1.1 protocol (kms.h, kms_api_handle): X-Amz-Target
 * "TrentService.<Op>" picks the operation, the body is a JSON object of its arguments, the
 * answer is a JSON object or an AWS error {"__type": "...Exception", "message": "..."}.
 * An operation this service does not implement answers UnsupportedOperationException. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "kms/kms_api_int.h"

/* AWS: a KMS request body is at most 1 MB; ours carry at most a 4 KB plaintext. */
#define KMS_API_MAX_BODY (64 * 1024)

struct kms_op {
    const char *name;
    kms_op_fn *fn;
};

static const struct kms_op kms_ops[] = {
    {"CreateKey", kms_op_create_key},
    {"DescribeKey", kms_op_describe_key},
    {"ListKeys", kms_op_list_keys},
    {"EnableKey", kms_op_enable_key},
    {"DisableKey", kms_op_disable_key},
    {"ScheduleKeyDeletion", kms_op_schedule_key_deletion},
    {"CancelKeyDeletion", kms_op_cancel_key_deletion},
    {"GetKeyPolicy", kms_op_get_key_policy},
    {"PutKeyPolicy", kms_op_put_key_policy},
    {"ListKeyPolicies", kms_op_list_key_policies},
    {"RotateKeyOnDemand", kms_op_rotate_key_on_demand},
    {"EnableKeyRotation", kms_op_enable_key_rotation},
    {"DisableKeyRotation", kms_op_disable_key_rotation},
    {"GetKeyRotationStatus", kms_op_get_key_rotation_status},
    {"CreateAlias", kms_op_create_alias},
    {"UpdateAlias", kms_op_update_alias},
    {"DeleteAlias", kms_op_delete_alias},
    {"ListAliases", kms_op_list_aliases},
    {"Encrypt", kms_op_encrypt},
    {"Decrypt", kms_op_decrypt},
    {"GenerateDataKey", kms_op_generate_data_key},
    {"GenerateDataKeyWithoutPlaintext", kms_op_generate_data_key_without_plaintext},
};

enum kms_error kms_arg_str(struct kms_call *k, const char *name, int required, const char **out)
{
    json_t *v = json_object_get(k->req, name);
    *out = NULL;
    if (!v && !required)
        return KMS_OK;
    if (!v || !json_is_string(v)) {
        snprintf(k->msg, sizeof(k->msg), "%s %s", name, v ? "must be a string" : "is required");
        return KMS_E_INVALID;
    }
    *out = json_string_value(v);
    return KMS_OK;
}

enum kms_error kms_arg_int(struct kms_call *k, const char *name, long lo, long hi, long *out,
                           int *present)
{
    json_t *v = json_object_get(k->req, name);
    *present = v != NULL;
    if (!v)
        return KMS_OK;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        snprintf(k->msg, sizeof(k->msg),
                 "1 validation error detected: Value at '%s' failed to satisfy constraint: "
                 "Member must have value between %ld and %ld",
                 name, lo, hi);
        return KMS_E_INVALID;
    }
    *out = (long)json_integer_value(v);
    return KMS_OK;
}

enum kms_error kms_arg_ctx(struct kms_call *k, char **out)
{
    json_t *v = json_object_get(k->req, "EncryptionContext");
    char *raw = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    int rc = kms_ctx_canon(raw, raw ? strlen(raw) : 0, out);
    free(raw);
    if (rc) {
        snprintf(k->msg, sizeof(k->msg), "EncryptionContext must be a map of strings");
        return KMS_E_INVALID;
    }
    return KMS_OK;
}

enum kms_error kms_arg_blob(struct kms_call *k, const char *name, size_t max, uint8_t **out,
                            size_t *len)
{
    const char *s;
    enum kms_error e = kms_arg_str(k, name, 1, &s);
    if (e)
        return e;
    size_t n = strlen(s);
    uint8_t *b = malloc(n * 3 / 4 + 4);
    long got = b ? hash_unbase64(s, n, b) : ERR_NOMEM;
    if (got <= 0 || (size_t)got > max) {
        free(b);
        snprintf(k->msg, sizeof(k->msg),
                 "1 validation error detected: Value at '%s' failed to satisfy constraint: "
                 "Member must have length between 1 and %zu (base64)",
                 name, max);
        return KMS_E_INVALID;
    }
    *out = b;
    *len = (size_t)got;
    return KMS_OK;
}

enum kms_error kms_arg_only(struct kms_call *k, const char *name, const char *only)
{
    json_t *v = json_object_get(k->req, name);
    if (!v || (only && json_is_string(v) && strcmp(json_string_value(v), only) == 0))
        return KMS_OK;
    if (json_is_false(v) || (json_is_array(v) && json_array_size(v) == 0))
        return KMS_OK;
    snprintf(k->msg, sizeof(k->msg), "%s%s%s is not supported by this key service", name,
             only ? " other than " : "", only ? only : "");
    return KMS_E_UNSUPPORTED;
}

void kms_resp_blob(struct kms_call *k, const char *name, const uint8_t *b, size_t n)
{
    char *s = malloc(4 * ((n + 2) / 3) + 1);
    if (!s)
        return;
    hash_base64(b, n, s);
    json_object_set_new(k->resp, name, json_string(s));
    memset(s, 0, strlen(s));
    free(s);
}

json_t *kms_json_time(int64_t ms)
{
    return json_real((double)ms / 1000.0);
}

json_t *kms_key_metadata(const struct meta_kms_key *key)
{
    json_t *m = json_object();
    json_object_set_new(m, "AWSAccountId", json_string(key->account));
    json_object_set_new(m, "KeyId", json_string(key->key_id));
    json_object_set_new(m, "Arn", json_string(key->arn));
    json_object_set_new(m, "CreationDate", kms_json_time(key->created_ms));
    json_object_set_new(m, "Enabled", json_boolean(strcmp(key->state, "Enabled") == 0));
    json_object_set_new(m, "Description", json_string(key->description ? key->description : ""));
    json_object_set_new(m, "KeyUsage", json_string("ENCRYPT_DECRYPT"));
    json_object_set_new(m, "KeyState", json_string(key->state));
    if (key->deletion_ms)
        json_object_set_new(m, "DeletionDate", kms_json_time(key->deletion_ms));
    json_object_set_new(m, "Origin", json_string("AWS_KMS"));
    json_object_set_new(m, "KeyManager", json_string("CUSTOMER"));
    json_object_set_new(m, "CustomerMasterKeySpec", json_string("SYMMETRIC_DEFAULT"));
    json_object_set_new(m, "KeySpec", json_string("SYMMETRIC_DEFAULT"));
    json_t *algs = json_array();
    json_array_append_new(algs, json_string("SYMMETRIC_DEFAULT"));
    json_object_set_new(m, "EncryptionAlgorithms", algs);
    json_object_set_new(m, "MultiRegion", json_false());
    return m;
}

static const struct kms_op *kms_op_find(const char *target)
{
    static const char pfx[] = "TrentService.";
    if (!target || strncmp(target, pfx, sizeof(pfx) - 1) != 0)
        return NULL;
    for (size_t i = 0; i < sizeof(kms_ops) / sizeof(kms_ops[0]); i++) {
        if (strcmp(target + sizeof(pfx) - 1, kms_ops[i].name) == 0)
            return &kms_ops[i];
    }
    return NULL;
}

/* The request's JSON object (an empty body is {}), or NULL with k->msg set. */
json_t *kms_api_parse(const char *body, size_t len, char *msg, size_t msg_size)
{
    if (len > KMS_API_MAX_BODY) {
        snprintf(msg, msg_size, "The request body is too large");
        return NULL;
    }
    if (len == 0)
        return json_object();
    json_error_t jerr;
    json_t *req = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!req || !json_is_object(req)) {
        snprintf(msg, msg_size, "The request body is not a JSON object");
        json_decref(req);
        return NULL;
    }
    return req;
}

static char *kms_api_error(enum kms_error e, const char *msg, int *status)
{
    *status = e == KMS_E_INTERNAL ? 500 : 400;
    json_t *o = json_object();
    json_object_set_new(o, "__type", json_string(kms_error_name(e)));
    json_object_set_new(o, "message", json_string(msg));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

void kms_api_handle(const struct kms_caller *c, const char *target, const char *body, size_t len,
                    int *status, char **out)
{
    struct kms_call k = {c, NULL, NULL, ""};
    const struct kms_op *op = kms_op_find(target);
    enum kms_error e = KMS_OK;
    if (!op) {
        snprintf(k.msg, sizeof(k.msg), "The operation %s is not supported by this key service",
                 target ? target : "");
        e = KMS_E_UNSUPPORTED;
    } else if (c->who.kind == AUTHZ_PRINCIPAL_ANONYMOUS) {
        snprintf(k.msg, sizeof(k.msg), "The request must be signed (SigV4, service kms)");
        e = KMS_E_DENIED;
    } else if (!(k.req = kms_api_parse(body, len, k.msg, sizeof(k.msg)))) {
        e = KMS_E_INVALID;
    }
    if (!e) {
        k.resp = json_object();
        e = op->fn(&k);
    }
    if (e) {
        *out = kms_api_error(e, k.msg, status);
    } else {
        *status = 200;
        *out = json_dumps(k.resp, JSON_COMPACT);
    }
    json_decref(k.req);
    json_decref(k.resp);
}
