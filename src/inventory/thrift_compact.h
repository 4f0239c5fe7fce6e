/* thrift_compact.h — the Thrift compact protocol, write side only, as Parquet's footer and
 * page headers need it (https://github.com/apache/thrift/blob/master/doc/specs/
 * thrift-compact-protocol.md). Structs nest; field ids are written as deltas. */
#ifndef STOCKTAKE_INVENTORY_THRIFT_COMPACT_H
#define STOCKTAKE_INVENTORY_THRIFT_COMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

enum tc_type {
    TC_BOOL_TRUE = 1,
    TC_BOOL_FALSE = 2,
    TC_BYTE = 3,
    TC_I16 = 4,
    TC_I32 = 5,
    TC_I64 = 6,
    TC_DOUBLE = 7,
    TC_BINARY = 8,
    TC_LIST = 9,
    TC_SET = 10,
    TC_MAP = 11,
    TC_STRUCT = 12
};

#define TC_MAX_DEPTH 16

struct tc_writer {
    struct buf *out;
    int16_t last_field[TC_MAX_DEPTH];
    int depth;
    int error;
};

void tc_init(struct tc_writer *w, struct buf *out);
/* Unsigned LEB128 varint and zigzag, exposed for tests. */
void tc_varint(struct tc_writer *w, uint64_t v);
uint64_t tc_zigzag(int64_t v);

void tc_field_i32(struct tc_writer *w, int16_t id, int32_t v);
void tc_field_i64(struct tc_writer *w, int16_t id, int64_t v);
void tc_field_bool(struct tc_writer *w, int16_t id, int v);
void tc_field_binary(struct tc_writer *w, int16_t id, const void *data, size_t len);
void tc_field_string(struct tc_writer *w, int16_t id, const char *s);
/* A struct field: begin, then its fields, then tc_struct_end. */
void tc_field_struct_begin(struct tc_writer *w, int16_t id);
void tc_struct_end(struct tc_writer *w);
/* A list field of n elements of elem_type; then write the elements. */
void tc_field_list_begin(struct tc_writer *w, int16_t id, enum tc_type elem_type, size_t n);
/* List elements. */
void tc_elem_i32(struct tc_writer *w, int32_t v);
void tc_elem_string(struct tc_writer *w, const char *s);
/* A struct element of a list: its fields, then tc_struct_end. */
void tc_elem_struct_begin(struct tc_writer *w);
/* Top-level struct: fields written directly, then tc_stop. */
void tc_stop(struct tc_writer *w);
/* 0, or the first buffer error. */
int tc_error(const struct tc_writer *w);

#endif
