/* s3_listing.c — the listing engine (see s3_listing.h). */
#include "s3/s3_listing.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/str.h"

char *s3_list_common_prefix(const char *prefix, const char *delimiter, const char *key)
{
    if (!delimiter || !delimiter[0])
        return NULL;
    size_t plen = strlen(prefix);
    if (strncmp(key, prefix, plen) != 0)
        return NULL;
    const char *d = strstr(key + plen, delimiter);
    return d ? xstrndup(key, (size_t)(d - key) + strlen(delimiter)) : NULL;
}

/* Seek to after the marker: past its common prefix when it has one. */
void s3_list_seek_marker(struct s3_list *l, const char *marker)
{
    char *cp = marker ? s3_list_common_prefix(l->prefix, l->delimiter, marker) : NULL;
    if (cp) {
        l->seek = str_prefix_successor(cp);
        l->seek_inclusive = 1;
        l->done = l->seek == NULL;
        free(cp);
        return;
    }
    l->seek = xstrdup(marker ? marker : "");
    l->seek_inclusive = 0;
}

static int s3_list_each(void *payload, const struct meta_object *o)
{
    struct s3_list *l = payload;
    if ((long)l->n_items == l->max_keys) {
        l->truncated = 1;
        l->done = 1;
        return 1;
    }
    struct s3_list_item *it = &l->items[l->n_items];
    char *cp = s3_list_common_prefix(l->prefix, l->delimiter, o->key);
    if (cp) {
        it->key = cp;
        it->is_prefix = 1;
        l->n_items++;
        free(l->seek);
        l->seek = str_prefix_successor(cp);
        l->seek_inclusive = 1;
        l->done = l->seek == NULL;
        l->reseek = 1;
        return 1;
    }
    it->key = xstrdup(o->key);
    it->obj = *o;
    it->obj.key = NULL;
    it->obj.headers = NULL;
    it->obj.checksum_value = NULL;
    it->obj.parts = NULL;
    it->obj.acl = NULL;
    it->obj.tags = NULL;
    it->obj.sse = NULL;
    it->obj.restore = NULL;
    l->n_items++;
    free(l->seek);
    l->seek = xstrdup(o->key);
    l->seek_inclusive = 0;
    return 0;
}

int s3_list_run(struct meta_store *meta, const char *bucket, struct s3_list *l)
{
    l->items = xcalloc((size_t)l->max_keys + 1, sizeof(*l->items));
    if (l->max_keys == 0)
        l->done = 1;
    while (!l->done) {
        l->reseek = 0;
        size_t want = (size_t)(l->max_keys - (long)l->n_items) + 1;
        int rc = meta_object_scan(meta, bucket, l->prefix, l->seek, l->seek_inclusive, want,
                                  s3_list_each, l);
        if (rc < 0)
            return rc;
        if (!l->reseek && rc == 0)
            l->done = 1;
    }
    return 0;
}

void s3_list_dispose(struct s3_list *l)
{
    for (size_t i = 0; l->items && i < l->n_items; i++)
        free(l->items[i].key);
    free(l->items);
    free(l->seek);
}
