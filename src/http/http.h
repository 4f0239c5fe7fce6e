/* http.h — the HTTP/1.1 server (libmicrohttpd underneath) as the S3 layer sees it.
 *
 * Request lifecycle, one handler table for the whole server:
 *
 *   HEADERS ──on_headers──► BODY ──on_body (0..n times)──► COMPLETE ──on_complete──► SEND
 *      │                                                                            │
 *      └── a response set in on_headers is sent at once; the body is not read ──────┤
 *                                                                                   ▼
 *                                                              on_done(completed?) ─► freed
 *
 * Invariants: the path and query are exactly as sent (no unescaping, SigV4 signs them so);
 * header values are borrowed from the connection until on_done; a handler sets at most one
 * response, and must set one in on_complete; a response set during on_body is sent once the
 * body has been read (libmicrohttpd can only answer between requests' phases). on_done runs
 * exactly once per request, also when the client goes away, so handlers free state there. */
#ifndef STOCKTAKE_HTTP_H
#define STOCKTAKE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/kv.h"

struct http_request;
struct http_response;
struct http_server;

struct http_handler {
    void (*on_headers)(struct http_request *req);
    void (*on_body)(struct http_request *req, const char *data, size_t n);
    void (*on_complete)(struct http_request *req);
    void (*on_done)(struct http_request *req, int completed);
    void *app;
};

/* Connection limits (0 picks the default). A client that holds sockets cannot lock others
 * out: each address gets at most max_per_client connections, a connection must deliver each
 * complete request header within header_timeout_sec (of its start, or of its previous
 * request's end), and one that sends or reads nothing for idle_timeout_sec (a stalled body
 * upload, a reader that stopped reading) is closed. */
struct http_server_config {
    const char *host;                /* "127.0.0.1" */
    int port;                        /* 0 picks a free port */
    unsigned int max_connections;    /* all clients together; default 4096 */
    unsigned int idle_timeout_sec;   /* default 120 */
    unsigned int max_per_client;     /* per client IP address; default 256 */
    unsigned int header_timeout_sec; /* default 20 */
    const struct http_tls *tls;      /* HTTPS when set (http_tls.h); plain HTTP when NULL */
};

#define HTTP_DEFAULT_MAX_CONNECTIONS 4096
#define HTTP_DEFAULT_IDLE_TIMEOUT_SEC 120
#define HTTP_DEFAULT_MAX_PER_CLIENT 256
#define HTTP_DEFAULT_HEADER_TIMEOUT_SEC 20

int http_server_start(struct http_server **out, const struct http_server_config *cfg,
                      const struct http_handler *handler) WARN_UNUSED;
int http_server_port(const struct http_server *srv);
void http_server_stop(struct http_server *srv);

/* Request accessors (borrowed until on_done). */
const char *http_req_method(const struct http_request *req);
const char *http_req_path(const struct http_request *req);  /* raw, without the query */
const char *http_req_query(const struct http_request *req); /* raw, "" when none */
/* First header of that name (case-insensitive), or NULL. */
/* The client's IP address as text ("127.0.0.1", "::1"); "" when it cannot be told. */
const char *http_req_peer(struct http_request *req);
/* 1 when the request came over TLS (aws:SecureTransport). */
int http_req_secure(const struct http_request *req);
const char *http_req_header(const struct http_request *req, const char *name);
size_t http_req_headers(const struct http_request *req, const struct kv_pair **out);
void *http_req_app(const struct http_request *req);
void *http_req_ctx(const struct http_request *req);
void http_req_set_ctx(struct http_request *req, void *ctx);
int http_req_has_response(const struct http_request *req);
/* The response set so far (for access logs, in on_done): its status (0: none), its body's
 * size in bytes (-1: none; a HEAD response's is the size it announces), one of its headers
 * (NULL: none), and the request's protocol version ("HTTP/1.1"). */
int http_req_status(const struct http_request *req);
int64_t http_req_response_size(const struct http_request *req);
const char *http_req_response_header(const struct http_request *req, const char *name);
const char *http_req_version(const struct http_request *req);
/* Over TLS: the negotiated protocol ("TLSv1.3") and cipher suite in OpenSSL's names, as S3's
 * access logs write them; ERR_INVALID over plain HTTP. */
int http_req_tls(const struct http_request *req, char *version, size_t vsize, char *cipher,
                 size_t csize) WARN_UNUSED;
/* For metrics and access logs, at on_done: the response's status (0: none), the body bytes
 * received, the response body's bytes as declared (0 for HEAD), and the microseconds since
 * the request line came. */
uint64_t http_req_bytes_in(const struct http_request *req);
uint64_t http_req_bytes_out(const struct http_request *req);
int64_t http_req_elapsed_us(const struct http_request *req);

/* Responses. A response is handed to the request with http_req_respond (which takes it). */
/* Body from memory; takes ownership of data (malloc'd, may be NULL with len 0). */
struct http_response *http_response_new_buffer(int status, char *data, size_t len);
/* Body of size bytes of fd from offset; takes ownership of fd. */
struct http_response *http_response_new_fd(int status, int fd, uint64_t offset, uint64_t size);
/* Body of size bytes produced by read(ctx, pos, buf, max): the bytes written (> 0), or < 0 to
 * abort the connection (a failure after the status line went out). free_ctx(ctx) runs when the
 * response is done with (also when it is never sent). Blocks of up to block bytes. */
typedef long http_stream_read_fn(void *ctx, uint64_t pos, char *buf, size_t max);
struct http_response *http_response_new_stream(int status, uint64_t size, size_t block,
                                               http_stream_read_fn *read, void (*free_ctx)(void *),
                                               void *ctx);
void http_response_header(struct http_response *resp, const char *name, const char *value);
void http_req_respond(struct http_request *req, struct http_response *resp);

#endif
