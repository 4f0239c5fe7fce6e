/* fuzz_blob_manifest.c — the RADOS blob manifest (blob_rados_manifest.c): read from the
 * storage, never trusted. What parses must describe chunks within limits, format back to
 * text that parses to the same runs, and map every offset to the run holding it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blob/blob_rados_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct blob_rados_manifest m, back;
    if (blob_rados_manifest_parse((const char *)data, size, &m))
        return 0;
    uint64_t total = 0;
    for (size_t i = 0; i < m.n; i++) {
        const struct blob_rados_run *r = &m.runs[i];
        if (r->size == 0 || r->size > BLOB_RADOS_CHUNK || r->count == 0 || r->start != total)
            abort();
        total += r->count * r->size;
    }
    if (total != m.size)
        abort();
    size_t len = 0;
    char *text = blob_rados_manifest_format(&m, &len);
    if (blob_rados_manifest_parse(text, len, &back) || back.n != m.n || back.size != m.size)
        abort();
    for (size_t i = 0; i < m.n; i++) {
        const struct blob_rados_run *a = &m.runs[i], *b = &back.runs[i];
        if (strcmp(a->owner, b->owner) != 0 || a->first != b->first || a->count != b->count ||
            a->size != b->size || a->start != b->start)
            abort();
        const struct blob_rados_run *r = blob_rados_manifest_find(&m, m.runs[i].start);
        if (r != &m.runs[i])
            abort();
    }
    free(text);
    blob_rados_manifest_free(&m);
    blob_rados_manifest_free(&back);
    return 0;
}
