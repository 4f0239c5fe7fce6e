/* it_config.c — Intelligent-Tiering configurations: parse, validate, render, and the bucket's set
 * (see it_config.h). */
#include "tiering/it_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/str.h"
#include "core/xmlw.h"
#include "s3/s3_xml.h"

static char *it_text(const xmlNode *parent, const char *name)
{
    const xmlNode *n = parent ? s3_xml_child(parent, name) : NULL;
    return n ? s3_xml_text(n) : NULL;
}

static enum it_config_error it_invalid(char *msg, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
    return IT_CONFIG_INVALID_ARGUMENT;
}

static enum it_config_error it_filter_tag(struct it_config *c, const xmlNode *tag)
{
    char *key = it_text(tag, "Key");
    char *value = it_text(tag, "Value");
    if (!key || !key[0] || c->filter.ntags >= LC_RULE_TAGS_MAX) {
        free(key);
        free(value);
        return IT_CONFIG_MALFORMED;
    }
    c->filter.tags[c->filter.ntags].key = key;
    c->filter.tags[c->filter.ntags].value = value ? value : xstrdup("");
    c->filter.ntags++;
    return IT_CONFIG_OK;
}

/* Filter: Prefix, or one Tag, or And{Prefix?, Tag*}. */
static enum it_config_error it_filter(struct it_config *c, const xmlNode *f)
{
    const xmlNode *and = s3_xml_child(f, "And");
    const xmlNode *scope = and? and : f;
    size_t kids = s3_xml_count_children(f);
    if ((and&&kids != 1) || (!and&&kids > 1))
        return IT_CONFIG_MALFORMED;
    char *p = it_text(scope, "Prefix");
    if (p) {
        free(c->filter.prefix);
        c->filter.prefix = p;
    }
    enum it_config_error e = IT_CONFIG_OK;
    for (const xmlNode *t = s3_xml_child(scope, "Tag"); t && !e; t = s3_xml_next(t, "Tag"))
        e = it_filter_tag(c, t);
    return e;
}

static enum it_config_error it_tiering(struct it_config *c, const xmlNode *t, char *msg,
                                       size_t size)
{
    char *tier = it_text(t, "AccessTier");
    char *days = it_text(t, "Days");
    int64_t d = 0;
    enum it_config_error e = IT_CONFIG_OK;
    if (!tier || !days || str_parse_i64(days, INT64_MIN, INT64_MAX, &d))
        e = IT_CONFIG_MALFORMED;
    int archive = !e && strcmp(tier, TIER_ARCHIVE) == 0;
    int deep = !e && strcmp(tier, TIER_DEEP_ARCHIVE) == 0;
    if (!e && !archive && !deep)
        e = IT_CONFIG_MALFORMED;
    else if (!e && ((archive && c->archive_days) || (deep && c->deep_days)))
        e = it_invalid(msg, size, "Duplicate AccessTier: %s", tier);
    else if (!e && archive && (d < 90 || d > 730))
        e = it_invalid(msg, size, "The Days value for ARCHIVE_ACCESS must be between 90 and 730");
    else if (!e && deep && (d < 180 || d > 730))
        e = it_invalid(msg, size,
                       "The Days value for DEEP_ARCHIVE_ACCESS must be between 180 and 730");
    if (!e && archive)
        c->archive_days = d;
    if (!e && deep)
        c->deep_days = d;
    free(tier);
    free(days);
    return e;
}

static enum it_config_error it_config_read(const xmlNode *root, struct it_config *c, char *msg,
                                           size_t size)
{
    char *id = it_text(root, "Id");
    char *status = it_text(root, "Status");
    enum it_config_error e = IT_CONFIG_OK;
    if (!id || !status || (strcmp(status, "Enabled") != 0 && strcmp(status, "Disabled") != 0))
        e = IT_CONFIG_MALFORMED;
    else if (!id[0] || strlen(id) > IT_CONFIG_ID_MAX)
        e = it_invalid(msg, size, "The Id must be between 1 and %d characters", IT_CONFIG_ID_MAX);
    if (!e) {
        snprintf(c->id, sizeof(c->id), "%s", id);
        c->enabled = strcmp(status, "Enabled") == 0;
    }
    free(id);
    free(status);
    const xmlNode *f = s3_xml_child(root, "Filter");
    if (!e && f)
        e = it_filter(c, f);
    const xmlNode *t = s3_xml_child(root, "Tiering");
    if (!e && !t)
        e = IT_CONFIG_MALFORMED;
    for (; t && !e; t = s3_xml_next(t, "Tiering"))
        e = it_tiering(c, t, msg, size);
    if (!e && c->archive_days && c->deep_days && c->deep_days <= c->archive_days)
        e = it_invalid(msg, size,
                       "The DEEP_ARCHIVE_ACCESS Days must be greater than the ARCHIVE_ACCESS Days");
    return e;
}

static void it_config_init(struct it_config *c)
{
    memset(c, 0, sizeof(*c));
    c->filter.size_gt = c->filter.size_lt = -1;
    c->filter.enabled = 1;
}

enum it_config_error it_config_parse(const char *data, size_t len, struct it_config *out, char *msg,
                                     size_t msg_size)
{
    it_config_init(out);
    msg[0] = '\0';
    xmlDoc *doc = NULL;
    if (len == 0 || s3_xml_parse(&doc, data, len, "IntelligentTieringConfiguration"))
        return IT_CONFIG_MALFORMED;
    enum it_config_error e = it_config_read(xmlDocGetRootElement(doc), out, msg, msg_size);
    xmlFreeDoc(doc);
    if (e)
        it_config_dispose(out);
    return e;
}

void it_config_dispose(struct it_config *c)
{
    free(c->filter.prefix);
    for (size_t i = 0; i < c->filter.ntags; i++) {
        free(c->filter.tags[i].key);
        free(c->filter.tags[i].value);
    }
    it_config_init(c);
}

static int it_render_tag(struct buf *xml, const struct lc_tag *t)
{
    int rc = buf_puts(xml, "<Tag>");
    if (!rc)
        rc = xmlw_elem(xml, "Key", t->key);
    if (!rc)
        rc = xmlw_elem(xml, "Value", t->value);
    return rc ? rc : buf_puts(xml, "</Tag>");
}

static int it_render_filter(struct buf *xml, const struct lc_rule *f)
{
    int and = (f->prefix ? 1 : 0) + (int)f->ntags > 1;
    if (!f->prefix && !f->ntags)
        return 0;
    int rc = buf_puts(xml, and? "<Filter><And>" : "<Filter>");
    if (!rc && f->prefix)
        rc = xmlw_elem(xml, "Prefix", f->prefix);
    for (size_t i = 0; !rc && i < f->ntags; i++)
        rc = it_render_tag(xml, &f->tags[i]);
    return rc ? rc : buf_puts(xml, and? "</And></Filter>" : "</Filter>");
}

static int it_render_tiering(struct buf *xml, const char *tier, int64_t days)
{
    return buf_printf(xml, "<Tiering><Days>%lld</Days><AccessTier>%s</AccessTier></Tiering>",
                      (long long)days, tier);
}

int it_config_render(struct buf *xml, const struct it_config *c, int with_xmlns)
{
    int rc = buf_puts(xml, with_xmlns ? "<IntelligentTieringConfiguration xmlns=\"" S3_XMLNS "\">"
                                      : "<IntelligentTieringConfiguration>");
    if (!rc)
        rc = xmlw_elem(xml, "Id", c->id);
    if (!rc)
        rc = it_render_filter(xml, &c->filter);
    if (!rc)
        rc = xmlw_elem(xml, "Status", c->enabled ? "Enabled" : "Disabled");
    if (!rc && c->archive_days)
        rc = it_render_tiering(xml, TIER_ARCHIVE, c->archive_days);
    if (!rc && c->deep_days)
        rc = it_render_tiering(xml, TIER_DEEP_ARCHIVE, c->deep_days);
    return rc ? rc : buf_puts(xml, "</IntelligentTieringConfiguration>");
}

int it_configs_parse(const char *doc, struct it_configs *out)
{
    memset(out, 0, sizeof(*out));
    if (!doc || !*doc)
        return 0;
    xmlDoc *x = NULL;
    if (s3_xml_parse(&x, doc, strlen(doc), "IntelligentTieringConfigurations"))
        return ERR_INVALID;
    xmlNode *root = xmlDocGetRootElement(x);
    int rc = 0;
    char msg[160];
    for (xmlNode *n = s3_xml_child(root, "IntelligentTieringConfiguration"); n && !rc;
         n = s3_xml_next(n, "IntelligentTieringConfiguration")) {
        struct it_config c;
        it_config_init(&c);
        if (it_config_read(n, &c, msg, sizeof(msg)) != IT_CONFIG_OK) {
            it_config_dispose(&c);
            rc = ERR_INVALID;
        } else {
            rc = it_configs_put(out, &c);
        }
    }
    xmlFreeDoc(x);
    if (rc)
        it_configs_dispose(out);
    return rc;
}

int it_configs_render(struct buf *xml, const struct it_configs *l)
{
    int rc = buf_puts(xml, "<IntelligentTieringConfigurations>");
    for (size_t i = 0; !rc && i < l->n; i++)
        rc = it_config_render(xml, &l->v[i], 0);
    return rc ? rc : buf_puts(xml, "</IntelligentTieringConfigurations>");
}

void it_configs_dispose(struct it_configs *l)
{
    for (size_t i = 0; i < l->n; i++)
        it_config_dispose(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Index of id, or of where it would go (*found 0). */
static size_t it_configs_index(const struct it_configs *l, const char *id, int *found)
{
    size_t i = 0;
    while (i < l->n && strcmp(l->v[i].id, id) < 0)
        i++;
    *found = i < l->n && strcmp(l->v[i].id, id) == 0;
    return i;
}

int it_configs_put(struct it_configs *l, struct it_config *c)
{
    int found;
    size_t i = it_configs_index(l, c->id, &found);
    if (found) {
        it_config_dispose(&l->v[i]);
    } else {
        if (l->n >= IT_CONFIGS_MAX)
            return ERR_TOOBIG;
        l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
        memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof(*l->v));
        l->n++;
    }
    l->v[i] = *c;
    it_config_init(c);
    return 0;
}

const struct it_config *it_configs_find(const struct it_configs *l, const char *id)
{
    int found;
    size_t i = it_configs_index(l, id, &found);
    return found ? &l->v[i] : NULL;
}

int it_configs_remove(struct it_configs *l, const char *id)
{
    int found;
    size_t i = it_configs_index(l, id, &found);
    if (!found)
        return ERR_NOTFOUND;
    it_config_dispose(&l->v[i]);
    memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
    l->n--;
    return 0;
}

static int64_t it_min_days(int64_t have, int64_t d)
{
    return d && (!have || d < have) ? d : have;
}

void it_configs_archive_days(const struct it_configs *l, const char *key, const char *tags,
                             struct tier_archive_days *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < l->n; i++) {
        const struct it_config *c = &l->v[i];
        struct lc_rule f = c->filter; /* a view: a filter without Prefix has none */
        if (!f.prefix)
            f.prefix = "";
        if (!c->enabled || !lc_rule_matches(&f, key, tags, 0))
            continue;
        out->archive = it_min_days(out->archive, c->archive_days);
        out->deep_archive = it_min_days(out->deep_archive, c->deep_days);
    }
}
