/* inv_parquet.c — the Parquet report format (research/inventory-format.md §4.2), written from
 * the format specification (apache/parquet-format, parquet.thrift).
 *
 * File: "PAR1", row groups of at most PQ_GROUP_ROWS rows / PQ_GROUP_BYTES buffered bytes, each
 * with one column chunk per column: [dictionary page] data page (format v1), SNAPPY-compressed;
 * then the FileMetaData footer (Thrift compact), its length and "PAR1".
 * Columns: bucket and key REQUIRED, the rest OPTIONAL (definition level 0 = null); strings are
 * BYTE_ARRAY with STRING logical type (UTF8 converted type), booleans BOOLEAN, sizes INT64,
 * dates INT64 TIMESTAMP(MILLIS, UTC). Values PLAIN; low-cardinality string columns (bucket,
 * storage class, statuses, owner, …) use a dictionary while it stays small. Definition levels
 * and dictionary indices use the RLE/bit-packed hybrid (bit-packed runs). Every chunk carries
 * min, max and null-count statistics; column orders are TYPE_ORDER so readers trust them.
 * Stocktake's map columns (Tags, UserMetadata: docs/INVENTORY-EXTENSIONS.md) are the standard
 * three-level MAP — optional group NAME (MAP) { repeated group key_value { required binary key
 * (STRING); optional binary value (STRING); } } — written as two leaf columns with repetition
 * levels (width 1) and definition levels (width 2: 0 null map, 1 empty map, 2 key, 3 value),
 * PLAIN values, no dictionary. */
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "inventory/inv_format.h"
#include "inventory/thrift_compact.h"

#define PQ_GROUP_ROWS 65536
#define PQ_GROUP_BYTES (32u << 20)
#define PQ_DICT_MAX 256
#define PQ_CREATED_BY "stocktake version 0.1.0"

enum { PQ_BOOLEAN = 0, PQ_INT64 = 2, PQ_BYTE_ARRAY = 6 };
enum { PQ_ENC_PLAIN = 0, PQ_ENC_RLE = 3, PQ_ENC_RLE_DICTIONARY = 8 };
enum { PQ_PAGE_DATA = 0, PQ_PAGE_DICTIONARY = 2 };
enum { PQ_CODEC_SNAPPY = 1 };
enum { PQ_CONVERTED_UTF8 = 0, PQ_CONVERTED_MAP = 1, PQ_CONVERTED_TIMESTAMP_MILLIS = 9 };
enum { PQ_REQUIRED = 0, PQ_OPTIONAL = 1, PQ_REPEATED = 2 };
/* a leaf column: a column of its own, or the key or value of a map column */
enum { PQ_FLAT, PQ_MAP_KEY, PQ_MAP_VALUE };
#define PQ_LEAF_MAX (INV_COLUMN_MAX + INV_ROW_MAPS)

struct pq_stats {
    int64_t nulls;
    int has;             /* min/max set */
    struct buf min, max; /* PLAIN-encoded value bytes (strings without the length) */
};

struct pq_chunk {        /* what the footer says about one column chunk */
    int64_t dict_offset; /* -1: none */
    int64_t data_offset;
    int64_t uncompressed, compressed;
    int64_t num_values;
    int dict;
    struct pq_stats stats;
};

struct pq_group {
    int64_t rows, file_offset, uncompressed, compressed;
    struct pq_chunk *chunks;
};

struct pq_column {
    int col;
    int role;        /* PQ_FLAT, PQ_MAP_KEY, PQ_MAP_VALUE */
    size_t value;    /* the row value it is written from (inv_row.v) */
    const char *top; /* the column's name; a map leaf's name is "key" or "value" */
    const char *name;
    int physical;
    int required;
    int timestamp;
    int dict_ok;
    /* the current row group */
    uint8_t *defs;
    struct buf plain;
    uint8_t bits;
    int n_bits;
    int use_dict;
    char *dict[PQ_DICT_MAX];
    size_t dict_len[PQ_DICT_MAX];
    size_t n_dict;
    uint16_t *idx;
    size_t n_idx;
    struct pq_stats stats;
    struct buf reps, mdefs; /* map leaves: the levels, one byte per level entry */
};

struct pq_writer {
    size_t group_rows; /* rows per row group, at most PQ_GROUP_ROWS */
    size_t n;          /* leaf columns */
    size_t n_top;      /* report columns */
    size_t n_maps;
    struct pq_column c[PQ_LEAF_MAX];
    size_t rows; /* in the current group */
    struct pq_group *groups;
    size_t n_groups, cap_groups;
    int64_t offset;
    int64_t total_rows;
};

/* ---- schema ---- */

static int pq_is_map(int col)
{
    return col == INV_COL_FIELD0 + INV_FIELD_TAGS ||
           col == INV_COL_FIELD0 + INV_FIELD_USER_METADATA;
}

static void pq_column_init(struct pq_column *c, int col, int role)
{
    memset(c, 0, sizeof(*c));
    c->col = col;
    c->role = role;
    c->top = inv_column_snake_name(col);
    c->name = role == PQ_MAP_KEY ? "key" : role == PQ_MAP_VALUE ? "value" : c->top;
    c->required = col == INV_COL_BUCKET || col == INV_COL_KEY || role == PQ_MAP_KEY;
    int f = col - INV_COL_FIELD0;
    buf_init(&c->reps, BUF_UNLIMITED);
    buf_init(&c->mdefs, BUF_UNLIMITED);
    if (role != PQ_FLAT) {
        c->physical = PQ_BYTE_ARRAY;
    } else if (col == INV_COL_IS_LATEST || col == INV_COL_IS_DELETE_MARKER ||
               f == INV_FIELD_IS_MULTIPART_UPLOADED) {
        c->physical = PQ_BOOLEAN;
    } else if (f == INV_FIELD_SIZE || f == INV_FIELD_LAST_MODIFIED_DATE ||
               f == INV_FIELD_OBJECT_LOCK_RETAIN_UNTIL_DATE ||
               f == INV_FIELD_LIFECYCLE_EXPIRATION_DATE) {
        c->physical = PQ_INT64;
        c->timestamp = f != INV_FIELD_SIZE;
    } else {
        c->physical = PQ_BYTE_ARRAY;
        c->dict_ok = col != INV_COL_KEY && col != INV_COL_VERSION_ID && f != INV_FIELD_ETAG;
    }
    buf_init(&c->plain, BUF_UNLIMITED);
    buf_init(&c->stats.min, BUF_UNLIMITED);
    buf_init(&c->stats.max, BUF_UNLIMITED);
    c->defs = xmalloc(PQ_GROUP_ROWS);
    c->idx = xmalloc(PQ_GROUP_ROWS * sizeof(*c->idx));
    c->use_dict = c->dict_ok;
}

static void pq_column_dispose(struct pq_column *c)
{
    for (size_t k = 0; k < c->n_dict; k++)
        free(c->dict[k]);
    free(c->defs);
    free(c->idx);
    buf_dispose(&c->plain);
    buf_dispose(&c->stats.min);
    buf_dispose(&c->stats.max);
    buf_dispose(&c->reps);
    buf_dispose(&c->mdefs);
}

static int pq_schema(const struct inv_columns *cols, struct buf *out)
{
    int rc = buf_puts(out, "message s3.inventory {");
    for (size_t i = 0; i < cols->n && !rc; i++) {
        if (pq_is_map(cols->cols[i])) {
            rc = buf_printf(out,
                            "  optional group %s (MAP) {    repeated group key_value {      "
                            "required binary key (STRING);      optional binary value (STRING);"
                            "    }  }",
                            inv_column_snake_name(cols->cols[i]));
            continue;
        }
        struct pq_column c;
        pq_column_init(&c, cols->cols[i], PQ_FLAT);
        const char *type = c.physical == PQ_BOOLEAN ? "boolean"
                           : c.physical == PQ_INT64 ? "int64"
                                                    : "binary";
        const char *logical = c.timestamp                   ? " (TIMESTAMP(MILLIS,true))"
                              : c.physical == PQ_BYTE_ARRAY ? " (STRING)"
                                                            : "";
        rc = buf_printf(out, "  %s %s %s%s;", c.required ? "required" : "optional", type, c.name,
                        logical);
        pq_column_dispose(&c);
    }
    return rc ? rc : buf_puts(out, "}");
}

/* ---- values ---- */

static void pq_stats_update(struct pq_stats *s, const void *v, size_t n, int physical)
{
    int less = 0, more = 0;
    if (s->has && physical == PQ_INT64) {
        int64_t x, lo, hi;
        memcpy(&x, v, 8);
        memcpy(&lo, s->min.data, 8);
        memcpy(&hi, s->max.data, 8);
        less = x < lo;
        more = x > hi;
    } else if (s->has) { /* unsigned byte order: strings, booleans */
        size_t ln = s->min.len < n ? s->min.len : n, hn = s->max.len < n ? s->max.len : n;
        int cl = memcmp(v, s->min.data, ln), ch = memcmp(v, s->max.data, hn);
        less = cl < 0 || (cl == 0 && n < s->min.len);
        more = ch > 0 || (ch == 0 && n > s->max.len);
    }
    if (!s->has || less) {
        buf_reset(&s->min);
        (void)!buf_append(&s->min, v, n);
    }
    if (!s->has || more) {
        buf_reset(&s->max);
        (void)!buf_append(&s->max, v, n);
    }
    s->has = 1;
}

static int pq_plain_string(struct buf *b, const char *s, size_t n)
{
    uint8_t len[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
    int rc = buf_append(b, len, 4);
    return rc ? rc : buf_append(b, s, n);
}

/* The dictionary grew too large: turn the indices so far into PLAIN values. */
static int pq_dict_to_plain(struct pq_column *c)
{
    int rc = 0;
    for (size_t i = 0; i < c->n_idx && !rc; i++)
        rc = pq_plain_string(&c->plain, c->dict[c->idx[i]], c->dict_len[c->idx[i]]);
    for (size_t i = 0; i < c->n_dict; i++)
        free(c->dict[i]);
    c->n_dict = c->n_idx = 0;
    c->use_dict = 0;
    return rc;
}

static int pq_add_string(struct pq_column *c, const char *s)
{
    size_t n = strlen(s);
    pq_stats_update(&c->stats, s, n, PQ_BYTE_ARRAY);
    if (c->use_dict) {
        size_t i = 0;
        while (i < c->n_dict && !(c->dict_len[i] == n && memcmp(c->dict[i], s, n) == 0))
            i++;
        if (i < c->n_dict || c->n_dict < PQ_DICT_MAX) {
            if (i == c->n_dict) {
                c->dict[i] = xstrndup(s, n);
                c->dict_len[i] = n;
                c->n_dict++;
            }
            c->idx[c->n_idx++] = (uint16_t)i;
            return 0;
        }
        int rc = pq_dict_to_plain(c);
        if (rc)
            return rc;
    }
    return pq_plain_string(&c->plain, s, n);
}

static int pq_level(struct pq_column *c, uint8_t rep, uint8_t def)
{
    int rc = buf_append(&c->reps, &rep, 1);
    return rc ? rc : buf_append(&c->mdefs, &def, 1);
}

/* A map leaf: one level entry per pair, or one for a null (def 0) or empty (def 1) map. */
static int pq_add_map(struct pq_column *c, const struct inv_value *v)
{
    if (v->kind != INV_MAP || v->n_pairs == 0) {
        c->stats.nulls++;
        return pq_level(c, 0, v->kind == INV_MAP ? 1 : 0);
    }
    int rc = 0;
    for (size_t i = 0; i < v->n_pairs && !rc; i++) {
        const char *s = c->role == PQ_MAP_KEY ? v->pairs[i].key : v->pairs[i].value;
        size_t n = strlen(s);
        rc = pq_level(c, i ? 1 : 0, c->role == PQ_MAP_KEY ? 2 : 3);
        pq_stats_update(&c->stats, s, n, PQ_BYTE_ARRAY);
        if (!rc)
            rc = pq_plain_string(&c->plain, s, n);
    }
    return rc;
}

static int pq_add_value(struct pq_column *c, const struct inv_value *v, size_t row)
{
    if (c->role != PQ_FLAT)
        return pq_add_map(c, v);
    int present = v->kind != INV_NULL;
    c->defs[row] = (uint8_t)present;
    if (!present) {
        c->stats.nulls++;
        return 0;
    }
    if (c->physical == PQ_BOOLEAN) {
        uint8_t b = (uint8_t)(v->i != 0);
        pq_stats_update(&c->stats, &b, 1, PQ_BOOLEAN);
        c->bits |= (uint8_t)(b << c->n_bits);
        if (++c->n_bits == 8) {
            c->n_bits = 0;
            int rc = buf_append(&c->plain, &c->bits, 1);
            c->bits = 0;
            return rc;
        }
        return 0;
    }
    if (c->physical == PQ_INT64) {
        uint8_t le[8];
        for (int i = 0; i < 8; i++)
            le[i] = (uint8_t)((uint64_t)v->i >> (8 * i));
        int64_t x = v->i;
        pq_stats_update(&c->stats, &x, 8, PQ_INT64);
        return buf_append(&c->plain, le, 8);
    }
    return pq_add_string(c, v->s);
}

/* ---- pages ---- */

/* RLE/bit-packed hybrid, as bit-packed runs of 8 values each, LSB first. */
static int pq_bitpack(struct buf *out, const void *values, int u16, size_t n, int width)
{
    struct tc_writer w;
    tc_init(&w, out);
    size_t groups = (n + 7) / 8;
    if (groups == 0)
        return 0;
    tc_varint(&w, groups << 1 | 1);
    for (size_t g = 0; g < groups && !tc_error(&w); g++) {
        uint8_t packed[16] = {0};
        for (size_t k = 0; k < 8; k++) {
            size_t i = g * 8 + k;
            uint32_t v = i >= n ? 0
                         : u16  ? ((const uint16_t *)values)[i]
                                : ((const uint8_t *)values)[i];
            for (int b = 0; b < width; b++) {
                size_t bit = k * (size_t)width + (size_t)b;
                if (v >> b & 1)
                    packed[bit / 8] |= (uint8_t)(1u << (bit % 8));
            }
        }
        if (buf_append(out, packed, (size_t)width))
            return ERR_TOOBIG;
    }
    return tc_error(&w);
}

static int pq_write(struct pq_writer *pw, struct inv_file *f, const void *p, size_t n)
{
    pw->offset += (int64_t)n;
    return inv_file_write(f, p, n);
}

/* Compress body with SNAPPY and write header + body; add their sizes to the chunk. */
static int pq_page(struct pq_writer *pw, struct inv_file *f, struct pq_chunk *ch, int type,
                   const struct buf *body, int64_t num_values, int encoding)
{
    size_t cap = snappy_max_compressed_length(body->len);
    char *z = xmalloc(cap ? cap : 1);
    size_t zlen = cap;
    if (snappy_compress(body->data ? body->data : "", body->len, z, &zlen) != SNAPPY_OK) {
        free(z);
        err_set("snappy_compress failed");
        return ERR_IO;
    }
    struct buf hdr;
    struct tc_writer w;
    buf_init(&hdr, BUF_UNLIMITED);
    tc_init(&w, &hdr);
    tc_field_i32(&w, 1, type);
    tc_field_i32(&w, 2, (int32_t)body->len);
    tc_field_i32(&w, 3, (int32_t)zlen);
    if (type == PQ_PAGE_DATA) {
        tc_field_struct_begin(&w, 5);
        tc_field_i32(&w, 1, (int32_t)num_values);
        tc_field_i32(&w, 2, encoding);
        tc_field_i32(&w, 3, PQ_ENC_RLE);
        tc_field_i32(&w, 4, PQ_ENC_RLE);
    } else {
        tc_field_struct_begin(&w, 7);
        tc_field_i32(&w, 1, (int32_t)num_values);
        tc_field_i32(&w, 2, PQ_ENC_PLAIN);
    }
    tc_struct_end(&w);
    tc_stop(&w);
    int rc = tc_error(&w);
    if (!rc)
        rc = pq_write(pw, f, hdr.data, hdr.len);
    if (!rc)
        rc = pq_write(pw, f, z, zlen);
    ch->uncompressed += (int64_t)(hdr.len + body->len);
    ch->compressed += (int64_t)(hdr.len + zlen);
    buf_dispose(&hdr);
    free(z);
    return rc;
}

static int pq_bit_width(size_t n)
{
    int w = 1;
    while (w < 16 && ((size_t)1 << w) < n)
        w++;
    return w;
}

/* Levels of a data page (format v1): the hybrid encoding after its 4-byte length. */
static int pq_levels(struct buf *body, const uint8_t *levels, size_t n, int width)
{
    struct buf enc;
    buf_init(&enc, BUF_UNLIMITED);
    int rc = pq_bitpack(&enc, levels, 0, n, width);
    uint8_t len[4] = {(uint8_t)enc.len, (uint8_t)(enc.len >> 8), (uint8_t)(enc.len >> 16),
                      (uint8_t)(enc.len >> 24)};
    if (!rc)
        rc = buf_append(body, len, 4);
    if (!rc)
        rc = buf_append(body, enc.data, enc.len);
    buf_dispose(&enc);
    return rc;
}

static int pq_chunk_write(struct pq_writer *pw, struct inv_file *f, struct pq_column *c,
                          struct pq_chunk *ch)
{
    struct buf body;
    buf_init(&body, BUF_UNLIMITED);
    int rc = 0;
    ch->dict_offset = -1;
    ch->num_values = c->role == PQ_FLAT ? (int64_t)pw->rows : (int64_t)c->mdefs.len;
    if (c->use_dict && c->n_dict) {
        ch->dict = 1;
        ch->dict_offset = pw->offset;
        for (size_t i = 0; i < c->n_dict && !rc; i++)
            rc = pq_plain_string(&body, c->dict[i], c->dict_len[i]);
        if (!rc)
            rc = pq_page(pw, f, ch, PQ_PAGE_DICTIONARY, &body, (int64_t)c->n_dict, 0);
        buf_reset(&body);
    }
    ch->data_offset = pw->offset;
    if (!rc && c->role != PQ_FLAT) {
        rc = pq_levels(&body, (const uint8_t *)c->reps.data, c->reps.len, 1);
        if (!rc)
            rc = pq_levels(&body, (const uint8_t *)c->mdefs.data, c->mdefs.len, 2);
    } else if (!rc && !c->required) {
        rc = pq_levels(&body, c->defs, pw->rows, 1);
    }
    if (!rc && c->physical == PQ_BOOLEAN && c->n_bits)
        rc = buf_append(&c->plain, &c->bits, 1);
    if (!rc && ch->dict) {
        uint8_t width = (uint8_t)pq_bit_width(c->n_dict);
        rc = buf_append(&body, &width, 1);
        if (!rc)
            rc = pq_bitpack(&body, c->idx, 1, c->n_idx, width);
    } else if (!rc) {
        rc = buf_append(&body, c->plain.data, c->plain.len);
    }
    if (!rc)
        rc = pq_page(pw, f, ch, PQ_PAGE_DATA, &body, ch->num_values,
                     ch->dict ? PQ_ENC_RLE_DICTIONARY : PQ_ENC_PLAIN);
    buf_dispose(&body);
    /* hand the statistics to the chunk; reset the column for the next group */
    ch->stats = c->stats;
    buf_init(&c->stats.min, BUF_UNLIMITED);
    buf_init(&c->stats.max, BUF_UNLIMITED);
    c->stats.nulls = 0;
    c->stats.has = 0;
    buf_reset(&c->plain);
    buf_reset(&c->reps);
    buf_reset(&c->mdefs);
    c->bits = 0;
    c->n_bits = 0;
    for (size_t i = 0; i < c->n_dict; i++)
        free(c->dict[i]);
    c->n_dict = c->n_idx = 0;
    c->use_dict = c->dict_ok;
    return rc;
}

static int pq_flush_group(struct pq_writer *pw, struct inv_file *f)
{
    if (pw->rows == 0)
        return 0;
    if (pw->n_groups == pw->cap_groups) {
        pw->cap_groups = pw->cap_groups ? 2 * pw->cap_groups : 8;
        pw->groups = xrealloc(pw->groups, pw->cap_groups * sizeof(*pw->groups));
    }
    struct pq_group *g = &pw->groups[pw->n_groups++];
    memset(g, 0, sizeof(*g));
    g->chunks = xcalloc(pw->n, sizeof(*g->chunks));
    g->rows = (int64_t)pw->rows;
    g->file_offset = pw->offset;
    int rc = 0;
    for (size_t i = 0; i < pw->n && !rc; i++) {
        rc = pq_chunk_write(pw, f, &pw->c[i], &g->chunks[i]);
        g->uncompressed += g->chunks[i].uncompressed;
        g->compressed += g->chunks[i].compressed;
    }
    pw->total_rows += (int64_t)pw->rows;
    pw->rows = 0;
    return rc;
}

/* ---- footer ---- */

/* A map column's two groups, before its key leaf. */
static void pq_footer_map_groups(struct tc_writer *w, const struct pq_column *c)
{
    tc_elem_struct_begin(w);
    tc_field_i32(w, 3, PQ_OPTIONAL);
    tc_field_string(w, 4, c->top);
    tc_field_i32(w, 5, 1);
    tc_field_i32(w, 6, PQ_CONVERTED_MAP);
    tc_field_struct_begin(w, 10); /* LogicalType union */
    tc_field_struct_begin(w, 2);  /* MapType */
    tc_struct_end(w);
    tc_struct_end(w);
    tc_struct_end(w);
    tc_elem_struct_begin(w);
    tc_field_i32(w, 3, PQ_REPEATED);
    tc_field_string(w, 4, "key_value");
    tc_field_i32(w, 5, 2);
    tc_struct_end(w);
}

static void pq_footer_schema(struct tc_writer *w, const struct pq_writer *pw)
{
    tc_field_list_begin(w, 2, TC_STRUCT, pw->n + 1 + 2 * pw->n_maps);
    tc_elem_struct_begin(w);
    tc_field_string(w, 4, "s3.inventory");
    tc_field_i32(w, 5, (int32_t)pw->n_top);
    tc_struct_end(w);
    for (size_t i = 0; i < pw->n; i++) {
        const struct pq_column *c = &pw->c[i];
        if (c->role == PQ_MAP_KEY)
            pq_footer_map_groups(w, c);
        tc_elem_struct_begin(w);
        tc_field_i32(w, 1, c->physical);
        tc_field_i32(w, 3, c->required ? PQ_REQUIRED : PQ_OPTIONAL);
        tc_field_string(w, 4, c->name);
        if (c->physical == PQ_BYTE_ARRAY || c->timestamp) {
            tc_field_i32(w, 6, c->timestamp ? PQ_CONVERTED_TIMESTAMP_MILLIS : PQ_CONVERTED_UTF8);
            tc_field_struct_begin(w, 10); /* LogicalType union */
            if (c->timestamp) {
                tc_field_struct_begin(w, 8); /* TimestampType */
                tc_field_bool(w, 1, 1);      /* isAdjustedToUTC */
                tc_field_struct_begin(w, 2); /* TimeUnit */
                tc_field_struct_begin(w, 1); /* MILLIS */
                tc_struct_end(w);
                tc_struct_end(w);
                tc_struct_end(w);
            } else {
                tc_field_struct_begin(w, 1); /* StringType */
                tc_struct_end(w);
            }
            tc_struct_end(w);
        }
        tc_struct_end(w);
    }
}

static void pq_footer_chunk(struct tc_writer *w, const struct pq_column *c,
                            const struct pq_chunk *ch)
{
    tc_elem_struct_begin(w);
    tc_field_i64(w, 2, ch->dict_offset >= 0 ? ch->dict_offset : ch->data_offset);
    tc_field_struct_begin(w, 3);
    tc_field_i32(w, 1, c->physical);
    tc_field_list_begin(w, 2, TC_I32, ch->dict ? 3 : 2);
    tc_elem_i32(w, PQ_ENC_PLAIN);
    tc_elem_i32(w, PQ_ENC_RLE);
    if (ch->dict)
        tc_elem_i32(w, PQ_ENC_RLE_DICTIONARY);
    tc_field_list_begin(w, 3, TC_BINARY, c->role == PQ_FLAT ? 1 : 3);
    if (c->role != PQ_FLAT) {
        tc_elem_string(w, c->top);
        tc_elem_string(w, "key_value");
    }
    tc_elem_string(w, c->name);
    tc_field_i32(w, 4, PQ_CODEC_SNAPPY);
    tc_field_i64(w, 5, ch->num_values);
    tc_field_i64(w, 6, ch->uncompressed);
    tc_field_i64(w, 7, ch->compressed);
    tc_field_i64(w, 9, ch->data_offset);
    if (ch->dict)
        tc_field_i64(w, 11, ch->dict_offset);
    tc_field_struct_begin(w, 12); /* Statistics */
    tc_field_i64(w, 3, ch->stats.nulls);
    if (ch->stats.has) {
        tc_field_binary(w, 5, ch->stats.max.data, ch->stats.max.len);
        tc_field_binary(w, 6, ch->stats.min.data, ch->stats.min.len);
    }
    tc_struct_end(w);
    tc_struct_end(w);
    tc_struct_end(w);
}

static int pq_footer(struct pq_writer *pw, struct buf *out)
{
    struct tc_writer w;
    tc_init(&w, out);
    tc_field_i32(&w, 1, 1);
    pq_footer_schema(&w, pw);
    tc_field_i64(&w, 3, pw->total_rows);
    tc_field_list_begin(&w, 4, TC_STRUCT, pw->n_groups);
    for (size_t g = 0; g < pw->n_groups; g++) {
        const struct pq_group *grp = &pw->groups[g];
        tc_elem_struct_begin(&w);
        tc_field_list_begin(&w, 1, TC_STRUCT, pw->n);
        for (size_t i = 0; i < pw->n; i++)
            pq_footer_chunk(&w, &pw->c[i], &grp->chunks[i]);
        tc_field_i64(&w, 2, grp->uncompressed);
        tc_field_i64(&w, 3, grp->rows);
        tc_field_i64(&w, 5, grp->file_offset);
        tc_field_i64(&w, 6, grp->compressed);
        tc_struct_end(&w);
    }
    tc_field_list_begin(&w, 5, TC_STRUCT, 1);
    tc_elem_struct_begin(&w);
    tc_field_string(&w, 1, "writer");
    tc_field_string(&w, 2, PQ_CREATED_BY " (S3 Inventory)");
    tc_struct_end(&w);
    tc_field_string(&w, 6, PQ_CREATED_BY);
    tc_field_list_begin(&w, 7, TC_STRUCT, pw->n);
    for (size_t i = 0; i < pw->n; i++) {
        tc_elem_struct_begin(&w);
        tc_field_struct_begin(&w, 1); /* TYPE_ORDER */
        tc_struct_end(&w);
        tc_struct_end(&w);
    }
    tc_stop(&w);
    return tc_error(&w);
}

/* ---- the format table ---- */

static int pq_open(void **state, const struct inv_columns *cols, size_t row_group_rows)
{
    struct pq_writer *pw = xcalloc(1, sizeof(*pw));
    pw->group_rows =
        row_group_rows && row_group_rows < PQ_GROUP_ROWS ? row_group_rows : PQ_GROUP_ROWS;
    pw->n_top = cols->n;
    for (size_t i = 0; i < cols->n; i++) {
        int map = pq_is_map(cols->cols[i]);
        pq_column_init(&pw->c[pw->n], cols->cols[i], map ? PQ_MAP_KEY : PQ_FLAT);
        pw->c[pw->n++].value = i;
        if (map) {
            pq_column_init(&pw->c[pw->n], cols->cols[i], PQ_MAP_VALUE);
            pw->c[pw->n++].value = i;
            pw->n_maps++;
        }
    }
    *state = pw;
    return 0;
}

static size_t pq_buffered(const struct pq_writer *pw)
{
    size_t n = 0;
    for (size_t i = 0; i < pw->n; i++)
        n += pw->c[i].plain.len + pw->c[i].n_idx * 2 + pw->c[i].mdefs.len * 2;
    return n;
}

static int pq_write_row(void *state, struct inv_file *f, const struct inv_columns *cols,
                        const struct inv_row *row)
{
    struct pq_writer *pw = state;
    (void)cols;
    int rc = 0;
    if (pw->offset == 0)
        rc = pq_write(pw, f, "PAR1", 4);
    for (size_t i = 0; i < pw->n && !rc; i++)
        rc = pq_add_value(&pw->c[i], &row->v[pw->c[i].value], pw->rows);
    if (rc)
        return rc;
    pw->rows++;
    if (pw->rows == pw->group_rows || pq_buffered(pw) >= PQ_GROUP_BYTES)
        rc = pq_flush_group(pw, f);
    return rc;
}

static int pq_finish(void *state, struct inv_file *f)
{
    struct pq_writer *pw = state;
    int rc = pq_flush_group(pw, f);
    struct buf footer;
    buf_init(&footer, BUF_UNLIMITED);
    if (!rc)
        rc = pq_footer(pw, &footer);
    uint32_t n = (uint32_t)footer.len;
    uint8_t len[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
    if (!rc)
        rc = pq_write(pw, f, footer.data, footer.len);
    if (!rc)
        rc = pq_write(pw, f, len, 4);
    if (!rc)
        rc = pq_write(pw, f, "PAR1", 4);
    buf_dispose(&footer);
    return rc;
}

static void pq_free(void *state)
{
    struct pq_writer *pw = state;
    for (size_t g = 0; g < pw->n_groups; g++) {
        for (size_t i = 0; i < pw->n; i++) {
            buf_dispose(&pw->groups[g].chunks[i].stats.min);
            buf_dispose(&pw->groups[g].chunks[i].stats.max);
        }
        free(pw->groups[g].chunks);
    }
    free(pw->groups);
    for (size_t i = 0; i < pw->n; i++)
        pq_column_dispose(&pw->c[i]);
    free(pw);
}

const struct inv_format_ops inv_format_parquet = {
    .name = "Parquet",
    .extension = ".parquet",
    .gzip = 0,
    .schema = pq_schema,
    .open = pq_open,
    .write_row = pq_write_row,
    .finish = pq_finish,
    .free = pq_free,
};
