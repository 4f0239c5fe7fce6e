/* s3_tagging.c — tag sets: the query and XML forms, AWS's limits, the stored form. */
#include "s3/s3_tagging.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/uri.h"
#include "core/utf8.h"
#include "core/xmlw.h"
#include "s3/s3_xml.h"

void s3_tags_dispose(struct s3_tags *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].key);
        free(t->v[i].value);
    }
    free(t->v);
    t->v = NULL;
    t->n = 0;
}

/* Append a tag, taking key and value. */
static void s3_tags_push(struct s3_tags *t, char *key, char *value)
{
    t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
    t->v[t->n].key = key;
    t->v[t->n].value = value;
    t->n++;
}

/* Decode one %-escaped component; its bytes must be UTF-8 without NUL. */
static int s3_tags_decode(char **out, const char *s, size_t n)
{
    size_t len;
    int rc = uri_decode(out, &len, s, n, 1);
    if (rc) {
        err_set("a tag has a bad %%-escape");
        return ERR_INVALID;
    }
    if (!utf8_valid(*out, len) || strlen(*out) != len) {
        free(*out);
        *out = NULL;
        err_set("a tag is not UTF-8");
        return ERR_INVALID;
    }
    return 0;
}

static int s3_tags_parse_pair(struct s3_tags *out, const char *p, size_t n)
{
    const char *eq = memchr(p, '=', n);
    size_t klen = eq ? (size_t)(eq - p) : n;
    char *key = NULL, *value = NULL;
    int rc = s3_tags_decode(&key, p, klen);
    if (!rc)
        rc = eq ? s3_tags_decode(&value, eq + 1, n - klen - 1) : 0;
    if (!rc && !value)
        value = xstrdup("");
    if (rc) {
        free(key);
        return rc;
    }
    s3_tags_push(out, key, value);
    return 0;
}

int s3_tags_parse_query(struct s3_tags *out, const char *s, size_t n)
{
    memset(out, 0, sizeof(*out));
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        int rc = end > i ? s3_tags_parse_pair(out, s + i, end - i) : 0;
        if (rc) {
            s3_tags_dispose(out);
            return rc;
        }
        i = end + 1;
    }
    return 0;
}

/* The text of parent's only child named name; ERR_INVALID when absent or repeated. */
static int s3_tags_xml_field(const xmlNode *parent, const char *name, char **out)
{
    xmlNode *n = s3_xml_child(parent, name);
    if (!n || s3_xml_next(n, name)) {
        err_set("a Tag needs one %s", name);
        return ERR_INVALID;
    }
    *out = s3_xml_text(n);
    return *out ? 0 : ERR_NOMEM;
}

static int s3_tags_xml_tagset(struct s3_tags *out, const xmlNode *set)
{
    for (xmlNode *tag = s3_xml_child(set, "Tag"); tag; tag = s3_xml_next(tag, "Tag")) {
        char *key = NULL, *value = NULL;
        int rc = s3_tags_xml_field(tag, "Key", &key);
        if (!rc)
            rc = s3_tags_xml_field(tag, "Value", &value);
        if (rc) {
            free(key);
            return rc;
        }
        s3_tags_push(out, key, value);
    }
    return 0;
}

int s3_tags_parse_xml(struct s3_tags *out, const char *data, size_t len)
{
    memset(out, 0, sizeof(*out));
    xmlDoc *doc;
    int rc = s3_xml_parse(&doc, data, len, "Tagging");
    if (rc)
        return rc;
    xmlNode *set = s3_xml_child(xmlDocGetRootElement(doc), "TagSet");
    if (!set || s3_xml_next(set, "TagSet")) {
        err_set("Tagging needs one TagSet");
        rc = ERR_INVALID;
    } else {
        rc = s3_tags_xml_tagset(out, set);
    }
    xmlFreeDoc(doc);
    if (rc)
        s3_tags_dispose(out);
    return rc;
}

/* Unicode characters of a UTF-8 string (the limits count characters, not bytes). */
static size_t s3_tags_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int s3_tags_have_duplicate(const struct s3_tags *t)
{
    for (size_t i = 0; i < t->n; i++)
        for (size_t j = i + 1; j < t->n; j++)
            if (strcmp(t->v[i].key, t->v[j].key) == 0)
                return 1;
    return 0;
}

static const char *s3_tags_check_one(const struct s3_tag *tag)
{
    if (!utf8_valid(tag->key, strlen(tag->key)) || !utf8_valid(tag->value, strlen(tag->value)))
        return "The TagKey you have provided is invalid";
    size_t klen = s3_tags_chars(tag->key);
    if (klen == 0)
        return "The TagKey you have provided is invalid";
    if (klen > S3_TAG_KEY_MAX)
        return "The TagKey you have provided is too long, max 128";
    if (s3_tags_chars(tag->value) > S3_TAG_VALUE_MAX)
        return "The TagValue you have provided is too long, max 256";
    if (strncmp(tag->key, "aws:", 4) == 0)
        return "Your TagKey cannot be prefixed with aws:";
    return NULL;
}

const char *s3_tags_check(const struct s3_tags *t, size_t max)
{
    if (t->n > max)
        return max == S3_TAGS_BUCKET_MAX ? "Bucket tag count cannot be greater than 50"
                                         : "Object tags cannot be greater than 10";
    for (size_t i = 0; i < t->n; i++) {
        const char *why = s3_tags_check_one(&t->v[i]);
        if (why)
            return why;
    }
    return s3_tags_have_duplicate(t) ? "Cannot provide multiple Tags with the same key" : NULL;
}

static int s3_tags_cmp(const void *a, const void *b)
{
    return strcmp(((const struct s3_tag *)a)->key, ((const struct s3_tag *)b)->key);
}

int s3_tags_encode(struct s3_tags *t, char **out)
{
    *out = NULL;
    if (t->n == 0)
        return 0;
    qsort(t->v, t->n, sizeof(*t->v), s3_tags_cmp);
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    int rc = 0;
    for (size_t i = 0; i < t->n && !rc; i++) {
        rc = i ? buf_puts(&b, "&") : 0;
        if (!rc)
            rc = uri_encode(&b, t->v[i].key, strlen(t->v[i].key), 0);
        if (!rc)
            rc = buf_puts(&b, "=");
        if (!rc)
            rc = uri_encode(&b, t->v[i].value, strlen(t->v[i].value), 0);
    }
    if (rc) {
        buf_dispose(&b);
        return rc;
    }
    *out = buf_detach(&b);
    return 0;
}

int s3_tags_render(struct buf *b, const struct s3_tags *t)
{
    int rc = buf_puts(b, "<TagSet>");
    for (size_t i = 0; i < t->n && !rc; i++) {
        rc = buf_puts(b, "<Tag>");
        if (!rc)
            rc = xmlw_elem(b, "Key", t->v[i].key);
        if (!rc)
            rc = xmlw_elem(b, "Value", t->v[i].value);
        if (!rc)
            rc = buf_puts(b, "</Tag>");
    }
    return rc ? rc : buf_puts(b, "</TagSet>");
}

const char *s3_tags_get(const struct s3_tags *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].key, key) == 0)
            return t->v[i].value;
    return NULL;
}
