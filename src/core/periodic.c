/* periodic.c — the periodic worker thread (see periodic.h). */
#include "core/periodic.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "core/alloc.h"

struct periodic {
    int64_t interval_ms;
    periodic_fn *fn;
    void *arg;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop;
    pthread_t thread;
};

static void periodic_deadline(struct timespec *until, int64_t ms)
{
    clock_gettime(CLOCK_REALTIME, until);
    until->tv_sec += (time_t)(ms / 1000);
    until->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until->tv_nsec >= 1000000000L) {
        until->tv_sec++;
        until->tv_nsec -= 1000000000L;
    }
}

static void *periodic_main(void *arg)
{
    struct periodic *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        pthread_mutex_unlock(&p->lock);
        p->fn(p->arg);
        pthread_mutex_lock(&p->lock);
        struct timespec until;
        periodic_deadline(&until, p->interval_ms);
        while (!p->stop && pthread_cond_timedwait(&p->wake, &p->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int periodic_start(struct periodic **out, int64_t interval_ms, periodic_fn *fn, void *arg)
{
    struct periodic *p = xcalloc(1, sizeof(*p));
    p->interval_ms = interval_ms;
    p->fn = fn;
    p->arg = arg;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    if (pthread_create(&p->thread, NULL, periodic_main, p) != 0) {
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        free(p);
        err_set("cannot start a thread");
        return ERR_NOMEM;
    }
    *out = p;
    return 0;
}

void periodic_stop(struct periodic *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
