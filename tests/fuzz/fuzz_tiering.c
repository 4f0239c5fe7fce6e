/* fuzz_tiering.c — IntelligentTieringConfiguration bodies (PutBucketIntelligentTiering-
 * Configuration), the stored set of them, and stored restore records: the first byte picks the
 * parser. What a parser accepts must be in AWS's limits and render back to what parses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tiering/it_config.h"
#include "tiering/tier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_it_config(const char *body, size_t n)
{
    struct it_config c;
    char msg[160];
    if (it_config_parse(body, n, &c, msg, sizeof(msg)) != IT_CONFIG_OK) {
        if (strlen(msg) >= sizeof(msg))
            abort();
        return;
    }
    if ((c.archive_days && (c.archive_days < 90 || c.archive_days > 730)) ||
        (c.deep_days && (c.deep_days < 180 || c.deep_days > 730)) ||
        (!c.archive_days && !c.deep_days))
        abort();
    struct it_configs l, back;
    memset(&l, 0, sizeof(l));
    if (it_configs_put(&l, &c))
        abort();
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    if (it_configs_render(&xml, &l) || it_configs_parse((const char *)xml.data, &back) ||
        back.n != 1 || back.v[0].archive_days != l.v[0].archive_days ||
        back.v[0].deep_days != l.v[0].deep_days || back.v[0].filter.ntags != l.v[0].filter.ntags)
        abort();
    it_configs_dispose(&back);
    it_configs_dispose(&l);
    buf_dispose(&xml);
}

static void fuzz_restore(const char *s, size_t n)
{
    char *z = malloc(n + 1);
    memcpy(z, s, n);
    z[n] = '\0';
    struct restore_record r, back;
    if (restore_record_parse(z, &r) == 0 && r.tier[0]) {
        char out[128];
        restore_record_format(&r, out, sizeof(out));
        if (restore_record_parse(out, &back) || memcmp(&r, &back, sizeof(r)) != 0)
            abort();
        (void)restore_state_at(&r, 0);
    }
    struct it_configs l;
    if (it_configs_parse(z, &l) == 0)
        it_configs_dispose(&l);
    free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] % 2 == 0)
        fuzz_it_config((const char *)data + 1, size - 1);
    else
        fuzz_restore((const char *)data + 1, size - 1);
    return 0;
}
