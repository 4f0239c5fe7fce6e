/* s3load.c — a light S3 load client: keep-alive HTTP/1.1 over raw sockets, one connection per
 * in-flight request (a thread each), SigV4 (UNSIGNED-PAYLOAD) signed with OpenSSL.
 *
 *   s3load --port P [--host 127.0.0.1] [--bucket B] [--seconds S] [--inflight N]
 *          [--big-inflight N] [--objects N] [--steps put,get,list,bigput,bigget]
 *   s3load --null-server [--seconds S] [--inflight N]  same client, PUT/GET against a trivial
 *                                                       in-process HTTP server
 *   s3load --fsync-dir DIR [--seconds S]                single-thread 4 KiB write+fsync rate
 *
 * Keys and region: STOCKTAKE_ROOT_ACCESS_KEY / STOCKTAKE_ROOT_SECRET_KEY (or --access/--secret),
 * --region (us-east-1). Prints one line per step: ops/s or MB/s and p50/p99 latency. See
 * bench/README.md. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SMALL_SIZE 4096
#define BIG_SIZE (16u << 20)
#define MAX_SAMPLES (1u << 20)

static struct {
    const char *host;
    int port;
    const char *bucket;
    const char *access, *secret, *region;
    double seconds;
    int inflight, big_inflight;
    long objects; /* keys the GET step reads (the PUT step writes k0..) */
} cfg = {"127.0.0.1", 0, "s3load", NULL, NULL, "us-east-1", 5, 16, 4, 0};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "s3load: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

/* ---- SigV4 ---- */

static void hex(const unsigned char *in, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[in[i] >> 4];
        out[2 * i + 1] = d[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static void hmac(const unsigned char *key, size_t klen, const char *msg, unsigned char out[32])
{
    unsigned int len = 32;
    HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &len);
}

/* x-amz-date and Authorization for method, path (URI-encoded), canonical query. */
static void sign(const char *method, const char *path, const char *query, char amz_date[17],
                 char *auth, size_t auth_size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char date[9];
    strftime(amz_date, 17, "%Y%m%dT%H%M%SZ", &tm);
    strftime(date, sizeof(date), "%Y%m%d", &tm);
    char canon[4096], sts[512], ch[65], sig[65];
    unsigned char h[32], k[32];
    snprintf(canon, sizeof(canon),
             "%s\n%s\n%s\nhost:%s:%d\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:%s\n\n"
             "host;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD",
             method, path, query, cfg.host, cfg.port, amz_date);
    SHA256((const unsigned char *)canon, strlen(canon), h);
    hex(h, 32, ch);
    snprintf(sts, sizeof(sts), "AWS4-HMAC-SHA256\n%s\n%s/%s/s3/aws4_request\n%s", amz_date, date,
             cfg.region, ch);
    char secret[256];
    snprintf(secret, sizeof(secret), "AWS4%s", cfg.secret);
    hmac((const unsigned char *)secret, strlen(secret), date, k);
    hmac(k, 32, cfg.region, k);
    hmac(k, 32, "s3", k);
    hmac(k, 32, "aws4_request", k);
    hmac(k, 32, sts, h);
    hex(h, 32, sig);
    snprintf(auth, auth_size,
             "AWS4-HMAC-SHA256 Credential=%s/%s/%s/s3/aws4_request, "
             "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=%s",
             cfg.access, date, cfg.region, sig);
}

static void uri_encode(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (; *in && o + 4 < size; in++) {
        unsigned char c = (unsigned char)*in;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, size - o, "%%%02X", c);
    }
    out[o] = '\0';
}

/* ---- one keep-alive connection ---- */

struct conn {
    int fd;
    char buf[65536];
    size_t have, off;
};

static void conn_open(struct conn *c)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)cfg.port);
    if (inet_pton(AF_INET, cfg.host, &sa.sin_addr) != 1)
        die("--host must be an IPv4 address");
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
        die("connect");
    c->have = c->off = 0;
}

static void write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t k = send(fd, s, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            die("send");
        s += k;
        n -= (size_t)k;
    }
}

static int conn_fill(struct conn *c)
{
    if (c->off == c->have)
        c->off = c->have = 0;
    if (c->have == sizeof(c->buf)) {
        memmove(c->buf, c->buf + c->off, c->have - c->off);
        c->have -= c->off;
        c->off = 0;
    }
    ssize_t k;
    do
        k = recv(c->fd, c->buf + c->have, sizeof(c->buf) - c->have, 0);
    while (k < 0 && errno == EINTR);
    if (k <= 0)
        die("recv (connection closed)");
    c->have += (size_t)k;
    return 0;
}

/* Read one response: its status; the body into *body (when body is not NULL, NUL-ended,
 * realloc'd) and its length into *len. */
static int conn_response(struct conn *c, char **body, size_t *len)
{
    char *end;
    for (;;) {
        c->buf[c->have < sizeof(c->buf) ? c->have : sizeof(c->buf) - 1] = '\0';
        end = c->have > c->off ? memmem(c->buf + c->off, c->have - c->off, "\r\n\r\n", 4) : NULL;
        if (end)
            break;
        conn_fill(c);
    }
    char *head = c->buf + c->off;
    *end = '\0';
    int status = atoi(head + 9);
    size_t clen = 0;
    int closing = 0;
    for (char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "Content-Length:", 15) == 0)
            clen = strtoull(line + 17, NULL, 10);
        else if (strncasecmp(line + 2, "Transfer-Encoding:", 18) == 0) {
            errno = 0;
            die("chunked responses are not supported");
        } else if (strncasecmp(line + 2, "Connection: close", 17) == 0)
            closing = 1;
    }
    c->off = (size_t)(end + 4 - c->buf);
    if (body)
        *body = realloc(*body, clen + 1);
    size_t got = 0;
    while (got < clen) {
        if (c->off == c->have)
            conn_fill(c);
        size_t n = c->have - c->off;
        if (n > clen - got)
            n = clen - got;
        if (body)
            memcpy(*body + got, c->buf + c->off, n);
        c->off += n;
        got += n;
    }
    if (body)
        (*body)[clen] = '\0';
    *len = clen;
    if (closing) {
        close(c->fd);
        conn_open(c);
    }
    return status;
}

/* One signed request; returns the status. */
static int request(struct conn *c, const char *method, const char *path, const char *query,
                   const char *data, size_t n, char **body, size_t *len)
{
    char date[17], auth[512], head[2048];
    sign(method, path, query, date, auth, sizeof(auth));
    int h = snprintf(head, sizeof(head),
                     "%s %s%s%s HTTP/1.1\r\nHost: %s:%d\r\nx-amz-date: %s\r\n"
                     "x-amz-content-sha256: UNSIGNED-PAYLOAD\r\nAuthorization: %s\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     method, path, query[0] ? "?" : "", query, cfg.host, cfg.port, date, auth, n);
    write_all(c->fd, head, (size_t)h);
    if (n)
        write_all(c->fd, data, n);
    return conn_response(c, body, len);
}

/* ---- steps: N workers for S seconds, each op timed ---- */

enum op { OP_PUT, OP_GET, OP_LIST };

struct step {
    const char *name;
    enum op op;
    size_t size;
    int workers;
    atomic_long next_key;
    atomic_long objects; /* LIST: objects listed */
    atomic_int failed;
    double deadline;
};

struct worker {
    struct step *st;
    unsigned seed;
    double *lat;
    size_t n;
    uint64_t bytes;
};

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    struct step *st = w->st;
    struct conn *c = malloc(sizeof(*c));
    char *data = malloc(st->size ? st->size : 1), *body = NULL;
    memset(data, 'x', st->size);
    conn_open(c);
    char path[512], query[1024], token[512] = "";
    while (now_s() < st->deadline) {
        double t0 = now_s();
        size_t len = 0;
        int status;
        query[0] = '\0';
        if (st->op == OP_LIST) {
            char enc[768];
            uri_encode(token, enc, sizeof(enc));
            snprintf(path, sizeof(path), "/%s", cfg.bucket);
            snprintf(query, sizeof(query), "%s%s%slist-type=2&max-keys=1000",
                     token[0] ? "continuation-token=" : "", enc, token[0] ? "&" : "");
            status = request(c, "GET", path, query, NULL, 0, &body, &len);
            char *kc = body ? strstr(body, "<KeyCount>") : NULL;
            if (kc)
                atomic_fetch_add(&st->objects, atol(kc + 10));
            char *nt = body ? strstr(body, "<NextContinuationToken>") : NULL;
            token[0] = '\0';
            if (nt) {
                nt += 23;
                char *e = strchr(nt, '<');
                snprintf(token, sizeof(token), "%.*s", e ? (int)(e - nt) : 0, nt);
            }
        } else {
            long k = st->op == OP_PUT
                         ? atomic_fetch_add(&st->next_key, 1)
                         : (long)(rand_r(&w->seed) %
                                  (st->size > SMALL_SIZE ? 8u : (unsigned)cfg.objects));
            snprintf(path, sizeof(path), "/%s/%s%ld", cfg.bucket,
                     st->size > SMALL_SIZE ? "big" : "k", st->size > SMALL_SIZE ? k % 8 : k);
            status = st->op == OP_PUT ? request(c, "PUT", path, "", data, st->size, NULL, &len)
                                      : request(c, "GET", path, "", NULL, 0, NULL, &len);
            if (st->op == OP_GET && status == 200 && len != st->size)
                status = -1;
        }
        if (status != 200) {
            if (atomic_fetch_add(&st->failed, 1) < 3)
                fprintf(stderr, "s3load: %s %s: status %d\n", st->name, path, status);
            continue;
        }
        w->bytes += st->op == OP_PUT ? st->size : len;
        if (w->n < MAX_SAMPLES)
            w->lat[w->n++] = now_s() - t0;
    }
    close(c->fd);
    free(c);
    free(data);
    free(body);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs the step; returns ops/s (or objects/s for LIST, MB/s for big objects). */
static double step_run(struct step *st)
{
    pthread_t th[256];
    struct worker w[256];
    double t0 = now_s();
    st->deadline = t0 + cfg.seconds;
    for (int i = 0; i < st->workers; i++) {
        w[i] = (struct worker){st, (unsigned)i * 7919u + 1, malloc(MAX_SAMPLES * sizeof(double)), 0,
                               0};
        pthread_create(&th[i], NULL, worker_run, &w[i]);
    }
    size_t total = 0;
    uint64_t bytes = 0;
    for (int i = 0; i < st->workers; i++) {
        pthread_join(th[i], NULL);
        total += w[i].n;
        bytes += w[i].bytes;
    }
    double el = now_s() - t0;
    double *all = malloc((total + 1) * sizeof(double));
    size_t k = 0;
    for (int i = 0; i < st->workers; i++) {
        memcpy(all + k, w[i].lat, w[i].n * sizeof(double));
        k += w[i].n;
        free(w[i].lat);
    }
    qsort(all, total, sizeof(double), cmp_double);
    double p50 = total ? all[total / 2] * 1e3 : 0, p99 = total ? all[total * 99 / 100] * 1e3 : 0;
    free(all);
    double rate;
    if (st->op == OP_LIST) {
        rate = (double)atomic_load(&st->objects) / el;
        printf("%-22s %10.0f objects/s  (%zu pages) p50 %.2f ms  p99 %.2f ms", st->name, rate,
               total, p50, p99);
    } else if (st->size > SMALL_SIZE) {
        rate = (double)bytes / el / 1e6;
        printf("%-22s %10.1f MB/s  (%zu ops) p50 %.2f ms  p99 %.2f ms", st->name, rate, total, p50,
               p99);
    } else {
        rate = (double)total / el;
        printf("%-22s %10.0f ops/s  p50 %.2f ms  p99 %.2f ms", st->name, rate, p50, p99);
    }
    printf("%s\n", st->failed ? "  (FAILURES)" : "");
    fflush(stdout);
    return rate;
}

static long step_put_small(const char *name)
{
    struct step st = {.name = name, .op = OP_PUT, .size = SMALL_SIZE, .workers = cfg.inflight};
    step_run(&st);
    return atomic_load(&st.next_key);
}

static void step_simple(const char *name, enum op op, size_t size, int workers)
{
    struct step st = {.name = name, .op = op, .size = size, .workers = workers};
    step_run(&st);
}

/* ---- the null server: answers every request at once (PUT: 200, GET: a 4 KiB body) ---- */

static void *null_conn(void *arg)
{
    struct conn *c = arg;
    static char resp[SMALL_SIZE + 256];
    static const char put_resp[] =
        "HTTP/1.1 200 OK\r\nETag: \"0123456789abcdef0123456789abcdef\"\r\nContent-Length: "
        "0\r\n\r\n";
    int hlen = snprintf(resp, 256, "HTTP/1.1 200 OK\r\nETag: \"0\"\r\nContent-Length: %d\r\n\r\n",
                        SMALL_SIZE);
    memset(resp + hlen, 'x', SMALL_SIZE);
    for (;;) {
        char *end;
        while (!(end = c->have > c->off ? memmem(c->buf + c->off, c->have - c->off, "\r\n\r\n", 4)
                                        : NULL)) {
            if (c->off == c->have)
                c->off = c->have = 0;
            ssize_t k = recv(c->fd, c->buf + c->have, sizeof(c->buf) - c->have, 0);
            if (k <= 0)
                goto out;
            c->have += (size_t)k;
        }
        *end = '\0';
        char *cl = strcasestr(c->buf + c->off, "Content-Length:");
        size_t clen = cl ? strtoull(cl + 15, NULL, 10) : 0;
        int is_get = strncmp(c->buf + c->off, "GET", 3) == 0;
        c->off = (size_t)(end + 4 - c->buf);
        while (clen) {
            if (c->off == c->have) {
                c->off = c->have = 0;
                ssize_t k = recv(c->fd, c->buf, sizeof(c->buf), 0);
                if (k <= 0)
                    goto out;
                c->have = (size_t)k;
            }
            size_t n = c->have - c->off < clen ? c->have - c->off : clen;
            c->off += n;
            clen -= n;
        }
        if (is_get)
            write_all(c->fd, resp, (size_t)hlen + SMALL_SIZE);
        else
            write_all(c->fd, put_resp, sizeof(put_resp) - 1);
    }
out:
    close(c->fd);
    free(c);
    return NULL;
}

static void *null_accept(void *arg)
{
    int ls = *(int *)arg;
    for (;;) {
        int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct conn *c = calloc(1, sizeof(*c));
        c->fd = fd;
        pthread_t t;
        pthread_create(&t, NULL, null_conn, c);
        pthread_detach(t);
    }
    return NULL;
}

static void null_server_start(void)
{
    static int ls;
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 128) ||
        getsockname(ls, (struct sockaddr *)&sa, &sl))
        die("null server");
    cfg.port = ntohs(sa.sin_port);
    cfg.host = "127.0.0.1";
    pthread_t t;
    pthread_create(&t, NULL, null_accept, &ls);
    pthread_detach(t);
}

/* ---- the disk: single-thread 4 KiB write + fsync ---- */

static void fsync_rate(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/s3load-fsync.%d", dir, (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        die(path);
    char block[SMALL_SIZE];
    memset(block, 'x', sizeof(block));
    long n = 0;
    double t0 = now_s(), end = t0 + cfg.seconds;
    while (now_s() < end) {
        if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block) || fsync(fd) != 0)
            die("write+fsync");
        n++;
    }
    double el = now_s() - t0;
    close(fd);
    unlink(path);
    printf("%-22s %10.0f writes/s  (4 KiB write + fsync, one thread, %s)\n", "disk write+fsync",
           (double)n / el, dir);
}

static void usage(void)
{
    fprintf(stderr, "usage: s3load --port P [--host H] [--bucket B] [--seconds S] [--inflight N]"
                    " [--big-inflight N] [--steps put,get,list,bigput,bigget]\n"
                    "       s3load --null-server [--seconds S] [--inflight N]\n"
                    "       s3load --fsync-dir DIR [--seconds S]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *steps = "put,get,list,bigput,bigget", *fsync_dir = NULL;
    int null_server = 0;
    cfg.access = getenv("STOCKTAKE_ROOT_ACCESS_KEY");
    cfg.secret = getenv("STOCKTAKE_ROOT_SECRET_KEY");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--null-server")) {
            null_server = 1;
            continue;
        }
        if (!v)
            usage();
        i++;
        if (!strcmp(a, "--port"))
            cfg.port = atoi(v);
        else if (!strcmp(a, "--host"))
            cfg.host = v;
        else if (!strcmp(a, "--bucket"))
            cfg.bucket = v;
        else if (!strcmp(a, "--seconds"))
            cfg.seconds = atof(v);
        else if (!strcmp(a, "--inflight"))
            cfg.inflight = atoi(v);
        else if (!strcmp(a, "--big-inflight"))
            cfg.big_inflight = atoi(v);
        else if (!strcmp(a, "--objects"))
            cfg.objects = atol(v);
        else if (!strcmp(a, "--steps"))
            steps = v;
        else if (!strcmp(a, "--access"))
            cfg.access = v;
        else if (!strcmp(a, "--secret"))
            cfg.secret = v;
        else if (!strcmp(a, "--region"))
            cfg.region = v;
        else if (!strcmp(a, "--fsync-dir"))
            fsync_dir = v;
        else
            usage();
    }
    if (cfg.inflight < 1 || cfg.inflight > 256 || cfg.big_inflight < 1 || cfg.big_inflight > 256)
        usage();
    if (fsync_dir) {
        fsync_rate(fsync_dir);
        return 0;
    }
    if (null_server) {
        null_server_start();
        cfg.access = cfg.secret = "null";
        cfg.objects = 1000;
        step_put_small("null PUT 4 KiB");
        step_simple("null GET 4 KiB", OP_GET, SMALL_SIZE, cfg.inflight);
        return 0;
    }
    if (!cfg.port || !cfg.access || !cfg.secret)
        usage();
    if (strstr(steps, "put")) {
        struct conn c;
        size_t len;
        char path[300];
        conn_open(&c);
        snprintf(path, sizeof(path), "/%s", cfg.bucket);
        int status = request(&c, "PUT", path, "", NULL, 0, NULL, &len); /* 409 if it exists */
        if (status != 200 && status != 409)
            fprintf(stderr, "s3load: CreateBucket %s: status %d\n", cfg.bucket, status);
        close(c.fd);
    }
    for (const char *s = steps; *s;) {
        size_t n = strcspn(s, ",");
        if (!strncmp(s, "put", n) && n == 3) {
            long put = step_put_small("PUT 4 KiB");
            if (!cfg.objects)
                cfg.objects = put;
        } else if (!strncmp(s, "get", n) && n == 3) {
            if (cfg.objects <= 0)
                cfg.objects = 1000;
            step_simple("GET 4 KiB", OP_GET, SMALL_SIZE, cfg.inflight);
        } else if (!strncmp(s, "list", n) && n == 4) {
            step_simple("LIST (1000/page)", OP_LIST, 0, 1);
        } else if (!strncmp(s, "bigput", n) && n == 6) {
            step_simple("PUT 16 MiB", OP_PUT, BIG_SIZE, cfg.big_inflight);
        } else if (!strncmp(s, "bigget", n) && n == 6) {
            step_simple("GET 16 MiB", OP_GET, BIG_SIZE, cfg.big_inflight);
        } else {
            usage();
        }
        s += n + (s[n] == ',');
    }
    return 0;
}
