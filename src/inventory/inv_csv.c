/* inv_csv.c — the CSV report format (research/inventory-format.md §3): no header (unless the
 * extension CsvHeader asks for one: docs/INVENTORY-EXTENSIONS.md), every
 * field in double quotes, comma-separated, LF after every record, keys form-URL-encoded with
 * '/' kept and space as '+', booleans true/false, timestamps YYYY-MM-DDTHH:MM:SS.mmmZ, absent
 * values as "". No value can hold '"', ',' or a line break, so nothing is ever escaped. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "inventory/inv_format.h"

#define INV_CSV_ROW_MAX (64 * 1024)

int inv_format_csv_schema(const struct inv_columns *cols, struct buf *out)
{
    int rc = 0;
    for (size_t i = 0; i < cols->n && !rc; i++)
        rc = buf_printf(out, "%s%s", i ? ", " : "", inv_column_name(cols->cols[i]));
    return rc;
}

/* Keep A-Z a-z 0-9 . - _ * and '/'; space becomes '+'; every other byte %XX. */
static size_t inv_csv_key(char *out, const char *key)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '-' || c == '_' || c == '*' || c == '/') {
            out[n++] = (char)c;
        } else if (c == ' ') {
            out[n++] = '+';
        } else {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    return n;
}

static size_t inv_csv_int(char *out, int64_t v)
{
    char tmp[24];
    size_t n = 0, len = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        out[len++] = '-';
    while (n)
        out[len++] = tmp[--n];
    return len;
}

static size_t inv_csv_value(char *out, int col, const struct inv_value *v)
{
    switch (v->kind) {
    case INV_STRING:
        if (col == INV_COL_KEY)
            return inv_csv_key(out, v->s);
        memcpy(out, v->s, strlen(v->s));
        return strlen(v->s);
    case INV_INT:
        return inv_csv_int(out, v->i);
    case INV_BOOL:
        memcpy(out, v->i ? "true" : "false", v->i ? 4 : 5);
        return v->i ? 4 : 5;
    case INV_TIMESTAMP: {
        char ts[32];
        clock_format_iso8601(ts, sizeof(ts), v->i);
        memcpy(out, ts, 24);
        return 24;
    }
    case INV_NULL:
        break;
    }
    return 0;
}

/* The extension CsvHeader: a first row of the fileSchema names, quoted as the values. */
static int inv_csv_start(void *state, struct inv_file *f, const struct inv_config *c,
                         const struct inv_columns *cols)
{
    (void)state;
    if (c->csv_header != 1)
        return 0;
    struct buf line;
    buf_init(&line, BUF_UNLIMITED);
    int rc = 0;
    for (size_t i = 0; i < cols->n && !rc; i++)
        rc = buf_printf(&line, "%s\"%s\"", i ? "," : "", inv_column_name(cols->cols[i]));
    if (!rc)
        rc = buf_puts(&line, "\n");
    if (!rc)
        rc = inv_file_write(f, line.data, line.len);
    buf_dispose(&line);
    return rc;
}

static int inv_csv_write_row(void *state, struct inv_file *f, const struct inv_columns *cols,
                             const struct inv_row *row)
{
    (void)state;
    /* a key is at most 1024 bytes (3072 encoded); every other value is short */
    char line[INV_CSV_ROW_MAX];
    size_t n = 0;
    for (size_t i = 0; i < cols->n; i++) {
        if (i)
            line[n++] = ',';
        line[n++] = '"';
        n += inv_csv_value(line + n, cols->cols[i], &row->v[i]);
        line[n++] = '"';
    }
    line[n++] = '\n';
    return inv_file_write(f, line, n);
}

const struct inv_format_ops inv_format_csv = {
    .name = "CSV",
    .extension = ".csv.gz",
    .gzip = 1,
    .schema = inv_format_csv_schema,
    .open = NULL,
    .start = inv_csv_start,
    .write_row = inv_csv_write_row,
    .finish = NULL,
    .free = NULL,
};
