/* inv_deflate.h — the deflate engine of report files: Intel ISA-L's igzip when the build
 * found it (HAVE_ISAL, Makefile), else zlib. Either way the output is standard: one gzip
 * member (RFC 1952) for CSV.gz / JSON.gz data files, raw deflate (RFC 1951) for ORC's ZLIB
 * compression chunks, so every reader (zlib, Python's gzip, DuckDB, Apache ORC) takes it.
 *
 * Level (measured with bench/inventory_bench.py on realistic CSV rows, docs/internals/
 * INVENTORY.md "Report throughput"): ISA-L level INV_DEFLATE_ISAL_LEVEL, whose output stays
 * under 1.3x `gzip -6` at several times its speed; zlib fallback level 6 for gzip members and 1
 * for ORC chunks (Apache ORC's SPEED default). */
#ifndef STOCKTAKE_INVENTORY_DEFLATE_H
#define STOCKTAKE_INVENTORY_DEFLATE_H

#include <stddef.h>

#include "core/err.h"

#ifndef INV_DEFLATE_ISAL_LEVEL
#define INV_DEFLATE_ISAL_LEVEL 1
#endif

struct inv_deflate;

/* Where compressed bytes go; nonzero stops the stream with that code. */
typedef int inv_deflate_sink(void *arg, const void *data, size_t n);

/* A stream: gzip 1 writes one gzip member, 0 raw deflate. */
int inv_deflate_open(struct inv_deflate **out, int gzip) WARN_UNUSED;
/* Compress n bytes; finish ends the stream (trailer included). Output goes to sink. */
int inv_deflate_write(struct inv_deflate *d, const void *data, size_t n, int finish,
                      inv_deflate_sink *sink, void *arg) WARN_UNUSED;
/* NULL is a no-op. */
void inv_deflate_free(struct inv_deflate *d);

/* One-shot raw deflate of in[0..n) into out (cap bytes): its length, or 0 when the result
 * would not fit (the caller then stores the bytes as they are). */
size_t inv_deflate_raw(const void *in, size_t n, void *out, size_t cap);

/* "isa-l igzip level 1" or "zlib": for logs and the bench. */
const char *inv_deflate_engine(void);

#endif
