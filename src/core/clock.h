/* clock.h — time: the current instant (injectable for tests) and the formats S3 speaks. */
#ifndef STOCKTAKE_CORE_CLOCK_H
#define STOCKTAKE_CORE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Milliseconds since the Unix epoch, UTC. Returns the injected time when one is set. */
int64_t clock_now_ms(void);
/* Inject a fixed time (ms since epoch) for tests; 0 returns to the real clock. */
void clock_set_fake_ms(int64_t ms);

/* "2009-10-12T17:50:30.000Z" (ISO 8601 with milliseconds, as S3 XML uses). out >= 25 bytes. */
void clock_format_iso8601(char *out, size_t size, int64_t ms);
/* "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 7231 IMF-fixdate). out >= 30 bytes. */
void clock_format_http(char *out, size_t size, int64_t ms);
/* Parse "20130524T000000Z" (SigV4 x-amz-date) to seconds since epoch. */
int clock_parse_amz(const char *s, int64_t *out_sec) WARN_UNUSED;
/* Parse an HTTP date (IMF-fixdate, RFC 850 or asctime) to seconds since epoch. */
int clock_parse_http(const char *s, int64_t *out_sec) WARN_UNUSED;
/* Parse ISO 8601 "2009-10-12T17:50:30Z" / "...30.000Z" to seconds since epoch. */
int clock_parse_iso8601(const char *s, int64_t *out_sec) WARN_UNUSED;
/* The same to milliseconds ("...30.123Z"; digits past the third are dropped). */
int clock_parse_iso8601_ms(const char *s, int64_t *out_ms) WARN_UNUSED;

#endif
