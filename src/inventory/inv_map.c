/* inv_map.c — map values of the Tags and UserMetadata report columns (see inv_map.h). */
#include "inventory/inv_map.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/uri.h"
#include "core/utf8.h"

struct inv_span {
    const char *p;
    size_t n;
    int lower; /* copy lowercased */
};

void inv_map_reset(struct inv_map *m)
{
    free(m->pairs);
    free(m->text);
    m->pairs = NULL;
    m->text = NULL;
    m->n = 0;
}

static int inv_pair_cmp(const void *a, const void *b)
{
    const struct inv_pair *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    /* equal keys: the earlier pair first (their strings lie in document order in the text) */
    return c ? c : (x->key < y->key ? -1 : x->key > y->key);
}

static char *inv_span_copy(char *to, const struct inv_span *s)
{
    for (size_t i = 0; i < s->n; i++) {
        char c = s->p[i];
        to[i] = s->lower && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    to[s->n] = '\0';
    return to + s->n + 1;
}

/* Build m from n key/value spans: copied into one text block, sorted, repeats dropped. */
static void inv_map_build(struct inv_map *m, const struct inv_span *keys,
                          const struct inv_span *values, size_t n)
{
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += keys[i].n + values[i].n + 2;
    m->text = xmalloc(total);
    m->pairs = xcalloc(n ? n : 1, sizeof(*m->pairs));
    char *at = m->text;
    for (size_t i = 0; i < n; i++) {
        m->pairs[i].key = at;
        at = inv_span_copy(at, &keys[i]);
        m->pairs[i].value = at;
        at = inv_span_copy(at, &values[i]);
    }
    qsort(m->pairs, n, sizeof(*m->pairs), inv_pair_cmp);
    m->n = 0;
    for (size_t i = 0; i < n; i++) {
        if (m->n && strcmp(m->pairs[m->n - 1].key, m->pairs[i].key) == 0)
            continue;
        m->pairs[m->n++] = m->pairs[i];
    }
}

int inv_map_from_tags(struct inv_map *m, const char *tags)
{
    inv_map_reset(m);
    if (!tags || !*tags)
        return 0;
    size_t cap = 1;
    for (const char *p = tags; *p; p++)
        cap += *p == '&';
    struct inv_span *keys = xcalloc(cap, sizeof(*keys)), *values = xcalloc(cap, sizeof(*values));
    char **decoded = xcalloc(2 * cap, sizeof(*decoded));
    size_t n = 0;
    int rc = 0;
    for (const char *p = tags; p && *p && !rc;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t kn = eq ? (size_t)(eq - p) : len;
        size_t kl = 0, vl = 0;
        rc = uri_decode(&decoded[2 * n], &kl, p, kn, 0);
        if (!rc)
            rc = uri_decode(&decoded[2 * n + 1], &vl, eq ? eq + 1 : p + len, eq ? len - kn - 1 : 0,
                            0);
        if (!rc) {
            keys[n] = (struct inv_span){decoded[2 * n], kl, 0};
            values[n] = (struct inv_span){decoded[2 * n + 1], vl, 0};
            n++;
        }
        p = amp ? amp + 1 : NULL;
    }
    if (!rc)
        inv_map_build(m, keys, values, n);
    else
        err_set("a stored tag set does not decode");
    for (size_t i = 0; i < 2 * cap; i++)
        free(decoded[i]);
    free(decoded);
    free(keys);
    free(values);
    return rc ? ERR_INVALID : 0;
}

static json_t *inv_headers_load(const char *headers)
{
    json_t *arr = json_loads(headers && *headers ? headers : "[]", 0, NULL);
    if (!json_is_array(arr)) {
        json_decref(arr);
        err_set("the stored headers of a version do not parse");
        return NULL;
    }
    return arr;
}

int inv_map_from_headers(struct inv_map *m, const char *headers)
{
    inv_map_reset(m);
    json_t *arr = inv_headers_load(headers);
    if (!arr)
        return ERR_INVALID;
    size_t cap = json_array_size(arr);
    struct inv_span *keys = xcalloc(cap ? cap : 1, sizeof(*keys));
    struct inv_span *values = xcalloc(cap ? cap : 1, sizeof(*values));
    size_t n = 0, i;
    json_t *pair;
    json_array_foreach(arr, i, pair)
    {
        json_t *name = json_array_get(pair, 0), *value = json_array_get(pair, 1);
        if (!json_is_string(name) || !json_is_string(value))
            continue;
        const char *s = json_string_value(name);
        size_t len = json_string_length(name);
        if (len < 11 || strncasecmp(s, "x-amz-meta-", 11) != 0)
            continue;
        keys[n] = (struct inv_span){s + 11, len - 11, 1};
        values[n] = (struct inv_span){json_string_value(value), json_string_length(value), 0};
        n++;
    }
    inv_map_build(m, keys, values, n);
    free(keys);
    free(values);
    json_decref(arr);
    return 0;
}

int inv_headers_get(const char *headers, const char *name, char **out)
{
    *out = NULL;
    json_t *arr = inv_headers_load(headers);
    if (!arr)
        return ERR_INVALID;
    size_t i;
    json_t *pair;
    json_array_foreach(arr, i, pair)
    {
        const char *n = json_string_value(json_array_get(pair, 0));
        const char *v = json_string_value(json_array_get(pair, 1));
        if (n && v && strcasecmp(n, name) == 0) {
            *out = xstrdup(v);
            break;
        }
    }
    json_decref(arr);
    return 0;
}

static int inv_json_string(struct buf *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(s);
    int valid = utf8_valid(s, n);
    int rc = buf_append(out, "\"", 1);
    for (size_t i = 0; i < n && !rc; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = c == '"'    ? "\\\""
                          : c == '\\' ? "\\\\"
                          : c == '\b' ? "\\b"
                          : c == '\f' ? "\\f"
                          : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r"
                          : c == '\t' ? "\\t"
                                      : NULL;
        if (esc) {
            rc = buf_puts(out, esc);
        } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !valid)) {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            rc = buf_append(out, u, 6);
        } else {
            rc = buf_append(out, &s[i], 1);
        }
    }
    return rc ? rc : buf_append(out, "\"", 1);
}

int inv_map_json(const struct inv_pair *pairs, size_t n, struct buf *out)
{
    int rc = buf_append(out, "{", 1);
    for (size_t i = 0; i < n && !rc; i++) {
        if (i)
            rc = buf_append(out, ",", 1);
        if (!rc)
            rc = inv_json_string(out, pairs[i].key);
        if (!rc)
            rc = buf_append(out, ":", 1);
        if (!rc)
            rc = inv_json_string(out, pairs[i].value);
    }
    return rc ? rc : buf_append(out, "}", 1);
}
