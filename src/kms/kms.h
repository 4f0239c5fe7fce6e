/* kms.h — the built-in key service (issue 11): AWS KMS's symmetric keys per account.
 *
 * Keys live in the metadata store (meta.h, KMS block; schema v11): KeyMetadata fields, a key
 * policy (the IAM policy language, evaluated with src/authz/'s engine) and backing key
 * versions whose 256-bit material is wrapped by the server master key (crypto/keys.h,
 * keys_master_current()). A key is named by its id (UUID), its ARN
 * arn:aws:kms:REGION:ACCOUNT:key/ID, an alias name "alias/NAME" or an alias ARN
 * arn:aws:kms:REGION:ACCOUNT:alias/NAME; a bare id or alias name means the caller's account.
 *
 * Every call passes the key policy: the caller (an account, or the service
 * "s3.amazonaws.com" acting for one) must be allowed the action (kms:Encrypt, …) on the key's
 * ARN. The default policy lets the key's account root do kms:*.
 *
 * Errors (distinct, so that S3 maps them as AWS does): KMS_E_NOT_FOUND (no such key or alias,
 * or a key of another account the caller may not see), KMS_E_DISABLED (Disabled),
 * KMS_E_INVALID_STATE (PendingDeletion, or a state change that does not apply),
 * KMS_E_DENIED (the key policy does not allow it), KMS_E_INVALID_CIPHERTEXT, KMS_E_INVALID
 * (a malformed argument), KMS_E_INTERNAL (storage; err_msg() says). */
#ifndef STOCKTAKE_KMS_KMS_H
#define STOCKTAKE_KMS_KMS_H

#include <stddef.h>
#include <stdint.h>

#include "authz/authz.h"
#include "core/err.h"
#include "kms/kms_blob.h"
#include "meta/meta.h"

enum kms_error {
    KMS_OK = 0,
    KMS_E_NOT_FOUND,
    KMS_E_DISABLED,
    KMS_E_INVALID_STATE,
    KMS_E_DENIED,
    KMS_E_INVALID_CIPHERTEXT,
    KMS_E_INVALID,
    KMS_E_EXISTS,
    KMS_E_MALFORMED_POLICY,
    KMS_E_INVALID_ALIAS,
    KMS_E_UNSUPPORTED,
    KMS_E_INCORRECT_KEY,
    KMS_E_INTERNAL
};

/* The AWS exception name of e ("NotFoundException"). */
const char *kms_error_name(enum kms_error e);

/* Who calls and where: the caller's principal and, for a service principal, the account and
 * resource it acts for (aws:SourceAccount / aws:SourceArn). */
struct kms_caller {
    struct meta_store *meta;
    const char *region;
    struct authz_principal who;
    const char *source_account; /* service principals: the account acted for */
    const char *source_arn;
    int secure_transport;
    const char *source_ip;
};

/* The account a call's bare key ids and alias names belong to. */
const char *kms_caller_account(const struct kms_caller *c);

/* The key a reference names (a key of another account only by ARN); no policy check.
 * Returns an enum kms_error (KMS_E_NOT_FOUND, KMS_E_INVALID, KMS_E_INTERNAL) with msg set. */
int kms_key_find(const struct kms_caller *c, const char *ref, struct meta_kms_key *out, char *msg,
                 size_t msg_size) WARN_UNUSED;
/* kms_key_find, then the key policy must allow action ("kms:Encrypt"). */
enum kms_error kms_key_open(const struct kms_caller *c, const char *ref, const char *action,
                            struct meta_kms_key *out, char *msg, size_t msg_size);
/* A key past its DeletionDate: deleted (every lookup answers as for a key that never was;
 * its rows stay until a purge, which is not built). */
int kms_key_deleted(const struct meta_kms_key *k);
/* The key's state allows cryptographic use: Enabled. */
enum kms_error kms_key_usable(const struct meta_kms_key *k, char *msg, size_t msg_size);

/* A new key of the caller's account (Enabled, version 1, the default policy unless policy is
 * given), into out. */
enum kms_error kms_key_create(const struct kms_caller *c, const char *description,
                              const char *policy, struct meta_kms_key *out, char *msg,
                              size_t msg_size);
/* The default key policy for account (malloc'd JSON). */
char *kms_policy_default(const char *account);
/* Check a key policy document: 0, or KMS_E_MALFORMED_POLICY with AWS's message in msg. */
enum kms_error kms_policy_check(const char *json, char *msg, size_t msg_size);
/* Does the policy document allow c the action on the key arn? */
int kms_policy_doc_allows(const struct kms_caller *c, const char *policy, const char *arn,
                          const char *action);
/* AWS's lockout safety check: the policy must let c do kms:PutKeyPolicy on arn later, else
 * KMS_E_MALFORMED_POLICY (BypassPolicyLockoutSafetyCheck skips it). */
enum kms_error kms_policy_lockout_check(const struct kms_caller *c, const char *policy,
                                        const char *arn, char *msg, size_t msg_size);
/* Does the key's policy allow c the action on k? */
int kms_policy_allows(const struct kms_caller *c, const struct meta_kms_key *k, const char *action);

/* Material: version's plain 256-bit key (unwrapped with the master key). */
enum kms_error kms_material_get(const struct kms_caller *c, const struct meta_kms_key *k,
                                uint32_t version, uint8_t out[32], char *msg, size_t msg_size);

/* Rotation: a new backing key version becomes the key's current one (k updated; with automatic
 * rotation on, its period starts again now). */
enum kms_error kms_material_rotate(const struct kms_caller *c, struct meta_kms_key *k, char *msg,
                                   size_t msg_size);
/* Automatic rotation (EnableKeyRotation): the key rotates when it is used for encryption once
 * its period (real days) has passed since it was enabled or last rotated, so no worker is
 * needed and a key nobody uses keeps its material, which no ciphertext could tell apart. */
#define KMS_DAY_MS (24LL * 3600 * 1000)
enum kms_error kms_rotation_apply_due(const struct kms_caller *c, struct meta_kms_key *k, char *msg,
                                      size_t msg_size);

/* The canonical form of an encryption context (a JSON object of string values; NULL or empty:
 * ""): its members sorted by name, compact JSON. ERR_INVALID when not such an object. */
int kms_ctx_canon(const char *json, size_t len, char **out) WARN_UNUSED;

/* Encrypt plain under key ref with the canonical context ctx ("" for none): *blob malloc'd. */
enum kms_error kms_encrypt(const struct kms_caller *c, const char *ref, const char *action,
                           const uint8_t *plain, size_t plain_len, const char *ctx, uint8_t **blob,
                           size_t *blob_len, char *key_arn, size_t arn_size, char *msg,
                           size_t msg_size);
/* Decrypt a blob (its key id names the key; ref, when not NULL, must name the same key). */
enum kms_error kms_decrypt(const struct kms_caller *c, const char *ref, const uint8_t *blob,
                           size_t blob_len, const char *ctx, uint8_t **plain, size_t *plain_len,
                           char *key_arn, size_t arn_size, char *msg, size_t msg_size);

/* The C API for SSE-KMS (the S3 side): a fresh 256-bit data key under key ref for the caller,
 * with context_json (an encryption context object, or NULL) bound as AAD; *blob malloc'd;
 * key_arn gets the key's ARN (x-amz-server-side-encryption-aws-kms-key-id). */
enum kms_error kms_data_key_generate(const struct kms_caller *c, const char *ref,
                                     const char *context_json, uint8_t plain[32], uint8_t **blob,
                                     size_t *blob_len, char *key_arn, size_t arn_size);
/* The data key back from its blob (same context). */
enum kms_error kms_data_key_decrypt(const struct kms_caller *c, const uint8_t *blob,
                                    size_t blob_len, const char *context_json, uint8_t plain[32]);

/* The JSON 1.1 API: one TrentService request (target: the X-Amz-Target header's value,
 * body: its JSON) → the HTTP status and the JSON answer (malloc'd), success or AWS error. */
void kms_api_handle(const struct kms_caller *c, const char *target, const char *body, size_t len,
                    int *status, char **out);
/* The request body's JSON object ("" is {}), or NULL with msg set (fuzzed: tests/fuzz). */
struct json_t *kms_api_parse(const char *body, size_t len, char *msg, size_t msg_size);

#endif
