/* inv_format.h — a report format turns rows into bytes for an inv_file; the job drives any
 * format through this table (CSV, ORC, Parquet and the extension JSON). */
#ifndef STOCKTAKE_INVENTORY_FORMAT_H
#define STOCKTAKE_INVENTORY_FORMAT_H

#include "core/buf.h"
#include "inventory/inv_file.h"
#include "inventory/inv_row.h"

struct inv_format_ops {
    const char *name;      /* the manifest's fileFormat: "CSV" */
    const char *extension; /* ".csv.gz" */
    int gzip;              /* the file stream gzips what the format writes */
    /* The manifest's fileSchema for these columns. */
    int (*schema)(const struct inv_columns *cols, struct buf *out);
    /* Per data file: open makes the format's state (NULL open: none), write_row adds a row,
     * finish writes whatever is buffered and the file's trailer, free releases the state.
     * row_group_rows bounds a columnar format's row groups (0: its default). */
    int (*open)(void **state, const struct inv_columns *cols, size_t row_group_rows);
    /* After open, before the first row (NULL: nothing): the data file's leading bytes for
     * configuration c (CSV: the header row when c asks for it). */
    int (*start)(void *state, struct inv_file *f, const struct inv_config *c,
                 const struct inv_columns *cols);
    int (*write_row)(void *state, struct inv_file *f, const struct inv_columns *cols,
                     const struct inv_row *row);
    int (*finish)(void *state, struct inv_file *f);
    void (*free)(void *state);
};

/* The format named as in the configuration ("CSV", "ORC", "Parquet", "JSON"), or NULL when
 * Stocktake has no writer for it yet. */
const struct inv_format_ops *inv_format_find(const char *name);

extern const struct inv_format_ops inv_format_csv;
extern const struct inv_format_ops inv_format_parquet;
extern const struct inv_format_ops inv_format_orc;
extern const struct inv_format_ops inv_format_json;

/* The CSV fileSchema ("Bucket, Key, Size"): CSV's and JSON's. */
int inv_format_csv_schema(const struct inv_columns *cols, struct buf *out) WARN_UNUSED;

#endif
