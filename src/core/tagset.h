/* tagset.h — a version's tag set in the URL-encoded form of x-amz-tagging ("k1=v1&k2=v2",
 * meta_object.tags), as the features that filter on tags read it. */
#ifndef STOCKTAKE_CORE_TAGSET_H
#define STOCKTAKE_CORE_TAGSET_H

/* 1 when tags (NULL or "": none) holds the tag key with exactly value (both decoded). */
int tagset_has(const char *tags, const char *key, const char *value);

#endif
