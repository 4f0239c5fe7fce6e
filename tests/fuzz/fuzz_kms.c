/* fuzz_kms.c — untrusted CiphertextBlob bytes: peek must accept or refuse cleanly, and opening
 * under a fixed key must never succeed for bytes not sealed by it (nor crash). */
#include <stdint.h>
#include <stdlib.h>

#include "kms/kms_blob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t key[32] = {9};
    struct kms_blob_ref ref;
    if (kms_blob_peek(data, size, &ref))
        return 0;
    uint8_t *p = NULL;
    size_t pl = 0;
    if (kms_blob_open(key, data, size, "", &p, &pl) == 0)
        free(p);
    return 0;
}
