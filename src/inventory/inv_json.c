/* inv_json.c — Stocktake's extension report format JSON (docs/INVENTORY-EXTENSIONS.md): gzip,
 * one JSON object per line (JSON Lines), the report's columns as members named as in the CSV
 * fileSchema ("Bucket", "Key", ...) in column order. Values are typed: integers as JSON
 * numbers, booleans as true/false, timestamps as the ISO 8601 strings of AWS's CSV
 * (YYYY-MM-DDTHH:MM:SS.mmmZ), absent values as null. Keys are written as they are (not
 * URL-encoded), escaped as JSON by jansson. Maps (the extension columns Tags, UserMetadata) are
 * JSON objects with their keys in byte order, {} when empty. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "inventory/inv_format.h"

/* One value as JSON (a new reference), NULL on failure (a string that is not UTF-8). Every
 * value kind is one case here. */
static json_t *inv_json_value(const struct inv_value *v)
{
    switch (v->kind) {
    case INV_STRING:
        return json_string(v->s);
    case INV_INT:
        return json_integer((json_int_t)v->i);
    case INV_BOOL:
        return json_boolean(v->i != 0);
    case INV_TIMESTAMP: {
        char ts[32];
        clock_format_iso8601(ts, sizeof(ts), v->i);
        return json_string(ts);
    }
    case INV_MAP: { /* Stocktake's Tags, UserMetadata: a JSON object in key order */
        json_t *obj = json_object();
        for (size_t k = 0; obj && k < v->n_pairs; k++) {
            if (json_object_set_new(obj, v->pairs[k].key, json_string(v->pairs[k].value))) {
                json_decref(obj);
                obj = NULL;
            }
        }
        return obj;
    }
    case INV_NULL:
        break;
    }
    return json_null();
}

static int inv_json_write_row(void *state, struct inv_file *f, const struct inv_columns *cols,
                              const struct inv_row *row)
{
    (void)state;
    json_t *obj = json_object();
    if (!obj)
        return ERR_NOMEM;
    for (size_t i = 0; i < cols->n; i++) {
        json_t *v = inv_json_value(&row->v[i]);
        if (!v || json_object_set_new(obj, inv_column_name(cols->cols[i]), v)) {
            json_decref(obj);
            err_set("column %s: the value is not UTF-8", inv_column_name(cols->cols[i]));
            return ERR_INVALID;
        }
    }
    /* insertion order is kept (jansson ≥ 2.8); '/' stays unescaped, non-ASCII stays UTF-8 */
    char *line = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (!line)
        return ERR_NOMEM;
    size_t n = strlen(line);
    int rc = inv_file_write(f, line, n);
    if (!rc)
        rc = inv_file_write(f, "\n", 1);
    free(line);
    return rc;
}

const struct inv_format_ops inv_format_json = {
    .name = "JSON",
    .extension = ".json.gz",
    .gzip = 1,
    .schema = inv_format_csv_schema, /* the same fileSchema as CSV */
    .open = NULL,
    .write_row = inv_json_write_row,
    .finish = NULL,
    .free = NULL,
};
