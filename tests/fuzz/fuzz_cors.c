/* fuzz_cors.c — CORSConfiguration bodies (PutBucketCors) through the CORS parser. A document
 * that parses is rendered and parsed again (the stored form) and must give the same rules; its
 * rules are matched against origins, methods and requested headers taken from the input, and
 * the headers a match gives are built. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s3/s3_cors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore_header(void *ctx, const char *name, const char *value)
{
    (void)ctx;
    if (!name[0] || !value)
        abort();
}

static void round_trip(const struct s3_cors_config *c)
{
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    struct s3_cors_config again;
    char msg[256];
    if (s3_cors_render(&out, c) || s3_cors_parse(&again, out.data, out.len, msg, sizeof(msg)) ||
        again.n_rules != c->n_rules)
        abort();
    for (size_t i = 0; i < c->n_rules; i++) {
        if (again.rules[i].methods != c->rules[i].methods ||
            again.rules[i].origin.n != c->rules[i].origin.n ||
            again.rules[i].max_age != c->rules[i].max_age)
            abort();
    }
    s3_cors_config_dispose(&again);
    buf_dispose(&out);
}

/* The input as text, split at its first two newlines: origin, method, requested headers. */
static void match_input(const struct s3_cors_config *c, const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    char *method = strchr(s, '\n');
    char *headers = NULL;
    if (method) {
        *method++ = '\0';
        headers = strchr(method, '\n');
        if (headers)
            *headers++ = '\0';
    }
    const char *methods[] = {"GET", "PUT", "POST", "DELETE", "HEAD", method ? method : "GET"};
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        const struct s3_cors_rule *rule = s3_cors_match(c, s, methods[i], headers);
        s3_cors_headers(rule, s, headers, ignore_header, NULL);
    }
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct s3_cors_config c;
    char msg[1200];
    if (s3_cors_parse(&c, (const char *)data, size, msg, sizeof(msg)) == S3_OK) {
        round_trip(&c);
        match_input(&c, data, size);
    } else if (c.n_rules) {
        match_input(&c, data, size); /* a partly parsed config must still be safe to use */
    }
    s3_cors_config_dispose(&c);
    return 0;
}
