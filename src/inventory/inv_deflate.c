/* inv_deflate.c — ISA-L igzip or zlib behind one stream interface (see inv_deflate.h). */
#include "inventory/inv_deflate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define INV_DEFLATE_OUT (256 * 1024)

#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>

#if INV_DEFLATE_ISAL_LEVEL == 1
#define INV_DEFLATE_LEVEL_BUF ISAL_DEF_LVL1_DEFAULT
#elif INV_DEFLATE_ISAL_LEVEL == 2
#define INV_DEFLATE_LEVEL_BUF ISAL_DEF_LVL2_DEFAULT
#elif INV_DEFLATE_ISAL_LEVEL == 3
#define INV_DEFLATE_LEVEL_BUF ISAL_DEF_LVL3_DEFAULT
#else
#error "INV_DEFLATE_ISAL_LEVEL must be 1, 2 or 3"
#endif

#define STR2(x) #x
#define STR(x) STR2(x)

struct inv_deflate {
    struct isal_zstream z;
    uint8_t *level_buf;
    uint8_t out[INV_DEFLATE_OUT];
};

const char *inv_deflate_engine(void)
{
    return "isa-l igzip level " STR(INV_DEFLATE_ISAL_LEVEL);
}

static void inv_deflate_setup(struct isal_zstream *z, uint8_t *level_buf, int gzip)
{
    z->level = INV_DEFLATE_ISAL_LEVEL;
    z->level_buf = level_buf;
    z->level_buf_size = INV_DEFLATE_LEVEL_BUF;
    z->gzip_flag = gzip ? IGZIP_GZIP : IGZIP_DEFLATE;
}

int inv_deflate_open(struct inv_deflate **out, int gzip)
{
    struct inv_deflate *d = xmalloc(sizeof(*d));
    d->level_buf = xmalloc(INV_DEFLATE_LEVEL_BUF);
    isal_deflate_init(&d->z);
    inv_deflate_setup(&d->z, d->level_buf, gzip);
    *out = d;
    return 0;
}

int inv_deflate_write(struct inv_deflate *d, const void *data, size_t n, int finish,
                      inv_deflate_sink *sink, void *arg)
{
    const uint8_t *p = data;
    do {
        /* avail_in is 32 bits: feed at most 1 GiB at a time */
        size_t take = n > (1u << 30) ? (1u << 30) : n;
        d->z.next_in = (uint8_t *)p;
        d->z.avail_in = (uint32_t)take;
        d->z.end_of_stream = finish && take == n;
        p += take;
        n -= take;
        do {
            d->z.next_out = d->out;
            d->z.avail_out = sizeof(d->out);
            if (isal_deflate(&d->z) != COMP_OK) {
                err_set("isal_deflate failed");
                return ERR_IO;
            }
            size_t have = sizeof(d->out) - d->z.avail_out;
            int rc = have ? sink(arg, d->out, have) : 0;
            if (rc)
                return rc;
        } while (d->z.avail_in > 0 || d->z.avail_out == 0 ||
                 (d->z.end_of_stream && d->z.internal_state.state != ZSTATE_END));
    } while (n > 0);
    return 0;
}

void inv_deflate_free(struct inv_deflate *d)
{
    if (!d)
        return;
    free(d->level_buf);
    free(d);
}

size_t inv_deflate_raw(const void *in, size_t n, void *out, size_t cap)
{
    if (n > UINT32_MAX || cap > UINT32_MAX)
        return 0;
    uint8_t *level_buf = xmalloc(INV_DEFLATE_LEVEL_BUF); /* malloc reuses it chunk to chunk */
    struct isal_zstream z;
    isal_deflate_stateless_init(&z);
    inv_deflate_setup(&z, level_buf, 0);
    z.next_in = (uint8_t *)in;
    z.avail_in = (uint32_t)n;
    z.end_of_stream = 1;
    z.next_out = out;
    z.avail_out = (uint32_t)cap;
    int rc = isal_deflate_stateless(&z);
    free(level_buf);
    return rc == COMP_OK ? z.total_out : 0;
}

#else /* zlib */
#include <zlib.h>

struct inv_deflate {
    z_stream z;
    unsigned char out[INV_DEFLATE_OUT];
};

const char *inv_deflate_engine(void)
{
    return "zlib";
}

int inv_deflate_open(struct inv_deflate **out, int gzip)
{
    struct inv_deflate *d = xcalloc(1, sizeof(*d));
    if (deflateInit2(&d->z, gzip ? 6 : 1, Z_DEFLATED, gzip ? 15 + 16 : -15, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        free(d);
        err_set("deflateInit2 failed");
        return ERR_NOMEM;
    }
    *out = d;
    return 0;
}

int inv_deflate_write(struct inv_deflate *d, const void *data, size_t n, int finish,
                      inv_deflate_sink *sink, void *arg)
{
    const unsigned char *p = data;
    do {
        size_t take = n > (1u << 30) ? (1u << 30) : n;
        int flush = finish && take == n ? Z_FINISH : Z_NO_FLUSH;
        d->z.next_in = (unsigned char *)p;
        d->z.avail_in = (uInt)take;
        p += take;
        n -= take;
        int zr;
        do {
            d->z.next_out = d->out;
            d->z.avail_out = sizeof(d->out);
            zr = deflate(&d->z, flush);
            if (zr == Z_STREAM_ERROR) {
                err_set("deflate failed");
                return ERR_IO;
            }
            size_t have = sizeof(d->out) - d->z.avail_out;
            int rc = have ? sink(arg, d->out, have) : 0;
            if (rc)
                return rc;
        } while (d->z.avail_out == 0 || d->z.avail_in > 0 ||
                 (flush == Z_FINISH && zr != Z_STREAM_END));
    } while (n > 0);
    return 0;
}

void inv_deflate_free(struct inv_deflate *d)
{
    if (!d)
        return;
    deflateEnd(&d->z);
    free(d);
}

size_t inv_deflate_raw(const void *in, size_t n, void *out, size_t cap)
{
    z_stream s;
    memset(&s, 0, sizeof(s));
    /* level 1: Apache ORC's default SPEED strategy uses zlib's fastest level */
    if (n > UINT32_MAX || cap > UINT32_MAX ||
        deflateInit2(&s, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    s.next_in = (Bytef *)in;
    s.avail_in = (uInt)n;
    s.next_out = out;
    s.avail_out = (uInt)cap;
    int zr = deflate(&s, Z_FINISH);
    size_t zn = s.total_out;
    deflateEnd(&s);
    return zr == Z_STREAM_END ? zn : 0;
}
#endif
