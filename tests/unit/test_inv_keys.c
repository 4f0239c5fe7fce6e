/* test_inv_keys.c — the report key layout and its 1,024-byte bound (issue 9 defect 8):
 * inv_keys_longest is exactly the longest key the writers produce, a trailing '/' of the
 * prefix is dropped, and a key past 1,024 bytes is ERR_TOOBIG, never cut. */
#include <stdlib.h>

#include "harness.h"
#include "inventory/inv_keys.h"

#define UUID "0123abcd-0123-4567-89ab-0123456789ab"
#define T 1748826000000LL /* 2025-06-02T01:00Z */

TEST(inv_keys_layout)
{
    char *base = inv_keys_base("inv/", "src", "daily");
    CHECK_STR(base, "inv/src/daily");
    char key[INV_KEY_MAX + 1];
    CHECK(inv_keys_data(key, base, UUID, ".csv.gz") == 0);
    CHECK_STR(key, "inv/src/daily/data/" UUID ".csv.gz");
    CHECK(inv_keys_manifest(key, base, T, "manifest.json") == 0);
    CHECK_STR(key, "inv/src/daily/2025-06-02T01-00Z/manifest.json");
    CHECK(inv_keys_symlink(key, base, T) == 0);
    CHECK_STR(key, "inv/src/daily/hive/dt=2025-06-02-01-00/symlink.txt");
    free(base);
    base = inv_keys_base(NULL, "src", "daily");
    CHECK_STR(base, "src/daily");
    free(base);
}

TEST(inv_keys_longest_is_exact_and_bounded)
{
    const char *exts[] = {".csv.gz", ".orc", ".parquet"};
    for (size_t e = 0; e < 3; e++) {
        for (size_t plen = 0; plen < 1100; plen += 37) {
            char prefix[1200];
            memset(prefix, 'p', plen);
            prefix[plen] = '\0';
            size_t longest = inv_keys_longest(prefix, "source-bucket", "cfg", exts[e]);
            char *base = inv_keys_base(prefix, "source-bucket", "cfg");
            char data[INV_KEY_MAX + 1], manifest[INV_KEY_MAX + 1], symlink[INV_KEY_MAX + 1];
            int rd = inv_keys_data(data, base, UUID, exts[e]);
            int rm = inv_keys_manifest(manifest, base, T, "manifest.checksum");
            int rs = inv_keys_symlink(symlink, base, T);
            if (longest <= INV_KEY_MAX) {
                CHECK(rd == 0 && rm == 0 && rs == 0);
                size_t got = strlen(data);
                if (strlen(manifest) > got)
                    got = strlen(manifest);
                if (strlen(symlink) > got)
                    got = strlen(symlink);
                CHECK(got == longest);
            } else {
                CHECK(rd == ERR_TOOBIG || rm == ERR_TOOBIG || rs == ERR_TOOBIG);
                CHECK(rd == ERR_TOOBIG); /* the data key is the longest */
                CHECK(data[0] == '\0');
            }
            free(base);
        }
    }
    /* the trailing '/' does not count */
    CHECK(inv_keys_longest("abc/", "s", "i", ".orc") == inv_keys_longest("abc", "s", "i", ".orc"));
}
