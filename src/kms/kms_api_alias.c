/* kms_api_alias.c — aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. An alias
 * "alias/NAME" belongs to the caller's account and points at one of its keys; "alias/aws/" is
 * reserved for AWS managed keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "kms/kms_api_int.h"

#define KMS_ALIAS_MAX 256

static enum kms_error kms_alias_name(struct kms_call *k, const char **out)
{
    enum kms_error e = kms_arg_str(k, "AliasName", 1, out);
    if (e)
        return e;
    const char *a = *out;
    size_t n = strlen(a);
    int ok = n > 6 && n <= KMS_ALIAS_MAX && strncmp(a, "alias/", 6) == 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = (a[i] >= 'a' && a[i] <= 'z') || (a[i] >= 'A' && a[i] <= 'Z') ||
             (a[i] >= '0' && a[i] <= '9') || a[i] == '/' || a[i] == '_' || a[i] == '-';
    if (!ok) {
        snprintf(k->msg, sizeof(k->msg),
                 "Alias %s must begin with alias/ and contain only alphanumeric characters, "
                 "forward slashes (/), underscores (_) and dashes (-), at most 256 in all",
                 a);
        return KMS_E_INVALID_ALIAS;
    }
    if (strncmp(a, "alias/aws/", 10) == 0) {
        snprintf(k->msg, sizeof(k->msg), "Alias %s: the alias/aws/ prefix is reserved", a);
        return KMS_E_INVALID_ALIAS;
    }
    return KMS_OK;
}

static void kms_alias_arn(const struct kms_call *k, const char *alias, char *out, size_t size)
{
    snprintf(out, size, "arn:aws:kms:%s:%s:%s", k->c->region, kms_caller_account(k->c), alias);
}

/* TargetKeyId: a key (not an alias) of the caller's account, not pending deletion, on which
 * the caller may do action. */
static enum kms_error kms_alias_target(struct kms_call *k, const char *action,
                                       struct meta_kms_key *key)
{
    const char *ref;
    enum kms_error e = kms_arg_str(k, "TargetKeyId", 1, &ref);
    if (!e && (strncmp(ref, "alias/", 6) == 0 || strstr(ref, ":alias/"))) {
        snprintf(k->msg, sizeof(k->msg), "TargetKeyId must be a key id or key ARN, not an alias");
        e = KMS_E_INVALID;
    }
    if (!e)
        e = kms_key_open(k->c, ref, action, key, k->msg, sizeof(k->msg));
    if (e)
        return e;
    if (strcmp(key->account, kms_caller_account(k->c)) != 0) {
        snprintf(k->msg, sizeof(k->msg), "An alias must point at a key of its own account");
        e = KMS_E_DENIED;
    } else if (strcmp(key->state, "PendingDeletion") == 0) {
        snprintf(k->msg, sizeof(k->msg), "%s is pending deletion.", key->arn);
        e = KMS_E_INVALID_STATE;
    }
    if (e)
        meta_kms_key_clear(key);
    return e;
}

static enum kms_error kms_alias_fail(struct kms_call *k, int rc, const char *alias)
{
    char arn[320];
    kms_alias_arn(k, alias, arn, sizeof(arn));
    if (rc == ERR_EXISTS) {
        snprintf(k->msg, sizeof(k->msg), "An alias with the name %s already exists", arn);
        return KMS_E_EXISTS;
    }
    if (rc == ERR_NOTFOUND) {
        snprintf(k->msg, sizeof(k->msg), "Alias %s is not found.", arn);
        return KMS_E_NOT_FOUND;
    }
    snprintf(k->msg, sizeof(k->msg), "%s", err_msg());
    return KMS_E_INTERNAL;
}

enum kms_error kms_op_create_alias(struct kms_call *k)
{
    const char *alias;
    struct meta_kms_key key;
    enum kms_error e = kms_alias_name(k, &alias);
    if (!e)
        e = kms_alias_target(k, "kms:CreateAlias", &key);
    if (e)
        return e;
    struct meta_kms_alias a;
    memset(&a, 0, sizeof(a));
    snprintf(a.account, sizeof(a.account), "%s", key.account);
    snprintf(a.alias, sizeof(a.alias), "%s", alias);
    snprintf(a.key_id, sizeof(a.key_id), "%s", key.key_id);
    a.created_ms = clock_now_ms();
    meta_kms_key_clear(&key);
    int rc = meta_kms_alias_create(k->c->meta, &a);
    return rc ? kms_alias_fail(k, rc, alias) : KMS_OK;
}

/* The alias named by AliasName and the caller's action on the key it points at. */
static enum kms_error kms_alias_existing(struct kms_call *k, const char *action,
                                         struct meta_kms_alias *a)
{
    const char *alias;
    enum kms_error e = kms_alias_name(k, &alias);
    if (e)
        return e;
    int rc = meta_kms_alias_get(k->c->meta, kms_caller_account(k->c), alias, a);
    if (rc)
        return kms_alias_fail(k, rc, alias);
    struct meta_kms_key key;
    e = kms_key_open(k->c, a->key_id, action, &key, k->msg, sizeof(k->msg));
    if (!e)
        meta_kms_key_clear(&key);
    return e;
}

enum kms_error kms_op_update_alias(struct kms_call *k)
{
    struct meta_kms_alias a;
    struct meta_kms_key key;
    enum kms_error e = kms_alias_existing(k, "kms:UpdateAlias", &a);
    if (!e)
        e = kms_alias_target(k, "kms:UpdateAlias", &key);
    if (e)
        return e;
    snprintf(a.key_id, sizeof(a.key_id), "%s", key.key_id);
    meta_kms_key_clear(&key);
    int rc = meta_kms_alias_set_key(k->c->meta, &a);
    return rc ? kms_alias_fail(k, rc, a.alias) : KMS_OK;
}

enum kms_error kms_op_delete_alias(struct kms_call *k)
{
    struct meta_kms_alias a;
    enum kms_error e = kms_alias_existing(k, "kms:DeleteAlias", &a);
    if (e)
        return e;
    int rc = meta_kms_alias_delete(k->c->meta, a.account, a.alias);
    return rc ? kms_alias_fail(k, rc, a.alias) : KMS_OK;
}

struct kms_list_aliases {
    struct kms_call *k;
    json_t *aliases;
    const char *marker;
    long limit;
    char last[264];
    int truncated;
};

static int kms_list_aliases_row(void *payload, const struct meta_kms_alias *a)
{
    struct kms_list_aliases *l = payload;
    if (l->marker && strcmp(a->alias, l->marker) <= 0)
        return 0;
    if ((long)json_array_size(l->aliases) == l->limit) {
        l->truncated = 1;
        return 1;
    }
    char arn[320];
    kms_alias_arn(l->k, a->alias, arn, sizeof(arn));
    json_t *o = json_object();
    json_object_set_new(o, "AliasName", json_string(a->alias));
    json_object_set_new(o, "AliasArn", json_string(arn));
    json_object_set_new(o, "TargetKeyId", json_string(a->key_id));
    json_object_set_new(o, "CreationDate", kms_json_time(a->created_ms));
    json_object_set_new(o, "LastUpdatedDate", kms_json_time(a->created_ms));
    json_array_append_new(l->aliases, o);
    snprintf(l->last, sizeof(l->last), "%s", a->alias);
    return 0;
}

enum kms_error kms_op_list_aliases(struct kms_call *k)
{
    struct kms_list_aliases l = {k, json_array(), NULL, 100, "", 0};
    const char *ref;
    int present;
    char key_id[40] = "";
    enum kms_error e = kms_arg_int(k, "Limit", 1, 100, &l.limit, &present);
    if (!e)
        e = kms_arg_str(k, "Marker", 0, &l.marker);
    if (!e)
        e = kms_arg_str(k, "KeyId", 0, &ref);
    if (!e && ref) {
        struct meta_kms_key key;
        e = kms_key_open(k->c, ref, "kms:ListAliases", &key, k->msg, sizeof(k->msg));
        if (!e)
            snprintf(key_id, sizeof(key_id), "%s", key.key_id);
        if (!e)
            meta_kms_key_clear(&key);
    }
    int rc = e ? 0
               : meta_kms_alias_list(k->c->meta, kms_caller_account(k->c), *key_id ? key_id : NULL,
                                     kms_list_aliases_row, &l);
    if (rc < 0) {
        snprintf(k->msg, sizeof(k->msg), "%s", err_msg());
        e = KMS_E_INTERNAL;
    }
    json_object_set_new(k->resp, "Aliases", l.aliases);
    json_object_set_new(k->resp, "Truncated", json_boolean(l.truncated));
    if (l.truncated)
        json_object_set_new(k->resp, "NextMarker", json_string(l.last));
    return e;
}
