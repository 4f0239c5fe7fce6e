/* fuzz_kms_request.c — an untrusted KMS JSON 1.1 request body: the parser and every argument
 * reader the operations use (strings, integers, the encryption context's canonical form,
 * base64 blobs, the key policy check) must accept or refuse it cleanly. */
#include <stdint.h>
#include <stdlib.h>

#include "kms/kms_api_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kms_caller c = {0};
    struct kms_call k = {&c, NULL, NULL, ""};
    k.req = kms_api_parse((const char *)data, size, k.msg, sizeof(k.msg));
    if (!k.req)
        return 0;
    const char *s = NULL;
    long n = 0;
    int present = 0;
    (void)kms_arg_str(&k, "KeyId", 1, &s);
    (void)kms_arg_int(&k, "NumberOfBytes", 1, 1024, &n, &present);
    (void)kms_arg_only(&k, "KeySpec", "SYMMETRIC_DEFAULT");
    char *ctx = NULL;
    if (kms_arg_ctx(&k, &ctx) == KMS_OK)
        free(ctx);
    uint8_t *blob = NULL;
    size_t len = 0;
    if (kms_arg_blob(&k, "CiphertextBlob", KMS_BLOB_HDR + KMS_BLOB_MAX_PLAIN, &blob, &len) ==
        KMS_OK) {
        struct kms_blob_ref ref;
        if (kms_blob_peek(blob, len, &ref) == 0 && ref.key_id[0] == 0)
            abort(); /* a peeked id is 36 characters */
        free(blob);
    }
    if (kms_arg_str(&k, "Policy", 1, &s) == KMS_OK)
        (void)kms_policy_check(s, k.msg, sizeof(k.msg));
    json_decref(k.req);
    return 0;
}
