/* lc_ids.h — the IDs AWS gives lifecycle rules sent without one: PutBucketLifecycleConfiguration
 * stores the document with a generated ID (48 characters: base64 of a random UUID, the form
 * AWS's look like) in each such rule, so Get, x-amz-expiration and the logs name it. */
#ifndef STOCKTAKE_LC_IDS_H
#define STOCKTAKE_LC_IDS_H

#include <stddef.h>

#include "core/err.h"

/* The document to store for a validated data: a copy when every rule has an ID, else the
 * document with one added to each rule lacking it. *out is NUL-terminated (caller frees). */
int lc_ids_assign(const char *data, size_t len, char **out) WARN_UNUSED;

#endif
