/* s3_cors.c — CORS configurations: parse, validate, render, match (see s3_cors.h). */
#include "s3/s3_cors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/str.h"
#include "core/xmlw.h"
#include "s3/s3_xml.h"

static const struct {
    const char *name;
    unsigned bit;
} s3_cors_methods[] = {{"GET", S3_CORS_GET},
                       {"PUT", S3_CORS_PUT},
                       {"POST", S3_CORS_POST},
                       {"DELETE", S3_CORS_DELETE},
                       {"HEAD", S3_CORS_HEAD}};

unsigned s3_cors_method_bit(const char *method)
{
    for (size_t i = 0; method && i < sizeof(s3_cors_methods) / sizeof(s3_cors_methods[0]); i++) {
        if (strcmp(method, s3_cors_methods[i].name) == 0)
            return s3_cors_methods[i].bit;
    }
    return 0;
}

static void s3_cors_list_add(struct s3_cors_list *l, char *s)
{
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n++] = s;
}

static void s3_cors_list_dispose(struct s3_cors_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void s3_cors_config_dispose(struct s3_cors_config *c)
{
    for (size_t i = 0; i < c->n_rules; i++) {
        struct s3_cors_rule *rule = &c->rules[i];
        free(rule->id);
        s3_cors_list_dispose(&rule->method);
        s3_cors_list_dispose(&rule->origin);
        s3_cors_list_dispose(&rule->header);
        s3_cors_list_dispose(&rule->expose);
    }
    free(c->rules);
    c->rules = NULL;
    c->n_rules = 0;
}

static size_t s3_cors_stars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '*';
    return n;
}

/* The list an element's values go to, or NULL for ID, MaxAgeSeconds and unknown elements. */
static struct s3_cors_list *s3_cors_rule_list(struct s3_cors_rule *rule, const char *elem)
{
    if (strcmp(elem, "AllowedMethod") == 0)
        return &rule->method;
    if (strcmp(elem, "AllowedOrigin") == 0)
        return &rule->origin;
    if (strcmp(elem, "AllowedHeader") == 0)
        return &rule->header;
    if (strcmp(elem, "ExposeHeader") == 0)
        return &rule->expose;
    return NULL;
}

/* AWS's checks of a listed value: the five methods; at most one '*' in an origin or allowed
 * header, none in an exposed header. Records a method's bit. */
static enum s3_error s3_cors_check_value(struct s3_cors_rule *rule, const char *elem,
                                         const char *value, char *msg, size_t msg_size)
{
    if (strcmp(elem, "AllowedMethod") == 0) {
        unsigned bit = s3_cors_method_bit(value);
        rule->methods |= bit;
        if (bit)
            return S3_OK;
        snprintf(msg, msg_size,
                 "Found unsupported HTTP method in CORS config. Unsupported method is %s", value);
        return S3E_INVALID_REQUEST;
    }
    if (strcmp(elem, "ExposeHeader") == 0) {
        if (!strchr(value, '*'))
            return S3_OK;
        snprintf(msg, msg_size,
                 "ExposeHeader \"%s\" contains wildcard. We currently do not support wildcard "
                 "for ExposeHeader.",
                 value);
        return S3E_INVALID_REQUEST;
    }
    if (s3_cors_stars(value) <= 1)
        return S3_OK;
    snprintf(msg, msg_size, "%s \"%s\" can not have more than one wildcard.", elem, value);
    return S3E_INVALID_REQUEST;
}

/* One child element of a CORSRule; takes value. */
static enum s3_error s3_cors_rule_value(struct s3_cors_rule *rule, const char *elem, char *value,
                                        char *msg, size_t msg_size)
{
    struct s3_cors_list *list = s3_cors_rule_list(rule, elem);
    if (list) {
        enum s3_error e = s3_cors_check_value(rule, elem, value, msg, msg_size);
        s3_cors_list_add(list, value);
        return e;
    }
    enum s3_error e = S3_OK;
    if (strcmp(elem, "ID") == 0 && !rule->id) {
        rule->id = value;
        return S3_OK;
    }
    if (strcmp(elem, "MaxAgeSeconds") == 0 && rule->max_age < 0) {
        int64_t v = -1;
        if (str_parse_i64(value, 0, INT32_MAX, &v))
            e = S3E_MALFORMED_XML;
        rule->max_age = v;
    } else {
        e = S3E_MALFORMED_XML; /* an unknown element, or a second ID or MaxAgeSeconds */
    }
    free(value);
    return e;
}

static enum s3_error s3_cors_rule_parse(struct s3_cors_rule *rule, const xmlNode *node, char *msg,
                                        size_t msg_size)
{
    rule->max_age = -1;
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        enum s3_error e =
            s3_cors_rule_value(rule, (const char *)c->name, s3_xml_text(c), msg, msg_size);
        if (e)
            return e;
    }
    return rule->method.n && rule->origin.n ? S3_OK : S3E_MALFORMED_XML;
}

enum s3_error s3_cors_parse(struct s3_cors_config *out, const char *data, size_t len, char *msg,
                            size_t msg_size)
{
    memset(out, 0, sizeof(*out));
    msg[0] = '\0';
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, data, len, "CORSConfiguration"))
        return S3E_MALFORMED_XML;
    xmlNode *root = xmlDocGetRootElement(doc);
    enum s3_error e = S3_OK;
    for (const xmlNode *c = root->children; c && !e; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, "CORSRule") != 0 || out->n_rules == S3_CORS_MAX_RULES) {
            e = S3E_MALFORMED_XML;
            break;
        }
        out->rules = xrealloc(out->rules, (out->n_rules + 1) * sizeof(*out->rules));
        memset(&out->rules[out->n_rules], 0, sizeof(out->rules[0]));
        e = s3_cors_rule_parse(&out->rules[out->n_rules++], c, msg, msg_size);
    }
    xmlFreeDoc(doc);
    if (!e && out->n_rules == 0)
        e = S3E_MALFORMED_XML;
    return e;
}

static int s3_cors_render_list(struct buf *out, const char *elem, const struct s3_cors_list *l)
{
    int rc = 0;
    for (size_t i = 0; i < l->n && !rc; i++)
        rc = xmlw_elem(out, elem, l->v[i]);
    return rc;
}

static int s3_cors_render_rule(struct buf *out, const struct s3_cors_rule *rule)
{
    int rc = buf_puts(out, "<CORSRule>");
    if (!rc && rule->id)
        rc = xmlw_elem(out, "ID", rule->id);
    if (!rc)
        rc = s3_cors_render_list(out, "AllowedHeader", &rule->header);
    if (!rc)
        rc = s3_cors_render_list(out, "AllowedMethod", &rule->method);
    if (!rc)
        rc = s3_cors_render_list(out, "AllowedOrigin", &rule->origin);
    if (!rc)
        rc = s3_cors_render_list(out, "ExposeHeader", &rule->expose);
    if (!rc && rule->max_age >= 0)
        rc = xmlw_elem_i64(out, "MaxAgeSeconds", rule->max_age);
    return rc ? rc : buf_puts(out, "</CORSRule>");
}

int s3_cors_render(struct buf *out, const struct s3_cors_config *c)
{
    int rc = buf_puts(out, XML_DECL "<CORSConfiguration xmlns=\"" S3_XMLNS "\">");
    for (size_t i = 0; i < c->n_rules && !rc; i++)
        rc = s3_cors_render_rule(out, &c->rules[i]);
    return rc ? rc : buf_puts(out, "</CORSConfiguration>");
}

static int s3_cors_bytes_equal(const char *a, const char *b, size_t n, int nocase)
{
    return nocase ? strncasecmp(a, b, n) == 0 : memcmp(a, b, n) == 0;
}

int s3_cors_pattern_match(const char *pattern, const char *s, size_t n, int nocase)
{
    const char *star = strchr(pattern, '*');
    size_t plen = strlen(pattern);
    if (!star)
        return plen == n && s3_cors_bytes_equal(pattern, s, n, nocase);
    size_t head = (size_t)(star - pattern), tail = plen - head - 1;
    if (head + tail > n)
        return 0;
    /* a second '*' (refused by the parser) would be matched as itself in the tail */
    return s3_cors_bytes_equal(pattern, s, head, nocase) &&
           s3_cors_bytes_equal(star + 1, s + n - tail, tail, nocase);
}

/* The first AllowedOrigin of rule that origin matches, or NULL. */
static const char *s3_cors_origin_pattern(const struct s3_cors_rule *rule, const char *origin)
{
    for (size_t i = 0; i < rule->origin.n; i++) {
        if (s3_cors_pattern_match(rule->origin.v[i], origin, strlen(origin), 0))
            return rule->origin.v[i];
    }
    return NULL;
}

static int s3_cors_header_allowed(const struct s3_cors_rule *rule, const char *h, size_t n)
{
    for (size_t i = 0; i < rule->header.n; i++) {
        if (s3_cors_pattern_match(rule->header.v[i], h, n, 1))
            return 1;
    }
    return 0;
}

static int s3_cors_headers_allowed(const struct s3_cors_rule *rule, const char *request_headers)
{
    const char *p = request_headers ? request_headers : "", *tok;
    size_t n;
    while (str_list_next(&p, &tok, &n)) {
        if (!s3_cors_header_allowed(rule, tok, n))
            return 0;
    }
    return 1;
}

const struct s3_cors_rule *s3_cors_match(const struct s3_cors_config *c, const char *origin,
                                         const char *method, const char *request_headers)
{
    unsigned bit = s3_cors_method_bit(method);
    for (size_t i = 0; bit && origin && i < c->n_rules; i++) {
        const struct s3_cors_rule *rule = &c->rules[i];
        if ((rule->methods & bit) && s3_cors_origin_pattern(rule, origin) &&
            s3_cors_headers_allowed(rule, request_headers))
            return rule;
    }
    return NULL;
}

/* "a, b, c" from a list. */
static void s3_cors_join(struct buf *b, const struct s3_cors_list *l)
{
    buf_reset(b);
    for (size_t i = 0; i < l->n; i++) {
        if (buf_printf(b, "%s%s", i ? ", " : "", l->v[i]))
            return;
    }
}

/* The requested headers, trimmed, lowercased and joined with ", ". */
static void s3_cors_join_requested(struct buf *b, const char *request_headers)
{
    buf_reset(b);
    const char *p = request_headers ? request_headers : "", *tok;
    size_t n;
    while (str_list_next(&p, &tok, &n)) {
        if ((b->len && buf_puts(b, ", ")) || buf_append(b, tok, n))
            return;
    }
    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] >= 'A' && b->data[i] <= 'Z')
            b->data[i] = (char)(b->data[i] - 'A' + 'a');
    }
}

static void s3_cors_rule_headers(const struct s3_cors_rule *rule, const char *origin,
                                 const char *request_headers, s3_cors_header_fn *add, void *ctx)
{
    const char *pattern = s3_cors_origin_pattern(rule, origin);
    if (pattern && strcmp(pattern, "*") == 0) {
        add(ctx, "Access-Control-Allow-Origin", "*");
    } else {
        add(ctx, "Access-Control-Allow-Origin", origin);
        add(ctx, "Access-Control-Allow-Credentials", "true");
    }
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    s3_cors_join(&b, &rule->method);
    add(ctx, "Access-Control-Allow-Methods", b.len ? b.data : "");
    s3_cors_join_requested(&b, request_headers);
    if (b.len)
        add(ctx, "Access-Control-Allow-Headers", b.data);
    s3_cors_join(&b, &rule->expose);
    if (b.len)
        add(ctx, "Access-Control-Expose-Headers", b.data);
    buf_dispose(&b);
    if (rule->max_age >= 0) {
        char age[24];
        snprintf(age, sizeof(age), "%lld", (long long)rule->max_age);
        add(ctx, "Access-Control-Max-Age", age);
    }
}

void s3_cors_headers(const struct s3_cors_rule *rule, const char *origin,
                     const char *request_headers, s3_cors_header_fn *add, void *ctx)
{
    if (!rule || !origin)
        return; /* S3 sends neither CORS headers nor Vary when no rule matches */
    s3_cors_rule_headers(rule, origin, request_headers, add, ctx);
    add(ctx, "Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
}
