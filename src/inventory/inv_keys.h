/* inv_keys.h — where the objects of a report go in the destination bucket
 * (research/inventory-format.md §1):
 *
 *   BASE = [<prefix>/]<source bucket>/<config id>    (a trailing '/' of the prefix is dropped)
 *   BASE/data/<uuid><ext>                            data files
 *   BASE/<YYYY-MM-DDTHH-MMZ>/manifest.json           the manifest, then
 *   BASE/hive/dt=<YYYY-MM-DD-HH-MM>/symlink.txt      the Hive symlink file, then
 *   BASE/<YYYY-MM-DDTHH-MMZ>/manifest.checksum       the completion signal
 *
 * S3 keys are at most 1,024 bytes: inv_keys_longest is checked when a configuration is put, so
 * a run never has to cut a key. */
#ifndef STOCKTAKE_INVENTORY_KEYS_H
#define STOCKTAKE_INVENTORY_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define INV_KEY_MAX 1024 /* S3's key limit in bytes */

/* BASE for these (prefix NULL: none); caller frees. */
char *inv_keys_base(const char *prefix, const char *source, const char *id);
/* The longest key a report of this configuration writes, for a data-file extension ext. */
size_t inv_keys_longest(const char *prefix, const char *source, const char *id, const char *ext);
/* The keys themselves (out: INV_KEY_MAX + 1 bytes; ERR_TOOBIG past INV_KEY_MAX).
 * t is the report time T in ms (floored to the minute). */
int inv_keys_data(char *out, const char *base, const char *uuid, const char *ext) WARN_UNUSED;
int inv_keys_manifest(char *out, const char *base, int64_t t, const char *name) WARN_UNUSED;
int inv_keys_symlink(char *out, const char *base, int64_t t) WARN_UNUSED;

#endif
