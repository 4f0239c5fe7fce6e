/* tagset.c — reading the x-amz-tagging form (see tagset.h). */
#include "core/tagset.h"

#include <stdlib.h>
#include <string.h>

#include "core/uri.h"

int tagset_has(const char *tags, const char *key, const char *value)
{
    const char *p = tags;
    while (key && value && p && *p) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t kn = eq ? (size_t)(eq - p) : n;
        char *k = NULL, *v = NULL;
        size_t kl = 0, vl = 0;
        int ok = uri_decode(&k, &kl, p, kn, 0) == 0 &&
                 uri_decode(&v, &vl, eq ? eq + 1 : p + n, eq ? n - kn - 1 : 0, 0) == 0;
        int hit = ok && strcmp(k, key) == 0 && strcmp(v, value) == 0;
        free(k);
        free(v);
        if (hit)
            return 1;
        p = amp ? amp + 1 : NULL;
    }
    return 0;
}
