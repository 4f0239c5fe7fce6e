/* inv_filter.h — Stocktake's extension conditions inside an inventory configuration's
 * <Filter> (docs/INVENTORY-EXTENSIONS.md): besides AWS's <Prefix>,
 *
 *   <LastModifiedAfter>ISO 8601</LastModifiedAfter>  <LastModifiedBefore>…</LastModifiedBefore>
 *   <SizeAtLeast>bytes</SizeAtLeast>                  <SizeAtMost>bytes</SizeAtMost>
 *   <StorageClass>STANDARD</StorageClass>              (repeatable: any of them)
 *   <Tag><Key>k</Key><Value>v</Value></Tag>            (repeatable: all of them)
 *   <KeyPattern>glob</KeyPattern>                       (fnmatch: *, ?, […]; * crosses '/')
 *
 * Every given condition must hold. Delete markers (All versions) have no size, storage class
 * or tags: a filter with such a condition leaves them out; dates and KeyPattern apply to them.
 * A configuration without extension elements behaves and reads back exactly as on AWS. */
#ifndef STOCKTAKE_INVENTORY_FILTER_H
#define STOCKTAKE_INVENTORY_FILTER_H

#include <stdint.h>

#include "core/buf.h"
#include "meta/meta.h"

#define INV_FILTER_CLASSES_MAX 16
#define INV_FILTER_TAGS_MAX 10
#define INV_FILTER_PATTERN_MAX 1024

struct inv_filter_tag {
    char *key;
    char *value;
};

struct inv_filter_ext {
    char *modified_after; /* as sent; NULL when absent */
    char *modified_before;
    int64_t after_ms, before_ms;
    int64_t size_at_least; /* -1: absent */
    int64_t size_at_most;  /* -1: absent */
    char *classes[INV_FILTER_CLASSES_MAX];
    size_t n_classes;
    struct inv_filter_tag tags[INV_FILTER_TAGS_MAX];
    size_t n_tags;
    char *key_pattern; /* NULL when absent */
};

struct _xmlNode;

/* Parse a <Filter> element: *prefix gets its Prefix (NULL when absent), *out the extension
 * conditions (NULL when there are none). A Filter needs a Prefix or at least one extension
 * condition. ERR_INVALID (MalformedXML) for unknown or repeated elements, bad dates or sizes,
 * SizeAtLeast > SizeAtMost, LastModifiedAfter not before LastModifiedBefore, an unknown
 * storage class, a Tag without Key, more than the limits above. The caller owns both. */
int inv_filter_parse(const struct _xmlNode *filter, char **prefix,
                     struct inv_filter_ext **out) WARN_UNUSED;

/* Append the extension elements (after Prefix) in the order of the comment above. */
int inv_filter_render(const struct inv_filter_ext *f, struct buf *out) WARN_UNUSED;

/* Does the version o pass every condition of f (NULL: no conditions)? */
int inv_filter_match(const struct inv_filter_ext *f, const struct meta_object *o);

void inv_filter_free(struct inv_filter_ext *f);

#endif
