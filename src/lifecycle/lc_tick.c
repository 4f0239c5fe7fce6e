/* lc_tick.c — one lifecycle pass over one bucket (lc_tick.h). Versions are read a page at a
 * time and copied, and decisions are applied only between pages, so no write happens while a
 * scan is open; a key's versions may straddle pages and are held until the key is complete. */
#include "lifecycle/lc_tick.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define LC_TICK_PAGE 512

struct lc_versions {
    struct meta_object *v;
    size_t n, cap;
};

static void lc_versions_clear(struct lc_versions *l)
{
    for (size_t i = 0; i < l->n; i++)
        meta_object_dispose(&l->v[i]);
    l->n = 0;
}

/* Room for one more version at the end of l. */
static struct meta_object *lc_versions_next(struct lc_versions *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    return &l->v[l->n++];
}

/* Copy what the decisions and actions read: the scalars, the key and the tags. */
static int lc_versions_add(void *payload, const struct meta_object *o)
{
    struct meta_object *c = lc_versions_next(payload);
    *c = *o;
    c->key = xstrdup(o->key);
    c->tags = o->tags ? xstrdup(o->tags) : NULL;
    c->headers = c->checksum_value = c->parts = c->acl = c->sse = c->restore = NULL;
    return 0;
}

/* Decide and apply for one key's versions. */
static int lc_tick_key(struct lc_pass *p, const struct lc_versions *key)
{
    struct lc_decision *d = xcalloc(key->n, sizeof(*d));
    size_t n = lc_decide_key(p->rules, key->v, key->n, p->now_ms, d);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        rc = lc_apply_version(p, &key->v[d[i].index], &d[i]);
    free(d);
    return rc;
}

/* Move page's rows into key, handing each completed key to lc_tick_key. */
static int lc_tick_rows(struct lc_pass *p, struct lc_versions *page, struct lc_versions *key)
{
    int rc = 0;
    for (size_t i = 0; i < page->n; i++) {
        if (!rc && key->n && strcmp(key->v[0].key, page->v[i].key) != 0) {
            rc = lc_tick_key(p, key);
            lc_versions_clear(key);
        }
        if (rc) {
            meta_object_dispose(&page->v[i]);
            continue;
        }
        *lc_versions_next(key) = page->v[i]; /* moved: key owns it now */
    }
    page->n = 0;
    return rc;
}

static int lc_tick_versions(struct lc_pass *p, const atomic_int *stop)
{
    struct lc_versions page = {NULL, 0, 0}, key = {NULL, 0, 0};
    char *marker = NULL;
    int64_t seq = -1;
    int rc = 0, more = 1;
    while (!rc && more && !atomic_load(stop)) {
        rc = meta_version_scan(p->meta, p->bucket->name, "", marker, seq, LC_TICK_PAGE,
                               lc_versions_add, &page);
        if (rc)
            break;
        more = page.n == LC_TICK_PAGE;
        if (more) {
            free(marker);
            marker = xstrdup(page.v[page.n - 1].key);
            seq = page.v[page.n - 1].seq;
        }
        rc = lc_tick_rows(p, &page, &key);
    }
    if (!rc && key.n && !atomic_load(stop))
        rc = lc_tick_key(p, &key);
    lc_versions_clear(&page);
    lc_versions_clear(&key);
    free(page.v);
    free(key.v);
    free(marker);
    return rc;
}

/* ---- incomplete multipart uploads ---- */

struct lc_due_upload {
    char *key;
    char upload_id[80];
    const struct lc_rule *rule;
};

struct lc_uploads {
    const struct lc_pass *p;
    struct lc_due_upload *due;
    size_t n, cap, seen;
    char *key_marker;
    char id_marker[80];
};

static int lc_uploads_add(void *payload, const struct meta_upload *u)
{
    struct lc_uploads *l = payload;
    l->seen++;
    free(l->key_marker);
    l->key_marker = xstrdup(u->key);
    memcpy(l->id_marker, u->upload_id, sizeof(l->id_marker));
    const struct lc_rule *r = lc_decide_upload(l->p->rules, u->key, u->initiated_ms, l->p->now_ms);
    if (!r)
        return 0;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->due = xrealloc(l->due, l->cap * sizeof(*l->due));
    }
    l->due[l->n].key = xstrdup(u->key);
    memcpy(l->due[l->n].upload_id, u->upload_id, sizeof(l->due[0].upload_id));
    l->due[l->n++].rule = r;
    return 0;
}

static int lc_tick_uploads(struct lc_pass *p, const atomic_int *stop)
{
    struct lc_uploads l;
    memset(&l, 0, sizeof(l));
    l.p = p;
    int rc = 0;
    do {
        l.seen = 0;
        rc = meta_upload_scan(p->meta, p->bucket->name, "", l.key_marker,
                              l.key_marker ? l.id_marker : NULL, 0, LC_TICK_PAGE, lc_uploads_add,
                              &l);
        for (size_t i = 0; i < l.n; i++) {
            if (!rc)
                rc = lc_apply_abort(p, l.due[i].key, l.due[i].upload_id, l.due[i].rule);
            free(l.due[i].key);
        }
        l.n = 0;
    } while (!rc && l.seen == LC_TICK_PAGE && !atomic_load(stop));
    free(l.due);
    free(l.key_marker);
    return rc;
}

static int lc_rules_abort_any(const struct lc_rules *rules)
{
    for (size_t i = 0; i < rules->count; i++)
        if (rules->rules[i].enabled && rules->rules[i].abort_days > 0)
            return 1;
    return 0;
}

int lc_tick_bucket(struct lc_pass *p, const atomic_int *stop)
{
    int rc = lc_tick_versions(p, stop);
    if (!rc && lc_rules_abort_any(p->rules) && !atomic_load(stop))
        rc = lc_tick_uploads(p, stop);
    return rc;
}
