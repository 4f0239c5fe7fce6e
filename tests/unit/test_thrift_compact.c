/* test_thrift_compact.c — the Thrift compact protocol writer against byte sequences worked out
 * by hand from the spec (thrift-compact-protocol.md): varints, zigzag, field-id deltas and long
 * form, bools in the type nibble, binaries, lists (short and long headers), nested structs. */
#include "harness.h"
#include "inventory/thrift_compact.h"

static int bytes_equal(const struct buf *b, const unsigned char *want, size_t n)
{
    return b->len == n && memcmp(b->data, want, n) == 0;
}

TEST(thrift_varint_and_zigzag)
{
    struct buf b;
    struct tc_writer w;
    buf_init(&b, BUF_UNLIMITED);
    tc_init(&w, &b);
    tc_varint(&w, 0);
    tc_varint(&w, 1);
    tc_varint(&w, 127);
    tc_varint(&w, 128);
    tc_varint(&w, 300);
    const unsigned char want[] = {0x00, 0x01, 0x7f, 0x80, 0x01, 0xac, 0x02};
    CHECK(bytes_equal(&b, want, sizeof(want)));
    CHECK(tc_zigzag(0) == 0);
    CHECK(tc_zigzag(-1) == 1);
    CHECK(tc_zigzag(1) == 2);
    CHECK(tc_zigzag(-2) == 3);
    CHECK(tc_zigzag(2147483647) == 4294967294u);
    CHECK(tc_zigzag(-2147483648LL) == 4294967295u);
    buf_dispose(&b);
}

TEST(thrift_fields_structs_lists)
{
    struct buf b;
    struct tc_writer w;
    buf_init(&b, BUF_UNLIMITED);
    tc_init(&w, &b);
    tc_field_i32(&w, 1, 1);       /* 0x15 (delta 1, i32), zigzag(1)=2 */
    tc_field_i64(&w, 3, -3);      /* 0x26 (delta 2, i64), zigzag(-3)=5 */
    tc_field_bool(&w, 4, 1);      /* 0x11 (delta 1, true) */
    tc_field_bool(&w, 5, 0);      /* 0x12 (delta 1, false) */
    tc_field_string(&w, 6, "ab"); /* 0x18 0x02 'a' 'b' */
    tc_field_struct_begin(&w, 7); /* 0x1c */
    tc_field_i32(&w, 1, 0);       /* 0x15 0x00 (delta from 0 inside the struct) */
    tc_struct_end(&w);            /* 0x00 */
    tc_field_i32(&w, 30, 5);      /* long form: 0x05, zigzag(30)=60 → 0x3c, zigzag(5)=10 */
    tc_field_list_begin(&w, 31, TC_I32, 2);     /* 0x19 0x25 */
    tc_elem_i32(&w, 1);                         /* 0x02 */
    tc_elem_i32(&w, -1);                        /* 0x01 */
    tc_field_list_begin(&w, 32, TC_STRUCT, 16); /* 0x19 0xfc 0x10 */
    tc_stop(&w);                                /* 0x00 */
    const unsigned char want[] = {0x15, 0x02, 0x26, 0x05, 0x11, 0x12, 0x18, 0x02, 'a',
                                  'b',  0x1c, 0x15, 0x00, 0x00, 0x05, 0x3c, 0x0a, 0x19,
                                  0x25, 0x02, 0x01, 0x19, 0xfc, 0x10, 0x00};
    CHECK(bytes_equal(&b, want, sizeof(want)));
    CHECK(tc_error(&w) == 0);
    buf_dispose(&b);
}
