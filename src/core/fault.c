/* fault.c — the fault counters (see fault.h). */
#include "core/fault.h"

#ifdef STOCKTAKE_FAULTS
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/str.h"

static const char *const fault_names[FAULT_POINTS] = {"blob_write", "blob_commit", "meta_commit",
                                                      "blob_open"};
static pthread_once_t fault_once = PTHREAD_ONCE_INIT;
static int fault_point_armed = -1;
static long fault_target;
static atomic_long fault_calls[FAULT_POINTS];

static void fault_init(void)
{
    const char *spec = getenv("STOCKTAKE_FAULT");
    const char *colon = spec ? strchr(spec, ':') : NULL;
    if (!colon)
        return;
    int64_t n = 0;
    if (str_parse_i64(colon + 1, 1, INT64_MAX, &n))
        return;
    for (int i = 0; i < FAULT_POINTS; i++) {
        if (strlen(fault_names[i]) == (size_t)(colon - spec) &&
            strncmp(fault_names[i], spec, (size_t)(colon - spec)) == 0) {
            fault_point_armed = i;
            fault_target = n;
        }
    }
}

int fault_hit(enum fault_point p)
{
    pthread_once(&fault_once, fault_init);
    if ((int)p != fault_point_armed)
        return 0;
    long n = atomic_fetch_add(&fault_calls[p], 1) + 1;
    if (n != fault_target)
        return 0;
    log_warn("fault injection: failing %s call %ld", fault_names[p], n);
    return 1;
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int fault_unused;
#endif
