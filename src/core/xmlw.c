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

int xmlw_escape(struct buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        char tmp[8];
        const char *ent = xmlw_entity((unsigned char)s[i], tmp);
        if (!ent)
            continue;
        int rc = buf_append(b, s + run, i - run);
        if (!rc)
            rc = buf_puts(b, ent);
        if (rc)
            return rc;
        run = i + 1;
    }
    return buf_append(b, s + run, n - run);
}

int xmlw_elem_n(struct buf *b, const char *name, const char *text, size_t n)
{
    int rc = buf_printf(b, "<%s>", name);
    if (!rc)
        rc = xmlw_escape(b, text, n);
    if (!rc)
        rc = buf_printf(b, "</%s>", name);
    return rc;
}

int xmlw_elem(struct buf *b, const char *name, const char *text)
{
    return xmlw_elem_n(b, name, text ? text : "", text ? strlen(text) : 0);
}

int xmlw_elem_i64(struct buf *b, const char *name, int64_t v)
{
    return buf_printf(b, "<%s>%" PRId64 "</%s>", name, v, name);
}

int xmlw_elem_bool(struct buf *b, const char *name, int v)
{
    return buf_printf(b, "<%s>%s</%s>", name, v ? "true" : "false", name);
}
