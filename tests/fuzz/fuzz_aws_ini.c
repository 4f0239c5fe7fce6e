/* fuzz_aws_ini.c — aws CLI credentials/config files (cli/cli_aws.h) from arbitrary bytes: the
 * lookups the credential chain makes, each within bounds, a found value trimmed and NUL-free
 * only when the input was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_aws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const sections[] = {"default", "profile default", "stocktake",
                                           "profile stocktake", ""};
    static const char *const keys[] = {"aws_access_key_id", "aws_secret_access_key", "region", ""};
    char out[129];
    for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            int rc =
                cli_aws_ini_get((const char *)data, size, sections[s], keys[k], out, sizeof(out));
            if (rc == 0) {
                size_t n = strlen(out);
                if (n >= sizeof(out))
                    abort();
                if (n && (out[0] == ' ' || out[n - 1] == ' ' || out[n - 1] == '\t'))
                    abort();
            } else if (rc != ERR_NOTFOUND && rc != ERR_TOOBIG) {
                abort();
            }
        }
    }
    return 0;
}
