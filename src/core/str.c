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

static int str_digit(char c, int base)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (base == 16 && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int str_parse_u64n(const char *s, size_t n, int base, uint64_t max, uint64_t *out)
{
    if (!s || n == 0 || (base != 10 && base != 16))
        return ERR_INVALID;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = str_digit(s[i], base);
        if (d < 0 || v > (max - (uint64_t)d) / (uint64_t)base)
            return ERR_INVALID;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return 0;
}

int str_parse_u64(const char *s, int base, uint64_t max, uint64_t *out)
{
    return s ? str_parse_u64n(s, strlen(s), base, max, out) : ERR_INVALID;
}

int str_parse_fixed(const char *s, int decimals, uint64_t max, uint64_t *out)
{
    if (!s || decimals < 0 || decimals > 9)
        return ERR_INVALID;
    const char *dot = strchr(s, '.');
    size_t whole = dot ? (size_t)(dot - s) : strlen(s);
    size_t frac = dot ? strlen(dot + 1) : 0;
    if ((dot && frac == 0) || frac > (size_t)decimals)
        return ERR_INVALID;
    uint64_t scale = 1, w = 0, f = 0;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    if (str_parse_u64n(s, whole, 10, max / scale, &w) ||
        (frac && str_parse_u64n(dot + 1, frac, 10, UINT64_MAX, &f)))
        return ERR_INVALID;
    for (size_t i = frac; i < (size_t)decimals; i++)
        f *= 10;
    if (w * scale > max - f)
        return ERR_INVALID;
    *out = w * scale + f;
    return 0;
}

int str_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || min > max)
        return ERR_INVALID;
    int neg = s[0] == '-';
    if (neg && min >= 0)
        return ERR_INVALID;
    /* the magnitude bound on the side of the sign; -INT64_MIN does not fit in int64_t */
    uint64_t limit = neg ? (uint64_t)(-(min + 1)) + 1 : (max < 0 ? 0 : (uint64_t)max);
    uint64_t m = 0;
    if (str_parse_u64n(s + neg, strlen(s + neg), 10, limit, &m))
        return ERR_INVALID;
    int64_t v = neg ? (m == 0 ? 0 : -(int64_t)(m - 1) - 1) : (int64_t)m;
    if (v < min || v > max)
        return ERR_INVALID;
    *out = v;
    return 0;
}
