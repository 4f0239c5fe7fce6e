/* clock.c — time sources and formats (see clock.h). */
#include "core/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t clock_fake_ms;

int64_t clock_now_ms(void)
{
    int64_t fake = atomic_load(&clock_fake_ms);
    if (fake)
        return fake;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_set_fake_ms(int64_t ms)
{
    atomic_store(&clock_fake_ms, ms);
}

static void clock_split(int64_t ms, struct tm *tm, int *millis)
{
    time_t sec = (time_t)(ms / 1000);
    *millis = (int)(ms % 1000);
    gmtime_r(&sec, tm);
}

static char *clock_digits(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

void clock_format_iso8601(char *out, size_t size, int64_t ms)
{
    /* written by hand: inventory reports format one per row */
    struct tm tm;
    int millis;
    char buf[25];
    if (ms >= 0 && ms < 253402300800000LL) { /* 1970..9999: civil date by arithmetic */
        int64_t days = ms / 86400000, rest = ms % 86400000;
        /* days to y-m-d (H. Hinnant's civil_from_days), no gmtime_r and its tz lock */
        int64_t z = days + 719468, era = z / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;
        int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = (int)(yoe + era * 400 + (m <= 2) - 1900);
        tm.tm_mon = (int)m - 1;
        tm.tm_mday = (int)d;
        tm.tm_hour = (int)(rest / 3600000);
        tm.tm_min = (int)(rest / 60000 % 60);
        tm.tm_sec = (int)(rest / 1000 % 60);
        millis = (int)(rest % 1000);
    } else {
        clock_split(ms, &tm, &millis);
    }
    char *p = clock_digits(buf, tm.tm_year + 1900, 4);
    *p++ = '-';
    p = clock_digits(p, tm.tm_mon + 1, 2);
    *p++ = '-';
    p = clock_digits(p, tm.tm_mday, 2);
    *p++ = 'T';
    p = clock_digits(p, tm.tm_hour, 2);
    *p++ = ':';
    p = clock_digits(p, tm.tm_min, 2);
    *p++ = ':';
    p = clock_digits(p, tm.tm_sec, 2);
    *p++ = '.';
    p = clock_digits(p, millis, 3);
    *p++ = 'Z';
    *p = '\0';
    if (size == 0)
        return;
    size_t n = (size_t)(p - buf) < size - 1 ? (size_t)(p - buf) : size - 1;
    memcpy(out, buf, n);
    out[n] = '\0';
}

void clock_format_http(char *out, size_t size, int64_t ms)
{
    static const char *days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    int millis;
    clock_split(ms, &tm, &millis);
    snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int clock_from_tm(struct tm *tm, int64_t *out_sec)
{
    if (tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_mday < 1 || tm->tm_mday > 31 ||
        tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 60) {
        err_set("date out of range");
        return ERR_INVALID;
    }
    *out_sec = (int64_t)timegm(tm);
    return 0;
}

int clock_parse_amz(const char *s, int64_t *out_sec)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        goto bad;
    const char *end = strptime(s, "%Y%m%dT%H%M%SZ", &tm);
    if (!end || *end)
        goto bad;
    return clock_from_tm(&tm, out_sec);
bad:
    err_set("bad x-amz-date");
    return ERR_INVALID;
}

int clock_parse_http(const char *s, int64_t *out_sec)
{
    static const char *formats[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                                    "%a %b %e %H:%M:%S %Y"};
    for (size_t i = 0; s && i < sizeof(formats) / sizeof(formats[0]); i++) {
        struct tm tm;
        memset(&tm, 0, sizeof(tm));
        const char *end = strptime(s, formats[i], &tm);
        if (end && *end == '\0')
            return clock_from_tm(&tm, out_sec);
    }
    err_set("bad HTTP date");
    return ERR_INVALID;
}

int clock_parse_iso8601_ms(const char *s, int64_t *out_ms)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    int64_t ms = 0, scale = 100;
    if (!end)
        goto bad;
    if (*end == '.') {
        end++;
        if (*end < '0' || *end > '9')
            goto bad;
        for (; *end >= '0' && *end <= '9'; end++, scale /= 10)
            ms += scale * (*end - '0'); /* digits past the millisecond add 0 */
    }
    if (strcmp(end, "Z") != 0)
        goto bad;
    int64_t sec;
    int rc = clock_from_tm(&tm, &sec);
    if (!rc)
        *out_ms = sec * 1000 + ms;
    return rc;
bad:
    err_set("bad ISO 8601 date");
    return ERR_INVALID;
}

int clock_parse_iso8601(const char *s, int64_t *out_sec)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    if (!end)
        goto bad;
    if (*end == '.') {
        end++;
        while (*end >= '0' && *end <= '9')
            end++;
    }
    if (strcmp(end, "Z") != 0)
        goto bad;
    return clock_from_tm(&tm, out_sec);
bad:
    err_set("bad ISO 8601 date");
    return ERR_INVALID;
}
