/* kv.h — a borrowed name/value pair (HTTP headers, query parameters). value may be NULL for a
 * query key sent without '='. */
#ifndef STOCKTAKE_CORE_KV_H
#define STOCKTAKE_CORE_KV_H

struct kv_pair {
    const char *name;
    const char *value;
};

#endif
