/* kms_keys.c — resolving key references, key creation, states and backing key material
 * (kms.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/hash.h"
#include "crypto/keys.h"
#include "kms/kms.h"

static const char *const kms_error_names[] = {
    [KMS_OK] = "",
    [KMS_E_NOT_FOUND] = "NotFoundException",
    [KMS_E_DISABLED] = "DisabledException",
    [KMS_E_INVALID_STATE] = "KMSInvalidStateException",
    [KMS_E_DENIED] = "AccessDeniedException",
    [KMS_E_INVALID_CIPHERTEXT] = "InvalidCiphertextException",
    [KMS_E_INVALID] = "ValidationException",
    [KMS_E_EXISTS] = "AlreadyExistsException",
    [KMS_E_MALFORMED_POLICY] = "MalformedPolicyDocumentException",
    [KMS_E_INVALID_ALIAS] = "InvalidAliasNameException",
    [KMS_E_UNSUPPORTED] = "UnsupportedOperationException",
    [KMS_E_INCORRECT_KEY] = "IncorrectKeyException",
    [KMS_E_INTERNAL] = "KMSInternalException",
};

const char *kms_error_name(enum kms_error e)
{
    return (size_t)e < sizeof(kms_error_names) / sizeof(kms_error_names[0])
               ? kms_error_names[e]
               : "KMSInternalException";
}

const char *kms_caller_account(const struct kms_caller *c)
{
    if (c->who.kind == AUTHZ_PRINCIPAL_SERVICE)
        return c->source_account ? c->source_account : "";
    return c->who.account_id;
}

int kms_key_deleted(const struct meta_kms_key *k)
{
    return strcmp(k->state, "PendingDeletion") == 0 && k->deletion_ms <= clock_now_ms();
}

/* "arn:aws:kms:REGION:ACCOUNT:<rest>" → account and rest; 0 when not such an ARN. */
static int kms_arn_split(const char *ref, const char *region, char account[13], const char **rest)
{
    static const char pfx[] = "arn:aws:kms:";
    if (strncmp(ref, pfx, sizeof(pfx) - 1) != 0)
        return 0;
    const char *r = ref + sizeof(pfx) - 1;
    size_t rl = strlen(region);
    if (strncmp(r, region, rl) != 0 || r[rl] != ':')
        return 0;
    const char *a = r + rl + 1, *colon = strchr(a, ':');
    if (!colon || colon - a != 12)
        return 0;
    memcpy(account, a, 12);
    account[12] = 0;
    *rest = colon + 1;
    return 1;
}

static enum kms_error kms_key_by_id(const struct kms_caller *c, const char *account, const char *id,
                                    const char *ref, struct meta_kms_key *out, char *msg,
                                    size_t msg_size)
{
    int rc = strlen(id) == KMS_KEY_ID_LEN ? meta_kms_key_get(c->meta, id, out) : ERR_NOTFOUND;
    if (!rc && (strcmp(out->account, account) != 0 || kms_key_deleted(out))) {
        meta_kms_key_clear(out);
        rc = ERR_NOTFOUND;
    }
    if (rc == ERR_NOTFOUND) {
        snprintf(msg, msg_size, "Key '%s' does not exist", ref);
        return KMS_E_NOT_FOUND;
    }
    if (rc) {
        snprintf(msg, msg_size, "%s", err_msg());
        return KMS_E_INTERNAL;
    }
    return KMS_OK;
}

static enum kms_error kms_key_by_alias(const struct kms_caller *c, const char *account,
                                       const char *alias, const char *ref, struct meta_kms_key *out,
                                       char *msg, size_t msg_size)
{
    struct meta_kms_alias a;
    int rc = meta_kms_alias_get(c->meta, account, alias, &a);
    if (rc == ERR_NOTFOUND) {
        snprintf(msg, msg_size, "Alias '%s' is not found.", ref);
        return KMS_E_NOT_FOUND;
    }
    if (rc) {
        snprintf(msg, msg_size, "%s", err_msg());
        return KMS_E_INTERNAL;
    }
    return kms_key_by_id(c, account, a.key_id, ref, out, msg, msg_size);
}

int kms_key_find(const struct kms_caller *c, const char *ref, struct meta_kms_key *out, char *msg,
                 size_t msg_size)
{
    memset(out, 0, sizeof(*out));
    char account[13];
    const char *rest = NULL;
    if (!ref || !*ref) {
        snprintf(msg, msg_size, "KeyId is required");
        return KMS_E_INVALID;
    }
    if (kms_arn_split(ref, c->region, account, &rest)) {
        if (strncmp(rest, "key/", 4) == 0)
            return kms_key_by_id(c, account, rest + 4, ref, out, msg, msg_size);
        if (strncmp(rest, "alias/", 6) == 0)
            return kms_key_by_alias(c, account, rest, ref, out, msg, msg_size);
    } else if (strncmp(ref, "arn:", 4) != 0) {
        const char *own = kms_caller_account(c);
        if (strncmp(ref, "alias/", 6) == 0)
            return kms_key_by_alias(c, own, ref, ref, out, msg, msg_size);
        return kms_key_by_id(c, own, ref, ref, out, msg, msg_size);
    }
    snprintf(msg, msg_size, "Invalid keyId '%s'", ref);
    return KMS_E_NOT_FOUND;
}

enum kms_error kms_key_open(const struct kms_caller *c, const char *ref, const char *action,
                            struct meta_kms_key *out, char *msg, size_t msg_size)
{
    enum kms_error e = (enum kms_error)kms_key_find(c, ref, out, msg, msg_size);
    if (e)
        return e;
    if (!kms_policy_allows(c, out, action)) {
        const char *acct = kms_caller_account(c);
        snprintf(msg, msg_size,
                 "User: arn:aws:iam::%s:root is not authorized to perform: %s on resource: %s "
                 "because no resource-based policy allows the %s action",
                 *acct ? acct : "anonymous", action, out->arn, action);
        meta_kms_key_clear(out);
        return KMS_E_DENIED;
    }
    return KMS_OK;
}

enum kms_error kms_key_usable(const struct meta_kms_key *k, char *msg, size_t msg_size)
{
    if (strcmp(k->state, "Disabled") == 0) {
        snprintf(msg, msg_size, "%s is disabled.", k->arn);
        return KMS_E_DISABLED;
    }
    if (strcmp(k->state, "Enabled") != 0) {
        snprintf(msg, msg_size, "%s is pending deletion.", k->arn);
        return KMS_E_INVALID_STATE;
    }
    return KMS_OK;
}

static void kms_bind_id(const char *key_id, uint32_t version, char *out, size_t size)
{
    snprintf(out, size, "kms:%s:%u", key_id, (unsigned)version);
}

static enum kms_error kms_master(const struct keys_master **out, char *msg, size_t msg_size)
{
    *out = keys_master_current();
    if (!*out) {
        snprintf(msg, msg_size, "The key service has no master key loaded");
        return KMS_E_INTERNAL;
    }
    return KMS_OK;
}

enum kms_error kms_key_create(const struct kms_caller *c, const char *description,
                              const char *policy, struct meta_kms_key *out, char *msg,
                              size_t msg_size)
{
    const struct keys_master *mk;
    enum kms_error e = kms_master(&mk, msg, msg_size);
    if (e)
        return e;
    memset(out, 0, sizeof(*out));
    const char *account = kms_caller_account(c);
    hash_uuid(out->key_id);
    snprintf(out->account, sizeof(out->account), "%s", account);
    snprintf(out->arn, sizeof(out->arn), "arn:aws:kms:%s:%s:key/%s", c->region, account,
             out->key_id);
    snprintf(out->state, sizeof(out->state), "Enabled");
    out->created_ms = clock_now_ms();
    out->current_version = 1;
    out->description = strdup(description ? description : "");
    out->policy = policy ? strdup(policy) : kms_policy_default(account);
    uint8_t material[32];
    keys_data_new(material);
    char bind[64], *wrapped = NULL;
    kms_bind_id(out->key_id, 1, bind, sizeof(bind));
    int rc = out->description && out->policy ? keys_wrap(mk, bind, material, &wrapped) : ERR_NOMEM;
    memset(material, 0, sizeof(material));
    if (!rc)
        rc = meta_kms_key_create(c->meta, out, wrapped);
    free(wrapped);
    if (rc) {
        snprintf(msg, msg_size, "%s", err_msg());
        meta_kms_key_clear(out);
        return KMS_E_INTERNAL;
    }
    return KMS_OK;
}

enum kms_error kms_material_get(const struct kms_caller *c, const struct meta_kms_key *k,
                                uint32_t version, uint8_t out[32], char *msg, size_t msg_size)
{
    const struct keys_master *mk;
    enum kms_error e = kms_master(&mk, msg, msg_size);
    if (e)
        return e;
    char *wrapped = NULL, bind[64];
    int rc = meta_kms_material_get(c->meta, k->key_id, version, &wrapped);
    if (rc == ERR_NOTFOUND) {
        snprintf(msg, msg_size, "The ciphertext refers to a key version that does not exist");
        return KMS_E_INVALID_CIPHERTEXT;
    }
    kms_bind_id(k->key_id, version, bind, sizeof(bind));
    if (!rc)
        rc = keys_unwrap(mk, wrapped, bind, out);
    free(wrapped);
    if (rc) {
        snprintf(msg, msg_size, "The key material does not unwrap under the master key");
        return KMS_E_INTERNAL;
    }
    return KMS_OK;
}

enum kms_error kms_material_rotate(const struct kms_caller *c, struct meta_kms_key *k, char *msg,
                                   size_t msg_size)
{
    const struct keys_master *mk;
    enum kms_error e = kms_master(&mk, msg, msg_size);
    if (e)
        return e;
    uint8_t material[32];
    char bind[64], *wrapped = NULL;
    uint32_t version = k->current_version + 1;
    keys_data_new(material);
    kms_bind_id(k->key_id, version, bind, sizeof(bind));
    int rc = keys_wrap(mk, bind, material, &wrapped);
    memset(material, 0, sizeof(material));
    if (!rc)
        rc = meta_kms_material_add(c->meta, k->key_id, version, wrapped, clock_now_ms());
    free(wrapped);
    if (rc) {
        snprintf(msg, msg_size, "%s", err_msg());
        return KMS_E_INTERNAL;
    }
    k->current_version = version;
    if (!k->rotation_days)
        return KMS_OK;
    k->rotation_from_ms = clock_now_ms();
    if (meta_kms_key_update(c->meta, k)) {
        snprintf(msg, msg_size, "%s", err_msg());
        return KMS_E_INTERNAL;
    }
    return KMS_OK;
}

enum kms_error kms_rotation_apply_due(const struct kms_caller *c, struct meta_kms_key *k, char *msg,
                                      size_t msg_size)
{
    if (!k->rotation_days || clock_now_ms() < k->rotation_from_ms + k->rotation_days * KMS_DAY_MS)
        return KMS_OK;
    return kms_material_rotate(c, k, msg, msg_size);
}
