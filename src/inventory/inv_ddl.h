/* inv_ddl.h — the CREATE TABLE statement that queries a configuration's reports, for Athena
 * (the statement of the S3 User Guide), Trino's Hive connector, Spark SQL or DuckDB.
 *
 * Pure: configuration + its columns (inv_columns_build, report order) → text. Column names are
 * AWS's snake-case names (inv_column_snake_name); types per format as research/
 * inventory-format.md §4: CSV declares every column string, ORC/Parquet boolean/bigint/
 * timestamp where the file has them, and map<string,string> for the extension columns Tags and
 * UserMetadata (ORC, Parquet and JSON); JSON as ddl_type in inv_ddl.c says (its members keep the
 * fileSchema names, which Athena maps and DuckDB renames to the snake-case names). */
#ifndef STOCKTAKE_INVENTORY_DDL_H
#define STOCKTAKE_INVENTORY_DDL_H

#include "core/buf.h"
#include "core/err.h"
#include "inventory/inv_config.h"

enum inv_ddl_engine { INV_DDL_ATHENA, INV_DDL_TRINO, INV_DDL_SPARK, INV_DDL_DUCKDB };

/* "athena", "trino", "spark", "duckdb" → engine; -1 when unknown. */
int inv_ddl_engine_parse(const char *name);

/* Append the statements for configuration c of source bucket source to out. local_dir
 * (DuckDB only, may be NULL) replaces s3://DEST/BASE/data as the directory of the data files.
 * ERR_INVALID when the destination ARN is not an S3 bucket; ERR_INVALID for DuckDB over ORC
 * (DuckDB has no ORC reader). */
int inv_ddl_render(const struct inv_config *c, const char *source, enum inv_ddl_engine engine,
                   const char *local_dir, struct buf *out) WARN_UNUSED;

#endif
