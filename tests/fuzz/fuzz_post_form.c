/* fuzz_post_form.c — the multipart/form-data parser of browser uploads, fed in irregular
 * slices; the first byte picks the slice size. The Content-Type boundary reader gets the first
 * line too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s3/post_form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t fuzz_sink;

static int on_field(void *ctx, const char *name, const char *value, size_t len)
{
    (void)ctx;
    fuzz_sink += strlen(name) + len + (value[len] == '\0');
    return 0;
}

static int on_begin(void *ctx, const char *filename, const char *type)
{
    (void)ctx;
    fuzz_sink += strlen(filename) + strlen(type);
    return 0;
}

static int on_data(void *ctx, const char *data, size_t n)
{
    (void)ctx;
    fuzz_sink += n ? (unsigned char)data[n - 1] : 0;
    return 0;
}

static int on_end(void *ctx)
{
    (void)ctx;
    fuzz_sink++;
    return 0;
}

static const struct post_form_callbacks cbs = {on_field, on_begin, on_data, on_end};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t step = (size_t)data[0] + 1;
    data++;
    size--;
    const char *nl = memchr(data, '\n', size < 200 ? size : 200);
    if (nl) {
        char ct[201];
        memcpy(ct, data, (size_t)(nl - (const char *)data));
        ct[nl - (const char *)data] = '\0';
        char b[POST_FORM_BOUNDARY_MAX + 1];
        fuzz_sink += post_form_boundary(ct, b) == 0 ? strlen(b) : 0;
    }
    struct post_form *f = post_form_new("XyZ", &cbs, NULL);
    enum post_form_result r = POST_FORM_OK;
    for (size_t off = 0; off < size && r == POST_FORM_OK; off += step) {
        size_t n = size - off < step ? size - off : step;
        r = post_form_feed(f, (const char *)data + off, n);
    }
    if (r == POST_FORM_OK)
        r = post_form_finish(f);
    fuzz_sink += (size_t)r + (size_t)post_form_saw_file(f);
    post_form_free(f);
    return 0;
}
