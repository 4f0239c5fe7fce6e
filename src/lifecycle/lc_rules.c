/* lc_rules.c — a LifecycleConfiguration's rules as structs, and the filter matcher. */
#include "lifecycle/lc_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/str.h"
#include "core/tagset.h"
#include "s3/s3_xml.h"

static int64_t lc_rules_int(const xmlNode *parent, const char *name, int64_t dflt)
{
    const xmlNode *n = s3_xml_child(parent, name);
    if (!n)
        return dflt;
    char *t = s3_xml_text(n);
    uint64_t v = 0;
    int ok = t && str_parse_u64(t, 10, INT64_MAX, &v) == 0;
    free(t);
    return ok ? (int64_t)v : dflt;
}

/* A rule Date (validated: YYYY-MM-DD at midnight UTC) as ms since the epoch; 0 when absent. */
static int64_t lc_rules_date(const xmlNode *parent)
{
    const xmlNode *n = s3_xml_child(parent, "Date");
    char *t = n ? s3_xml_text(n) : NULL;
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    int64_t ms = 0;
    if (t && sscanf(t, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        ms = (int64_t)timegm(&tm) * 1000;
    }
    free(t);
    return ms;
}

static char *lc_rules_text(const xmlNode *parent, const char *name)
{
    const xmlNode *n = s3_xml_child(parent, name);
    return n ? s3_xml_text(n) : NULL;
}

static void lc_rules_tag(struct lc_rule *r, const xmlNode *tag)
{
    if (r->ntags >= LC_RULE_TAGS_MAX)
        return;
    r->tags[r->ntags].key = lc_rules_text(tag, "Key");
    r->tags[r->ntags].value = lc_rules_text(tag, "Value");
    if (!r->tags[r->ntags].value)
        r->tags[r->ntags].value = strdup("");
    r->ntags++;
}

static void lc_rules_filter(struct lc_rule *r, const xmlNode *f)
{
    const xmlNode *and = s3_xml_child(f, "And");
    const xmlNode *scope = and? and : f;
    char *p = lc_rules_text(scope, "Prefix");
    if (p) {
        free(r->prefix);
        r->prefix = p;
    }
    for (const xmlNode *t = s3_xml_child(scope, "Tag"); t; t = s3_xml_next(t, "Tag"))
        lc_rules_tag(r, t);
    r->size_gt = lc_rules_int(scope, "ObjectSizeGreaterThan", -1);
    r->size_lt = lc_rules_int(scope, "ObjectSizeLessThan", -1);
}

static void lc_rules_transition(struct lc_transition *t, const xmlNode *x, const char *days)
{
    char *sc = lc_rules_text(x, "StorageClass");
    snprintf(t->storage_class, sizeof(t->storage_class), "%s", sc ? sc : "");
    free(sc);
    t->days = lc_rules_int(x, days, -1);
    t->date_ms = lc_rules_date(x);
    t->newer = lc_rules_int(x, "NewerNoncurrentVersions", 0);
}

static void lc_rules_actions(struct lc_rule *r, const xmlNode *x)
{
    const xmlNode *e = s3_xml_child(x, "Expiration");
    if (e) {
        r->exp_days = lc_rules_int(e, "Days", -1);
        r->exp_date_ms = lc_rules_date(e);
        char *m = lc_rules_text(e, "ExpiredObjectDeleteMarker");
        r->exp_delete_marker = m && strcmp(m, "true") == 0;
        free(m);
    }
    const xmlNode *nc = s3_xml_child(x, "NoncurrentVersionExpiration");
    if (nc) {
        r->noncurrent_days = lc_rules_int(nc, "NoncurrentDays", -1);
        r->newer_noncurrent = lc_rules_int(nc, "NewerNoncurrentVersions", 0);
    }
    const xmlNode *ab = s3_xml_child(x, "AbortIncompleteMultipartUpload");
    if (ab)
        r->abort_days = lc_rules_int(ab, "DaysAfterInitiation", -1);
    for (const xmlNode *t = s3_xml_child(x, "Transition");
         t && r->ntransitions < LC_RULE_TRANSITIONS_MAX; t = s3_xml_next(t, "Transition"))
        lc_rules_transition(&r->transitions[r->ntransitions++], t, "Days");
    for (const xmlNode *t = s3_xml_child(x, "NoncurrentVersionTransition");
         t && r->nnc_transitions < LC_RULE_TRANSITIONS_MAX;
         t = s3_xml_next(t, "NoncurrentVersionTransition"))
        lc_rules_transition(&r->nc_transitions[r->nnc_transitions++], t, "NoncurrentDays");
}

static void lc_rules_one(struct lc_rule *r, const xmlNode *x)
{
    memset(r, 0, sizeof(*r));
    r->size_gt = r->size_lt = r->exp_days = r->noncurrent_days = r->abort_days = -1;
    r->id = lc_rules_text(x, "ID");
    char *st = lc_rules_text(x, "Status");
    r->enabled = st && strcmp(st, "Enabled") == 0;
    free(st);
    r->prefix = lc_rules_text(x, "Prefix"); /* legacy */
    const xmlNode *f = s3_xml_child(x, "Filter");
    if (f)
        lc_rules_filter(r, f);
    if (!r->prefix)
        r->prefix = strdup("");
    lc_rules_actions(r, x);
}

int lc_rules_parse(const char *data, size_t len, struct lc_rules *out)
{
    memset(out, 0, sizeof(*out));
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, data, len, "LifecycleConfiguration")) {
        err_set("lifecycle configuration does not parse");
        return ERR_INVALID;
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    size_t n = 0;
    for (const xmlNode *x = s3_xml_child(root, "Rule"); x; x = s3_xml_next(x, "Rule"))
        n++;
    out->rules = calloc(n ? n : 1, sizeof(*out->rules));
    if (!out->rules) {
        xmlFreeDoc(doc);
        err_set("out of memory");
        return ERR_NOMEM;
    }
    for (const xmlNode *x = s3_xml_child(root, "Rule"); x; x = s3_xml_next(x, "Rule"))
        lc_rules_one(&out->rules[out->count++], x);
    xmlFreeDoc(doc);
    return 0;
}

void lc_rules_dispose(struct lc_rules *r)
{
    for (size_t i = 0; i < r->count; i++) {
        struct lc_rule *x = &r->rules[i];
        free(x->id);
        free(x->prefix);
        for (size_t t = 0; t < x->ntags; t++) {
            free(x->tags[t].key);
            free(x->tags[t].value);
        }
    }
    free(r->rules);
    memset(r, 0, sizeof(*r));
}

int lc_rule_matches(const struct lc_rule *r, const char *key, const char *tags, int64_t size)
{
    if (strncmp(key, r->prefix, strlen(r->prefix)) != 0)
        return 0;
    for (size_t i = 0; i < r->ntags; i++)
        if (!tagset_has(tags, r->tags[i].key, r->tags[i].value))
            return 0;
    if (size >= 0 && r->size_gt >= 0 && !(size > r->size_gt))
        return 0;
    if (size >= 0 && r->size_lt >= 0 && !(size < r->size_lt))
        return 0;
    return 1;
}

int lc_rule_has_tags_or_size(const struct lc_rule *r)
{
    return r->ntags > 0 || r->size_gt >= 0 || r->size_lt >= 0;
}
