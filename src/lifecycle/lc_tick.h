/* lc_tick.h — private to src/lifecycle: one lifecycle pass over one bucket: its versions key
 * by key (newest first, as lc_decide_key wants them), then its incomplete multipart uploads,
 * each decision applied at once (lc_apply.c). */
#ifndef STOCKTAKE_LC_TICK_H
#define STOCKTAKE_LC_TICK_H

#include <stdatomic.h>

#include "lifecycle/lc_apply.h"

/* Run the pass p describes; stops early (returning 0) once *stop is set. */
int lc_tick_bucket(struct lc_pass *p, const atomic_int *stop) WARN_UNUSED;

#endif
