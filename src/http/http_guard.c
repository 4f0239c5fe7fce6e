/* http_guard.c — the request-header deadline (see http_guard.h). */
#include "http/http_guard.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/periodic.h"

#define HTTP_GUARD_TICK_MS 250

struct http_guard_conn {
    int fd;
    int64_t deadline_ms; /* 0: none */
    int line_seen;       /* the request line of the pending request has arrived */
    struct http_guard_conn *prev, *next;
};

struct http_guard {
    pthread_mutex_t lock;
    struct http_guard_conn *head;
    unsigned int timeout_ms;
    struct periodic *watchdog;
};

static const char http_guard_408[] = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
                                     "Content-Length: 0\r\n\r\n";

static int64_t http_guard_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Under the lock: shut the socket down; the connection's thread then sees the end and closes.
 * A request that has begun (its request line came) is answered 408 first, without blocking
 * (nothing else writes in the header phase); an idle keep-alive connection just closes, as
 * a client expects of one. */
static void http_guard_cut(struct http_guard_conn *c)
{
    if (c->line_seen)
        (void)!send(c->fd, http_guard_408, sizeof(http_guard_408) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    shutdown(c->fd, SHUT_RDWR);
    c->deadline_ms = 0;
}

static void http_guard_tick(void *arg)
{
    struct http_guard *g = arg;
    int64_t now = http_guard_now_ms();
    unsigned int cut = 0;
    pthread_mutex_lock(&g->lock);
    for (struct http_guard_conn *c = g->head; c; c = c->next) {
        if (c->deadline_ms && now >= c->deadline_ms) {
            http_guard_cut(c);
            cut++;
        }
    }
    pthread_mutex_unlock(&g->lock);
    if (cut)
        log_msg(LOG_DEBUG, "closed %u connections that sent no complete request header in %u ms",
                cut, g->timeout_ms);
}

int http_guard_start(struct http_guard **out, unsigned int header_timeout_ms)
{
    struct http_guard *g = xcalloc(1, sizeof(*g));
    pthread_mutex_init(&g->lock, NULL);
    g->timeout_ms = header_timeout_ms;
    if (header_timeout_ms && periodic_start(&g->watchdog, HTTP_GUARD_TICK_MS, http_guard_tick, g)) {
        pthread_mutex_destroy(&g->lock);
        free(g);
        return ERR_NOMEM;
    }
    *out = g;
    return 0;
}

void http_guard_stop(struct http_guard *g)
{
    if (!g)
        return;
    periodic_stop(g->watchdog);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

static void http_guard_arm(struct http_guard *g, struct http_guard_conn *c)
{
    c->deadline_ms = g->timeout_ms ? http_guard_now_ms() + g->timeout_ms : 0;
    c->line_seen = 0;
}

struct http_guard_conn *http_guard_register(struct http_guard *g, int fd)
{
    struct http_guard_conn *c = xcalloc(1, sizeof(*c));
    c->fd = fd;
    pthread_mutex_lock(&g->lock);
    http_guard_arm(g, c);
    c->next = g->head;
    if (g->head)
        g->head->prev = c;
    g->head = c;
    pthread_mutex_unlock(&g->lock);
    return c;
}

void http_guard_unregister(struct http_guard *g, struct http_guard_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&g->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        g->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&g->lock);
    free(c);
}

void http_guard_line_seen(struct http_guard *g, struct http_guard_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&g->lock);
    c->line_seen = 1;
    pthread_mutex_unlock(&g->lock);
}

void http_guard_headers_done(struct http_guard *g, struct http_guard_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&g->lock);
    c->deadline_ms = 0;
    pthread_mutex_unlock(&g->lock);
}

void http_guard_request_done(struct http_guard *g, struct http_guard_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&g->lock);
    http_guard_arm(g, c);
    pthread_mutex_unlock(&g->lock);
}
