/* inv_ddl.c — CREATE TABLE statements for a configuration's reports (see inv_ddl.h). */
#include "inventory/inv_ddl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inv_keys.h"
#include "inventory/inv_row.h"

int inv_ddl_engine_parse(const char *name)
{
    static const char *const names[] = {"athena", "trino", "spark", "duckdb"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* The SQL type of a column in an ORC or Parquet file (CSV: every column is string). */
static const char *ddl_type(int col, int is_csv, enum inv_ddl_engine e)
{
    if (is_csv)
        return e == INV_DDL_DUCKDB ? "VARCHAR" : "string";
    int f = col - INV_COL_FIELD0;
    int is_bool = col == INV_COL_IS_LATEST || col == INV_COL_IS_DELETE_MARKER ||
                  f == INV_FIELD_IS_MULTIPART_UPLOADED;
    int is_big = f == INV_FIELD_SIZE;
    int is_ts = f == INV_FIELD_LAST_MODIFIED_DATE || f == INV_FIELD_OBJECT_LOCK_RETAIN_UNTIL_DATE ||
                f == INV_FIELD_LIFECYCLE_EXPIRATION_DATE;
    if (e == INV_DDL_DUCKDB)
        return is_bool ? "BOOLEAN" : is_big ? "BIGINT" : is_ts ? "TIMESTAMPTZ" : "VARCHAR";
    if (e == INV_DDL_TRINO)
        return is_bool ? "boolean" : is_big ? "bigint" : is_ts ? "timestamp" : "varchar";
    return is_bool ? "boolean" : is_big ? "bigint" : is_ts ? "timestamp" : "string";
}

/* A table name from the source bucket and configuration id: [a-z0-9_] only. */
static void ddl_table_name(char *out, size_t cap, const char *source, const char *id)
{
    size_t n = 0;
    for (const char *p = source; *p && n + 1 < cap; p++)
        out[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    if (n + 1 < cap)
        out[n++] = '_';
    for (const char *p = id; *p && n + 1 < cap; p++)
        out[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    out[n] = '\0';
}

static int ddl_columns(struct buf *out, const struct inv_columns *cols, int is_csv,
                       enum inv_ddl_engine e, const char *indent, const char *sep)
{
    int rc = 0;
    for (size_t i = 0; i < cols->n && !rc; i++) {
        const char *name = inv_column_snake_name(cols->cols[i]);
        int quote = e != INV_DDL_DUCKDB && strcmp(name, "bucket") == 0;
        if (e == INV_DDL_DUCKDB)
            rc = buf_printf(out, "%s'%s': '%s'%s", i ? sep : "", name,
                            ddl_type(cols->cols[i], 1, e), "");
        else
            rc = buf_printf(out, "%s%s%s%s%s %s", i ? sep : "", indent, quote ? "`" : "", name,
                            quote ? "`" : "", ddl_type(cols->cols[i], is_csv, e));
    }
    return rc;
}

static int ddl_athena(struct buf *out, const struct inv_config *c, const struct inv_columns *cols,
                      const char *table, const char *loc)
{
    int is_csv = strcmp(c->format, "CSV") == 0;
    const char *serde = is_csv ? "org.apache.hadoop.hive.serde2.OpenCSVSerde"
                        : strcmp(c->format, "ORC") == 0
                            ? "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
                            : "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
    int rc = buf_printf(out, "CREATE EXTERNAL TABLE %s(\n", table);
    if (!rc)
        rc = ddl_columns(out, cols, is_csv, INV_DDL_ATHENA, "  ", ",\n");
    if (!rc)
        rc = buf_printf(out,
                        "\n  )\n  PARTITIONED BY (dt string)\n  ROW FORMAT SERDE '%s'\n"
                        "  STORED AS INPUTFORMAT "
                        "'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'\n"
                        "  OUTPUTFORMAT  'org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat'\n"
                        "  LOCATION '%s/hive/';\n\n"
                        "MSCK REPAIR TABLE %s;\n\n"
                        "-- Get list of latest inventory report dates available\n"
                        "-- SELECT DISTINCT dt FROM %s ORDER BY 1 DESC limit 10;\n",
                        serde, loc, table, table);
    for (size_t i = 0; i < c->n_fields && !rc; i++)
        if (c->fields[i] == INV_FIELD_ENCRYPTION_STATUS) {
            rc = buf_printf(out,
                            "-- Get encryption status for a provided report date.\n"
                            "-- SELECT encryption_status, count(*) FROM %s WHERE dt = "
                            "'YYYY-MM-DD-HH-MM' GROUP BY encryption_status;\n",
                            table);
            break;
        }
    return rc;
}

static int ddl_trino(struct buf *out, const struct inv_config *c, const struct inv_columns *cols,
                     const char *table, const char *loc)
{
    int is_csv = strcmp(c->format, "CSV") == 0;
    int rc = buf_printf(out, "CREATE TABLE hive.default.%s (\n", table);
    if (!rc)
        rc = ddl_columns(out, cols, is_csv, INV_DDL_TRINO, "  ", ",\n");
    if (!rc)
        rc = buf_printf(out,
                        ",\n  dt varchar\n)\nWITH (\n  format = '%s',\n"
                        "  external_location = '%s/hive/',\n"
                        "  partitioned_by = ARRAY['dt']\n);\n\n"
                        "CALL hive.system.sync_partition_metadata('default', '%s', 'ADD');\n",
                        is_csv                          ? "CSV"
                        : strcmp(c->format, "ORC") == 0 ? "ORC"
                                                        : "PARQUET",
                        loc, table);
    return rc;
}

static int ddl_spark(struct buf *out, const struct inv_config *c, const struct inv_columns *cols,
                     const char *table, const char *loc)
{
    int is_csv = strcmp(c->format, "CSV") == 0;
    int rc = buf_printf(out, "CREATE TABLE %s (\n", table);
    if (!rc)
        rc = ddl_columns(out, cols, is_csv, INV_DDL_SPARK, "  ", ",\n");
    if (!rc)
        rc = buf_printf(out, "\n)\nUSING %s\n%sLOCATION '%s/data/';\n",
                        is_csv                          ? "csv"
                        : strcmp(c->format, "ORC") == 0 ? "orc"
                                                        : "parquet",
                        is_csv ? "OPTIONS (header 'false', compression 'gzip')\n" : "", loc);
    return rc;
}

static int ddl_duckdb(struct buf *out, const struct inv_config *c, const struct inv_columns *cols,
                      const char *table, const char *loc, const char *local_dir)
{
    int is_csv = strcmp(c->format, "CSV") == 0;
    if (strcmp(c->format, "ORC") == 0) {
        err_set("DuckDB has no ORC reader: use a CSV or Parquet configuration");
        return ERR_INVALID;
    }
    int rc;
    if (local_dir)
        rc = buf_printf(out, "CREATE VIEW %s AS SELECT * FROM %s('%s/*%s'", table,
                        is_csv ? "read_csv" : "read_parquet", local_dir,
                        is_csv ? ".csv.gz" : ".parquet");
    else
        rc = buf_printf(out, "CREATE VIEW %s AS SELECT * FROM %s('%s/data/*%s'", table,
                        is_csv ? "read_csv" : "read_parquet", loc, is_csv ? ".csv.gz" : ".parquet");
    if (!rc && is_csv) {
        rc = buf_printf(out, ", header = false, delim = ',', quote = '\"', escape = '\"', "
                             "compression = 'gzip', columns = {");
        if (!rc)
            rc = ddl_columns(out, cols, 1, INV_DDL_DUCKDB, "", ", ");
        if (!rc)
            rc = buf_printf(out, "}");
    }
    if (!rc)
        rc = buf_printf(out, ");\n");
    return rc;
}

int inv_ddl_render(const struct inv_config *c, const char *source, enum inv_ddl_engine engine,
                   const char *local_dir, struct buf *out)
{
    const char *dest;
    const char *msg = inv_config_destination_error(c, &dest);
    if (msg) {
        err_set("%s", msg);
        return ERR_INVALID;
    }
    char *base = inv_keys_base(c->prefix, source, c->id);
    if (!base)
        return ERR_NOMEM;
    size_t n = strlen(dest) + strlen(base) + 8;
    char *loc = malloc(n);
    if (!loc) {
        free(base);
        return ERR_NOMEM;
    }
    snprintf(loc, n, "s3://%s/%s", dest, base);
    free(base);
    char table[200];
    ddl_table_name(table, sizeof(table), source, c->id);
    struct inv_columns cols;
    inv_columns_build(c, &cols);
    int rc;
    if (engine == INV_DDL_ATHENA)
        rc = ddl_athena(out, c, &cols, table, loc);
    else if (engine == INV_DDL_TRINO)
        rc = ddl_trino(out, c, &cols, table, loc);
    else if (engine == INV_DDL_SPARK)
        rc = ddl_spark(out, c, &cols, table, loc);
    else
        rc = ddl_duckdb(out, c, &cols, table, loc, local_dir);
    free(loc);
    return rc;
}
