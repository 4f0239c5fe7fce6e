/* clock_format_iso8601: the arithmetic date path agrees with gmtime_r (inventory rows). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "harness.h"

static void iso_by_gmtime(char *out, size_t size, int64_t ms)
{
    time_t sec = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&sec, &tm);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

TEST(clock_iso8601_matches_gmtime)
{
    static const int64_t fixed[] = {0,
                                    999,
                                    86399999,
                                    86400000,
                                    951782400000LL /* 2000-02-29 */,
                                    4107542399999LL /* 2100-02-28T23:59:59.999 */,
                                    253402300799999LL /* 9999-12-31T23:59:59.999 */};
    char a[32], b[32];
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        clock_format_iso8601(a, sizeof(a), fixed[i]);
        iso_by_gmtime(b, sizeof(b), fixed[i]);
        CHECK(strcmp(a, b) == 0);
    }
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 200000; i++) { /* xorshift over 1970..9999 */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t ms = (int64_t)(x % 253402300800000ULL);
        clock_format_iso8601(a, sizeof(a), ms);
        iso_by_gmtime(b, sizeof(b), ms);
        CHECK(strcmp(a, b) == 0);
    }
    clock_format_iso8601(a, 11, 951782400000LL); /* a short buffer is cut, terminated */
    CHECK(strcmp(a, "2000-02-29") == 0);
}
