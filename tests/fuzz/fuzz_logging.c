/* fuzz_logging.c — BucketLoggingStatus bodies (PutBucketLogging) through the logging
 * configuration parser. A document that parses is rendered (the stored form) and parsed
 * again, and must give the same configuration; a record built from the input's text is
 * formatted, and must be one line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logging/log_config.h"
#include "logging/log_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct log_config *c)
{
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    struct log_config *again = malloc(sizeof(*again));
    char msg[256];
    if (!again || log_config_render(&out, c) ||
        log_config_parse(again, out.data, out.len, msg, sizeof(msg)) ||
        again->enabled != c->enabled || again->n_grants != c->n_grants ||
        again->key_format != c->key_format || strcmp(again->target_bucket, c->target_bucket) ||
        strcmp(again->target_prefix, c->target_prefix))
        abort();
    for (size_t i = 0; i < c->n_grants; i++) {
        if (strcmp(again->grants[i].value, c->grants[i].value) ||
            strcmp(again->grants[i].permission, c->grants[i].permission))
            abort();
    }
    free(again);
    buf_dispose(&out);
}

static void record(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    struct log_record r = {.bucket = s,
                           .key = s,
                           .method = "GET",
                           .raw_uri = s,
                           .user_agent = s,
                           .referrer = s,
                           .error_code = s,
                           .host_header = s,
                           .status = 200,
                           .bytes_sent = (int64_t)size,
                           .object_size = -1};
    struct buf line;
    buf_init(&line, BUF_UNLIMITED);
    if (log_record_format(&line, &r) ||
        memchr(line.data, '\n', line.len) != line.data + line.len - 1)
        abort();
    buf_dispose(&line);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct log_config *c = malloc(sizeof(*c));
    if (!c)
        abort();
    char msg[512];
    if (log_config_parse(c, (const char *)data, size, msg, sizeof(msg)) == 0)
        round_trip(c);
    free(c);
    record(data, size);
    return 0;
}
