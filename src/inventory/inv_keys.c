/* inv_keys.c — the report's key layout (see inv_keys.h). */
#include "inventory/inv_keys.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"

#define INV_UUID_LEN 36
#define INV_FOLDER_LEN 17 /* YYYY-MM-DDTHH-MMZ */
#define INV_DT_LEN 16     /* YYYY-MM-DD-HH-MM */

static size_t inv_keys_prefix_len(const char *prefix)
{
    size_t n = prefix ? strlen(prefix) : 0;
    return n && prefix[n - 1] == '/' ? n - 1 : n; /* AWS's double-slash bug, normalised */
}

char *inv_keys_base(const char *prefix, const char *source, const char *id)
{
    size_t plen = inv_keys_prefix_len(prefix);
    size_t n = plen + strlen(source) + strlen(id) + 3;
    char *base = xmalloc(n);
    snprintf(base, n, "%.*s%s%s/%s", (int)plen, plen ? prefix : "", plen ? "/" : "", source, id);
    return base;
}

size_t inv_keys_longest(const char *prefix, const char *source, const char *id, const char *ext)
{
    size_t plen = inv_keys_prefix_len(prefix);
    size_t base = plen + (plen ? 1 : 0) + strlen(source) + 1 + strlen(id);
    size_t data = strlen("/data/") + INV_UUID_LEN + strlen(ext);
    size_t manifest = 1 + INV_FOLDER_LEN + strlen("/manifest.checksum");
    size_t symlink = strlen("/hive/dt=") + INV_DT_LEN + strlen("/symlink.txt");
    size_t tail = data > manifest ? data : manifest;
    return base + (tail > symlink ? tail : symlink);
}

static int inv_keys_put(char *out, int n)
{
    if (n < 0 || n > INV_KEY_MAX) {
        out[0] = '\0';
        err_set("report key longer than %d bytes", INV_KEY_MAX);
        return ERR_TOOBIG;
    }
    return 0;
}

int inv_keys_data(char *out, const char *base, const char *uuid, const char *ext)
{
    return inv_keys_put(out, snprintf(out, INV_KEY_MAX + 1, "%s/data/%s%s", base, uuid, ext));
}

int inv_keys_manifest(char *out, const char *base, int64_t t, const char *name)
{
    char stamp[32]; /* 2026-11-23T01:00:00.000Z */
    clock_format_iso8601(stamp, sizeof(stamp), t);
    return inv_keys_put(
        out, snprintf(out, INV_KEY_MAX + 1, "%s/%.13s-%.2sZ/%s", base, stamp, stamp + 14, name));
}

int inv_keys_symlink(char *out, const char *base, int64_t t)
{
    char stamp[32];
    clock_format_iso8601(stamp, sizeof(stamp), t);
    return inv_keys_put(out,
                        snprintf(out, INV_KEY_MAX + 1, "%s/hive/dt=%.10s-%.2s-%.2s/symlink.txt",
                                 base, stamp, stamp + 11, stamp + 14));
}
