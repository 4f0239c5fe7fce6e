/* lc_day.h — the length of a lifecycle "day", and the day boundaries S3 rounds ages to.
 *
 * Lifecycle rules, Intelligent-Tiering and archive restores count in days. AWS makes an object
 * eligible at the midnight UTC after its age is reached; `stocktake serve
 * --lifecycle-day-seconds N` shortens the day to N seconds for tests and demos (like RGW's
 * rgw_lc_debug_interval), and a "midnight" is then every multiple of N seconds since the
 * epoch. Object Lock retention never uses this: its days are real days. */
#ifndef STOCKTAKE_LC_DAY_H
#define STOCKTAKE_LC_DAY_H

#include <stdint.h>

#define LC_DAY_REAL_MS ((int64_t)86400 * 1000)

/* Set the day length (serve, before any worker starts); seconds <= 0 restores real days. */
void lc_day_set_seconds(int64_t seconds);
/* The current day length in milliseconds (LC_DAY_REAL_MS unless shortened). */
int64_t lc_day_ms(void);
/* The first day boundary at or after t_ms + days days: when an object written at t_ms becomes
 * eligible for a rule of `days` days (AWS: "rounded to the next day midnight UTC"). */
int64_t lc_day_eligible_ms(int64_t t_ms, int64_t days);
/* The day boundary at or before t_ms (a Date in a rule is a midnight UTC). */
int64_t lc_day_floor_ms(int64_t t_ms);

#endif
