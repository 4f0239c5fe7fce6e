/* orc_stats.c — ORC column statistics of the report writer (see orc_stats.h). */
#include "inventory/orc_stats.h"

#include <string.h>

#include "inventory/orc_encode.h"

void orc_stats_init(struct orc_stats *s)
{
    memset(s, 0, sizeof(*s));
    buf_init(&s->smin, BUF_UNLIMITED);
    buf_init(&s->smax, BUF_UNLIMITED);
}

void orc_stats_dispose(struct orc_stats *s)
{
    buf_dispose(&s->smin);
    buf_dispose(&s->smax);
}

static void orc_stats_set(struct buf *b, const char *s, size_t n)
{
    buf_reset(b);
    (void)!buf_append(b, s, n);
}

static int orc_str_cmp(const char *a, size_t an, const struct buf *b)
{
    size_t n = an < b->len ? an : b->len;
    int c = memcmp(a ? a : "", b->data ? b->data : "", n);
    return c ? c : (an < b->len ? -1 : an > b->len);
}

static void orc_stats_sum(struct orc_stats *s, int64_t v)
{
    if (!s->sum_overflow && __builtin_add_overflow(s->sum, v, &s->sum))
        s->sum_overflow = 1;
}

void orc_stats_add(struct orc_stats *s, int kind, int64_t v, const char *str, size_t len)
{
    s->count++;
    if (kind == ORC_BOOLEAN) {
        s->trues += v != 0;
        return;
    }
    if (kind == ORC_STRING) {
        orc_stats_sum(s, (int64_t)len);
        if (!s->has || orc_str_cmp(str, len, &s->smin) < 0)
            orc_stats_set(&s->smin, str, len);
        if (!s->has || orc_str_cmp(str, len, &s->smax) > 0)
            orc_stats_set(&s->smax, str, len);
    } else {
        if (!s->has || v < s->min)
            s->min = v;
        if (!s->has || v > s->max)
            s->max = v;
        if (kind == ORC_LONG)
            orc_stats_sum(s, v);
    }
    s->has = 1;
}

void orc_stats_merge(struct orc_stats *into, const struct orc_stats *s, int kind)
{
    into->count += s->count;
    into->has_null |= s->has_null;
    into->trues += s->trues;
    if (s->sum_overflow)
        into->sum_overflow = 1;
    else if (kind == ORC_LONG || kind == ORC_STRING)
        orc_stats_sum(into, s->sum);
    if (!s->has)
        return;
    if (kind == ORC_STRING) {
        if (!into->has || orc_str_cmp(s->smin.data, s->smin.len, &into->smin) < 0)
            orc_stats_set(&into->smin, s->smin.data, s->smin.len);
        if (!into->has || orc_str_cmp(s->smax.data, s->smax.len, &into->smax) > 0)
            orc_stats_set(&into->smax, s->smax.data, s->smax.len);
    } else {
        if (!into->has || s->min < into->min)
            into->min = s->min;
        if (!into->has || s->max > into->max)
            into->max = s->max;
    }
    into->has = 1;
}

static int orc_stats_integer(struct buf *inner, const struct orc_stats *s)
{
    int rc = orc_pb_sint(inner, 1, s->min);
    if (!rc)
        rc = orc_pb_sint(inner, 2, s->max);
    if (!rc && !s->sum_overflow)
        rc = orc_pb_sint(inner, 3, s->sum);
    return rc;
}

static int orc_stats_string(struct buf *inner, const struct orc_stats *s)
{
    int rc = orc_pb_bytes(inner, 1, s->smin.data, s->smin.len);
    if (!rc)
        rc = orc_pb_bytes(inner, 2, s->smax.data, s->smax.len);
    if (!rc && !s->sum_overflow)
        rc = orc_pb_sint(inner, 3, s->sum);
    return rc;
}

static int orc_stats_bucket(struct buf *inner, const struct orc_stats *s)
{
    struct buf packed;
    buf_init(&packed, BUF_UNLIMITED);
    int rc = orc_pb_varint(&packed, s->trues);
    if (!rc)
        rc = orc_pb_bytes(inner, 1, packed.data, packed.len);
    buf_dispose(&packed);
    return rc;
}

/* Writer time zone UTC: local and UTC values are the same milliseconds. */
static int orc_stats_timestamp(struct buf *inner, const struct orc_stats *s)
{
    int rc = orc_pb_sint(inner, 1, s->min);
    if (!rc)
        rc = orc_pb_sint(inner, 2, s->max);
    if (!rc)
        rc = orc_pb_sint(inner, 3, s->min);
    if (!rc)
        rc = orc_pb_sint(inner, 4, s->max);
    return rc;
}

int orc_stats_message(struct buf *out, const struct orc_stats *s, int kind)
{
    struct buf inner;
    buf_init(&inner, BUF_UNLIMITED);
    int rc = orc_pb_uint(out, 1, s->count);
    int field = 0; /* the ColumnStatistics field of the typed message */
    if (!rc && kind == ORC_LONG && s->has) {
        rc = orc_stats_integer(&inner, s);
        field = 2;
    } else if (!rc && kind == ORC_STRING && s->has) {
        rc = orc_stats_string(&inner, s);
        field = 4;
    } else if (!rc && kind == ORC_BOOLEAN) {
        rc = orc_stats_bucket(&inner, s);
        field = 5;
    } else if (!rc && kind == ORC_TIMESTAMP && s->has) {
        rc = orc_stats_timestamp(&inner, s);
        field = 9;
    }
    if (!rc && field)
        rc = orc_pb_bytes(out, field, inner.data, inner.len);
    if (!rc)
        rc = orc_pb_uint(out, 10, (uint64_t)s->has_null);
    buf_dispose(&inner);
    return rc;
}
