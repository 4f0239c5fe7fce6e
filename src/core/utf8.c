/* utf8.c — UTF-8 validation (see utf8.h), after the table of well-formed byte sequences in
 * Unicode 15, section 3.9, table 3-7. */
#include "core/utf8.h"

#include <stdint.h>

/* The number of bytes of the sequence led by b (0: not a lead byte) and the range its second
 * byte must fall in. */
static size_t utf8_lead(uint8_t b, uint8_t *lo, uint8_t *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (b < 0x80)
        return 1;
    if (b < 0xC2)
        return 0; /* continuation byte, or C0/C1 (overlong two-byte forms) */
    if (b < 0xE0)
        return 2;
    if (b < 0xF0) {
        if (b == 0xE0)
            *lo = 0xA0; /* overlong three-byte forms */
        else if (b == 0xED)
            *hi = 0x9F; /* UTF-16 surrogates D800–DFFF */
        return 3;
    }
    if (b < 0xF5) {
        if (b == 0xF0)
            *lo = 0x90; /* overlong four-byte forms */
        else if (b == 0xF4)
            *hi = 0x8F; /* past U+10FFFF */
        return 4;
    }
    return 0;
}

int utf8_valid(const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s, *end = p + n;
    while (p < end) {
        uint8_t lo, hi;
        size_t len = utf8_lead(*p, &lo, &hi);
        if (len == 0 || (size_t)(end - p) < len)
            return 0;
        for (size_t i = 1; i < len; i++) {
            uint8_t c = p[i];
            if (i == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF))
                return 0;
        }
        p += len;
    }
    return 1;
}
