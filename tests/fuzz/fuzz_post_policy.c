/* fuzz_post_policy.c — the POST policy document (the input is the JSON; it is base64-encoded
 * here as a form sends it) and the check of a fixed form against whatever parses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "s3/post_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t fuzz_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > POST_POLICY_MAX)
        return 0;
    char *b64 = malloc(size / 3 * 4 + 8);
    if (!b64)
        return 0;
    b64[hash_base64(data, size, b64)] = '\0';
    struct post_policy *p = NULL;
    char msg[256];
    if (post_policy_parse(b64, &p, msg, sizeof(msg)) == POST_POLICY_OK) {
        struct kv_pair form[] = {{"bucket", "b"},
                                 {"key", "k/x"},
                                 {"Content-Type", "text/plain"},
                                 {"x-amz-meta-a", ""},
                                 {"policy", b64}};
        fuzz_sink += (size_t)post_policy_check(p, form, 5, 1764547200000LL, msg, sizeof(msg));
        uint64_t lo, hi;
        fuzz_sink += (size_t)post_policy_length_range(p, &lo, &hi);
    }
    fuzz_sink += strlen(msg);
    post_policy_free(p);
    free(b64);
    return 0;
}
