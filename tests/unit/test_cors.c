/* test_cors.c — CORS configurations: AWS's validation errors, the rendered document, wildcard
 * patterns, rule matching (origin, method, requested headers; first rule wins) and the
 * Access-Control-* headers a rule gives. */
#include <stdlib.h>

#include "core/buf.h"
#include "harness.h"
#include "s3/s3_cors.h"

#define RULE(body) "<CORSConfiguration><CORSRule>" body "</CORSRule></CORSConfiguration>"

static enum s3_error parse_msg(const char *xml, char *msg, size_t msg_size)
{
    struct s3_cors_config c;
    enum s3_error e = s3_cors_parse(&c, xml, strlen(xml), msg, msg_size);
    s3_cors_config_dispose(&c);
    return e;
}

static enum s3_error parse(const char *xml)
{
    char msg[512];
    return parse_msg(xml, msg, sizeof(msg));
}

TEST(cors_parse_accepts_aws_documents)
{
    CHECK(parse(RULE("<AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>")) ==
          S3_OK);
    CHECK(parse("<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<CORSRule><ID>r1</ID><AllowedHeader>*</AllowedHeader>"
                "<AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>"
                "<AllowedMethod>DELETE</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>"
                "<AllowedOrigin>http://www.example.com</AllowedOrigin>"
                "<ExposeHeader>x-amz-server-side-encryption</ExposeHeader>"
                "<MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>"
                "<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"
                "</CORSRule></CORSConfiguration>") == S3_OK);
}

TEST(cors_parse_refuses_malformed_documents)
{
    CHECK(parse("<CORSConfiguration/>") == S3E_MALFORMED_XML);
    CHECK(parse("<CORSConfiguration><CORSRule>") == S3E_MALFORMED_XML);
    CHECK(parse("<Other><CORSRule/></Other>") == S3E_MALFORMED_XML);
    CHECK(parse(RULE("<AllowedOrigin>*</AllowedOrigin>")) == S3E_MALFORMED_XML);
    CHECK(parse(RULE("<AllowedMethod>GET</AllowedMethod>")) == S3E_MALFORMED_XML);
    CHECK(parse(RULE("<AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"
                     "<Color>red</Color>")) == S3E_MALFORMED_XML);
    CHECK(parse(RULE("<AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"
                     "<MaxAgeSeconds>soon</MaxAgeSeconds>")) == S3E_MALFORMED_XML);
    CHECK(parse(RULE("<AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"
                     "<MaxAgeSeconds>-1</MaxAgeSeconds>")) == S3E_MALFORMED_XML);
    CHECK(parse(RULE("<ID>a</ID><ID>b</ID><AllowedMethod>GET</AllowedMethod>"
                     "<AllowedOrigin>*</AllowedOrigin>")) == S3E_MALFORMED_XML);
    CHECK(parse("<CORSConfiguration><Other/></CORSConfiguration>") == S3E_MALFORMED_XML);
}

TEST(cors_parse_limits_rules)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(buf_puts(&b, "<CORSConfiguration>") == 0);
    for (int i = 0; i < S3_CORS_MAX_RULES; i++)
        CHECK(buf_puts(&b, "<CORSRule><AllowedMethod>GET</AllowedMethod>"
                           "<AllowedOrigin>*</AllowedOrigin></CORSRule>") == 0);
    size_t at = b.len;
    CHECK(buf_puts(&b, "</CORSConfiguration>") == 0);
    CHECK(parse(b.data) == S3_OK);
    b.len = at;
    CHECK(buf_puts(&b, "<CORSRule><AllowedMethod>GET</AllowedMethod>"
                       "<AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>") == 0);
    CHECK(parse(b.data) == S3E_MALFORMED_XML);
    buf_dispose(&b);
}

TEST(cors_parse_invalid_request_messages)
{
    char msg[512];
    CHECK(parse_msg(RULE("<AllowedMethod>PATCH</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"),
                    msg, sizeof(msg)) == S3E_INVALID_REQUEST);
    CHECK_STR(msg, "Found unsupported HTTP method in CORS config. Unsupported method is PATCH");
    CHECK(parse_msg(RULE("<AllowedMethod>get</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"), msg,
                    sizeof(msg)) == S3E_INVALID_REQUEST);
    CHECK_STR(msg, "Found unsupported HTTP method in CORS config. Unsupported method is get");
    CHECK(
        parse_msg(RULE("<AllowedMethod>GET</AllowedMethod><AllowedOrigin>*.*.com</AllowedOrigin>"),
                  msg, sizeof(msg)) == S3E_INVALID_REQUEST);
    CHECK_STR(msg, "AllowedOrigin \"*.*.com\" can not have more than one wildcard.");
    CHECK(parse_msg(RULE("<AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"
                         "<AllowedHeader>x-*-*</AllowedHeader>"),
                    msg, sizeof(msg)) == S3E_INVALID_REQUEST);
    CHECK_STR(msg, "AllowedHeader \"x-*-*\" can not have more than one wildcard.");
    CHECK(parse_msg(RULE("<AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"
                         "<ExposeHeader>x-amz-*</ExposeHeader>"),
                    msg, sizeof(msg)) == S3E_INVALID_REQUEST);
    CHECK_STR(msg, "ExposeHeader \"x-amz-*\" contains wildcard. We currently do not support "
                   "wildcard for ExposeHeader.");
    CHECK(parse_msg(RULE("<AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"), msg,
                    sizeof(msg)) == S3_OK);
    CHECK_STR(msg, "");
}

TEST(cors_render_round_trips)
{
    const char *xml = RULE("<MaxAgeSeconds>60</MaxAgeSeconds><AllowedOrigin>a&amp;b</AllowedOrigin>"
                           "<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>"
                           "<ID>id1</ID><ExposeHeader>ETag</ExposeHeader>"
                           "<AllowedHeader>x-amz-*</AllowedHeader>");
    struct s3_cors_config c;
    char msg[64];
    CHECK(s3_cors_parse(&c, xml, strlen(xml), msg, sizeof(msg)) == S3_OK);
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(s3_cors_render(&out, &c) == 0);
    CHECK_STR(out.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                        "<CORSRule><ID>id1</ID><AllowedHeader>x-amz-*</AllowedHeader>"
                        "<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>"
                        "<AllowedOrigin>a&amp;b</AllowedOrigin><ExposeHeader>ETag</ExposeHeader>"
                        "<MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>");
    struct s3_cors_config again;
    CHECK(s3_cors_parse(&again, out.data, out.len, msg, sizeof(msg)) == S3_OK);
    CHECK(again.n_rules == 1 && again.rules[0].methods == (S3_CORS_PUT | S3_CORS_GET));
    CHECK(again.rules[0].max_age == 60);
    s3_cors_config_dispose(&again);
    s3_cors_config_dispose(&c);
    buf_dispose(&out);
}

static int pm(const char *pattern, const char *s, int nocase)
{
    return s3_cors_pattern_match(pattern, s, strlen(s), nocase);
}

TEST(cors_pattern_wildcards)
{
    CHECK(pm("*", "", 0) && pm("*", "anything", 0));
    CHECK(pm("*suffix", "foo.suffix", 0) && pm("*suffix", "suffix", 0));
    CHECK(!pm("*suffix", "foo.suffix.get", 0));
    CHECK(pm("start*end", "startend", 0) && pm("start*end", "start12end", 0));
    CHECK(!pm("start*end", "0start12end", 0) && !pm("start*end", "startenX", 0));
    CHECK(!pm("ab*ba", "aba", 0)); /* head and tail may not overlap */
    CHECK(pm("prefix*", "prefix.suffix", 0) && !pm("prefix*", "bla.prefix", 0));
    CHECK(pm("http://example.com", "http://example.com", 0));
    CHECK(!pm("http://example.com", "http://example.co", 0));
    CHECK(!pm("http://Example.com", "http://example.com", 0));
    CHECK(pm("X-Amz-*", "x-amz-date", 1) && !pm("X-Amz-*", "x-amz-date", 0));
}

static struct s3_cors_config config(const char *xml)
{
    struct s3_cors_config c;
    char msg[256];
    CHECK(s3_cors_parse(&c, xml, strlen(xml), msg, sizeof(msg)) == S3_OK);
    return c;
}

TEST(cors_match_origin_method_headers_first_rule)
{
    struct s3_cors_config c = config(
        "<CORSConfiguration>"
        "<CORSRule><ID>a</ID><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*suffix</"
        "AllowedOrigin>"
        "<AllowedHeader>x-amz-*</AllowedHeader><AllowedHeader>Content-Type</AllowedHeader>"
        "</CORSRule>"
        "<CORSRule><ID>b</ID><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>"
        "<AllowedOrigin>*.put</AllowedOrigin><AllowedOrigin>x.suffix</AllowedOrigin></CORSRule>"
        "</CORSConfiguration>");
    const struct s3_cors_rule *r = s3_cors_match(&c, "foo.suffix", "GET", NULL);
    CHECK(r && strcmp(r->id, "a") == 0);
    CHECK(s3_cors_match(&c, "foo.suffix", "PUT", NULL) == NULL);
    r = s3_cors_match(&c, "x.suffix", "PUT", NULL);
    CHECK(r && strcmp(r->id, "b") == 0);
    CHECK(s3_cors_match(&c, "foo.bar", "GET", NULL) == NULL);
    CHECK(s3_cors_match(&c, "foo.suffix", "OPTIONS", NULL) == NULL);
    CHECK(s3_cors_match(&c, "foo.suffix", NULL, NULL) == NULL);
    CHECK(s3_cors_match(&c, NULL, "GET", NULL) == NULL);
    r = s3_cors_match(&c, "foo.suffix", "GET", "X-Amz-Date, content-type,x-amz-meta-a");
    CHECK(r && strcmp(r->id, "a") == 0);
    CHECK(s3_cors_match(&c, "foo.suffix", "GET", "x-amz-date, authorization") == NULL);
    /* rule b allows no header at all: an empty list is fine, a named one is not */
    r = s3_cors_match(&c, "a.put", "PUT", " , ");
    CHECK(r && strcmp(r->id, "b") == 0);
    CHECK(s3_cors_match(&c, "a.put", "PUT", "x-amz-date") == NULL);
    s3_cors_config_dispose(&c);
}

struct headers {
    char text[2048];
};

static void collect(void *ctx, const char *name, const char *value)
{
    struct headers *h = ctx;
    size_t n = strlen(h->text);
    snprintf(h->text + n, sizeof(h->text) - n, "%s: %s\n", name, value);
}

#define VARY "Vary: Origin, Access-Control-Request-Headers, Access-Control-Request-Method\n"

TEST(cors_headers_of_a_rule)
{
    struct s3_cors_config c = config(
        "<CORSConfiguration>"
        "<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"
        "<ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-meta-a</ExposeHeader></CORSRule>"
        "<CORSRule><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>"
        "<AllowedOrigin>http://*.example.com</AllowedOrigin><AllowedHeader>*</AllowedHeader>"
        "<MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>");
    struct headers h = {""};
    s3_cors_headers(s3_cors_match(&c, "http://x.org", "GET", NULL), "http://x.org", NULL, collect,
                    &h);
    CHECK_STR(h.text, "Access-Control-Allow-Origin: *\n"
                      "Access-Control-Allow-Methods: GET\n"
                      "Access-Control-Expose-Headers: ETag, x-amz-meta-a\n" VARY);
    h.text[0] = '\0';
    const char *asked = "Content-Type , X-Amz-Date";
    s3_cors_headers(s3_cors_match(&c, "http://a.example.com", "PUT", asked), "http://a.example.com",
                    asked, collect, &h);
    CHECK_STR(h.text, "Access-Control-Allow-Origin: http://a.example.com\n"
                      "Access-Control-Allow-Credentials: true\n"
                      "Access-Control-Allow-Methods: PUT, POST\n"
                      "Access-Control-Allow-Headers: content-type, x-amz-date\n"
                      "Access-Control-Max-Age: 3000\n" VARY);
    h.text[0] = '\0';
    s3_cors_headers(NULL, "http://x.org", NULL, collect, &h);
    CHECK_STR(h.text, "");
    s3_cors_config_dispose(&c);
}
