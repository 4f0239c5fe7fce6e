/* test_str.c — the checked integer parsers of core/str.h: whole strings, no sign surprises,
 * bounds at the edges of int64_t and uint64_t. */
#include <stdint.h>

#include "core/str.h"
#include "lifecycle/lc_day.h"
#include "harness.h"

TEST(str_parse_i64_accepts_whole_decimal)
{
    int64_t v = -1;
    CHECK(str_parse_i64("0", 0, 10, &v) == 0 && v == 0);
    CHECK(str_parse_i64("0010", 0, 10, &v) == 0 && v == 10);
    CHECK(str_parse_i64("-5", -10, 10, &v) == 0 && v == -5);
    CHECK(str_parse_i64("-0", -10, 10, &v) == 0 && v == 0);
    CHECK(str_parse_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v) == 0 && v == INT64_MAX);
    CHECK(str_parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v) == 0 && v == INT64_MIN);
}

TEST(str_parse_i64_refuses_junk_and_range)
{
    int64_t v = 42;
    const char *bad[] = {"", " 1", "1 ", "+1", "0x10", "1e3", "12a", "-", "--1", "1-"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(str_parse_i64(bad[i], INT64_MIN, INT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_i64(NULL, 0, 1, &v) == ERR_INVALID);
    CHECK(str_parse_i64("-1", 0, 10, &v) == ERR_INVALID);
    CHECK(str_parse_i64("11", 0, 10, &v) == ERR_INVALID);
    CHECK(str_parse_i64("-11", -10, 10, &v) == ERR_INVALID);
    CHECK(str_parse_i64("3", 5, 10, &v) == ERR_INVALID);
    CHECK(str_parse_i64("-3", -10, -5, &v) == ERR_INVALID);
    CHECK(str_parse_i64("9223372036854775808", INT64_MIN, INT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_i64("-9223372036854775809", INT64_MIN, INT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_i64("99999999999999999999999", INT64_MIN, INT64_MAX, &v) == ERR_INVALID);
    CHECK(v == 42);
}

TEST(str_parse_u64_bases_and_bounds)
{
    uint64_t v = 0;
    CHECK(str_parse_u64("18446744073709551615", 10, UINT64_MAX, &v) == 0 && v == UINT64_MAX);
    CHECK(str_parse_u64("18446744073709551616", 10, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_u64("-1", 10, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_u64("ffFF", 16, UINT64_MAX, &v) == 0 && v == 0xffff);
    CHECK(str_parse_u64("ff", 10, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_u64("0x1", 16, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_u64("10000000001", 16, 1ull << 40, &v) == ERR_INVALID);
    CHECK(str_parse_u64("10000000000", 16, 1ull << 40, &v) == 0 && v == 1ull << 40);
    CHECK(str_parse_u64("7", 8, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_u64n("123-456", 3, 10, UINT64_MAX, &v) == 0 && v == 123);
    CHECK(str_parse_u64n("123", 0, 10, UINT64_MAX, &v) == ERR_INVALID);
}

TEST(str_parse_fixed_scales_decimals)
{
    uint64_t v = 0;
    CHECK(str_parse_fixed("1.5", 3, UINT64_MAX, &v) == 0 && v == 1500);
    CHECK(str_parse_fixed("0.2", 3, UINT64_MAX, &v) == 0 && v == 200);
    CHECK(str_parse_fixed("60", 3, UINT64_MAX, &v) == 0 && v == 60000);
    CHECK(str_parse_fixed("0.000001", 6, UINT64_MAX, &v) == 0 && v == 1);
    CHECK(str_parse_fixed("7", 0, UINT64_MAX, &v) == 0 && v == 7);
    CHECK(str_parse_fixed("2.5", 3, 2500, &v) == 0 && v == 2500);
    CHECK(str_parse_fixed("2.501", 3, 2500, &v) == ERR_INVALID);
    CHECK(str_parse_fixed("abc", 3, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_fixed("", 3, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_fixed("1.", 3, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_fixed(".5", 3, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_fixed("1.2345", 3, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_fixed("-1", 3, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_fixed("1.2.3", 3, UINT64_MAX, &v) == ERR_INVALID);
    CHECK(str_parse_fixed("99999999999999999999", 3, UINT64_MAX, &v) == ERR_INVALID);
}

TEST(lc_day_rounds_to_the_next_boundary)
{
    /* real days: written 2023-01-01 10:00 UTC, 1 day → eligible 2023-01-03 00:00 UTC */
    CHECK(lc_day_ms() == LC_DAY_REAL_MS);
    CHECK(lc_day_eligible_ms(1672567200000, 1) == 1672704000000);
    CHECK(lc_day_eligible_ms(1672531200000, 1) == 1672617600000); /* at midnight: exactly */
    CHECK(lc_day_floor_ms(1672567200000) == 1672531200000);
    /* a 10-second day: boundaries every 10 s since the epoch */
    lc_day_set_seconds(10);
    CHECK(lc_day_ms() == 10000);
    CHECK(lc_day_eligible_ms(1001, 2) == 30000);
    CHECK(lc_day_floor_ms(-1) == -10000);
    lc_day_set_seconds(0);
    CHECK(lc_day_ms() == LC_DAY_REAL_MS);
}
