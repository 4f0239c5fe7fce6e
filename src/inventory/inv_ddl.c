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

enum ddl_format { DDL_CSV, DDL_ORC, DDL_PARQUET, DDL_JSON };

/* Do the CSV data files start with a header row? (the extension CsvHeader) */
static int ddl_csv_header(const struct inv_config *c)
{
    return c->csv_header == 1;
}

static enum ddl_format ddl_format_of(const struct inv_config *c)
{
    if (strcmp(c->format, "CSV") == 0)
        return DDL_CSV;
    if (strcmp(c->format, "ORC") == 0)
        return DDL_ORC;
    return strcmp(c->format, "JSON") == 0 ? DDL_JSON : DDL_PARQUET;
}

/* The SQL type of a column: CSV declares every column string; ORC and Parquet have boolean,
 * bigint and timestamp columns; JSON has booleans and numbers, and its timestamps are ISO 8601
 * strings (string for Athena and Trino, parsed by Spark and DuckDB). */
static const char *ddl_type(int col, enum ddl_format fmt, enum inv_ddl_engine e)
{
    if (fmt == DDL_CSV)
        return e == INV_DDL_DUCKDB ? "VARCHAR" : "string";
    int f = col - INV_COL_FIELD0;
    int is_bool = col == INV_COL_IS_LATEST || col == INV_COL_IS_DELETE_MARKER ||
                  f == INV_FIELD_IS_MULTIPART_UPLOADED;
    int is_big = f == INV_FIELD_SIZE;
    int is_ts = f == INV_FIELD_LAST_MODIFIED_DATE || f == INV_FIELD_OBJECT_LOCK_RETAIN_UNTIL_DATE ||
                f == INV_FIELD_LIFECYCLE_EXPIRATION_DATE;
    if (fmt == DDL_JSON && (e == INV_DDL_ATHENA || e == INV_DDL_TRINO))
        is_ts = 0;
    if (f == INV_FIELD_TAGS || f == INV_FIELD_USER_METADATA) /* extensions: map<string,string> */
        return e == INV_DDL_DUCKDB  ? "MAP(VARCHAR, VARCHAR)"
               : e == INV_DDL_TRINO ? "map(varchar, varchar)"
                                    : "map<string,string>";
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

/* The column list. JSON members carry the fileSchema names ("LastModifiedDate"): Trino and
 * Spark declare those, Athena declares the snake-case names mapped to them (ddl_athena), DuckDB
 * reads them and its view renames them (ddl_duckdb). */
static int ddl_columns(struct buf *out, const struct inv_columns *cols, enum ddl_format fmt,
                       enum inv_ddl_engine e, const char *indent, const char *sep)
{
    int rc = 0;
    int json_names = fmt == DDL_JSON && e != INV_DDL_ATHENA;
    for (size_t i = 0; i < cols->n && !rc; i++) {
        const char *name =
            json_names ? inv_column_name(cols->cols[i]) : inv_column_snake_name(cols->cols[i]);
        int quote = e != INV_DDL_DUCKDB && (json_names || strcmp(name, "bucket") == 0);
        const char *q = !quote ? "" : json_names && e == INV_DDL_TRINO ? "\"" : "`";
        if (e == INV_DDL_DUCKDB)
            rc = buf_printf(out, "%s'%s': '%s'", i ? sep : "", name,
                            ddl_type(cols->cols[i], fmt, e));
        else
            rc = buf_printf(out, "%s%s%s%s%s %s", i ? sep : "", indent, q, name, q,
                            ddl_type(cols->cols[i], fmt, e));
    }
    return rc;
}

/* Athena's JSON SerDe properties: case-sensitive keys, each snake-case column mapped to its
 * member. */
static int ddl_athena_json_mapping(struct buf *out, const struct inv_columns *cols)
{
    int rc = buf_puts(out, "  WITH SERDEPROPERTIES (\n    'case.insensitive' = 'FALSE'");
    for (size_t i = 0; i < cols->n && !rc; i++)
        rc = buf_printf(out, ",\n    'mapping.%s' = '%s'", inv_column_snake_name(cols->cols[i]),
                        inv_column_name(cols->cols[i]));
    return rc ? rc : buf_puts(out, ")\n");
}

static int ddl_athena(struct buf *out, const struct inv_config *c, const struct inv_columns *cols,
                      const char *table, const char *loc)
{
    static const char *const serdes[] = {
        "org.apache.hadoop.hive.serde2.OpenCSVSerde", "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "org.openx.data.jsonserde.JsonSerDe"};
    enum ddl_format fmt = ddl_format_of(c);
    int rc = buf_printf(out, "CREATE EXTERNAL TABLE %s(\n", table);
    if (!rc)
        rc = ddl_columns(out, cols, fmt, INV_DDL_ATHENA, "  ", ",\n");
    if (!rc)
        rc = buf_printf(out, "\n  )\n  PARTITIONED BY (dt string)\n  ROW FORMAT SERDE '%s'\n",
                        serdes[fmt]);
    if (!rc && fmt == DDL_JSON)
        rc = ddl_athena_json_mapping(out, cols);
    if (!rc)
        rc = buf_printf(out,
                        "  STORED AS INPUTFORMAT "
                        "'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'\n"
                        "  OUTPUTFORMAT  'org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat'\n"
                        "  LOCATION '%s/hive/'%s;\n\n"
                        "MSCK REPAIR TABLE %s;\n\n"
                        "-- Get list of latest inventory report dates available\n"
                        "-- SELECT DISTINCT dt FROM %s ORDER BY 1 DESC limit 10;\n",
                        loc,
                        ddl_csv_header(c) ? "\n  TBLPROPERTIES ('skip.header.line.count'='1')" : "",
                        table, table);
    for (size_t i = 0; i < c->n_fields && !rc; i++)
        if (c->fields[i] == INV_FIELD_ENCRYPTION_STATUS) {
            rc = buf_printf(out,
                            "-- Get encryption status for a provided report date.\n"
                            "-- SELECT encryption_status, count(*) FROM %s WHERE dt = "
                            "'YYYY-MM-DD-HH-MM' GROUP BY encryption_status;\n",
                            table);
            break;
        }
    if (!rc && c->report_changes) /* a change report (docs/INVENTORY-EXTENSIONS.md) */
        rc = buf_printf(out,
                        "-- What changed since the previous report, for a provided report date.\n"
                        "-- SELECT event_type, count(*) FROM %s WHERE dt = "
                        "'YYYY-MM-DD-HH-MM' GROUP BY event_type;\n",
                        table);
    return rc;
}

static int ddl_trino(struct buf *out, const struct inv_config *c, const struct inv_columns *cols,
                     const char *table, const char *loc)
{
    static const char *const formats[] = {"CSV", "ORC", "PARQUET", "JSON"};
    enum ddl_format fmt = ddl_format_of(c);
    int rc = buf_printf(out, "CREATE TABLE hive.default.%s (\n", table);
    if (!rc)
        rc = ddl_columns(out, cols, fmt, INV_DDL_TRINO, "  ", ",\n");
    if (!rc)
        rc = buf_printf(out,
                        ",\n  dt varchar\n)\nWITH (\n  format = '%s',\n%s"
                        "  external_location = '%s/hive/',\n"
                        "  partitioned_by = ARRAY['dt']\n);\n\n"
                        "CALL hive.system.sync_partition_metadata('default', '%s', 'ADD');\n",
                        formats[fmt], ddl_csv_header(c) ? "  skip_header_line_count = 1,\n" : "",
                        loc, table);
    return rc;
}

static int ddl_spark(struct buf *out, const struct inv_config *c, const struct inv_columns *cols,
                     const char *table, const char *loc)
{
    static const char *const formats[] = {"csv", "orc", "parquet", "json"};
    enum ddl_format fmt = ddl_format_of(c);
    int rc = buf_printf(out, "CREATE TABLE %s (\n", table);
    if (!rc)
        rc = ddl_columns(out, cols, fmt, INV_DDL_SPARK, "  ", ",\n");
    if (!rc)
        rc = buf_printf(out, "\n)\nUSING %s\n%sLOCATION '%s/data/';\n", formats[fmt],
                        fmt != DDL_CSV      ? ""
                        : ddl_csv_header(c) ? "OPTIONS (header 'true', compression 'gzip')\n"
                                            : "OPTIONS (header 'false', compression 'gzip')\n",
                        loc);
    return rc;
}

/* DuckDB's JSON view: the members under their snake-case names. */
static int ddl_duckdb_json_select(struct buf *out, const struct inv_columns *cols)
{
    int rc = 0;
    for (size_t i = 0; i < cols->n && !rc; i++)
        rc = buf_printf(out, "%s\"%s\" AS %s", i ? ", " : "", inv_column_name(cols->cols[i]),
                        inv_column_snake_name(cols->cols[i]));
    return rc;
}

static int ddl_duckdb(struct buf *out, const struct inv_config *c, const struct inv_columns *cols,
                      const char *table, const char *loc, const char *local_dir)
{
    static const char *const readers[] = {"read_csv", "", "read_parquet", "read_json"};
    static const char *const exts[] = {".csv.gz", "", ".parquet", ".json.gz"};
    enum ddl_format fmt = ddl_format_of(c);
    if (fmt == DDL_ORC) {
        err_set("DuckDB has no ORC reader: use a CSV, Parquet or JSON configuration");
        return ERR_INVALID;
    }
    int rc = buf_printf(out, "CREATE VIEW %s AS SELECT ", table);
    if (!rc)
        rc = fmt == DDL_JSON ? ddl_duckdb_json_select(out, cols) : buf_puts(out, "*");
    if (!rc)
        rc = buf_printf(out, " FROM %s('%s%s/*%s'", readers[fmt], local_dir ? local_dir : loc,
                        local_dir ? "" : "/data", exts[fmt]);
    if (!rc && fmt == DDL_CSV)
        rc = buf_printf(out,
                        ", header = %s, delim = ',', quote = '\"', escape = '\"', "
                        "compression = 'gzip', columns = {",
                        ddl_csv_header(c) ? "true" : "false");
    if (!rc && fmt == DDL_JSON)
        rc = buf_puts(out, ", format = 'newline_delimited', compression = 'gzip', columns = {");
    if (!rc && (fmt == DDL_CSV || fmt == DDL_JSON))
        rc = ddl_columns(out, cols, fmt, INV_DDL_DUCKDB, "", ", ");
    if (!rc && (fmt == DDL_CSV || fmt == DDL_JSON))
        rc = buf_puts(out, "}");
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
