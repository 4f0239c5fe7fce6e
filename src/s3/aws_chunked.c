/* aws_chunked.c — the aws-chunked decoder (see aws_chunked.h). */
#include "s3/aws_chunked.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/str.h"
#include "s3/sigv4.h"

#define AWSC_LINE_MAX 1024
#define AWSC_TRAILERS_MAX 8

enum awsc_state { AWSC_SIZE, AWSC_DATA, AWSC_DATA_CRLF, AWSC_TRAILER, AWSC_END_CRLF, AWSC_DONE };

struct aws_chunked {
    int is_signed;
    struct aws_chunked_signing sig;
    char prev_signature[65];
    int expect_trailer;
    char *announced; /* ",name,name," lowercase, from x-amz-trailer */
    aws_chunked_sink *sink;
    void *payload;
    enum awsc_state state;
    char line[AWSC_LINE_MAX];
    size_t line_len;
    uint64_t remaining;
    char chunk_signature[65];
    struct hash_stream *chunk_hash;
    size_t n_trailers;
    char *trailer_names[AWSC_TRAILERS_MAX];
    char *trailer_values[AWSC_TRAILERS_MAX];
    int trailer_signed;
};

/* ",a,b," from "A, b": lowercase names without blanks, between commas. */
static char *awsc_announced(const char *list)
{
    char *out = xmalloc(strlen(list) + 3), *o = out;
    *o++ = ',';
    for (const char *p = list; *p; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (*p == ',' && o[-1] == ',')
            continue;
        *o++ = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    }
    if (o[-1] != ',')
        *o++ = ',';
    *o = '\0';
    return out;
}

struct aws_chunked *aws_chunked_new(const struct aws_chunked_signing *signing, const char *trailers,
                                    aws_chunked_sink *sink, void *payload)
{
    struct aws_chunked *c = xcalloc(1, sizeof(*c));
    if (signing) {
        c->is_signed = 1;
        c->sig = *signing;
        memcpy(c->prev_signature, signing->seed_signature, sizeof(c->prev_signature));
    }
    c->expect_trailer = trailers != NULL;
    if (trailers)
        c->announced = awsc_announced(trailers);
    c->sink = sink;
    c->payload = payload;
    c->state = AWSC_SIZE;
    return c;
}

void aws_chunked_free(struct aws_chunked *c)
{
    if (!c)
        return;
    hash_stream_free(c->chunk_hash);
    free(c->announced);
    for (size_t i = 0; i < c->n_trailers; i++) {
        free(c->trailer_names[i]);
        free(c->trailer_values[i]);
    }
    free(c);
}

const char *aws_chunked_trailer(const struct aws_chunked *c, const char *name)
{
    for (size_t i = 0; i < c->n_trailers; i++) {
        if (strcasecmp(c->trailer_names[i], name) == 0)
            return c->trailer_values[i];
    }
    return NULL;
}

/* Check the signature of the chunk just completed (or of the empty final chunk). */
static enum aws_chunked_result awsc_verify_chunk(struct aws_chunked *c)
{
    if (!c->is_signed)
        return AWSC_OK;
    uint8_t digest[SHA256_LEN];
    if (c->chunk_hash) {
        hash_stream_finish(c->chunk_hash, digest);
        c->chunk_hash = NULL;
    } else {
        hash_sha256("", 0, digest);
    }
    char expected[65];
    sigv4_chunk_signature(c->sig.key, c->sig.amz_date, c->sig.scope, c->prev_signature, digest,
                          expected);
    if (!hash_equal_ct(expected, c->chunk_signature))
        return AWSC_BAD_SIGNATURE;
    memcpy(c->prev_signature, expected, sizeof(expected));
    return AWSC_OK;
}

/* "<hex>[;chunk-signature=<64 hex>]" */
static enum aws_chunked_result awsc_size_line(struct aws_chunked *c)
{
    size_t digits = strspn(c->line, "0123456789abcdefABCDEF");
    uint64_t size = 0;
    if (str_parse_u64n(c->line, digits, 16, 1ull << 40, &size))
        return AWSC_MALFORMED;
    const char *end = c->line + digits;
    c->chunk_signature[0] = '\0';
    if (*end == ';') {
        const char *key = "chunk-signature=";
        if (strncmp(end + 1, key, strlen(key)) != 0 || strlen(end + 1 + strlen(key)) != 64)
            return AWSC_MALFORMED;
        memcpy(c->chunk_signature, end + 1 + strlen(key), 65);
    } else if (*end != '\0') {
        return AWSC_MALFORMED;
    }
    if (c->is_signed && !c->chunk_signature[0])
        return AWSC_MALFORMED;
    c->remaining = size;
    if (size > 0) {
        c->chunk_hash = c->is_signed ? hash_stream_new_sha256() : NULL;
        c->state = AWSC_DATA;
        return AWSC_OK;
    }
    enum aws_chunked_result r = awsc_verify_chunk(c);
    c->state = c->expect_trailer ? AWSC_TRAILER : AWSC_END_CRLF;
    return r;
}

static enum aws_chunked_result awsc_trailer_signature(struct aws_chunked *c, const char *sig)
{
    struct buf canon;
    buf_init(&canon, 64 * 1024);
    for (size_t i = 0; i < c->n_trailers; i++) {
        if (buf_printf(&canon, "%s:%s\n", c->trailer_names[i], c->trailer_values[i])) {
            buf_dispose(&canon);
            return AWSC_MALFORMED;
        }
    }
    uint8_t digest[SHA256_LEN];
    char expected[65];
    hash_sha256(canon.data ? canon.data : "", canon.len, digest);
    buf_dispose(&canon);
    sigv4_trailer_signature(c->sig.key, c->sig.amz_date, c->sig.scope, c->prev_signature, digest,
                            expected);
    if (!hash_equal_ct(expected, sig))
        return AWSC_BAD_SIGNATURE;
    c->trailer_signed = 1;
    return AWSC_OK;
}

/* Is name (lowercase) one of the announced trailer names? */
static int awsc_is_announced(const struct aws_chunked *c, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strchr(c->announced, ','); p && p[1]; p = strchr(p + 1, ',')) {
        if (strncmp(p + 1, name, n) == 0 && p[1 + n] == ',')
            return 1;
    }
    return 0;
}

/* Every announced trailer arrived (each once, as awsc_trailer_line checks)? */
static int awsc_all_announced_present(const struct aws_chunked *c)
{
    size_t announced = 0;
    for (const char *p = c->announced; p[0] && p[1]; p++)
        announced += *p == ',';
    return announced == c->n_trailers;
}

/* The trailer section is over (its empty line, or the end of the body). */
static enum aws_chunked_result awsc_trailer_end(const struct aws_chunked *c)
{
    if (c->is_signed && !c->trailer_signed)
        return AWSC_BAD_SIGNATURE;
    return awsc_all_announced_present(c) ? AWSC_OK : AWSC_MALFORMED;
}

static enum aws_chunked_result awsc_trailer_line(struct aws_chunked *c)
{
    if (c->line_len == 0) {
        enum aws_chunked_result r = awsc_trailer_end(c);
        if (r == AWSC_OK)
            c->state = AWSC_DONE;
        return r;
    }
    if (c->trailer_signed)
        return AWSC_MALFORMED; /* nothing may follow the trailer signature */
    char *colon = strchr(c->line, ':');
    if (!colon || colon == c->line)
        return AWSC_MALFORMED;
    *colon = '\0';
    for (char *p = c->line; *p; p++)
        *p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    const char *value = colon + 1;
    while (*value == ' ')
        value++;
    if (strcmp(c->line, "x-amz-trailer-signature") == 0)
        return c->is_signed ? awsc_trailer_signature(c, value) : AWSC_MALFORMED;
    if (!awsc_is_announced(c, c->line) || aws_chunked_trailer(c, c->line))
        return AWSC_MALFORMED;
    if (c->n_trailers == AWSC_TRAILERS_MAX)
        return AWSC_MALFORMED;
    c->trailer_names[c->n_trailers] = xstrdup(c->line);
    c->trailer_values[c->n_trailers] = xstrdup(value);
    c->n_trailers++;
    return AWSC_OK;
}

/* Accumulate a CRLF-terminated line; *done set when c->line holds a whole line. */
static enum aws_chunked_result awsc_read_line(struct aws_chunked *c, const char **p,
                                              const char *end, int *done)
{
    *done = 0;
    while (*p < end) {
        char ch = *(*p)++;
        if (ch == '\n') {
            if (c->line_len == 0 || c->line[c->line_len - 1] != '\r')
                return AWSC_MALFORMED;
            c->line[--c->line_len] = '\0';
            *done = 1;
            return AWSC_OK;
        }
        if (c->line_len + 1 >= AWSC_LINE_MAX)
            return AWSC_MALFORMED;
        c->line[c->line_len++] = ch;
    }
    return AWSC_OK;
}

static enum aws_chunked_result awsc_data(struct aws_chunked *c, const char **p, const char *end)
{
    size_t avail = (size_t)(end - *p);
    size_t n = c->remaining < avail ? (size_t)c->remaining : avail;
    if (c->chunk_hash)
        hash_stream_update(c->chunk_hash, *p, n);
    if (n && c->sink(c->payload, *p, n))
        return AWSC_SINK_FAILED;
    *p += n;
    c->remaining -= n;
    if (c->remaining == 0)
        c->state = AWSC_DATA_CRLF;
    return AWSC_OK;
}

enum aws_chunked_result aws_chunked_feed(struct aws_chunked *c, const char *data, size_t n)
{
    const char *p = data, *end = data + n;
    enum aws_chunked_result r = AWSC_OK;
    while (p < end && r == AWSC_OK) {
        int done = 0;
        switch (c->state) {
        case AWSC_DATA:
            r = awsc_data(c, &p, end);
            continue;
        case AWSC_DONE:
            return AWSC_MALFORMED;
        default:
            r = awsc_read_line(c, &p, end, &done);
        }
        if (r != AWSC_OK || !done)
            continue;
        enum awsc_state was = c->state;
        if (was == AWSC_SIZE)
            r = awsc_size_line(c);
        else if (was == AWSC_DATA_CRLF)
            r = c->line_len ? AWSC_MALFORMED : awsc_verify_chunk(c);
        else if (was == AWSC_TRAILER)
            r = awsc_trailer_line(c);
        else if (was == AWSC_END_CRLF)
            r = c->line_len ? AWSC_MALFORMED : AWSC_OK;
        if (r == AWSC_OK && was == AWSC_DATA_CRLF)
            c->state = AWSC_SIZE;
        else if (r == AWSC_OK && was == AWSC_END_CRLF)
            c->state = AWSC_DONE;
        c->line_len = 0;
    }
    return r;
}

enum aws_chunked_result aws_chunked_finish(struct aws_chunked *c)
{
    if (c->state == AWSC_DONE)
        return AWSC_OK;
    /* Some clients end the body right after the last chunk or trailer line. */
    if (c->line_len == 0 && c->state == AWSC_END_CRLF)
        return AWSC_OK;
    if (c->line_len == 0 && c->state == AWSC_TRAILER)
        return awsc_trailer_end(c) == AWSC_OK ? AWSC_OK : AWSC_MALFORMED;
    return AWSC_MALFORMED;
}
