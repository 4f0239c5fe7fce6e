/* periodic.h — a background thread that calls a function now and then every interval until
 * stopped; stopping wakes it at once and joins it. */
#ifndef STOCKTAKE_CORE_PERIODIC_H
#define STOCKTAKE_CORE_PERIODIC_H

#include <stdint.h>

#include "core/err.h"

typedef void periodic_fn(void *arg);

struct periodic;

int periodic_start(struct periodic **out, int64_t interval_ms, periodic_fn *fn,
                   void *arg) WARN_UNUSED;
/* Stop and free; NULL is a no-op. */
void periodic_stop(struct periodic *p);

#endif
