/* server.c — libmicrohttpd glue: the request lifecycle of http.h.
 *
 * One thread per connection (MHD_USE_THREAD_PER_CONNECTION): handlers may block on fsync and
 * SQLite without stalling other clients. poll(), not select(), so descriptors past
 * FD_SETSIZE work. The raw request-target is captured by the URI-log callback before
 * libmicrohttpd touches it, and the unescape callback is a pass-through. Limits: see
 * http_server_config; the header deadline is http_guard.c's. Framing libmicrohttpd would
 * misread is refused before the handler sees the request (http_framing_check). */
#include "http/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/http_guard.h"
#include "http/http_tls.h"

#define HTTP_MAX_HEADERS 512

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_guard *guard;
    struct http_handler handler;
    int port;
    int secure; /* the listener speaks TLS */
};

struct http_response {
    struct MHD_Response *mhd;
    int status;
    uint64_t size; /* the body's bytes, as declared */
};

struct http_request {
    struct MHD_Connection *conn;
    struct http_server *srv;
    char *path; /* raw target; the query follows its NUL */
    const char *query;
    const char *method;
    const char *version; /* "HTTP/1.1", borrowed from libmicrohttpd */
    struct kv_pair headers[HTTP_MAX_HEADERS];
    size_t n_headers;
    void *ctx;
    struct http_response *resp;
    int started;
    int rejected;      /* refused by http_framing_check; the handler never saw it */
    char peer[48];     /* the client's address as text, filled on first use */
    uint64_t bytes_in; /* body bytes received */
    int64_t start_us;  /* when its request line came (CLOCK_MONOTONIC) */
};

static int64_t http_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct http_guard_conn *http_conn_guard(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static void http_notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                                   enum MHD_ConnectionNotificationCode code)
{
    struct http_server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = info ? http_guard_register(srv->guard, info->connect_fd) : NULL;
        metrics_connections_add(1);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        metrics_connections_add(-1);
        http_guard_unregister(srv->guard, *socket_context);
        *socket_context = NULL;
    }
}

static void *http_uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct http_request *req = xcalloc(1, sizeof(*req));
    req->srv = cls;
    req->conn = conn;
    req->start_us = http_now_us();
    http_guard_line_seen(req->srv->guard, http_conn_guard(conn));
    req->path = xstrdup(uri ? uri : "/");
    char *q = strchr(req->path, '?');
    if (q) {
        *q = '\0';
        req->query = q + 1;
    } else {
        req->query = "";
    }
    return req;
}

static size_t http_unescape_none(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return strlen(s);
}

static enum MHD_Result http_collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                           const char *value)
{
    struct http_request *req = cls;
    (void)kind;
    if (req->n_headers == HTTP_MAX_HEADERS)
        return MHD_NO;
    req->headers[req->n_headers].name = key;
    req->headers[req->n_headers].value = value ? value : "";
    req->n_headers++;
    return MHD_YES;
}

static enum MHD_Result http_queue(struct http_request *req)
{
    struct http_response *resp = req->resp;
    enum MHD_Result r = MHD_queue_response(req->conn, (unsigned)resp->status, resp->mhd);
    if (r != MHD_YES)
        log_warn("could not queue a %d response", resp->status);
    return r;
}

/* An S3-style error answered by this layer itself; the connection closes after it. */
static enum MHD_Result http_reject(struct http_request *req, int status, const char *code,
                                   const char *message)
{
    char body[512];
    int n = snprintf(body, sizeof(body),
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code>"
                     "<Message>%s</Message></Error>",
                     code, message);
    struct http_response *resp =
        http_response_new_buffer(status, xstrndup(body, (size_t)n), (size_t)n);
    http_response_header(resp, "Content-Type", "application/xml");
    http_response_header(resp, "Connection", "close");
    req->rejected = 1;
    http_req_respond(req, resp);
    return http_queue(req);
}

/* Message framing (RFC 9112 section 6.3). Content-Length with Transfer-Encoding, or two
 * different Content-Lengths, make the body's end ambiguous (request smuggling): 400.
 * libmicrohttpd decodes plain "chunked" only; with any other coding it would read the body
 * until the connection ends: 501, as AWS answers a coding it does not implement. */
static enum MHD_Result http_framing_check(struct http_request *req, int *ok)
{
    const char *length = NULL, *coding = NULL;
    int codings = 0;
    *ok = 0;
    for (size_t i = 0; i < req->n_headers; i++) {
        const char *name = req->headers[i].name, *value = req->headers[i].value;
        if (strcasecmp(name, "Content-Length") == 0) {
            if (length && strcmp(length, value) != 0)
                return http_reject(req, 400, "InvalidRequest",
                                   "Multiple Content-Length headers with different values");
            length = value;
        } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
            coding = value;
            codings++;
        }
    }
    if (coding && length)
        return http_reject(req, 400, "InvalidRequest",
                           "Content-Length and Transfer-Encoding must not both be present");
    if (coding && (codings > 1 || strcasecmp(coding, "chunked") != 0))
        return http_reject(req, 501, "NotImplemented",
                           "A header you provided implies functionality that is not "
                           "implemented: Transfer-Encoding other than chunked");
    *ok = 1;
    return MHD_YES;
}

static enum MHD_Result http_access(void *cls, struct MHD_Connection *conn, const char *url,
                                   const char *method, const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **con_cls)
{
    struct http_server *srv = cls;
    struct http_request *req = *con_cls;
    (void)url;
    if (req->rejected)
        return MHD_NO;
    if (!req->started) {
        http_guard_headers_done(srv->guard, http_conn_guard(conn));
        req->method = method;
        req->version = version;
        MHD_get_connection_values(conn, MHD_HEADER_KIND, http_collect_header, req);
        int ok = 0;
        enum MHD_Result r = http_framing_check(req, &ok);
        if (!ok)
            return r;
        req->started = 1;
        srv->handler.on_headers(req);
        return req->resp ? http_queue(req) : MHD_YES;
    }
    if (*upload_data_size) {
        req->bytes_in += *upload_data_size;
        if (!req->resp)
            srv->handler.on_body(req, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (!req->resp)
        srv->handler.on_complete(req);
    if (!req->resp) {
        log_error("handler set no response for %s %s", method, req->path);
        http_req_respond(req, http_response_new_buffer(500, NULL, 0));
    }
    return http_queue(req);
}

static void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                           enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct http_request *req = *con_cls;
    http_guard_request_done(srv->guard, http_conn_guard(conn));
    if (!req)
        return;
    if (req->started)
        srv->handler.on_done(req, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
    if (req->resp) {
        MHD_destroy_response(req->resp->mhd);
        free(req->resp);
    }
    free(req->path);
    free(req);
    *con_cls = NULL;
}

int http_server_start(struct http_server **out, const struct http_server_config *cfg,
                      const struct http_handler *handler)
{
    struct http_server *srv = xcalloc(1, sizeof(*srv));
    srv->handler = *handler;
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof(addr));
    struct sockaddr_in *in4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr;
    unsigned int flags =
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, cfg->host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)cfg->port);
    } else if (inet_pton(AF_INET6, cfg->host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)cfg->port);
        flags |= MHD_USE_IPv6;
    } else {
        free(srv);
        err_set("listen address '%s' is not an IP address", cfg->host);
        return ERR_INVALID;
    }
    unsigned int header_timeout =
        cfg->header_timeout_sec ? cfg->header_timeout_sec : HTTP_DEFAULT_HEADER_TIMEOUT_SEC;
    if (http_guard_start(&srv->guard, header_timeout * 1000)) {
        free(srv);
        err_set("cannot start the connection watchdog");
        return ERR_NOMEM;
    }
    const struct http_tls *tls = cfg->tls;
    if (tls)
        flags |= MHD_USE_TLS;
    srv->secure = tls != NULL;
    /* MHD_OPTION_ARRAY: the TLS options, or nothing for plain HTTP (an END entry) */
    struct MHD_OptionItem tls_opts[] = {
        {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, tls ? tls->cert_pem : NULL},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, tls ? tls->key_pem : NULL},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, tls ? (void *)http_tls_priorities(tls->min) : NULL},
        {MHD_OPTION_END, 0, NULL}};
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, http_access, srv, MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_URI_LOG_CALLBACK, http_uri_log, srv,
        MHD_OPTION_UNESCAPE_CALLBACK, http_unescape_none, NULL, MHD_OPTION_NOTIFY_COMPLETED,
        http_completed, srv, MHD_OPTION_NOTIFY_CONNECTION, http_notify_connection, srv,
        MHD_OPTION_CONNECTION_LIMIT,
        cfg->max_connections ? cfg->max_connections : HTTP_DEFAULT_MAX_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->max_per_client ? cfg->max_per_client : HTTP_DEFAULT_MAX_PER_CLIENT,
        MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->idle_timeout_sec ? cfg->idle_timeout_sec : HTTP_DEFAULT_IDLE_TIMEOUT_SEC,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        1, MHD_OPTION_END);
    if (!srv->daemon) {
        http_guard_stop(srv->guard);
        free(srv);
        err_set("cannot listen on %s:%d", cfg->host, cfg->port);
        return ERR_IO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : cfg->port;
    *out = srv;
    return 0;
}

int http_server_port(const struct http_server *srv)
{
    return srv->port;
}

void http_server_stop(struct http_server *srv)
{
    if (!srv)
        return;
    MHD_stop_daemon(srv->daemon);
    http_guard_stop(srv->guard);
    free(srv);
}

int http_req_secure(const struct http_request *req)
{
    return req->srv->secure;
}

const char *http_req_method(const struct http_request *req)
{
    return req->method;
}

const char *http_req_path(const struct http_request *req)
{
    return req->path;
}

const char *http_req_query(const struct http_request *req)
{
    return req->query;
}

const char *http_req_peer(struct http_request *req)
{
    if (req->peer[0])
        return req->peer;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;
    const void *addr = NULL;
    if (sa && sa->sa_family == AF_INET)
        addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    else if (sa && sa->sa_family == AF_INET6)
        addr = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    if (!addr || !inet_ntop(sa->sa_family, addr, req->peer, sizeof(req->peer)))
        req->peer[0] = '\0';
    return req->peer;
}

const char *http_req_header(const struct http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    }
    return NULL;
}

size_t http_req_headers(const struct http_request *req, const struct kv_pair **out)
{
    *out = req->headers;
    return req->n_headers;
}

void *http_req_app(const struct http_request *req)
{
    return req->srv->handler.app;
}

void *http_req_ctx(const struct http_request *req)
{
    return req->ctx;
}

void http_req_set_ctx(struct http_request *req, void *ctx)
{
    req->ctx = ctx;
}

int http_req_has_response(const struct http_request *req)
{
    return req->resp != NULL;
}

int http_req_status(const struct http_request *req)
{
    return req->resp ? req->resp->status : 0;
}

int64_t http_req_response_size(const struct http_request *req)
{
    return req->resp ? (int64_t)req->resp->size : -1;
}

const char *http_req_response_header(const struct http_request *req, const char *name)
{
    return req->resp ? MHD_get_response_header(req->resp->mhd, name) : NULL;
}

int http_req_tls(const struct http_request *req, char *version, size_t vsize, char *cipher,
                 size_t csize)
{
    if (!req->srv->secure)
        return ERR_INVALID;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    return http_tls_describe(info ? info->tls_session : NULL, version, vsize, cipher, csize);
}

const char *http_req_version(const struct http_request *req)
{
    return req->version && *req->version ? req->version : "HTTP/1.1";
}

uint64_t http_req_bytes_in(const struct http_request *req)
{
    return req->bytes_in;
}

uint64_t http_req_bytes_out(const struct http_request *req)
{
    if (!req->resp || (req->method && strcmp(req->method, "HEAD") == 0))
        return 0;
    return req->resp->size;
}

int64_t http_req_elapsed_us(const struct http_request *req)
{
    return http_now_us() - req->start_us;
}

struct http_response *http_response_new_buffer(int status, char *data, size_t len)
{
    struct http_response *resp = xcalloc(1, sizeof(*resp));
    resp->status = status;
    resp->size = len;
    resp->mhd = MHD_create_response_from_buffer(
        len, data ? data : (void *)"", data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp->mhd)
        abort();
    return resp;
}

struct http_response *http_response_new_fd(int status, int fd, uint64_t offset, uint64_t size)
{
    struct http_response *resp = xcalloc(1, sizeof(*resp));
    resp->status = status;
    resp->size = size;
    resp->mhd = MHD_create_response_from_fd_at_offset64(size, fd, offset);
    if (!resp->mhd)
        abort();
    return resp;
}

struct http_stream {
    http_stream_read_fn *read;
    void (*free_ctx)(void *);
    void *ctx;
};

static ssize_t http_stream_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct http_stream *st = cls;
    long n = st->read(st->ctx, pos, buf, max);
    return n > 0 ? (ssize_t)n : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void http_stream_free(void *cls)
{
    struct http_stream *st = cls;
    if (st->free_ctx)
        st->free_ctx(st->ctx);
    free(st);
}

struct http_response *http_response_new_stream(int status, uint64_t size, size_t block,
                                               http_stream_read_fn *read, void (*free_ctx)(void *),
                                               void *ctx)
{
    struct http_response *resp = xcalloc(1, sizeof(*resp));
    struct http_stream *st = xcalloc(1, sizeof(*st));
    st->read = read;
    st->free_ctx = free_ctx;
    st->ctx = ctx;
    resp->status = status;
    resp->size = size == MHD_SIZE_UNKNOWN ? 0 : size;
    resp->mhd =
        MHD_create_response_from_callback(size, block, http_stream_cb, st, http_stream_free);
    if (!resp->mhd)
        abort();
    return resp;
}

void http_response_header(struct http_response *resp, const char *name, const char *value)
{
    MHD_add_response_header(resp->mhd, name, value);
}

void http_req_respond(struct http_request *req, struct http_response *resp)
{
    if (req->resp) {
        MHD_destroy_response(resp->mhd);
        free(resp);
        return;
    }
    req->resp = resp;
}
