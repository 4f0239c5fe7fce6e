/* thrift_compact.c — Thrift compact protocol writer (see thrift_compact.h). */
#include "inventory/thrift_compact.h"

#include <string.h>

void tc_init(struct tc_writer *w, struct buf *out)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
}

static void tc_bytes(struct tc_writer *w, const void *p, size_t n)
{
    if (!w->error && buf_append(w->out, p, n))
        w->error = ERR_TOOBIG;
}

static void tc_byte(struct tc_writer *w, uint8_t b)
{
    tc_bytes(w, &b, 1);
}

void tc_varint(struct tc_writer *w, uint64_t v)
{
    if (!w->error && buf_varint(w->out, v))
        w->error = ERR_TOOBIG;
}

uint64_t tc_zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static void tc_field_header(struct tc_writer *w, int16_t id, enum tc_type type)
{
    int16_t delta = (int16_t)(id - w->last_field[w->depth]);
    if (delta > 0 && delta <= 15) {
        tc_byte(w, (uint8_t)(delta << 4 | type));
    } else {
        tc_byte(w, (uint8_t)type);
        tc_varint(w, tc_zigzag(id));
    }
    w->last_field[w->depth] = id;
}

void tc_field_i32(struct tc_writer *w, int16_t id, int32_t v)
{
    tc_field_header(w, id, TC_I32);
    tc_varint(w, tc_zigzag(v));
}

void tc_field_i64(struct tc_writer *w, int16_t id, int64_t v)
{
    tc_field_header(w, id, TC_I64);
    tc_varint(w, tc_zigzag(v));
}

void tc_field_bool(struct tc_writer *w, int16_t id, int v)
{
    tc_field_header(w, id, v ? TC_BOOL_TRUE : TC_BOOL_FALSE);
}

void tc_field_binary(struct tc_writer *w, int16_t id, const void *data, size_t len)
{
    tc_field_header(w, id, TC_BINARY);
    tc_varint(w, len);
    tc_bytes(w, data, len);
}

void tc_field_string(struct tc_writer *w, int16_t id, const char *s)
{
    tc_field_binary(w, id, s, strlen(s));
}

static void tc_push(struct tc_writer *w)
{
    if (w->depth + 1 >= TC_MAX_DEPTH) {
        w->error = ERR_TOOBIG;
        return;
    }
    w->last_field[++w->depth] = 0;
}

void tc_field_struct_begin(struct tc_writer *w, int16_t id)
{
    tc_field_header(w, id, TC_STRUCT);
    tc_push(w);
}

void tc_struct_end(struct tc_writer *w)
{
    tc_byte(w, 0);
    if (w->depth > 0)
        w->depth--;
}

void tc_field_list_begin(struct tc_writer *w, int16_t id, enum tc_type elem_type, size_t n)
{
    tc_field_header(w, id, TC_LIST);
    if (n < 15) {
        tc_byte(w, (uint8_t)(n << 4 | elem_type));
    } else {
        tc_byte(w, (uint8_t)(0xF0 | elem_type));
        tc_varint(w, n);
    }
}

void tc_elem_i32(struct tc_writer *w, int32_t v)
{
    tc_varint(w, tc_zigzag(v));
}

void tc_elem_string(struct tc_writer *w, const char *s)
{
    size_t n = strlen(s);
    tc_varint(w, n);
    tc_bytes(w, s, n);
}

void tc_elem_struct_begin(struct tc_writer *w)
{
    tc_push(w);
}

void tc_stop(struct tc_writer *w)
{
    tc_byte(w, 0);
}

int tc_error(const struct tc_writer *w)
{
    return w->error;
}
