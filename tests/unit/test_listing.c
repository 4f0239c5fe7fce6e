/* test_listing.c — listing pagination over a real SQLite store: every page size gives the
 * same entries as one big page, common prefixes are never repeated across pages, and markers
 * inside a rolled-up prefix skip it. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "harness.h"
#include "meta/meta.h"
#include "s3/s3_listing.h"

static const char *keys[] = {"a",   "a/1", "a/2", "a/3/x", "b",     "b/1", "c/1/2",
                             "c/2", "d",   "é",   "e/f",   "z/z/z", "\xff"};

static struct meta_store *listing_store(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/stocktake-unit-XXXXXX");
    if (!mkdtemp(dir))
        return NULL;
    struct meta_store *m = NULL;
    struct meta_config cfg = {"sqlite", dir, 0, NULL};
    if (meta_open(&m, &cfg))
        return NULL;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        struct meta_object o;
        memset(&o, 0, sizeof(o));
        o.key = (char *)keys[i];
        snprintf(o.version_id, sizeof(o.version_id), "null");
        snprintf(o.etag, sizeof(o.etag), "\"x\"");
        snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
        snprintf(o.blob_id, sizeof(o.blob_id), "none");
        o.last_modified_ms = clock_now_ms();
        if (meta_object_put(m, "bkt", &o))
            return NULL;
    }
    return m;
}

/* All entries, page by page, joined as "k:key|p:prefix|…". */
static char *list_all(struct meta_store *m, const char *prefix, const char *delim, long max)
{
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    char *marker = NULL;
    for (int pages = 0; pages < 100; pages++) {
        struct s3_list l;
        memset(&l, 0, sizeof(l));
        l.prefix = prefix;
        l.delimiter = delim;
        l.max_keys = max;
        s3_list_seek_marker(&l, marker);
        CHECK(s3_list_run(m, "bkt", &l) == 0);
        for (size_t i = 0; i < l.n_items; i++)
            CHECK(buf_printf(&out, "%s:%s|", l.items[i].is_prefix ? "p" : "k", l.items[i].key) ==
                  0);
        free(marker);
        marker = l.n_items ? strdup(l.items[l.n_items - 1].key) : NULL;
        int more = l.truncated;
        s3_list_dispose(&l);
        if (!more)
            break;
    }
    free(marker);
    return buf_detach(&out);
}

TEST(listing_pages_equal_one_page)
{
    char dir[64];
    struct meta_store *m = listing_store(dir, sizeof(dir));
    CHECK(m != NULL);
    if (!m)
        return;
    const char *cases[][2] = {{"", NULL}, {"", "/"}, {"a", "/"}, {"a/", "/"},
                              {"c", "/"}, {"", "1"}, {"z/", "z"}};
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char *whole = list_all(m, cases[c][0], cases[c][1], 1000);
        for (long max = 1; max <= 4; max++) {
            char *paged = list_all(m, cases[c][0], cases[c][1], max);
            CHECK_STR(paged, whole);
            free(paged);
        }
        free(whole);
    }
    char *top = list_all(m, "", "/", 2);
    CHECK_STR(top, "k:a|p:a/|k:b|p:b/|p:c/|k:d|p:e/|p:z/|k:é|k:\xff|");
    free(top);
    meta_close(m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

TEST(listing_marker_inside_prefix_skips_it)
{
    char dir[64];
    struct meta_store *m = listing_store(dir, sizeof(dir));
    CHECK(m != NULL);
    if (!m)
        return;
    struct s3_list l;
    memset(&l, 0, sizeof(l));
    l.prefix = "";
    l.delimiter = "/";
    l.max_keys = 3;
    s3_list_seek_marker(&l, "a/2");
    CHECK(s3_list_run(m, "bkt", &l) == 0);
    CHECK(l.n_items == 3);
    CHECK_STR(l.items[0].key, "b");
    CHECK_STR(l.items[1].key, "b/");
    CHECK(l.items[1].is_prefix);
    CHECK(l.truncated);
    s3_list_dispose(&l);
    meta_close(m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}
