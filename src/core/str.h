/* str.h — small string helpers shared across modules. */
#ifndef STOCKTAKE_CORE_STR_H
#define STOCKTAKE_CORE_STR_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Iterate a comma-separated header list ("a, b ,c"): each call sets *tok and *len to the next
 * token with surrounding spaces trimmed and returns 1, or returns 0 at the end. Empty
 * tokens are skipped. *p advances. */
int str_list_next(const char **p, const char **tok, size_t *len);

/* Does the comma-separated list contain name (case-insensitive)? */
int str_list_has(const char *list, const char *name);

/* The smallest string greater than every string starting with prefix (caller frees), or NULL
 * when there is none (empty prefix, or all 0xFF bytes). Used to seek past a prefix. */
char *str_prefix_successor(const char *prefix);

/* Checked integer parsing, the only way Stocktake turns text into a number (the bare strto*
 * and ato* calls are banned, see scripts/check_banned.sh). The whole string must be digits:
 * no leading spaces, no '+', no "0x", and a '-' only for str_parse_i64 and only when min < 0.
 * The value must lie within the bounds. Returns 0, or ERR_INVALID (empty, a stray character,
 * out of range) and leaves *out untouched. */
int str_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out) WARN_UNUSED;
/* Unsigned, base 10 or 16, at most max. */
int str_parse_u64(const char *s, int base, uint64_t max, uint64_t *out) WARN_UNUSED;
/* The same over exactly the n bytes at s (which need not end there). */
int str_parse_u64n(const char *s, size_t n, int base, uint64_t max, uint64_t *out) WARN_UNUSED;
/* A non-negative decimal with at most decimals (0-9) digits after an optional '.', scaled by
 * 10^decimals: "1.5" with 3 → 1500 (seconds to milliseconds). At most max once scaled. */
int str_parse_fixed(const char *s, int decimals, uint64_t max, uint64_t *out) WARN_UNUSED;

#endif
