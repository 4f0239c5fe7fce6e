/* utf8.h — UTF-8 well-formedness (RFC 3629), as S3 requires of object keys and the other names
 * it echoes in XML. */
#ifndef STOCKTAKE_CORE_UTF8_H
#define STOCKTAKE_CORE_UTF8_H

#include <stddef.h>

/* Is s[0..n) well-formed UTF-8? Refused: stray continuation bytes, truncated sequences,
 * overlong forms (C0, C1, E0 80–9F, F0 80–8F), surrogates (ED A0–BF) and code points past
 * U+10FFFF (F4 90–, F5–FF). NUL bytes are valid UTF-8; callers that forbid them check. */
int utf8_valid(const char *s, size_t n);

#endif
