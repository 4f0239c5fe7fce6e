/* inv_manifest.h — manifest.json exactly as AWS writes it (Jackson's default pretty printer,
 * members in AWS's order; research/inventory-format.md §6), and manifest.checksum. */
#ifndef STOCKTAKE_INVENTORY_MANIFEST_H
#define STOCKTAKE_INVENTORY_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct inv_manifest_file {
    char *key;
    uint64_t size;
    char md5_hex[33];
};

struct inv_manifest {
    const char *source_bucket;
    const char *destination_arn;
    int64_t creation_ms;
    const char *file_format;
    const char *file_schema;
    const struct inv_manifest_file *files;
    size_t n_files;
};

int inv_manifest_render(const struct inv_manifest *m, struct buf *out) WARN_UNUSED;
/* manifest.checksum: lowercase hex MD5 of the manifest bytes and a LF (34 bytes with NUL). */
void inv_manifest_checksum(const char *manifest, size_t len, char out[34]);

#endif
