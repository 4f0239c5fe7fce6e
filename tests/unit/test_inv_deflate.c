/* inv_deflate (ISA-L igzip or the zlib fallback): one standard gzip member from many writes and
 * a raw deflate chunk, both inflated back by zlib to the same bytes. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"
#include "harness.h"
#include "inventory/inv_deflate.h"

static int to_buf(void *arg, const void *data, size_t n)
{
    return buf_append(arg, data, n);
}

static int inflated_equal(const void *z, size_t zn, int window, const char *want, size_t n)
{
    char *back = malloc(n + 16);
    z_stream s;
    memset(&s, 0, sizeof(s));
    int ok = inflateInit2(&s, window) == Z_OK;
    s.next_in = (Bytef *)z;
    s.avail_in = (uInt)zn;
    s.next_out = (Bytef *)back;
    s.avail_out = (uInt)(n + 16);
    ok = ok && inflate(&s, Z_FINISH) == Z_STREAM_END && s.total_out == n &&
         memcmp(back, want, n) == 0 && s.avail_in == 0; /* one member, nothing after it */
    inflateEnd(&s);
    free(back);
    return ok;
}

TEST(inv_deflate_gzip_member_and_raw_chunk_inflate_back)
{
    size_t n = 3u << 20;
    char *in = malloc(n);
    for (size_t i = 0; i < n; i++) /* CSV-like bytes with some noise */
        in[i] = "\"abc\",\"12345\",\"x/y\"\n"[(i * 7 + i / 13) % 20] ^ (char)((i % 97) == 0);
    struct inv_deflate *d = NULL;
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(inv_deflate_open(&d, 1) == 0);
    for (size_t o = 0; o < n; o += 100003) {
        size_t k = n - o < 100003 ? n - o : 100003;
        CHECK(inv_deflate_write(d, in + o, k, 0, to_buf, &out) == 0);
    }
    CHECK(inv_deflate_write(d, "", 0, 1, to_buf, &out) == 0);
    inv_deflate_free(d);
    CHECK(out.len > 18 && (unsigned char)out.data[0] == 0x1f && (unsigned char)out.data[1] == 0x8b);
    CHECK(out.len < n / 4);
    CHECK(inflated_equal(out.data, out.len, 31, in, n));
    size_t cap = 262144 + 262144 / 10 + 64;
    unsigned char *raw = malloc(cap);
    size_t rn = inv_deflate_raw(in, 262144, raw, cap);
    CHECK(rn > 0 && rn < 262144);
    CHECK(inflated_equal(raw, rn, -15, in, 262144));
    CHECK(inv_deflate_raw(in, 262144, raw, 16) == 0); /* does not fit: stored by the caller */
    CHECK(strlen(inv_deflate_engine()) > 0);
    free(raw);
    buf_dispose(&out);
    free(in);
}
