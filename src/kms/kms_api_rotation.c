/* kms_api_rotation.c — automatic key rotation: EnableKeyRotation (RotationPeriodInDays 90..2560,
 * default 365), DisableKeyRotation, GetKeyRotationStatus. The rotation itself happens when the
 * key is next used for encryption after its period (kms_rotation_apply_due, kms.h). */
#include "core/clock.h"
#include "kms/kms_api_int.h"

#define KMS_ROTATION_MIN_DAYS 90
#define KMS_ROTATION_MAX_DAYS 2560
#define KMS_ROTATION_DEFAULT_DAYS 365

/* Turn automatic rotation on with a period of days, or off (days 0), on a usable key. */
static enum kms_error kms_rotation_set(struct kms_call *k, const char *action, long days)
{
    struct meta_kms_key key;
    enum kms_error e = kms_call_key(k, action, &key);
    if (e)
        return e;
    e = kms_key_usable(&key, k->msg, sizeof(k->msg));
    if (!e) {
        if (!days)
            key.rotation_from_ms = 0;
        else if (!key.rotation_days) /* a period starts when rotation is turned on */
            key.rotation_from_ms = clock_now_ms();
        key.rotation_days = days;
        e = kms_key_save(k, &key);
    }
    meta_kms_key_clear(&key);
    return e;
}

enum kms_error kms_op_enable_key_rotation(struct kms_call *k)
{
    long days = KMS_ROTATION_DEFAULT_DAYS;
    int given;
    enum kms_error e = kms_arg_int(k, "RotationPeriodInDays", KMS_ROTATION_MIN_DAYS,
                                   KMS_ROTATION_MAX_DAYS, &days, &given);
    return e ? e : kms_rotation_set(k, "kms:EnableKeyRotation", days);
}

enum kms_error kms_op_disable_key_rotation(struct kms_call *k)
{
    return kms_rotation_set(k, "kms:DisableKeyRotation", 0);
}

enum kms_error kms_op_get_key_rotation_status(struct kms_call *k)
{
    struct meta_kms_key key;
    enum kms_error e = kms_call_key(k, "kms:GetKeyRotationStatus", &key);
    if (e)
        return e;
    json_object_set_new(k->resp, "KeyId", json_string(key.arn));
    json_object_set_new(k->resp, "KeyRotationEnabled", json_boolean(key.rotation_days != 0));
    if (key.rotation_days) {
        json_object_set_new(k->resp, "RotationPeriodInDays", json_integer(key.rotation_days));
        json_object_set_new(k->resp, "NextRotationDate",
                            kms_json_time(key.rotation_from_ms + key.rotation_days * KMS_DAY_MS));
    }
    meta_kms_key_clear(&key);
    return KMS_OK;
}
