/* str.h — small string helpers shared across modules. */
#ifndef STOCKTAKE_CORE_STR_H
#define STOCKTAKE_CORE_STR_H

#include <stddef.h>

/* Iterate a comma-separated header list ("a, b ,c"): each call sets *tok and *len to the next
 * token with surrounding spaces trimmed and returns 1, or returns 0 at the end. Empty
 * tokens are skipped. *p advances. */
int str_list_next(const char **p, const char **tok, size_t *len);

/* Does the comma-separated list contain name (case-insensitive)? */
int str_list_has(const char *list, const char *name);

/* The smallest string greater than every string starting with prefix (caller frees), or NULL
 * when there is none (empty prefix, or all 0xFF bytes). Used to seek past a prefix. */
char *str_prefix_successor(const char *prefix);

#endif
