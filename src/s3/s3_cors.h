/* s3_cors.h — a bucket's CORS configuration (the CORSConfiguration of PutBucketCors): parsing
 * and validating it as AWS does, rendering it back (GetBucketCors, and the stored form),
 * choosing the rule a browser request matches, and the Access-Control-* headers that rule
 * gives. Pure functions over the document and header values: the HTTP side is s3_op_cors.c.
 *
 * A rule matches when the request's Origin matches one of its AllowedOrigin patterns, the
 * method is one of its AllowedMethod values, and every header named in
 * Access-Control-Request-Headers matches one of its AllowedHeader patterns. Patterns hold at
 * most one '*', which matches any run of characters (none included). The first matching rule
 * wins, as on AWS. */
#ifndef STOCKTAKE_S3_CORS_H
#define STOCKTAKE_S3_CORS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "s3/s3_error.h"

#define S3_CORS_MAX_RULES 100
#define S3_CORS_DOC_MAX (64 * 1024) /* "The document is limited to 64 KB in size." */

/* The methods a rule may allow, as bits. */
enum s3_cors_method {
    S3_CORS_GET = 1u << 0,
    S3_CORS_PUT = 1u << 1,
    S3_CORS_POST = 1u << 2,
    S3_CORS_DELETE = 1u << 3,
    S3_CORS_HEAD = 1u << 4
};

struct s3_cors_list {
    char **v; /* owned strings */
    size_t n;
};

struct s3_cors_rule {
    char *id;                   /* NULL when the rule has none */
    unsigned methods;           /* S3_CORS_* bits */
    struct s3_cors_list method; /* AllowedMethod, in document order (GetBucketCors) */
    struct s3_cors_list origin; /* AllowedOrigin patterns */
    struct s3_cors_list header; /* AllowedHeader patterns */
    struct s3_cors_list expose; /* ExposeHeader names */
    int64_t max_age;            /* MaxAgeSeconds, -1 when absent */
};

struct s3_cors_config {
    struct s3_cors_rule *rules; /* owned */
    size_t n_rules;
};

/* Parse and validate a CORSConfiguration document into *out (caller disposes, also on
 * error). S3_OK; MalformedXML (not well formed, unknown or missing elements, no rule, more
 * than S3_CORS_MAX_RULES, a MaxAgeSeconds that is not a number); InvalidRequest with AWS's
 * text in msg (an unsupported AllowedMethod, a second wildcard in an AllowedOrigin or
 * AllowedHeader, a wildcard in an ExposeHeader). msg is "" when the table's message fits. */
enum s3_error s3_cors_parse(struct s3_cors_config *out, const char *data, size_t len, char *msg,
                            size_t msg_size);
void s3_cors_config_dispose(struct s3_cors_config *c);

/* The document GetBucketCors answers (with the XML declaration and S3's namespace). */
int s3_cors_render(struct buf *out, const struct s3_cors_config *c) WARN_UNUSED;

/* The S3_CORS_* bit of an HTTP method name ("GET"), 0 for any other (case matters). */
unsigned s3_cors_method_bit(const char *method);

/* Do the n bytes at s match pattern, where one '*' in pattern matches any run of characters?
 * nocase compares ASCII letters without case (header names). */
int s3_cors_pattern_match(const char *pattern, const char *s, size_t n, int nocase);

/* The first rule of c that allows origin, method and every header of request_headers (a
 * comma-separated list, NULL or "" for none). NULL when none does (or method is not one a
 * rule can allow). Borrowed from c. */
const struct s3_cors_rule *s3_cors_match(const struct s3_cors_config *c, const char *origin,
                                         const char *method, const char *request_headers);

/* The Access-Control-* headers a matched rule gives a request from origin, through add:
 * Allow-Origin ("*" when the rule allows any origin, else the origin, with
 * Allow-Credentials), Allow-Methods, Allow-Headers (a preflight's requested headers),
 * Expose-Headers, Max-Age, and Vary. Nothing when rule is NULL (S3 sends no Vary either). */
typedef void s3_cors_header_fn(void *ctx, const char *name, const char *value);
void s3_cors_headers(const struct s3_cors_rule *rule, const char *origin,
                     const char *request_headers, s3_cors_header_fn *add, void *ctx);

#endif
