/* log_spool.c — the durable batches of access log records (see log_spool.h). */
#include "logging/log_spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/fsperm.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/str.h"
#include "core/uri.h"

#define LOG_SPOOL_MAGIC "stocktake-access-log-batch 1"

struct log_open_batch {
    char name[SHA256_LEN * 2 + 1];
    char source[64];
    int fd;
    int64_t first_ms;
    uint64_t size;
    int dirty;
};

struct log_spool {
    char dir[4096];
    int64_t flush_ms;
    pthread_mutex_t mu;
    struct log_open_batch *open;
    size_t n_open, cap_open;
    unsigned long seq; /* makes sealed names unique within a millisecond */
    int dir_dirty;     /* a batch was created or sealed since the directory's last fsync */
};

static void log_batch_name(const struct log_batch_id *id, char out[SHA256_LEN * 2 + 1])
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    if (buf_printf(&b, "%s\n%s\n%s\n%s\n%s\n%d\n%d", id->source, id->source_account, id->region,
                   id->target, id->prefix, (int)id->key_format, (int)id->date_source))
        abort(); /* unlimited buffer: only allocation fails, which aborts */
    uint8_t h[SHA256_LEN];
    hash_sha256(b.data, b.len, h);
    hash_hex(h, sizeof(h), out);
    buf_dispose(&b);
}

/* Seal every .spool file a previous process left behind. */
static void log_spool_recover(struct log_spool *s)
{
    DIR *d = opendir(s->dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n != SHA256_LEN * 2 + 6 || strcmp(e->d_name + SHA256_LEN * 2, ".spool") != 0)
            continue;
        char from[4352], to[4352];
        snprintf(from, sizeof(from), "%s/%s", s->dir, e->d_name);
        snprintf(to, sizeof(to), "%s/%.*s-0-%lu.ready", s->dir, SHA256_LEN * 2, e->d_name,
                 s->seq++);
        if (rename(from, to) != 0)
            log_warn("access logs: could not seal %s: %s", from, strerror(errno));
    }
    closedir(d);
}

int log_spool_open(struct log_spool **out, const char *data_dir, int64_t flush_ms)
{
    struct log_spool *s = xcalloc(1, sizeof(*s));
    int n = snprintf(s->dir, sizeof(s->dir), "%s/logging", data_dir);
    if (n < 0 || (size_t)n >= sizeof(s->dir)) {
        free(s);
        err_set("data directory path too long");
        return ERR_TOOBIG;
    }
    int rc = fsperm_dir(s->dir, NULL);
    if (rc) {
        free(s);
        return rc;
    }
    s->flush_ms = flush_ms;
    pthread_mutex_init(&s->mu, NULL);
    log_spool_recover(s);
    *out = s;
    return 0;
}

void log_spool_close(struct log_spool *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_open; i++) {
        if (s->open[i].dirty && fdatasync(s->open[i].fd) != 0)
            log_warn("access logs: fdatasync: %s", strerror(errno));
        close(s->open[i].fd);
    }
    free(s->open);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static int log_write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            err_set("writing an access log batch: %s", strerror(errno));
            return ERR_IO;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Create id's batch file with its header (mu held). */
static int log_batch_create(struct log_spool *s, const struct log_batch_id *id, const char *name,
                            int64_t now_ms, struct log_open_batch **out)
{
    char path[4352];
    snprintf(path, sizeof(path), "%s/%s.spool", s->dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, FSPERM_FILE_MODE);
    if (fd < 0) {
        err_set("creating %s: %s", path, strerror(errno));
        return ERR_IO;
    }
    struct buf h;
    buf_init(&h, BUF_UNLIMITED);
    int rc = buf_printf(&h, LOG_SPOOL_MAGIC " %lld %s %s %s %s %d %d ", (long long)now_ms,
                        id->source, id->source_account, id->region, id->target, (int)id->key_format,
                        (int)id->date_source);
    if (!rc)
        rc = uri_encode(&h, id->prefix, strlen(id->prefix), 0);
    if (!rc)
        rc = buf_puts(&h, "\n");
    struct stat st;
    /* a file already there (this process sealed nothing since) keeps its header */
    if (!rc && fstat(fd, &st) == 0 && st.st_size == 0)
        rc = log_write_all(fd, h.data, h.len);
    buf_dispose(&h);
    if (rc) {
        close(fd);
        return rc;
    }
    if (s->n_open == s->cap_open) {
        s->cap_open = s->cap_open ? 2 * s->cap_open : 8;
        s->open = xrealloc(s->open, s->cap_open * sizeof(*s->open));
    }
    struct log_open_batch *b = &s->open[s->n_open++];
    memset(b, 0, sizeof(*b));
    snprintf(b->name, sizeof(b->name), "%s", name);
    snprintf(b->source, sizeof(b->source), "%s", id->source);
    b->fd = fd;
    b->first_ms = now_ms;
    b->dirty = 1;
    s->dir_dirty = 1;
    *out = b;
    return 0;
}

/* Seal open batch i (mu held): closed, renamed to .ready, dropped from the table. */
static int log_batch_seal(struct log_spool *s, size_t i)
{
    struct log_open_batch *b = &s->open[i];
    int rc = 0;
    if (b->dirty && fdatasync(b->fd) != 0) {
        err_set("fdatasync of an access log batch: %s", strerror(errno));
        rc = ERR_IO;
    }
    close(b->fd);
    char from[4352], to[4352];
    snprintf(from, sizeof(from), "%s/%s.spool", s->dir, b->name);
    snprintf(to, sizeof(to), "%s/%s-%lld-%lu.ready", s->dir, b->name, (long long)b->first_ms,
             s->seq++);
    if (rename(from, to) != 0) {
        err_set("sealing %s: %s", from, strerror(errno));
        rc = ERR_IO;
    }
    s->open[i] = s->open[--s->n_open];
    s->dir_dirty = 1;
    return rc;
}

int log_spool_append(struct log_spool *s, const struct log_batch_id *id, const char *line,
                     size_t len)
{
    char name[SHA256_LEN * 2 + 1];
    log_batch_name(id, name);
    pthread_mutex_lock(&s->mu);
    struct log_open_batch *b = NULL;
    for (size_t i = 0; i < s->n_open && !b; i++) {
        if (strcmp(s->open[i].name, name) == 0)
            b = &s->open[i];
    }
    int rc = b ? 0 : log_batch_create(s, id, name, id->first_ms, &b);
    if (!rc)
        rc = log_write_all(b->fd, line, len);
    if (!rc) {
        b->dirty = 1;
        b->size += len;
        if (b->size >= LOG_SPOOL_BATCH_MAX)
            rc = log_batch_seal(s, (size_t)(b - s->open));
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int log_spool_sync(struct log_spool *s)
{
    int rc = 0;
    pthread_mutex_lock(&s->mu);
    if (s->dir_dirty) { /* the batches' names: a created or renamed file survives a power loss */
        int dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) != 0) {
            err_set("fsync of %s: %s", s->dir, strerror(errno));
            rc = ERR_IO;
        } else {
            s->dir_dirty = 0;
        }
        if (dfd >= 0)
            close(dfd);
    }
    for (size_t i = 0; i < s->n_open; i++) {
        if (!s->open[i].dirty)
            continue;
        if (fdatasync(s->open[i].fd) != 0) {
            err_set("fdatasync of an access log batch: %s", strerror(errno));
            rc = ERR_IO;
        } else {
            s->open[i].dirty = 0;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int log_spool_seal(struct log_spool *s, const char *source, int64_t now_ms)
{
    int rc = 0;
    pthread_mutex_lock(&s->mu);
    for (size_t i = s->n_open; i-- > 0;) {
        struct log_open_batch *b = &s->open[i];
        int due = source ? strcmp(b->source, source) == 0 : now_ms - b->first_ms >= s->flush_ms;
        if (due) {
            int r = log_batch_seal(s, i);
            if (r)
                rc = r;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int log_ready_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first record's time in a sealed name "<hash>-<ms>-<n>.ready". */
static long long log_ready_ms(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *ms = base + SHA256_LEN * 2 + 1;
    uint64_t v = 0;
    if (str_parse_u64n(ms, strcspn(ms, "-"), 10, INT64_MAX, &v))
        return 0;
    return (long long)v;
}

static int log_ready_time_cmp(const void *a, const void *b)
{
    long long x = log_ready_ms(*(char *const *)a), y = log_ready_ms(*(char *const *)b);
    return x < y ? -1 : x > y ? 1 : log_ready_cmp(a, b);
}

int log_spool_ready(struct log_spool *s, const char *source, char ***paths, size_t *n)
{
    *paths = NULL;
    *n = 0;
    DIR *d = opendir(s->dir);
    if (!d) {
        err_set("opening %s: %s", s->dir, strerror(errno));
        return ERR_IO;
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < SHA256_LEN * 2 + 10 || strcmp(e->d_name + len - 6, ".ready") != 0 ||
            e->d_name[SHA256_LEN * 2] != '-')
            continue;
        char path[4352];
        snprintf(path, sizeof(path), "%s/%s", s->dir, e->d_name);
        if (source) {
            struct log_batch_id id;
            char *body = NULL;
            size_t blen = 0;
            int match = log_spool_read(path, &id, &body, &blen) == 0 && !strcmp(id.source, source);
            free(body);
            if (!match)
                continue;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            *paths = xrealloc(*paths, cap * sizeof(**paths));
        }
        (*paths)[(*n)++] = xstrdup(path);
    }
    closedir(d);
    if (*n > 1)
        qsort(*paths, *n, sizeof(**paths), log_ready_time_cmp);
    return 0;
}

/* The header's fields, space-separated; the prefix (percent-encoded) is the last and may be
 * empty. */
static int log_header_parse(char *line, struct log_batch_id *id)
{
    memset(id, 0, sizeof(*id));
    size_t magic = strlen(LOG_SPOOL_MAGIC);
    if (strncmp(line, LOG_SPOOL_MAGIC " ", magic + 1) != 0)
        return ERR_INVALID;
    char *p = line + magic + 1;
    char *f[7];
    for (int i = 0; i < 7; i++) {
        f[i] = p;
        char *sp = strchr(p, ' ');
        if (!sp)
            return ERR_INVALID;
        *sp = '\0';
        p = sp + 1;
    }
    char *prefix = NULL;
    size_t plen = 0;
    if (uri_decode(&prefix, &plen, p, strlen(p), 0))
        return ERR_INVALID;
    int64_t first = 0, fmt = 0, ds = 0;
    int ok = str_parse_i64(f[0], 0, INT64_MAX, &first) == 0 &&
             str_parse_i64(f[5], LOG_KEY_NONE, LOG_KEY_PARTITIONED, &fmt) == 0 &&
             str_parse_i64(f[6], LOG_DATE_DELIVERY, LOG_DATE_EVENT, &ds) == 0 &&
             strlen(f[1]) < sizeof(id->source) && strlen(f[2]) < sizeof(id->source_account) &&
             strlen(f[3]) < sizeof(id->region) && strlen(f[4]) < sizeof(id->target) &&
             plen <= LOG_PREFIX_MAX && plen == strlen(prefix);
    if (ok) {
        id->first_ms = first;
        snprintf(id->source, sizeof(id->source), "%s", f[1]);
        snprintf(id->source_account, sizeof(id->source_account), "%s", f[2]);
        snprintf(id->region, sizeof(id->region), "%s", f[3]);
        snprintf(id->target, sizeof(id->target), "%s", f[4]);
        id->key_format = (enum log_key_format)fmt;
        id->date_source = (enum log_date_source)ds;
        memcpy(id->prefix, prefix, plen + 1);
    }
    free(prefix);
    return ok ? 0 : ERR_INVALID;
}

int log_spool_read(const char *path, struct log_batch_id *id, char **body, size_t *len)
{
    *body = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err_set("opening %s: %s", path, strerror(errno));
        return errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
    }
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    char chunk[65536];
    int rc = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err_set("reading %s: %s", path, strerror(errno));
            rc = ERR_IO;
        }
        if (n <= 0 || (rc = buf_append(&b, chunk, (size_t)n)) != 0)
            break;
    }
    close(fd);
    char *nl = rc || !b.len ? NULL : memchr(b.data, '\n', b.len);
    if (!rc && !nl) {
        err_set("%s is not an access log batch", path);
        rc = ERR_INVALID;
    }
    if (!rc) {
        *nl = '\0';
        if (log_header_parse(b.data, id)) {
            err_set("%s is not an access log batch", path);
            rc = ERR_INVALID;
        }
    }
    if (!rc) {
        size_t start = (size_t)(nl + 1 - b.data);
        size_t end = b.len;
        while (end > start && b.data[end - 1] != '\n')
            end--; /* a torn last line (the process died inside a write) */
        *len = end - start;
        *body = xmalloc(*len + 1);
        memcpy(*body, b.data + start, *len);
        (*body)[*len] = '\0';
    }
    buf_dispose(&b);
    return rc;
}
