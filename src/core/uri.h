/* uri.h — percent-encoding as S3 and SigV4 define it. */
#ifndef STOCKTAKE_CORE_URI_H
#define STOCKTAKE_CORE_URI_H

#include <stddef.h>

#include "core/buf.h"

/* Append s[0..n) percent-encoded: every byte but A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash)
 * becomes %XX with uppercase hex (RFC 3986, as SigV4 canonicalisation requires). */
int uri_encode(struct buf *out, const char *s, size_t n, int keep_slash) WARN_UNUSED;

/* Decode %XX escapes of s[0..n) into a new NUL-terminated string (caller frees); '+' is kept
 * as '+' unless plus_is_space. ERR_INVALID on a truncated or non-hex escape. The decoded
 * length goes to *out_len when it is not NULL. */
int uri_decode(char **out, size_t *out_len, const char *s, size_t n, int plus_is_space) WARN_UNUSED;

#endif
