/* post_form.c — the streaming multipart/form-data parser (post_form.h).
 *
 * The delimiter is "\r\n--" boundary; the body starts as if its "\r\n" had been seen, so the
 * first boundary needs no leading line break. A boundary holds no CR (RFC 2046 bchars), so a
 * partial match that fails can never hide the start of another one: the withheld bytes are
 * given back as data and matching starts over at the current byte. */
#include "s3/post_form.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/buf.h"

enum pf_state { PF_PREAMBLE, PF_AFTER_DELIM, PF_HEADERS, PF_BODY, PF_DONE, PF_END };

#define PF_NAME_MAX 1024
#define PF_TYPE_MAX 256

struct post_form {
    const struct post_form_callbacks *cb;
    void *ctx;
    char delim[POST_FORM_BOUNDARY_MAX + 5];
    size_t dlen;
    size_t match;
    enum pf_state state;
    char tail;        /* PF_AFTER_DELIM: the '-' or '\r' seen so far */
    size_t predata;   /* bytes of part headers and fields so far */
    struct buf line;  /* the header line being read */
    struct buf value; /* the field value being read */
    int part_named;   /* the part's Content-Disposition named it */
    int part_is_file;
    int saw_file;
    char name[PF_NAME_MAX + 1];
    char filename[PF_NAME_MAX + 1];
    char content_type[PF_TYPE_MAX + 1];
};

static int pf_bchar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("'()+_,-./:=? ", c) != NULL);
}

int post_form_boundary(const char *content_type, char *out)
{
    static const char type[] = "multipart/form-data";
    if (!content_type)
        return -1;
    while (*content_type == ' ' || *content_type == '\t')
        content_type++;
    if (strncasecmp(content_type, type, sizeof(type) - 1) != 0)
        return -1;
    const char *p = content_type + sizeof(type) - 1;
    while (*p) {
        p += strspn(p, " \t");
        if (*p != ';')
            return -1;
        p++;
        p += strspn(p, " \t");
        size_t kn = strcspn(p, "=; \t");
        const char *k = p;
        p += kn;
        if (*p != '=')
            return -1;
        p++;
        const char *v = p;
        size_t vn;
        if (*p == '"') {
            v = ++p;
            vn = strcspn(p, "\"");
            if (p[vn] != '"')
                return -1;
            p += vn + 1;
        } else {
            vn = strcspn(p, "; \t");
            p += vn;
        }
        if (kn == 8 && strncasecmp(k, "boundary", 8) == 0) {
            if (vn == 0 || vn > POST_FORM_BOUNDARY_MAX || v[vn - 1] == ' ')
                return -1;
            for (size_t i = 0; i < vn; i++) {
                if (!pf_bchar(v[i]))
                    return -1;
            }
            memcpy(out, v, vn);
            out[vn] = '\0';
            return 0;
        }
    }
    return -1;
}

struct post_form *post_form_new(const char *boundary, const struct post_form_callbacks *cb,
                                void *ctx)
{
    struct post_form *f = xcalloc(1, sizeof(*f));
    f->cb = cb;
    f->ctx = ctx;
    size_t n = strlen(boundary);
    if (n > POST_FORM_BOUNDARY_MAX)
        n = POST_FORM_BOUNDARY_MAX;
    memcpy(f->delim, "\r\n--", 4);
    memcpy(f->delim + 4, boundary, n);
    f->dlen = 4 + n;
    f->match = 2; /* the first boundary opens the body without a line break */
    f->state = PF_PREAMBLE;
    buf_init(&f->line, POST_FORM_HEADER_LINE_MAX);
    buf_init(&f->value, POST_FORM_FIELD_MAX);
    return f;
}

void post_form_free(struct post_form *f)
{
    if (!f)
        return;
    buf_dispose(&f->line);
    buf_dispose(&f->value);
    free(f);
}

int post_form_saw_file(const struct post_form *f)
{
    return f->saw_file;
}

int post_form_closed(const struct post_form *f)
{
    return f->state == PF_END;
}

/* Copy a Content-Disposition parameter value (quoted-string or token) at p into out. */
static const char *pf_param_value(const char *p, char *out, size_t size, int *ok)
{
    size_t o = 0;
    *ok = 1;
    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1])
                p++;
            if (o + 1 >= size)
                *ok = 0;
            else
                out[o++] = *p;
            p++;
        }
        if (*p != '"')
            *ok = 0;
        else
            p++;
    } else {
        while (*p && *p != ';' && *p != ' ' && *p != '\t') {
            if (o + 1 >= size)
                *ok = 0;
            else
                out[o++] = *p;
            p++;
        }
    }
    out[o] = '\0';
    return p;
}

static enum post_form_result pf_disposition(struct post_form *f, const char *v)
{
    v += strspn(v, " \t");
    if (strncasecmp(v, "form-data", 9) != 0)
        return POST_FORM_MALFORMED;
    const char *p = v + 9;
    while (*p) {
        p += strspn(p, " \t");
        if (!*p)
            break;
        if (*p != ';')
            return POST_FORM_MALFORMED;
        p++;
        p += strspn(p, " \t");
        size_t kn = strcspn(p, "=; \t");
        const char *k = p;
        p += kn;
        p += strspn(p, " \t");
        if (*p != '=')
            return POST_FORM_MALFORMED;
        p++;
        p += strspn(p, " \t");
        int ok;
        if (kn == 4 && strncasecmp(k, "name", 4) == 0) {
            p = pf_param_value(p, f->name, sizeof(f->name), &ok);
            f->part_named = 1;
        } else if (kn == 8 && strncasecmp(k, "filename", 8) == 0) {
            p = pf_param_value(p, f->filename, sizeof(f->filename), &ok);
        } else {
            char skip[PF_NAME_MAX + 1];
            p = pf_param_value(p, skip, sizeof(skip), &ok);
        }
        if (!ok)
            return POST_FORM_MALFORMED;
    }
    return POST_FORM_OK;
}

static enum post_form_result pf_header_line(struct post_form *f)
{
    char *l = f->line.data;
    size_t n = f->line.len;
    if (n && l[n - 1] == '\r')
        l[--n] = '\0';
    char *colon = memchr(l, ':', n);
    if (!colon || memchr(l, '\0', n))
        return POST_FORM_MALFORMED;
    *colon = '\0';
    const char *v = colon + 1;
    if (strcasecmp(l, "Content-Disposition") == 0)
        return pf_disposition(f, v);
    if (strcasecmp(l, "Content-Type") == 0) {
        v += strspn(v, " \t");
        size_t vn = strlen(v);
        if (vn > PF_TYPE_MAX)
            return POST_FORM_MALFORMED;
        memcpy(f->content_type, v, vn + 1);
    }
    return POST_FORM_OK;
}

static enum post_form_result pf_part_begin(struct post_form *f)
{
    if (!f->part_named || !f->name[0])
        return POST_FORM_MALFORMED;
    f->part_is_file = strcasecmp(f->name, "file") == 0;
    if (f->part_is_file) {
        f->saw_file = 1;
        if (f->cb->file_begin(f->ctx, f->filename, f->content_type))
            return POST_FORM_STOPPED;
    }
    buf_reset(&f->value);
    return POST_FORM_OK;
}

static enum post_form_result pf_part_end(struct post_form *f)
{
    if (f->part_is_file) {
        f->state = PF_DONE;
        return f->cb->file_end(f->ctx) ? POST_FORM_STOPPED : POST_FORM_OK;
    }
    f->state = PF_AFTER_DELIM;
    f->tail = 0;
    if (f->cb->field(f->ctx, f->name, f->value.data ? f->value.data : "", f->value.len))
        return POST_FORM_STOPPED;
    return POST_FORM_OK;
}

static void pf_part_reset(struct post_form *f)
{
    f->part_named = 0;
    f->part_is_file = 0;
    f->name[0] = f->filename[0] = f->content_type[0] = '\0';
    buf_reset(&f->line);
}

static enum post_form_result pf_data(struct post_form *f, const char *data, size_t n)
{
    if (n == 0)
        return POST_FORM_OK;
    if (f->part_is_file)
        return f->cb->file_data(f->ctx, data, n) ? POST_FORM_STOPPED : POST_FORM_OK;
    f->predata += n;
    if (f->predata > POST_FORM_PREDATA_MAX || buf_append(&f->value, data, n))
        return POST_FORM_TOO_LARGE;
    return POST_FORM_OK;
}

static enum post_form_result pf_after_delim(struct post_form *f, char c)
{
    if (f->tail == '-') {
        if (c != '-')
            return POST_FORM_MALFORMED;
        f->state = PF_END;
    } else if (f->tail == '\r') {
        if (c != '\n')
            return POST_FORM_MALFORMED;
        pf_part_reset(f);
        f->state = PF_HEADERS;
    } else if (c == '-' || c == '\r') {
        f->tail = c;
    } else if (c != ' ' && c != '\t') {
        return POST_FORM_MALFORMED;
    }
    return POST_FORM_OK;
}

static enum post_form_result pf_header_byte(struct post_form *f, char c)
{
    if (++f->predata > POST_FORM_PREDATA_MAX)
        return POST_FORM_TOO_LARGE;
    if (c != '\n')
        return buf_append(&f->line, &c, 1) ? POST_FORM_MALFORMED : POST_FORM_OK;
    enum post_form_result res = POST_FORM_OK;
    if (f->line.len == 0 || (f->line.len == 1 && f->line.data[0] == '\r')) {
        res = pf_part_begin(f);
        f->state = PF_BODY;
        f->match = 0;
    } else {
        res = pf_header_line(f);
    }
    buf_reset(&f->line);
    return res;
}

/* Body bytes: data outside a partial delimiter match is handed on in runs. */
static enum post_form_result pf_body(struct post_form *f, const char *data, size_t n, size_t *i)
{
    size_t run = *i;
    enum post_form_result res = POST_FORM_OK;
    for (; *i < n; (*i)++) {
        char c = data[*i];
        if (c != f->delim[f->match] && f->match > 0) {
            res = pf_data(f, f->delim, f->match);
            f->match = 0;
            run = *i;
            if (res)
                return res;
        }
        if (c != f->delim[f->match])
            continue;
        if (f->match == 0 && (res = pf_data(f, data + run, *i - run)) != POST_FORM_OK)
            return res;
        run = *i + 1;
        if (++f->match == f->dlen) {
            f->match = 0;
            (*i)++;
            return pf_part_end(f);
        }
    }
    return pf_data(f, data + run, n - run);
}

enum post_form_result post_form_feed(struct post_form *f, const char *data, size_t n)
{
    size_t i = 0;
    while (i < n) {
        enum post_form_result res = POST_FORM_OK;
        char c = data[i];
        switch (f->state) {
        case PF_PREAMBLE:
            if (c == f->delim[f->match]) {
                if (++f->match == f->dlen) {
                    f->match = 0;
                    f->state = PF_AFTER_DELIM;
                    f->tail = 0;
                }
            } else {
                f->match = c == f->delim[0];
            }
            i++;
            break;
        case PF_AFTER_DELIM:
            res = pf_after_delim(f, c);
            i++;
            break;
        case PF_HEADERS:
            res = pf_header_byte(f, c);
            i++;
            break;
        case PF_BODY:
            res = pf_body(f, data, n, &i);
            break;
        case PF_DONE:
        case PF_END:
            return POST_FORM_OK; /* what follows the file is ignored, as AWS does */
        }
        if (res)
            return res;
    }
    return POST_FORM_OK;
}

enum post_form_result post_form_finish(struct post_form *f)
{
    return f->state == PF_DONE ? POST_FORM_OK : POST_FORM_MALFORMED;
}
