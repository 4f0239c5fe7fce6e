/* http_guard.h — the request-header deadline libmicrohttpd lacks (internal to src/http).
 *
 * libmicrohttpd's connection timeout is an idle timeout: any byte resets it, so a sender that
 * dribbles a header byte every few seconds (slowloris) holds a connection and its thread
 * forever. The guard gives every connection a deadline for a complete request header,
 * counted from the connection's start and again from the end of each request (so it also
 * bounds keep-alive idleness); the header's arrival clears it. A watchdog thread shuts the
 * socket of a connection past its deadline down (answering 408 first when a request line had
 * come), which ends the connection in its own thread. The body and the response are
 * bounded by the idle timeout instead.
 *
 * Connections are registered when libmicrohttpd announces them and unregistered when it
 * reports them closed, which it does before closing the socket: the watchdog only touches a
 * socket under the guard's lock while it is registered, so never a reused descriptor. */
#ifndef STOCKTAKE_HTTP_GUARD_H
#define STOCKTAKE_HTTP_GUARD_H

#include "core/err.h"

struct http_guard;
struct http_guard_conn;

/* header_timeout_ms 0: no deadline (the guard still runs, doing nothing). */
int http_guard_start(struct http_guard **out, unsigned int header_timeout_ms) WARN_UNUSED;
/* Stop the watchdog and free; every connection must have been unregistered. NULL is a no-op. */
void http_guard_stop(struct http_guard *g);

/* A new connection on socket fd, waiting for its first header. */
struct http_guard_conn *http_guard_register(struct http_guard *g, int fd);
void http_guard_unregister(struct http_guard *g, struct http_guard_conn *c);
/* The request line has come (a 408 is then owed if the header does not follow in time). */
void http_guard_line_seen(struct http_guard *g, struct http_guard_conn *c);
/* The request header is complete: no deadline while the request runs. */
void http_guard_headers_done(struct http_guard *g, struct http_guard_conn *c);
/* The request is over: the next header is due within the timeout. */
void http_guard_request_done(struct http_guard *g, struct http_guard_conn *c);

#endif
