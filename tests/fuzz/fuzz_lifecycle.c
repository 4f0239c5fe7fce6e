/* fuzz_lifecycle.c — LifecycleConfiguration bodies (PutBucketLifecycleConfiguration) through
 * the validator; an error must come with a bounded, terminated message. A document the
 * validator accepts is stored and read back by the worker: it must parse (lc_rules_parse), and
 * the decisions over a few versions and an upload must stay within their bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle/lc_config.h"
#include "lifecycle/lc_decide.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[256];
    enum lc_config_error e = lc_config_validate((const char *)data, size, msg, sizeof(msg));
    if (e > LC_CONFIG_INVALID_REQUEST || strlen(msg) >= sizeof(msg))
        abort();
    if (e != LC_CONFIG_OK)
        return 0;
    struct lc_rules rules;
    if (lc_rules_parse((const char *)data, size, &rules) != 0)
        abort(); /* accepted but unreadable by the worker */
    struct meta_object v[3];
    memset(v, 0, sizeof(v));
    const int64_t lm[3] = {3000000000LL, 2000000000LL, 1000};
    for (int i = 0; i < 3; i++) {
        v[i].key = (char *)"logs/k";
        v[i].is_latest = i == 0;
        v[i].is_delete_marker = i == 1;
        v[i].size = 100;
        v[i].last_modified_ms = lm[i];
        v[i].tags = (char *)"a=b&c=";
    }
    struct lc_decision d[3];
    int64_t at = 0;
    if (lc_decide_key(&rules, v, 3, 4000000000000LL, d) > 3)
        abort();
    (void)lc_decide_expiry(&rules, "logs/k", "a=b", 5, 0, &at);
    (void)lc_decide_upload(&rules, "logs/k", 0, 4000000000000LL);
    lc_rules_dispose(&rules);
    return 0;
}
