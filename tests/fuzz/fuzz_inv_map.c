/* fuzz_inv_map.c — the map values of the inventory's Tags and UserMetadata columns: any stored
 * tag set or header document either fails cleanly or gives pairs sorted by key with unique
 * keys, and their JSON form always parses back (jansson) to an object of exactly those pairs. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inv_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_map(const struct inv_map *m)
{
    for (size_t i = 1; i < m->n; i++)
        if (strcmp(m->pairs[i - 1].key, m->pairs[i].key) >= 0)
            abort();
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    if (inv_map_json(m->pairs, m->n, &b) != 0)
        abort();
    json_t *obj = json_loadb(b.data, b.len, JSON_ALLOW_NUL, NULL);
    if (!json_is_object(obj))
        abort();
    /* keys that hold NUL bytes cannot be told apart after the C string ends: count only */
    if (json_object_size(obj) > m->n)
        abort();
    json_decref(obj);
    buf_dispose(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct inv_map m = {0};
    if (inv_map_from_tags(&m, s) == 0)
        check_map(&m);
    if (inv_map_from_headers(&m, s) == 0)
        check_map(&m);
    inv_map_reset(&m);
    char *ct = NULL;
    if (inv_headers_get(s, "Content-Type", &ct) == 0)
        free(ct);
    free(s);
    return 0;
}
