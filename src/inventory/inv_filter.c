/* inv_filter.c — the extension conditions of an inventory <Filter> (see inv_filter.h). */
#include "inventory/inv_filter.h"

#include <fnmatch.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/str.h"
#include "core/tagset.h"
#include "core/xmlw.h"
#include "inventory/inv_xml.h"
#include "s3/s3_names.h"

void inv_filter_free(struct inv_filter_ext *f)
{
    if (!f)
        return;
    free(f->modified_after);
    free(f->modified_before);
    for (size_t i = 0; i < f->n_classes; i++)
        free(f->classes[i]);
    for (size_t i = 0; i < f->n_tags; i++) {
        free(f->tags[i].key);
        free(f->tags[i].value);
    }
    free(f->key_pattern);
    free(f);
}

static int inv_filter_date(const xmlNode *n, char **text, int64_t *ms)
{
    if (*text || inv_leaf_text(n, text))
        return ERR_INVALID;
    if (clock_parse_iso8601_ms(*text, ms)) {
        err_set("%s is not an ISO 8601 date", (const char *)n->name);
        return ERR_INVALID;
    }
    return 0;
}

static int inv_filter_size(const xmlNode *n, int64_t *out)
{
    char *t = NULL;
    if (*out >= 0 || inv_leaf_text(n, &t))
        return ERR_INVALID;
    int64_t v = -1;
    int rc = str_parse_i64(t, 0, INT64_MAX - 1, &v);
    free(t);
    if (rc)
        err_set("%s is not a number of bytes", (const char *)n->name);
    *out = v;
    return rc;
}

static int inv_filter_class(struct inv_filter_ext *f, const xmlNode *n)
{
    char *t = NULL;
    if (f->n_classes == INV_FILTER_CLASSES_MAX || inv_leaf_text(n, &t))
        return ERR_INVALID;
    if (!s3_storage_class_valid(t)) {
        err_set("unknown storage class in the filter");
        free(t);
        return ERR_INVALID;
    }
    f->classes[f->n_classes++] = t;
    return 0;
}

static int inv_filter_tag(struct inv_filter_ext *f, const xmlNode *n)
{
    static const char *const names[] = {"Key", "Value"};
    xmlNode *kv[2];
    if (f->n_tags == INV_FILTER_TAGS_MAX || inv_children(n, names, 2, kv) || !kv[0])
        return ERR_INVALID;
    struct inv_filter_tag *t = &f->tags[f->n_tags++];
    if (inv_leaf_text(kv[0], &t->key))
        return ERR_INVALID;
    if (kv[1])
        return inv_leaf_text(kv[1], &t->value);
    t->value = xstrdup("");
    return 0;
}

static int inv_filter_pattern(struct inv_filter_ext *f, const xmlNode *n)
{
    if (f->key_pattern || inv_leaf_text(n, &f->key_pattern))
        return ERR_INVALID;
    size_t len = strlen(f->key_pattern);
    return len >= 1 && len <= INV_FILTER_PATTERN_MAX ? 0 : ERR_INVALID;
}

/* One child of <Filter> other than Prefix. */
static int inv_filter_child(struct inv_filter_ext *f, const xmlNode *n)
{
    const char *name = (const char *)n->name;
    if (strcmp(name, "LastModifiedAfter") == 0)
        return inv_filter_date(n, &f->modified_after, &f->after_ms);
    if (strcmp(name, "LastModifiedBefore") == 0)
        return inv_filter_date(n, &f->modified_before, &f->before_ms);
    if (strcmp(name, "SizeAtLeast") == 0)
        return inv_filter_size(n, &f->size_at_least);
    if (strcmp(name, "SizeAtMost") == 0)
        return inv_filter_size(n, &f->size_at_most);
    if (strcmp(name, "StorageClass") == 0)
        return inv_filter_class(f, n);
    if (strcmp(name, "Tag") == 0)
        return inv_filter_tag(f, n);
    if (strcmp(name, "KeyPattern") == 0)
        return inv_filter_pattern(f, n);
    return ERR_INVALID;
}

static int inv_filter_consistent(const struct inv_filter_ext *f)
{
    if (f->size_at_least >= 0 && f->size_at_most >= 0 && f->size_at_least > f->size_at_most)
        return 0;
    return !(f->modified_after && f->modified_before && f->after_ms >= f->before_ms);
}

int inv_filter_parse(const xmlNode *filter, char **prefix, struct inv_filter_ext **out)
{
    *prefix = NULL;
    *out = NULL;
    if (!inv_only_elements(filter))
        return ERR_INVALID;
    struct inv_filter_ext *f = xcalloc(1, sizeof(*f));
    f->size_at_least = f->size_at_most = -1;
    int rc = 0, conditions = 0;
    for (const xmlNode *n = filter->children; n && !rc; n = n->next) {
        if (!inv_is_element(n))
            continue;
        if (strcmp((const char *)n->name, "Prefix") == 0)
            rc = *prefix ? ERR_INVALID : inv_leaf_text(n, prefix);
        else if ((rc = inv_filter_child(f, n)) == 0)
            conditions++;
    }
    if (!rc && !conditions && !*prefix)
        rc = ERR_INVALID;
    if (!rc && !inv_filter_consistent(f)) {
        err_set("the filter's ranges are empty");
        rc = ERR_INVALID;
    }
    if (rc || !conditions) {
        inv_filter_free(f);
        f = NULL;
    }
    if (rc) {
        free(*prefix);
        *prefix = NULL;
    }
    *out = f;
    return rc;
}

int inv_filter_render(const struct inv_filter_ext *f, struct buf *out)
{
    int rc = 0;
    if (f->modified_after)
        rc = xmlw_elem(out, "LastModifiedAfter", f->modified_after);
    if (!rc && f->modified_before)
        rc = xmlw_elem(out, "LastModifiedBefore", f->modified_before);
    if (!rc && f->size_at_least >= 0)
        rc = xmlw_elem_i64(out, "SizeAtLeast", f->size_at_least);
    if (!rc && f->size_at_most >= 0)
        rc = xmlw_elem_i64(out, "SizeAtMost", f->size_at_most);
    for (size_t i = 0; i < f->n_classes && !rc; i++)
        rc = xmlw_elem(out, "StorageClass", f->classes[i]);
    for (size_t i = 0; i < f->n_tags && !rc; i++) {
        rc = buf_puts(out, "<Tag>");
        if (!rc)
            rc = xmlw_elem(out, "Key", f->tags[i].key);
        if (!rc)
            rc = xmlw_elem(out, "Value", f->tags[i].value);
        if (!rc)
            rc = buf_puts(out, "</Tag>");
    }
    if (!rc && f->key_pattern)
        rc = xmlw_elem(out, "KeyPattern", f->key_pattern);
    return rc;
}

static int inv_filter_class_match(const struct inv_filter_ext *f, const char *storage_class)
{
    if (f->n_classes == 0)
        return 1;
    const char *sc = storage_class[0] ? storage_class : "STANDARD";
    for (size_t i = 0; i < f->n_classes; i++) {
        if (strcmp(f->classes[i], sc) == 0)
            return 1;
    }
    return 0;
}

int inv_filter_match(const struct inv_filter_ext *f, const struct meta_object *o)
{
    if (!f)
        return 1;
    if (f->modified_after && !(o->last_modified_ms > f->after_ms))
        return 0;
    if (f->modified_before && !(o->last_modified_ms < f->before_ms))
        return 0;
    if (f->key_pattern && fnmatch(f->key_pattern, o->key, 0) != 0)
        return 0;
    int object_conditions =
        f->size_at_least >= 0 || f->size_at_most >= 0 || f->n_classes || f->n_tags;
    if (!object_conditions)
        return 1;
    if (o->is_delete_marker)
        return 0;
    if (f->size_at_least >= 0 && o->size < f->size_at_least)
        return 0;
    if (f->size_at_most >= 0 && o->size > f->size_at_most)
        return 0;
    if (!inv_filter_class_match(f, o->storage_class))
        return 0;
    for (size_t i = 0; i < f->n_tags; i++) {
        if (!tagset_has(o->tags, f->tags[i].key, f->tags[i].value))
            return 0;
    }
    return 1;
}
