/* buf.h — a growable byte buffer with a hard maximum.
 *
 * Every buffer that input can grow is created with a maximum, so no client can make the server
 * grow without limit. The data is always NUL-terminated (not counted in len). */
#ifndef STOCKTAKE_CORE_BUF_H
#define STOCKTAKE_CORE_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

#define BUF_UNLIMITED ((size_t)-1)

void buf_init(struct buf *b, size_t max);
/* Append n bytes; ERR_TOOBIG (buffer unchanged) past the maximum. */
int buf_append(struct buf *b, const void *p, size_t n) WARN_UNUSED;
int buf_puts(struct buf *b, const char *s) WARN_UNUSED;
int buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3) WARN_UNUSED;
/* Append v as an unsigned LEB128 varint (protobuf, Thrift compact). */
int buf_varint(struct buf *b, uint64_t v) WARN_UNUSED;
void buf_reset(struct buf *b);
/* Hand the data to the caller (who frees it); the buffer is empty afterwards. */
char *buf_detach(struct buf *b);
void buf_dispose(struct buf *b);

#endif
