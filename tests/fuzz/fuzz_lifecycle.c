/* fuzz_lifecycle.c — LifecycleConfiguration bodies (PutBucketLifecycleConfiguration) through
 * the validator; an error must come with a bounded, terminated message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle/lc_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[256];
    enum lc_config_error e = lc_config_validate((const char *)data, size, msg, sizeof(msg));
    if (e > LC_CONFIG_INVALID_REQUEST || strlen(msg) >= sizeof(msg))
        abort();
    return 0;
}
