/* uri.c — percent-encoding (see uri.h). */
#include "core/uri.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static int uri_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

int uri_encode(struct buf *out, const char *s, size_t n, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc;
        if (uri_unreserved(c) || (keep_slash && c == '/')) {
            rc = buf_append(out, &s[i], 1);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = buf_append(out, esc, 3);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int uri_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int uri_decode(char **out, size_t *out_len, const char *s, size_t n, int plus_is_space)
{
    char *d = xmalloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? uri_hex(s[i + 1]) : -1;
            int lo = i + 2 < n ? uri_hex(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(d);
                err_set("bad percent-escape");
                return ERR_INVALID;
            }
            d[j++] = (char)(hi << 4 | lo);
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            d[j++] = ' ';
        } else {
            d[j++] = s[i];
        }
    }
    d[j] = '\0';
    *out = d;
    if (out_len)
        *out_len = j;
    return 0;
}
