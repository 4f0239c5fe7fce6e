/* access_log.c — per-request log lines (see access_log.h). */
#include "core/access_log.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/utf8.h"

struct access_log {
    int fd;
    int owns_fd;
    enum access_log_format format;
    atomic_int write_errors;
};

int access_log_format_parse(const char *s, enum access_log_format *out)
{
    if (strcmp(s, "text") == 0)
        *out = ACCESS_LOG_TEXT;
    else if (strcmp(s, "json") == 0)
        *out = ACCESS_LOG_JSON;
    else
        return ERR_INVALID;
    return 0;
}

int access_log_open(struct access_log **out, const char *path, enum access_log_format format)
{
    int fd = 1, owns = 0;
    if (strcmp(path, "-") != 0) {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0) {
            err_set("cannot open the access log %s: %s", path, strerror(errno));
            return ERR_IO;
        }
        if (fchmod(fd, 0600) != 0) { /* an existing file too: it names who asked for what */
            err_set("cannot make the access log %s private: %s", path, strerror(errno));
            close(fd);
            return ERR_IO;
        }
        owns = 1;
    }
    struct access_log *l = xcalloc(1, sizeof(*l));
    l->fd = fd;
    l->owns_fd = owns;
    l->format = format;
    *out = l;
    return 0;
}

void access_log_close(struct access_log *l)
{
    if (!l)
        return;
    if (l->owns_fd)
        close(l->fd);
    free(l);
}

/* Is this query parameter's value a credential that must not be logged? */
static int access_log_secret_param(const char *name, size_t n)
{
    static const char *const names[] = {"Signature", "X-Amz-Signature", "X-Amz-Security-Token"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i]) == n && strncasecmp(name, names[i], n) == 0)
            return 1;
    }
    return 0;
}

/* The raw query with secret values redacted. */
static int access_log_query(struct buf *out, const char *q)
{
    int rc = 0;
    while (*q && !rc) {
        size_t len = strcspn(q, "&");
        size_t nlen = strcspn(q, "=&");
        if (nlen < len && access_log_secret_param(q, nlen))
            rc = buf_printf(out, "%.*s=REDACTED", (int)nlen, q);
        else
            rc = buf_append(out, q, len);
        q += len;
        if (*q == '&') {
            rc = rc ? rc : buf_puts(out, "&");
            q++;
        }
    }
    return rc;
}

/* Text-format escaping: printable ASCII except '"' and '\\' as is, the rest \xHH. */
static int access_log_escape(struct buf *out, const char *s, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            rc = buf_printf(out, "\\x%02x", c);
        else
            rc = buf_append(out, &s[i], 1);
    }
    return rc;
}

static int access_log_text(struct buf *out, const struct access_log_entry *e)
{
    char when[64];
    time_t t = (time_t)(e->time_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S +0000", &tm);
    struct buf target;
    buf_init(&target, BUF_UNLIMITED);
    int rc = buf_puts(&target, e->path ? e->path : "");
    if (!rc && e->query && e->query[0])
        rc = buf_puts(&target, "?");
    if (!rc && e->query)
        rc = access_log_query(&target, e->query);
    if (!rc)
        rc = buf_printf(out, "%s - %s [%s] \"%s ", e->remote && e->remote[0] ? e->remote : "-",
                        e->access_key && e->access_key[0] ? e->access_key : "-", when,
                        e->method ? e->method : "-");
    if (!rc)
        rc = access_log_escape(out, target.data ? target.data : "", target.len);
    buf_dispose(&target);
    if (!rc)
        rc = buf_printf(out, "\" %d %llu %llu %.3f \"", e->status, (unsigned long long)e->bytes_in,
                        (unsigned long long)e->bytes_out, e->duration_ms);
    if (!rc && e->user_agent)
        rc = access_log_escape(out, e->user_agent, strlen(e->user_agent));
    if (!rc)
        rc = buf_printf(out, "\" %s %s\n", e->request_id ? e->request_id : "-",
                        e->operation ? e->operation : "-");
    return rc;
}

/* A string member, null when absent or not UTF-8 (never a raw byte in the JSON). */
static json_t *access_log_str(const char *s)
{
    if (!s || !utf8_valid(s, strlen(s)))
        return json_null();
    return json_string(s);
}

static int access_log_json(struct buf *out, const struct access_log_entry *e)
{
    char when[40];
    time_t t = (time_t)(e->time_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof(when) - n, ".%03dZ", (int)(e->time_ms % 1000));
    json_t *o = json_object();
    json_object_set_new(o, "time", json_string(when));
    json_object_set_new(o, "remote", access_log_str(e->remote));
    json_object_set_new(o, "requestId", access_log_str(e->request_id));
    json_object_set_new(o, "operation", access_log_str(e->operation));
    json_object_set_new(o, "method", access_log_str(e->method));
    json_object_set_new(o, "bucket", access_log_str(e->bucket));
    json_object_set_new(o, "key", access_log_str(e->key));
    json_object_set_new(o, "status", json_integer(e->status));
    json_object_set_new(o, "bytesIn", json_integer((json_int_t)e->bytes_in));
    json_object_set_new(o, "bytesOut", json_integer((json_int_t)e->bytes_out));
    json_object_set_new(o, "durationMs", json_real(e->duration_ms));
    json_object_set_new(o, "userAgent", access_log_str(e->user_agent));
    json_object_set_new(o, "accessKeyId",
                        e->access_key && e->access_key[0] ? access_log_str(e->access_key)
                                                          : json_null());
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!text)
        return ERR_NOMEM;
    int rc = buf_puts(out, text);
    free(text);
    return rc ? rc : buf_puts(out, "\n");
}

int access_log_render(struct buf *out, enum access_log_format format,
                      const struct access_log_entry *e)
{
    return format == ACCESS_LOG_JSON ? access_log_json(out, e) : access_log_text(out, e);
}

void access_log_write(struct access_log *l, const struct access_log_entry *e)
{
    struct buf line;
    buf_init(&line, BUF_UNLIMITED);
    int rc = access_log_render(&line, l->format, e);
    size_t done = 0;
    while (!rc && done < line.len) {
        ssize_t w = write(l->fd, line.data + done, line.len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = ERR_IO;
            break;
        }
        done += (size_t)w;
    }
    buf_dispose(&line);
    if (rc && atomic_fetch_add(&l->write_errors, 1) % 1000 == 0)
        log_warn("could not write the access log line of request %s", e->request_id);
}
