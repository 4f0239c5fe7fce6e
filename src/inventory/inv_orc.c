/* inv_orc.c — the ORC report format (research/inventory-format.md §4.1), written from the ORC v1
 * specification and orc_proto.proto.
 *
 * File: "ORC", stripes of at most ORC_STRIPE_ROWS rows, the Metadata (stripe statistics), the
 * Footer, the PostScript and its length byte. Every stream, stripe footer, metadata and footer
 * goes through ZLIB compression chunks. Columns: a root struct of string, bigint, boolean and
 * timestamp columns in AWS's order; PRESENT streams where a stripe has nulls; strings
 * DICTIONARY_V2 (sorted dictionary) while a stripe has at most 256 distinct values of a
 * low-cardinality column, else DIRECT_V2; integers and timestamp seconds in RLE v2; booleans in
 * boolean RLE;
 * timestamps as seconds since 2015-01-01 UTC plus nanoseconds (SECONDARY), writer time zone
 * UTC. File and stripe statistics for every column. No row index (rowIndexStride 0).
 * Stocktake's map columns (Tags, UserMetadata: docs/INVENTORY-EXTENSIONS.md) are
 * map<string,string>: the MAP column's PRESENT and LENGTH (entries per row, RLE v2) streams,
 * then its key and value children (the next two column ids, strings DIRECT_V2, one value per
 * entry, never null). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "inventory/inv_format.h"
#include "inventory/orc_encode.h"
#include "inventory/orc_stats.h"

#define ORC_STRIPE_ROWS 65536
#define ORC_STRIPE_BYTES (32u << 20)
#define ORC_BLOCK (256u * 1024)
#define ORC_EPOCH_2015 1420070400LL

enum { ORC_PRESENT = 0, ORC_DATA = 1, ORC_LENGTH = 2, ORC_DICTIONARY_DATA = 3, ORC_SECONDARY = 5 };
enum { ORC_ENC_DIRECT = 0, ORC_ENC_DIRECT_V2 = 2, ORC_ENC_DICTIONARY_V2 = 3 };
#define ORC_DICT_MAX 256
#define ORC_COL_MAX (INV_COLUMN_MAX + 2 * INV_ROW_MAPS)

/* a column of the file: a report column, or the key or value child of a map column */
enum { ORC_ROLE_TOP, ORC_ROLE_KEY, ORC_ROLE_VALUE };

struct orc_col {
    int col;
    int role;
    size_t value; /* the row value it is written from (inv_row.v) */
    size_t cap;   /* of ints: map children grow it */
    const char *name;
    int kind;
    uint8_t *present;
    int stripe_nulls;
    int64_t *ints; /* LONG values, TIMESTAMP seconds, STRING lengths */
    int64_t *nanos;
    uint8_t *bools;
    struct buf data;
    size_t n_values;
    /* dictionary for low-cardinality strings (DICTIONARY_V2), while it stays small */
    int dict_ok;
    int use_dict;
    char *dict[ORC_DICT_MAX];
    size_t dict_len[ORC_DICT_MAX];
    size_t n_dict;
    size_t stripe_dict_size; /* the encoding written for this stripe: 0 = DIRECT_V2 */
    struct orc_stats stripe, file;
};

struct orc_writer {
    size_t stripe_rows; /* bound on rows per stripe */
    size_t n;           /* file columns (ids 1..n), map children included */
    size_t n_top;       /* report columns */
    struct orc_col c[ORC_COL_MAX];
    size_t rows; /* in the current stripe */
    uint64_t total_rows;
    uint64_t offset;
    struct buf stripes;      /* StripeInformation messages, each wrapped as field 3 */
    struct buf stripe_stats; /* StripeStatistics messages, each wrapped as field 1 */
};

static int orc_kind(int col)
{
    int f = col - INV_COL_FIELD0;
    if (f == INV_FIELD_TAGS || f == INV_FIELD_USER_METADATA)
        return ORC_MAP;
    if (col == INV_COL_IS_LATEST || col == INV_COL_IS_DELETE_MARKER ||
        f == INV_FIELD_IS_MULTIPART_UPLOADED)
        return ORC_BOOLEAN;
    if (f == INV_FIELD_SIZE)
        return ORC_LONG;
    if (f == INV_FIELD_LAST_MODIFIED_DATE || f == INV_FIELD_OBJECT_LOCK_RETAIN_UNTIL_DATE ||
        f == INV_FIELD_LIFECYCLE_EXPIRATION_DATE)
        return ORC_TIMESTAMP;
    return ORC_STRING;
}

static const char *orc_type_name(int kind)
{
    return kind == ORC_BOOLEAN     ? "boolean"
           : kind == ORC_LONG      ? "bigint"
           : kind == ORC_TIMESTAMP ? "timestamp"
           : kind == ORC_MAP       ? "map<string,string>"
                                   : "string";
}

static int orc_schema(const struct inv_columns *cols, struct buf *out)
{
    int rc = buf_puts(out, "struct<");
    for (size_t i = 0; i < cols->n && !rc; i++)
        rc = buf_printf(out, "%s%s:%s", i ? "," : "", inv_column_snake_name(cols->cols[i]),
                        orc_type_name(orc_kind(cols->cols[i])));
    return rc ? rc : buf_puts(out, ">");
}

/* ---- values ---- */

static int64_t orc_nanos_encoded(int64_t ms)
{
    int64_t nanos = (ms % 1000 + 1000) % 1000 * 1000000;
    if (nanos == 0)
        return 0;
    int zeros = 0;
    while (nanos % 10 == 0 && zeros < 8) {
        nanos /= 10;
        zeros++;
    }
    if (zeros < 2) /* one zero cannot be encoded: keep it */
        return (zeros ? nanos * 10 : nanos) << 3;
    return nanos << 3 | (zeros - 1);
}

/* Dictionary overflow: the values so far become DIRECT (lengths in ints, bytes in data). */
static int orc_dict_to_direct(struct orc_col *c, size_t upto)
{
    int rc = 0;
    for (size_t k = 0; k < upto && !rc; k++) {
        size_t e = (size_t)c->ints[k];
        c->ints[k] = (int64_t)c->dict_len[e];
        rc = buf_append(&c->data, c->dict[e], c->dict_len[e]);
    }
    for (size_t k = 0; k < c->n_dict; k++)
        free(c->dict[k]);
    c->n_dict = 0;
    c->use_dict = 0;
    return rc;
}

/* DIRECT: ints[i] holds the length and data the bytes; DICTIONARY: ints[i] the entry. */
static int orc_add_string(struct orc_col *c, size_t i, const char *s, size_t n)
{
    if (c->use_dict) {
        size_t e = 0;
        while (e < c->n_dict && !(c->dict_len[e] == n && memcmp(c->dict[e], s, n) == 0))
            e++;
        if (e < c->n_dict || c->n_dict < ORC_DICT_MAX) {
            if (e == c->n_dict) {
                c->dict[e] = xstrndup(s, n);
                c->dict_len[e] = n;
                c->n_dict++;
            }
            c->ints[i] = (int64_t)e;
            return 0;
        }
        int rc = orc_dict_to_direct(c, i);
        if (rc)
            return rc;
    }
    c->ints[i] = (int64_t)n;
    return buf_append(&c->data, s, n);
}

/* A map child: one string per entry of the row's map. */
static int orc_add_entries(struct orc_col *c, const struct inv_value *v)
{
    int rc = 0;
    for (size_t k = 0; v->kind == INV_MAP && k < v->n_pairs && !rc; k++) {
        const char *s = c->role == ORC_ROLE_KEY ? v->pairs[k].key : v->pairs[k].value;
        size_t n = strlen(s);
        if (c->n_values == c->cap) {
            c->cap *= 2;
            c->ints = xrealloc(c->ints, c->cap * sizeof(*c->ints));
        }
        orc_stats_add(&c->stripe, ORC_STRING, 0, s, n);
        rc = orc_add_string(c, c->n_values++, s, n);
    }
    return rc;
}

static int orc_add(struct orc_col *c, const struct inv_value *v, size_t row)
{
    if (c->role != ORC_ROLE_TOP)
        return orc_add_entries(c, v);
    int present = v->kind != INV_NULL;
    c->present[row] = (uint8_t)present;
    if (!present) {
        c->stripe_nulls = 1;
        c->stripe.has_null = 1;
        return 0;
    }
    size_t i = c->n_values++;
    if (c->kind == ORC_MAP) { /* the entry count; the children hold the entries */
        c->ints[i] = (int64_t)v->n_pairs;
        c->stripe.count++;
    } else if (c->kind == ORC_BOOLEAN) {
        c->bools[i] = (uint8_t)(v->i != 0);
        orc_stats_add(&c->stripe, c->kind, v->i != 0, NULL, 0);
    } else if (c->kind == ORC_LONG) {
        c->ints[i] = v->i;
        orc_stats_add(&c->stripe, c->kind, v->i, NULL, 0);
    } else if (c->kind == ORC_TIMESTAMP) {
        int64_t secs = v->i >= 0 ? v->i / 1000 : -((-v->i + 999) / 1000);
        c->ints[i] = secs - ORC_EPOCH_2015;
        c->nanos[i] = orc_nanos_encoded(v->i);
        orc_stats_add(&c->stripe, c->kind, v->i, NULL, 0);
    } else {
        size_t n = strlen(v->s);
        orc_stats_add(&c->stripe, c->kind, 0, v->s, n);
        return orc_add_string(c, i, v->s, n);
    }
    return 0;
}

/* ---- stripes ---- */

struct orc_stream_out {
    struct buf *data;   /* the stripe's stream bytes */
    struct buf *footer; /* StripeFooter being built */
};

static int orc_stream(struct orc_stream_out *so, int kind, int column, const struct buf *raw)
{
    size_t before = so->data->len;
    int rc = orc_compress(so->data, raw->data ? raw->data : "", raw->len, ORC_BLOCK);
    struct buf msg;
    buf_init(&msg, BUF_UNLIMITED);
    if (!rc)
        rc = orc_pb_uint(&msg, 1, (uint64_t)kind);
    if (!rc)
        rc = orc_pb_uint(&msg, 2, (uint64_t)column);
    if (!rc)
        rc = orc_pb_uint(&msg, 3, so->data->len - before);
    if (!rc)
        rc = orc_pb_bytes(so->footer, 1, msg.data, msg.len);
    buf_dispose(&msg);
    return rc;
}

static int orc_dict_cmp(const void *a, const void *b, void *arg)
{
    const struct orc_col *col = arg;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    size_t lx = col->dict_len[x], ly = col->dict_len[y];
    int c = memcmp(col->dict[x], col->dict[y], lx < ly ? lx : ly);
    return c ? c : (lx > ly) - (lx < ly);
}

/* DICTIONARY_V2: DATA = entry numbers in the sorted dictionary, DICTIONARY_DATA = the entries'
 * bytes, LENGTH = their lengths. */
static int orc_dict_streams(struct orc_col *c, int column, struct orc_stream_out *so)
{
    size_t order[ORC_DICT_MAX], rank[ORC_DICT_MAX];
    for (size_t e = 0; e < c->n_dict; e++)
        order[e] = e;
    qsort_r(order, c->n_dict, sizeof(order[0]), orc_dict_cmp, c);
    for (size_t r = 0; r < c->n_dict; r++)
        rank[order[r]] = r;
    for (size_t i = 0; i < c->n_values; i++)
        c->ints[i] = (int64_t)rank[c->ints[i]];
    struct buf raw;
    buf_init(&raw, BUF_UNLIMITED);
    int rc = orc_rle_v2(&raw, c->ints, c->n_values, 0);
    if (!rc)
        rc = orc_stream(so, ORC_DATA, column, &raw);
    int64_t lengths[ORC_DICT_MAX];
    buf_reset(&raw);
    for (size_t r = 0; r < c->n_dict && !rc; r++) {
        rc = buf_append(&raw, c->dict[order[r]], c->dict_len[order[r]]);
        lengths[r] = (int64_t)c->dict_len[order[r]];
    }
    if (!rc)
        rc = orc_stream(so, ORC_DICTIONARY_DATA, column, &raw);
    buf_reset(&raw);
    if (!rc)
        rc = orc_rle_v2(&raw, lengths, c->n_dict, 0);
    if (!rc)
        rc = orc_stream(so, ORC_LENGTH, column, &raw);
    buf_dispose(&raw);
    c->stripe_dict_size = c->n_dict;
    return rc;
}

static int orc_column_streams(struct orc_writer *w, struct orc_col *c, int column,
                              struct orc_stream_out *so)
{
    struct buf raw;
    buf_init(&raw, BUF_UNLIMITED);
    int rc = 0;
    if (c->stripe_nulls) {
        rc = orc_bool_rle(&raw, c->present, w->rows);
        if (!rc)
            rc = orc_stream(so, ORC_PRESENT, column, &raw);
        buf_reset(&raw);
    }
    if (!rc && c->kind == ORC_STRING && c->use_dict && c->n_dict) {
        rc = orc_dict_streams(c, column, so);
        buf_dispose(&raw);
        return rc;
    }
    c->stripe_dict_size = 0;
    if (!rc && c->kind == ORC_BOOLEAN)
        rc = orc_bool_rle(&raw, c->bools, c->n_values);
    else if (!rc && c->kind == ORC_STRING)
        rc = buf_append(&raw, c->data.data ? c->data.data : "", c->data.len);
    else if (!rc && c->kind == ORC_MAP)
        rc = orc_rle_v2(&raw, c->ints, c->n_values, 0);
    else if (!rc)
        rc = orc_rle_v2(&raw, c->ints, c->n_values, 1);
    if (!rc)
        rc = orc_stream(so, c->kind == ORC_MAP ? ORC_LENGTH : ORC_DATA, column, &raw);
    buf_reset(&raw);
    if (!rc && (c->kind == ORC_STRING || c->kind == ORC_TIMESTAMP)) {
        rc = orc_rle_v2(&raw, c->kind == ORC_STRING ? c->ints : c->nanos, c->n_values, 0);
        if (!rc)
            rc = orc_stream(so, c->kind == ORC_STRING ? ORC_LENGTH : ORC_SECONDARY, column, &raw);
    }
    buf_dispose(&raw);
    return rc;
}

static int orc_encodings(const struct orc_writer *w, struct buf *footer)
{
    int rc = 0;
    for (size_t i = 0; i <= w->n && !rc; i++) {
        int kind = i == 0 ? ORC_STRUCT : w->c[i - 1].kind;
        size_t dict = i == 0 ? 0 : w->c[i - 1].stripe_dict_size;
        struct buf msg;
        buf_init(&msg, BUF_UNLIMITED);
        rc = orc_pb_uint(&msg, 1,
                         kind == ORC_STRUCT || kind == ORC_BOOLEAN ? ORC_ENC_DIRECT
                         : dict                                    ? ORC_ENC_DICTIONARY_V2
                                                                   : ORC_ENC_DIRECT_V2);
        if (!rc && dict)
            rc = orc_pb_uint(&msg, 2, dict);
        if (!rc)
            rc = orc_pb_bytes(footer, 2, msg.data, msg.len);
        buf_dispose(&msg);
    }
    return rc ? rc : orc_pb_bytes(footer, 3, "UTC", 3);
}

static int orc_stripe_stats(struct orc_writer *w)
{
    struct buf msg, one;
    buf_init(&msg, BUF_UNLIMITED);
    buf_init(&one, BUF_UNLIMITED);
    struct orc_stats root;
    orc_stats_init(&root);
    root.count = w->rows;
    int rc = orc_stats_message(&one, &root, ORC_STRUCT);
    if (!rc)
        rc = orc_pb_bytes(&msg, 1, one.data, one.len);
    for (size_t i = 0; i < w->n && !rc; i++) {
        buf_reset(&one);
        rc = orc_stats_message(&one, &w->c[i].stripe, w->c[i].kind);
        if (!rc)
            rc = orc_pb_bytes(&msg, 1, one.data, one.len);
    }
    if (!rc)
        rc = orc_pb_bytes(&w->stripe_stats, 1, msg.data, msg.len);
    orc_stats_dispose(&root);
    buf_dispose(&one);
    buf_dispose(&msg);
    return rc;
}

static int orc_write(struct orc_writer *w, struct inv_file *f, const void *p, size_t n)
{
    w->offset += n;
    return inv_file_write(f, p, n);
}

static void orc_reset_column(struct orc_col *c)
{
    orc_stats_merge(&c->file, &c->stripe, c->kind);
    orc_stats_dispose(&c->stripe);
    orc_stats_init(&c->stripe);
    buf_reset(&c->data);
    c->n_values = 0;
    c->stripe_nulls = 0;
    for (size_t k = 0; k < c->n_dict; k++)
        free(c->dict[k]);
    c->n_dict = 0;
    c->use_dict = c->dict_ok;
}

static int orc_flush_stripe(struct orc_writer *w, struct inv_file *f)
{
    if (w->rows == 0)
        return 0;
    struct buf data, footer, zfooter, info;
    buf_init(&data, BUF_UNLIMITED);
    buf_init(&footer, BUF_UNLIMITED);
    buf_init(&zfooter, BUF_UNLIMITED);
    buf_init(&info, BUF_UNLIMITED);
    struct orc_stream_out so = {&data, &footer};
    int rc = 0;
    for (size_t i = 0; i < w->n && !rc; i++)
        rc = orc_column_streams(w, &w->c[i], (int)i + 1, &so);
    if (!rc)
        rc = orc_encodings(w, &footer);
    if (!rc)
        rc = orc_compress(&zfooter, footer.data, footer.len, ORC_BLOCK);
    uint64_t offset = w->offset;
    if (!rc)
        rc = orc_write(w, f, data.data ? data.data : "", data.len);
    if (!rc)
        rc = orc_write(w, f, zfooter.data, zfooter.len);
    if (!rc)
        rc = orc_pb_uint(&info, 1, offset);
    if (!rc)
        rc = orc_pb_uint(&info, 2, 0);
    if (!rc)
        rc = orc_pb_uint(&info, 3, data.len);
    if (!rc)
        rc = orc_pb_uint(&info, 4, zfooter.len);
    if (!rc)
        rc = orc_pb_uint(&info, 5, w->rows);
    if (!rc)
        rc = orc_pb_bytes(&w->stripes, 3, info.data, info.len);
    if (!rc)
        rc = orc_stripe_stats(w);
    for (size_t i = 0; i < w->n; i++)
        orc_reset_column(&w->c[i]);
    w->total_rows += w->rows;
    w->rows = 0;
    buf_dispose(&data);
    buf_dispose(&footer);
    buf_dispose(&zfooter);
    buf_dispose(&info);
    return rc;
}

/* ---- footer and postscript ---- */

static int orc_types(const struct orc_writer *w, struct buf *footer)
{
    struct buf root, subtypes;
    buf_init(&root, BUF_UNLIMITED);
    buf_init(&subtypes, BUF_UNLIMITED);
    int rc = orc_pb_uint(&root, 1, ORC_STRUCT);
    for (size_t i = 0; i < w->n && !rc; i++)
        if (w->c[i].role == ORC_ROLE_TOP)
            rc = orc_pb_varint(&subtypes, i + 1);
    if (!rc)
        rc = orc_pb_bytes(&root, 2, subtypes.data, subtypes.len);
    for (size_t i = 0; i < w->n && !rc; i++)
        if (w->c[i].role == ORC_ROLE_TOP)
            rc = orc_pb_bytes(&root, 3, w->c[i].name, strlen(w->c[i].name));
    if (!rc)
        rc = orc_pb_bytes(footer, 4, root.data, root.len);
    for (size_t i = 0; i < w->n && !rc; i++) {
        struct buf t, children;
        buf_init(&t, BUF_UNLIMITED);
        buf_init(&children, BUF_UNLIMITED);
        rc = orc_pb_uint(&t, 1, (uint64_t)w->c[i].kind);
        if (!rc && w->c[i].kind == ORC_MAP) /* its key and value: the next two columns */
            rc =
                orc_pb_varint(&children, i + 2) || orc_pb_varint(&children, i + 3) ? ERR_TOOBIG : 0;
        if (!rc && w->c[i].kind == ORC_MAP)
            rc = orc_pb_bytes(&t, 2, children.data, children.len);
        if (!rc)
            rc = orc_pb_bytes(footer, 4, t.data, t.len);
        buf_dispose(&t);
        buf_dispose(&children);
    }
    buf_dispose(&root);
    buf_dispose(&subtypes);
    return rc;
}

static int orc_footer(const struct orc_writer *w, struct buf *footer)
{
    int rc = orc_pb_uint(footer, 1, 3);
    if (!rc)
        rc = orc_pb_uint(footer, 2, w->offset);
    if (!rc)
        rc = buf_append(footer, w->stripes.data ? w->stripes.data : "", w->stripes.len);
    if (!rc)
        rc = orc_types(w, footer);
    if (!rc)
        rc = orc_pb_uint(footer, 6, w->total_rows);
    struct buf one;
    buf_init(&one, BUF_UNLIMITED);
    struct orc_stats root;
    orc_stats_init(&root);
    root.count = w->total_rows;
    if (!rc)
        rc = orc_stats_message(&one, &root, ORC_STRUCT);
    if (!rc)
        rc = orc_pb_bytes(footer, 7, one.data, one.len);
    for (size_t i = 0; i < w->n && !rc; i++) {
        buf_reset(&one);
        rc = orc_stats_message(&one, &w->c[i].file, w->c[i].kind);
        if (!rc)
            rc = orc_pb_bytes(footer, 7, one.data, one.len);
    }
    orc_stats_dispose(&root);
    buf_dispose(&one);
    return rc ? rc : orc_pb_uint(footer, 8, 0);
}

static int orc_finish(void *state, struct inv_file *f)
{
    struct orc_writer *w = state;
    int rc = orc_flush_stripe(w, f);
    struct buf footer, zfooter, zmeta, ps, version;
    buf_init(&footer, BUF_UNLIMITED);
    buf_init(&zfooter, BUF_UNLIMITED);
    buf_init(&zmeta, BUF_UNLIMITED);
    buf_init(&ps, BUF_UNLIMITED);
    buf_init(&version, BUF_UNLIMITED);
    if (!rc)
        rc = orc_compress(&zmeta, w->stripe_stats.data ? w->stripe_stats.data : "",
                          w->stripe_stats.len, ORC_BLOCK);
    if (!rc)
        rc = orc_footer(w, &footer);
    if (!rc)
        rc = orc_compress(&zfooter, footer.data, footer.len, ORC_BLOCK);
    if (!rc)
        rc = orc_pb_uint(&ps, 1, zfooter.len);
    if (!rc)
        rc = orc_pb_uint(&ps, 2, 1); /* ZLIB */
    if (!rc)
        rc = orc_pb_uint(&ps, 3, ORC_BLOCK);
    if (!rc)
        rc = orc_pb_varint(&version, 0);
    if (!rc)
        rc = orc_pb_varint(&version, 12);
    if (!rc)
        rc = orc_pb_bytes(&ps, 4, version.data, version.len);
    if (!rc)
        rc = orc_pb_uint(&ps, 5, zmeta.len);
    if (!rc)
        rc = orc_pb_uint(&ps, 6, 6); /* writer version ORC-135: UTC timestamp statistics */
    if (!rc)
        rc = orc_pb_bytes(&ps, 8000, "ORC", 3);
    uint8_t ps_len = (uint8_t)ps.len;
    if (!rc)
        rc = orc_write(w, f, zmeta.data ? zmeta.data : "", zmeta.len);
    if (!rc)
        rc = orc_write(w, f, zfooter.data, zfooter.len);
    if (!rc)
        rc = orc_write(w, f, ps.data, ps.len);
    if (!rc)
        rc = orc_write(w, f, &ps_len, 1);
    buf_dispose(&footer);
    buf_dispose(&zfooter);
    buf_dispose(&zmeta);
    buf_dispose(&ps);
    buf_dispose(&version);
    return rc;
}

/* ---- the format table ---- */

static void orc_col_init(struct orc_col *c, int col, size_t value, int role)
{
    c->col = col;
    c->role = role;
    c->value = value;
    c->cap = ORC_STRIPE_ROWS;
    c->name = role == ORC_ROLE_KEY     ? "key"
              : role == ORC_ROLE_VALUE ? "value"
                                       : inv_column_snake_name(c->col);
    c->kind = role == ORC_ROLE_TOP ? orc_kind(c->col) : ORC_STRING;
    c->dict_ok = c->kind == ORC_STRING && role == ORC_ROLE_TOP && c->col != INV_COL_KEY &&
                 c->col != INV_COL_VERSION_ID && c->col != INV_COL_FIELD0 + INV_FIELD_ETAG;
    c->use_dict = c->dict_ok;
    c->present = xmalloc(ORC_STRIPE_ROWS);
    c->ints = xmalloc(ORC_STRIPE_ROWS * sizeof(*c->ints));
    c->nanos = c->kind == ORC_TIMESTAMP ? xmalloc(ORC_STRIPE_ROWS * sizeof(*c->nanos)) : NULL;
    c->bools = c->kind == ORC_BOOLEAN ? xmalloc(ORC_STRIPE_ROWS) : NULL;
    buf_init(&c->data, BUF_UNLIMITED);
    orc_stats_init(&c->stripe);
    orc_stats_init(&c->file);
}

static int orc_open(void **state, const struct inv_columns *cols, size_t row_group_rows)
{
    struct orc_writer *w = xcalloc(1, sizeof(*w));
    w->stripe_rows =
        row_group_rows && row_group_rows < ORC_STRIPE_ROWS ? row_group_rows : ORC_STRIPE_ROWS;
    w->n_top = cols->n;
    buf_init(&w->stripes, BUF_UNLIMITED);
    buf_init(&w->stripe_stats, BUF_UNLIMITED);
    for (size_t top = 0; top < cols->n; top++) {
        int map = orc_kind(cols->cols[top]) == ORC_MAP;
        for (int role = ORC_ROLE_TOP; role <= (map ? ORC_ROLE_VALUE : ORC_ROLE_TOP); role++)
            orc_col_init(&w->c[w->n++], cols->cols[top], top, role);
    }
    *state = w;
    return 0;
}

static size_t orc_buffered(const struct orc_writer *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++)
        n += w->c[i].data.len + w->c[i].n_values * 8;
    return n;
}

static int orc_write_row(void *state, struct inv_file *f, const struct inv_columns *cols,
                         const struct inv_row *row)
{
    struct orc_writer *w = state;
    (void)cols;
    int rc = 0;
    if (w->offset == 0)
        rc = orc_write(w, f, "ORC", 3);
    for (size_t i = 0; i < w->n && !rc; i++)
        rc = orc_add(&w->c[i], &row->v[w->c[i].value], w->rows);
    if (rc)
        return rc;
    w->rows++;
    if (w->rows == w->stripe_rows || orc_buffered(w) >= ORC_STRIPE_BYTES)
        rc = orc_flush_stripe(w, f);
    return rc;
}

static void orc_free(void *state)
{
    struct orc_writer *w = state;
    for (size_t i = 0; i < w->n; i++) {
        struct orc_col *c = &w->c[i];
        free(c->present);
        free(c->ints);
        free(c->nanos);
        free(c->bools);
        for (size_t k = 0; k < c->n_dict; k++)
            free(c->dict[k]);
        buf_dispose(&c->data);
        orc_stats_dispose(&c->stripe);
        orc_stats_dispose(&c->file);
    }
    buf_dispose(&w->stripes);
    buf_dispose(&w->stripe_stats);
    free(w);
}

const struct inv_format_ops inv_format_orc = {
    .name = "ORC",
    .extension = ".orc",
    .gzip = 0,
    .schema = orc_schema,
    .open = orc_open,
    .write_row = orc_write_row,
    .finish = orc_finish,
    .free = orc_free,
};
