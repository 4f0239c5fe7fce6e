/* inv_csv.c — the CSV report format (research/inventory-format.md §3): no header (unless the
 * extension CsvHeader asks for one: docs/INVENTORY-EXTENSIONS.md), every
 * field in double quotes, comma-separated, LF after every record, keys form-URL-encoded with
 * '/' kept and space as '+', booleans true/false, timestamps YYYY-MM-DDTHH:MM:SS.mmmZ, absent
 * values as "". No value of AWS's columns can hold '"' or a line break; a '"' in Stocktake's
 * ContentType column is doubled (RFC 4180; header values hold no line break). Stocktake's map
 * columns (Tags, UserMetadata) are a compact JSON object with sorted keys (inv_map_json), encoded
 * as keys are (docs/INVENTORY-EXTENSIONS.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "inventory/inv_format.h"

struct inv_csv {
    struct buf line; /* the row being written */
    struct buf json; /* a map value before its encoding */
};

int inv_format_csv_schema(const struct inv_columns *cols, struct buf *out)
{
    int rc = 0;
    for (size_t i = 0; i < cols->n && !rc; i++)
        rc = buf_printf(out, "%s%s", i ? ", " : "", inv_column_name(cols->cols[i]));
    return rc;
}

/* Bytes kept as they are in an encoded value: A-Z a-z 0-9 . - _ * and '/'. */
static const unsigned char inv_csv_safe[256] = {
    ['*'] = 1, ['-'] = 1, ['.'] = 1, ['/'] = 1, ['_'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1,
    ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['A'] = 1,
    ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,
    ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1,
    ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1,
    ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
    ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1,
    ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1,
    ['x'] = 1, ['y'] = 1, ['z'] = 1};

/* Keep the safe bytes; space becomes '+'; every other byte %XX. Runs of safe bytes are
 * copied at once (keys are mostly safe). */
static int inv_csv_encode(struct buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    int rc = 0;
    size_t i = 0;
    while (i < len && !rc) {
        size_t run = i;
        while (run < len && inv_csv_safe[(unsigned char)s[run]])
            run++;
        if (run > i)
            rc = buf_append(out, s + i, run - i);
        i = run;
        if (i < len && !rc) {
            unsigned char c = (unsigned char)s[i++];
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = c == ' ' ? buf_append(out, "+", 1) : buf_append(out, e, 3);
        }
    }
    return rc;
}

/* A value as it is, a '"' doubled. */
static int inv_csv_quoted(struct buf *out, const char *s)
{
    int rc = 0;
    for (const char *q; !rc && (q = strchr(s, '"')) != NULL; s = q + 1)
        rc = buf_append(out, s, (size_t)(q - s) + 1) || buf_append(out, "\"", 1) ? ERR_TOOBIG : 0;
    return rc ? rc : buf_puts(out, s);
}

static int inv_csv_int(struct buf *out, int64_t v)
{
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[n++] = '-';
    char rev[24];
    for (size_t i = 0; i < n; i++)
        rev[i] = tmp[n - 1 - i];
    return buf_append(out, rev, n);
}

static int inv_csv_value(struct inv_csv *st, int col, const struct inv_value *v)
{
    struct buf *out = &st->line;
    switch (v->kind) {
    case INV_STRING:
        if (col == INV_COL_KEY)
            return inv_csv_encode(out, v->s, strlen(v->s));
        return inv_csv_quoted(out, v->s);
    case INV_INT:
        return inv_csv_int(out, v->i);
    case INV_BOOL:
        return buf_puts(out, v->i ? "true" : "false");
    case INV_TIMESTAMP: {
        char ts[32];
        clock_format_iso8601(ts, sizeof(ts), v->i);
        return buf_append(out, ts, 24);
    }
    case INV_MAP: {
        buf_reset(&st->json);
        int rc = inv_map_json(v->pairs, v->n_pairs, &st->json);
        return rc ? rc : inv_csv_encode(out, st->json.data, st->json.len);
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
    struct inv_csv *st = state;
    buf_reset(&st->line);
    int rc = 0;
    for (size_t i = 0; i < cols->n && !rc; i++) {
        rc = buf_puts(&st->line, i ? ",\"" : "\"");
        if (!rc)
            rc = inv_csv_value(st, cols->cols[i], &row->v[i]);
        if (!rc)
            rc = buf_append(&st->line, "\"", 1);
    }
    if (!rc)
        rc = buf_append(&st->line, "\n", 1);
    return rc ? rc : inv_file_write(f, st->line.data, st->line.len);
}

static int inv_csv_open(void **state, const struct inv_columns *cols, size_t row_group_rows)
{
    (void)cols;
    (void)row_group_rows;
    struct inv_csv *st = xcalloc(1, sizeof(*st));
    buf_init(&st->line, BUF_UNLIMITED);
    buf_init(&st->json, BUF_UNLIMITED);
    *state = st;
    return 0;
}

static void inv_csv_free(void *state)
{
    struct inv_csv *st = state;
    buf_dispose(&st->line);
    buf_dispose(&st->json);
    free(st);
}

const struct inv_format_ops inv_format_csv = {
    .name = "CSV",
    .extension = ".csv.gz",
    .gzip = 1,
    .schema = inv_format_csv_schema,
    .open = inv_csv_open,
    .start = inv_csv_start,
    .write_row = inv_csv_write_row,
    .finish = NULL,
    .free = inv_csv_free,
};
