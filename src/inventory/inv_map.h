/* inv_map.h — the map values of Stocktake's extension report columns Tags and UserMetadata
 * (docs/INVENTORY-EXTENSIONS.md): a version's key/value pairs, sorted by key (byte order),
 * keys unique.
 *
 * Ownership: an inv_map owns its pairs and their strings (one text block); inv_map_reset
 * releases them and leaves an empty map. Rows (inv_row.h) keep one inv_map per map column and
 * hand borrowed views of it to the formats. */
#ifndef STOCKTAKE_INVENTORY_MAP_H
#define STOCKTAKE_INVENTORY_MAP_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

struct inv_pair {
    const char *key;
    const char *value;
};

struct inv_map {
    struct inv_pair *pairs;
    size_t n;
    char *text; /* the strings the pairs point into */
};

void inv_map_reset(struct inv_map *m);

/* The tag set of a version in the x-amz-tagging form (meta_object.tags: "k1=v1&k2=v2",
 * URL-encoded; NULL or "" is none), decoded. ERR_INVALID when the stored form does not decode
 * (m is then empty). */
int inv_map_from_tags(struct inv_map *m, const char *tags) WARN_UNUSED;

/* The user metadata of a version from its stored headers (meta_object.headers: a JSON array
 * of [name, value] pairs): the x-amz-meta-* pairs, names lowercased and without the prefix, as
 * S3 returns them. Of repeated names the first is kept. ERR_INVALID when the document does not
 * parse (m is then empty). */
int inv_map_from_headers(struct inv_map *m, const char *headers) WARN_UNUSED;

/* A copy of the value of header name (case-insensitive) in stored headers (as above), for the
 * caller to free; NULL when absent. ERR_INVALID when the document does not parse. */
int inv_headers_get(const char *headers, const char *name, char **out) WARN_UNUSED;

/* Append the pairs as a compact JSON object, keys in the map's (sorted) order: {"k":"v",…},
 * {} when empty. Strings escape '"', '\\' and control characters (\b \f \n \r \t, others
 * \u00XX); a string that is not well-formed UTF-8 has every byte >= 0x80 written as \u00XX. */
int inv_map_json(const struct inv_pair *pairs, size_t n, struct buf *out) WARN_UNUSED;

#endif
