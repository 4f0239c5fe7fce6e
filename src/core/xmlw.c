/* xmlw.c — XML output helpers (see xmlw.h). */
#include "core/xmlw.h"

#include <inttypes.h>
#include <string.h>

static const char *xmlw_entity(unsigned char c, char tmp[8])
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&apos;";
    }
    if (c < 0x20) {
        static const char hex[] = "0123456789ABCDEF";
        tmp[0] = '&';
        tmp[1] = '#';
        tmp[2] = 'x';
        tmp[3] = hex[c >> 4];
        tmp[4] = hex[c & 15];
        tmp[5] = ';';
        tmp[6] = '\0';
        return tmp;
    }
    return NULL;
}

/* Does byte c need an entity? (the cases of xmlw_entity) */
static int xmlw_special(unsigned char c)
{
    return c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'';
}

int xmlw_escape(struct buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (!xmlw_special((unsigned char)s[i]))
            continue;
        char tmp[8];
        const char *ent = xmlw_entity((unsigned char)s[i], tmp);
        int rc = buf_append(b, s + run, i - run);
        if (!rc)
            rc = buf_puts(b, ent);
        if (rc)
            return rc;
        run = i + 1;
    }
    return buf_append(b, s + run, n - run);
}

/* "<name>" or "</name>" without printf (a listing writes ten of them per object) */
static int xmlw_tag(struct buf *b, const char *name, int close)
{
    size_t n = strlen(name);
    int rc = buf_append(b, close ? "</" : "<", close ? 2 : 1);
    if (!rc)
        rc = buf_append(b, name, n);
    return rc ? rc : buf_append(b, ">", 1);
}

int xmlw_elem_n(struct buf *b, const char *name, const char *text, size_t n)
{
    int rc = xmlw_tag(b, name, 0);
    if (!rc)
        rc = xmlw_escape(b, text, n);
    if (!rc)
        rc = xmlw_tag(b, name, 1);
    return rc;
}

int xmlw_elem(struct buf *b, const char *name, const char *text)
{
    return xmlw_elem_n(b, name, text ? text : "", text ? strlen(text) : 0);
}

int xmlw_elem_i64(struct buf *b, const char *name, int64_t v)
{
    char digits[24], *p = digits + sizeof(digits);
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    int rc = xmlw_tag(b, name, 0);
    if (!rc)
        rc = buf_append(b, p, (size_t)(digits + sizeof(digits) - p));
    return rc ? rc : xmlw_tag(b, name, 1);
}

int xmlw_elem_bool(struct buf *b, const char *name, int v)
{
    int rc = xmlw_tag(b, name, 0);
    if (!rc)
        rc = buf_puts(b, v ? "true" : "false");
    return rc ? rc : xmlw_tag(b, name, 1);
}
