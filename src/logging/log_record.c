/* log_record.c — AWS's server access log line (see log_record.h). */
#include "logging/log_record.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/uri.h"

void log_record_time(char *out, size_t size, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "[%d/%b/%Y:%H:%M:%S +0000]", &tm);
}

/* A bare field: "-" when empty; anything that would split the line (space, control bytes,
 * quotes, brackets) is percent-encoded, so a field never spans two. */
static int log_field(struct buf *b, const char *s)
{
    if (!s || !*s)
        return buf_puts(b, " -");
    int rc = buf_puts(b, " ");
    for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
        if (*p <= ' ' || *p == '"' || *p == '[' || *p == ']' || *p == 0x7f || *p == '%')
            rc = buf_printf(b, "%%%02X", *p);
        else
            rc = buf_append(b, p, 1);
    }
    return rc;
}

/* A quoted field: "..." with '"' and '\' escaped by a backslash and control bytes as \xHH;
 * "-" inside the quotes when empty, as AWS writes the referrer and user agent. */
static int log_quoted(struct buf *b, const char *s)
{
    if (!s || !*s)
        return buf_puts(b, " \"-\"");
    int rc = buf_puts(b, " \"");
    for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
        if (*p == '"' || *p == '\\')
            rc = buf_printf(b, "\\%c", *p);
        else if (*p < ' ' || *p == 0x7f)
            rc = buf_printf(b, "\\x%02X", *p);
        else
            rc = buf_append(b, p, 1);
    }
    return rc ? rc : buf_puts(b, "\"");
}

static int log_number(struct buf *b, int64_t v, int zero_is_none)
{
    if (v < 0 || (zero_is_none && v == 0))
        return buf_puts(b, " -");
    return buf_printf(b, " %lld", (long long)v);
}

/* The key, URL-encoded ('/' kept) as AWS logs it. */
static int log_key(struct buf *b, const char *key)
{
    if (!key || !*key)
        return buf_puts(b, " -");
    int rc = buf_puts(b, " ");
    return rc ? rc : uri_encode(b, key, strlen(key), 1);
}

static int log_request_line(struct buf *b, const struct log_record *r)
{
    if (!r->method || !r->raw_uri)
        return buf_puts(b, " \"-\"");
    char line[64];
    snprintf(line, sizeof(line), "%s ", r->method);
    struct buf tmp;
    buf_init(&tmp, BUF_UNLIMITED);
    int rc = buf_puts(&tmp, line);
    if (!rc)
        rc = buf_puts(&tmp, r->raw_uri);
    if (!rc)
        rc = buf_printf(&tmp, " %s", r->http_version ? r->http_version : "HTTP/1.1");
    if (!rc)
        rc = log_quoted(b, tmp.data);
    buf_dispose(&tmp);
    return rc;
}

int log_record_format(struct buf *b, const struct log_record *r)
{
    char when[40];
    log_record_time(when, sizeof(when), r->time_ms);
    int rc = buf_puts(b, r->bucket_owner && *r->bucket_owner ? r->bucket_owner : "-");
    if (!rc)
        rc = log_field(b, r->bucket);
    if (!rc)
        rc = buf_printf(b, " %s", when);
    if (!rc)
        rc = log_field(b, r->remote_ip);
    if (!rc)
        rc = log_field(b, r->requester);
    if (!rc)
        rc = log_field(b, r->request_id);
    if (!rc)
        rc = log_field(b, r->operation);
    if (!rc)
        rc = log_key(b, r->key);
    if (!rc)
        rc = log_request_line(b, r);
    if (!rc)
        rc = log_number(b, r->status > 0 ? r->status : -1, 0);
    if (!rc)
        rc = log_field(b, r->error_code);
    if (!rc)
        rc = log_number(b, r->bytes_sent, 1);
    if (!rc)
        rc = log_number(b, r->object_size, 0);
    if (!rc)
        rc = log_number(b, r->total_ms, 0);
    if (!rc)
        rc = log_number(b, r->turnaround_ms, 0);
    if (!rc)
        rc = log_quoted(b, r->referrer);
    if (!rc)
        rc = log_quoted(b, r->user_agent);
    const char *fields[] = {r->version_id,   r->host_id,         r->signature_version,
                            r->cipher_suite, r->auth_type,       r->host_header,
                            r->tls_version,  r->access_point_arn};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && !rc; i++)
        rc = log_field(b, fields[i]);
    if (!rc)
        rc = buf_puts(b, r->acl_required ? " Yes\n" : " -\n");
    return rc;
}
