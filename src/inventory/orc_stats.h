/* orc_stats.h — ORC column statistics (orc_proto.proto ColumnStatistics) for the report
 * writer: counts, null flags, and per type what Apache ORC stores —
 *   bigint    IntegerStatistics  minimum, maximum, sum (sum left out once it overflows int64,
 *                                as Apache ORC's writer does)
 *   string    StringStatistics   minimum, maximum, sum of lengths (same overflow rule)
 *   boolean   BucketStatistics   count of true values
 *   map       the count and null flag alone
 *   timestamp TimestampStatistics minimum, maximum, minimumUtc, maximumUtc in milliseconds;
 *                                no sum (the message has none: summing epoch milliseconds
 *                                overflowed int64 after ~5.2 million rows, issue 9). */
#ifndef STOCKTAKE_INVENTORY_ORC_STATS_H
#define STOCKTAKE_INVENTORY_ORC_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* ORC type kinds (orc_proto.proto Type.Kind) the report uses. */
enum {
    ORC_BOOLEAN = 0,
    ORC_LONG = 4,
    ORC_STRING = 7,
    ORC_TIMESTAMP = 9,
    ORC_MAP = 11,
    ORC_STRUCT = 12
};

struct orc_stats {
    uint64_t count;
    int has_null;
    int has;               /* min and max hold a value */
    int64_t min, max;      /* bigint values; timestamps in ms */
    int64_t sum;           /* bigint values; string lengths */
    int sum_overflow;      /* the sum passed int64: it is not written */
    struct buf smin, smax; /* strings */
    uint64_t trues;
};

void orc_stats_init(struct orc_stats *s);
void orc_stats_dispose(struct orc_stats *s);
/* One non-null value of a column of this kind: v for bigint, boolean and timestamp (ms),
 * str/len for strings. */
void orc_stats_add(struct orc_stats *s, int kind, int64_t v, const char *str, size_t len);
/* Fold stripe statistics s into file statistics into. */
void orc_stats_merge(struct orc_stats *into, const struct orc_stats *s, int kind);
/* Append s as a ColumnStatistics message. */
int orc_stats_message(struct buf *out, const struct orc_stats *s, int kind) WARN_UNUSED;

#endif
