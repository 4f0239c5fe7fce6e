/* str.c — small string helpers (see str.h). */
#include "core/str.h"

#include <string.h>
#include <strings.h>

#include "core/alloc.h"

int str_list_next(const char **p, const char **tok, size_t *len)
{
    const char *s = *p;
    while (*s) {
        while (*s == ' ' || *s == ',')
            s++;
        size_t n = strcspn(s, ",");
        size_t t = n;
        while (t && s[t - 1] == ' ')
            t--;
        const char *start = s;
        s += n;
        if (t) {
            *tok = start;
            *len = t;
            *p = s;
            return 1;
        }
    }
    *p = s;
    return 0;
}

int str_list_has(const char *list, const char *name)
{
    const char *tok;
    size_t len, n = strlen(name);
    while (list && str_list_next(&list, &tok, &len)) {
        if (len == n && strncasecmp(tok, name, n) == 0)
            return 1;
    }
    return 0;
}

char *str_prefix_successor(const char *prefix)
{
    size_t n = strlen(prefix);
    while (n > 0 && (unsigned char)prefix[n - 1] == 0xFF)
        n--;
    if (n == 0)
        return NULL;
    char *s = xstrndup(prefix, n);
    s[n - 1] = (char)((unsigned char)s[n - 1] + 1);
    return s;
}
