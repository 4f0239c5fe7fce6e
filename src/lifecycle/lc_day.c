/* lc_day.c — the lifecycle day length and its boundaries (lc_day.h). */
#include "lifecycle/lc_day.h"

#include <stdatomic.h>

static _Atomic int64_t lc_day_len_ms = LC_DAY_REAL_MS;

void lc_day_set_seconds(int64_t seconds)
{
    atomic_store(&lc_day_len_ms, seconds > 0 ? seconds * 1000 : LC_DAY_REAL_MS);
}

int64_t lc_day_ms(void)
{
    return atomic_load(&lc_day_len_ms);
}

int64_t lc_day_floor_ms(int64_t t_ms)
{
    int64_t day = lc_day_ms();
    int64_t q = t_ms / day;
    if (t_ms % day < 0)
        q--;
    return q * day;
}

int64_t lc_day_eligible_ms(int64_t t_ms, int64_t days)
{
    int64_t day = lc_day_ms();
    int64_t at = t_ms + days * day;
    int64_t floor = lc_day_floor_ms(at);
    return floor == at ? at : floor + day;
}
