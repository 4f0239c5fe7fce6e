/* s3_object_stream.c — streaming decrypted object bytes (s3_object_stream.h). */
#include "s3/s3_object_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"

#define S3_STREAM_BLOCK (1u << 20)

struct s3_stream {
    struct obj_reader *rd;
    char *first; /* the block read ahead, sent first */
    size_t first_len, first_sent;
    char what[256];
};

static void s3_stream_free(void *ctx)
{
    struct s3_stream *st = ctx;
    obj_reader_close(st->rd);
    free(st->first);
    free(st);
}

static long s3_stream_read(void *ctx, uint64_t pos, char *buf, size_t max)
{
    struct s3_stream *st = ctx;
    (void)pos;
    if (st->first_sent < st->first_len) {
        size_t n = st->first_len - st->first_sent < max ? st->first_len - st->first_sent : max;
        memcpy(buf, st->first + st->first_sent, n);
        st->first_sent += n;
        return (long)n;
    }
    size_t got = 0;
    if (!st->rd) { /* a HEAD answered from the row has no body to send */
        log_error("%s: no body to send", st->what);
        return -1;
    }
    int rc = obj_reader_read(st->rd, buf, max, &got);
    if (rc || got == 0) {
        log_error("%s: %s (connection aborted)", st->what, rc ? err_msg() : "the blob ended early");
        return -1;
    }
    return (long)got;
}

/* Read up to n bytes (all of them unless the range ends) into buf. */
static int s3_stream_fill(struct obj_reader *rd, char *buf, size_t n, size_t *got)
{
    size_t at = 0, k = 1;
    int rc = 0;
    while (!rc && k && at < n) {
        rc = obj_reader_read(rd, buf + at, n - at, &k);
        at += k;
    }
    *got = at;
    return rc;
}

struct http_response *s3_object_stream_response(struct obj_reader *rd, int status, uint64_t len,
                                                int head, const char *what)
{
    if (head) {
        struct s3_stream *st = xcalloc(1, sizeof(*st));
        st->rd = rd;
        snprintf(st->what, sizeof(st->what), "%s", what);
        return http_response_new_stream(status, len, S3_STREAM_BLOCK, s3_stream_read,
                                        s3_stream_free, st);
    }
    size_t first = len < S3_STREAM_BLOCK ? (size_t)len : S3_STREAM_BLOCK, got = 0;
    char *buf = xmalloc(first ? first : 1);
    if (s3_stream_fill(rd, buf, first, &got) || got != first) {
        log_error("%s: %s", what, err_msg());
        free(buf);
        obj_reader_close(rd);
        return NULL;
    }
    if (first == len) { /* all of it authenticated already */
        obj_reader_close(rd);
        return http_response_new_buffer(status, buf, first);
    }
    struct s3_stream *st = xcalloc(1, sizeof(*st));
    st->rd = rd;
    st->first = buf;
    st->first_len = first;
    snprintf(st->what, sizeof(st->what), "%s", what);
    return http_response_new_stream(status, len, S3_STREAM_BLOCK, s3_stream_read, s3_stream_free,
                                    st);
}
