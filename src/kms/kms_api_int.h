/* kms_api_int.h — private to the JSON API's files (kms_api*.c): one call's state, the
 * argument readers and the answer builders. */
#ifndef STOCKTAKE_KMS_API_INT_H
#define STOCKTAKE_KMS_API_INT_H

#include <jansson.h>

#include "kms/kms.h"

struct kms_call {
    const struct kms_caller *c;
    json_t *req;  /* the request object (borrowed) */
    json_t *resp; /* the answer object, built by the op */
    char msg[1024];
};

typedef enum kms_error kms_op_fn(struct kms_call *k);

/* A string member: *out NULL when absent; ValidationException when present and not a string
 * (or required and absent). */
enum kms_error kms_arg_str(struct kms_call *k, const char *name, int required, const char **out);
/* An integer member in [lo, hi]: *present 0 when absent. */
enum kms_error kms_arg_int(struct kms_call *k, const char *name, long lo, long hi, long *out,
                           int *present);
/* The EncryptionContext member, canonical (kms_ctx_canon; "" when absent), malloc'd. */
enum kms_error kms_arg_ctx(struct kms_call *k, char **out);
/* A base64 blob member (required), 1..max decoded bytes; *out malloc'd. */
enum kms_error kms_arg_blob(struct kms_call *k, const char *name, size_t max, uint8_t **out,
                            size_t *len);
/* A member that this service does not support, unless absent or equal to the one value it
 * does (NULL: absent only): UnsupportedOperationException. */
enum kms_error kms_arg_only(struct kms_call *k, const char *name, const char *only);

/* Set a base64 member of the answer. */
void kms_resp_blob(struct kms_call *k, const char *name, const uint8_t *b, size_t n);
/* The KeyMetadata object of a key. */
json_t *kms_key_metadata(const struct meta_kms_key *key);
/* Epoch seconds (AWS JSON timestamps). */
json_t *kms_json_time(int64_t ms);

/* The key named by the KeyId argument, the caller allowed action on it (kms_api_keys.c). */
enum kms_error kms_call_key(struct kms_call *k, const char *action, struct meta_kms_key *key);
/* Store key's changed fields. */
enum kms_error kms_key_save(struct kms_call *k, struct meta_kms_key *key);

/* Ops (kms_api_keys.c, kms_api_alias.c, kms_api_crypto.c, kms_api_rotation.c). */
kms_op_fn kms_op_create_key, kms_op_describe_key, kms_op_list_keys, kms_op_enable_key,
    kms_op_disable_key, kms_op_schedule_key_deletion, kms_op_cancel_key_deletion,
    kms_op_get_key_policy, kms_op_put_key_policy, kms_op_list_key_policies,
    kms_op_rotate_key_on_demand;
kms_op_fn kms_op_create_alias, kms_op_update_alias, kms_op_delete_alias, kms_op_list_aliases;
kms_op_fn kms_op_encrypt, kms_op_decrypt, kms_op_generate_data_key,
    kms_op_generate_data_key_without_plaintext;
kms_op_fn kms_op_enable_key_rotation, kms_op_disable_key_rotation, kms_op_get_key_rotation_status;

#endif
