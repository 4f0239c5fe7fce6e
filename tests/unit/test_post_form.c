/* test_post_form.c — the multipart/form-data parser: fields and the streamed file, any slice
 * size, boundary look-alikes inside the file, bounds, and broken bodies. */
#include <stdlib.h>

#include "core/buf.h"
#include "harness.h"
#include "s3/post_form.h"

struct collected {
    struct buf fields; /* "name=value\n" each */
    struct buf file;
    char filename[64];
    char type[64];
    int begun, ended;
};

static int on_field(void *ctx, const char *name, const char *value, size_t len)
{
    struct collected *c = ctx;
    return buf_puts(&c->fields, name) || buf_puts(&c->fields, "=") ||
           buf_append(&c->fields, value, len) || buf_puts(&c->fields, "\n");
}

static int on_begin(void *ctx, const char *filename, const char *type)
{
    struct collected *c = ctx;
    c->begun++;
    snprintf(c->filename, sizeof(c->filename), "%s", filename);
    snprintf(c->type, sizeof(c->type), "%s", type);
    return 0;
}

static int on_data(void *ctx, const char *data, size_t n)
{
    struct collected *c = ctx;
    return buf_append(&c->file, data, n);
}

static int on_end(void *ctx)
{
    ((struct collected *)ctx)->ended++;
    return 0;
}

static const struct post_form_callbacks cbs = {on_field, on_begin, on_data, on_end};

static enum post_form_result parse(const char *body, size_t n, size_t step, struct collected *c)
{
    memset(c, 0, sizeof(*c));
    buf_init(&c->fields, BUF_UNLIMITED);
    buf_init(&c->file, BUF_UNLIMITED);
    struct post_form *f = post_form_new("XyZ", &cbs, c);
    enum post_form_result r = POST_FORM_OK;
    for (size_t off = 0; off < n && r == POST_FORM_OK; off += step)
        r = post_form_feed(f, body + off, n - off < step ? n - off : step);
    if (r == POST_FORM_OK)
        r = post_form_finish(f);
    post_form_free(f);
    return r;
}

static void dispose(struct collected *c)
{
    buf_dispose(&c->fields);
    buf_dispose(&c->file);
}

static const char form[] =
    "preamble\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"key\"\r\n\r\n"
    "a/${filename}\r\n"
    "--XyZ  \r\n"
    "content-disposition: form-data; name=Policy\r\n\r\n"
    "eyJ9\r\n--Xy\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".txt\"\r\n"
    "Content-Type: text/plain\r\n\r\n"
    "line\r\n--XyY is not it\r\n\r\r\n-\r\n--X\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"after\"\r\n\r\nignored\r\n"
    "--XyZ--\r\n";

TEST(post_form_fields_and_file_any_slice)
{
    for (size_t step = 1; step <= sizeof(form); step++) {
        struct collected c;
        CHECK(parse(form, sizeof(form) - 1, step, &c) == POST_FORM_OK);
        CHECK_STR(c.fields.data, "key=a/${filename}\nPolicy=eyJ9\r\n--Xy\n");
        CHECK_STR(c.file.data, "line\r\n--XyY is not it\r\n\r\r\n-\r\n--X");
        CHECK_STR(c.filename, "a \"b\".txt");
        CHECK_STR(c.type, "text/plain");
        CHECK(c.begun == 1 && c.ended == 1);
        dispose(&c);
        if (step == 40)
            step = sizeof(form) - 2;
    }
}

TEST(post_form_empty_file_and_binary)
{
    static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=file\r\n\r\n"
                               "\r\n--XyZ--";
    struct collected c;
    CHECK(parse(body, sizeof(body) - 1, 3, &c) == POST_FORM_OK);
    CHECK(c.file.len == 0 && c.ended == 1);
    dispose(&c);
    static const char bin[] = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n"
                              "a\0b\r\n--XyZ\r\n";
    CHECK(parse(bin, sizeof(bin) - 1, 1, &c) == POST_FORM_OK);
    CHECK(c.file.len == 3 && memcmp(c.file.data, "a\0b", 3) == 0);
    dispose(&c);
}

TEST(post_form_malformed)
{
    static const char *const bad[] = {
        "",                                                                          /* nothing */
        "--XyZ\r\nContent-Disposition: form-data; name=key\r\n\r\nv\r\n--XyZ--\r\n", /* no file */
        "--XyZ\r\nContent-Disposition: form-data; name=file\r\n\r\nunterminated",
        "--XyZ\r\nContent-Disposition: attachment; name=file\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\nno colon\r\n\r\nx\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\r\n\r\nx\r\n--XyZ--",
        "--XyZx\r\n",
    };
    struct collected nf;
    const char *no_file = bad[1];
    memset(&nf, 0, sizeof(nf));
    buf_init(&nf.fields, BUF_UNLIMITED);
    buf_init(&nf.file, BUF_UNLIMITED);
    struct post_form *f = post_form_new("XyZ", &cbs, &nf);
    CHECK(post_form_feed(f, no_file, strlen(no_file)) == POST_FORM_OK);
    CHECK(post_form_closed(f) && !post_form_saw_file(f));
    CHECK(post_form_finish(f) == POST_FORM_MALFORMED);
    post_form_free(f);
    dispose(&nf);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct collected c;
        CHECK(parse(bad[i], strlen(bad[i]), 7, &c) == POST_FORM_MALFORMED);
        dispose(&c);
    }
}

TEST(post_form_bounds)
{
    struct buf body;
    buf_init(&body, BUF_UNLIMITED);
    CHECK(buf_puts(&body, "--XyZ\r\nContent-Disposition: form-data; name=policy\r\n\r\n") == 0);
    for (int i = 0; i < POST_FORM_FIELD_MAX + 1; i++)
        CHECK(buf_puts(&body, "a") == 0);
    CHECK(buf_puts(&body, "\r\n--XyZ--") == 0);
    struct collected c;
    CHECK(parse(body.data, body.len, 4096, &c) == POST_FORM_TOO_LARGE);
    dispose(&c);
    buf_reset(&body);
    for (int i = 0; i < 8; i++) { /* each field fits, all of them do not */
        CHECK(buf_printf(&body, "--XyZ\r\nContent-Disposition: form-data; name=f%d\r\n\r\n", i) ==
              0);
        for (int j = 0; j < 10000; j++)
            CHECK(buf_puts(&body, "a") == 0);
        CHECK(buf_puts(&body, "\r\n") == 0);
    }
    CHECK(parse(body.data, body.len, 4096, &c) == POST_FORM_TOO_LARGE);
    dispose(&c);
    buf_dispose(&body);
}

TEST(post_form_boundary_from_content_type)
{
    char b[POST_FORM_BOUNDARY_MAX + 1];
    CHECK(post_form_boundary("multipart/form-data; boundary=abc", b) == 0);
    CHECK_STR(b, "abc");
    CHECK(post_form_boundary("Multipart/Form-Data;charset=utf-8; boundary=\"a b:c\"", b) == 0);
    CHECK_STR(b, "a b:c");
    CHECK(post_form_boundary("multipart/form-data", b) == -1);
    CHECK(post_form_boundary("multipart/mixed; boundary=abc", b) == -1);
    CHECK(post_form_boundary("multipart/form-data; boundary=", b) == -1);
    CHECK(post_form_boundary("multipart/form-data; boundary=\"a\r\"", b) == -1);
    CHECK(post_form_boundary("multipart/form-data; boundary=\"abc", b) == -1);
    CHECK(post_form_boundary(NULL, b) == -1);
    char longb[120];
    memset(longb, 'a', sizeof(longb));
    memcpy(longb, "multipart/form-data; boundary=", 30);
    longb[119] = '\0';
    CHECK(post_form_boundary(longb, b) == -1);
}
