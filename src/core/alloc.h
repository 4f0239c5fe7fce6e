/* alloc.h — allocation wrappers. Out of memory aborts: a request path cannot recover from it
 * usefully, and every buffer a client can grow has its own hard limit (see buf.h). */
#ifndef STOCKTAKE_CORE_ALLOC_H
#define STOCKTAKE_CORE_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
/* A NUL-terminated copy of s (NULL stays NULL). Caller frees. */
char *xstrdup(const char *s);
/* A NUL-terminated copy of the n bytes at s. Caller frees. */
char *xstrndup(const char *s, size_t n);

#endif
