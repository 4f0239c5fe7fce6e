/* inv_format.h — a report format turns rows into bytes for an inv_file; the job drives any
 * format through this table (CSV now; ORC and Parquet plug in here). */
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
    /* Write one row. */
    int (*write_row)(struct inv_file *f, const struct inv_columns *cols, const struct inv_row *row);
};

/* The format named as in the configuration ("CSV", "ORC", "Parquet"), or NULL when Stocktake
 * has no writer for it yet. */
const struct inv_format_ops *inv_format_find(const char *name);

extern const struct inv_format_ops inv_format_csv;

#endif
