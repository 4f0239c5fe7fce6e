/* s3_listing.h — the listing engine behind ListObjectsV2 and ListObjects (v1).
 *
 * Keys come from meta_object_scan in UTF-8 byte order. With a delimiter, a key whose rest
 * after the prefix contains it rolls up into a common prefix; the scan then seeks past every
 * key under that prefix instead of reading them. Keys and common prefixes share the max-keys
 * budget and both must sort after the marker (start-after, continuation token or marker); a
 * common prefix that is itself a prefix of the marker is "before" it and not repeated. */
#ifndef STOCKTAKE_S3_LISTING_H
#define STOCKTAKE_S3_LISTING_H

#include <stddef.h>

#include "meta/meta.h"

#define S3_LIST_MAX_KEYS 1000

struct s3_list_item {
    char *key; /* key, or common prefix when is_prefix */
    int is_prefix;
    struct meta_object obj;
};

struct s3_list {
    const char *prefix;
    const char *delimiter;
    long max_keys;
    struct s3_list_item *items;
    size_t n_items;
    int truncated;
    /* scan state */
    char *seek;
    int seek_inclusive;
    int reseek;
    int done;
};

/* The common prefix key rolls up into under prefix and delimiter, or NULL (caller frees). */
char *s3_list_common_prefix(const char *prefix, const char *delimiter, const char *key);

/* Position the scan after marker (NULL: from the start). Call once, before s3_list_run;
 * l->prefix and l->delimiter must be set. */
void s3_list_seek_marker(struct s3_list *l, const char *marker);
/* Collect up to l->max_keys entries into l->items; sets l->truncated. */
int s3_list_run(struct meta_store *meta, const char *bucket, struct s3_list *l) WARN_UNUSED;
void s3_list_dispose(struct s3_list *l);

#endif
