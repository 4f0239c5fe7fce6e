/* obj_deliver.c — an object S3 itself writes into a bucket (see obj_deliver.h). */
#include "object/obj_deliver.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/hash.h"

void obj_deliver_version_id(const struct meta_bucket *dest, char *out, size_t size)
{
    char id[64];
    if (dest->versioning == META_VERSIONING_ENABLED)
        hash_version_id(id);
    else
        snprintf(id, sizeof(id), "null");
    snprintf(out, size, "%s", id);
}

int obj_deliver_put(struct meta_store *meta, struct blob_store *bs, const struct meta_bucket *dest,
                    const struct obj_delivery *d)
{
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)d->key;
    if (d->version_id)
        snprintf(o.version_id, sizeof(o.version_id), "%s", d->version_id);
    else
        obj_deliver_version_id(dest, o.version_id, sizeof(o.version_id));
    o.is_latest = 1;
    o.size = (int64_t)d->size;
    o.last_modified_ms = clock_now_ms();
    snprintf(o.etag, sizeof(o.etag), "\"%s\"", d->md5_hex);
    snprintf(o.storage_class, sizeof(o.storage_class), "STANDARD");
    memcpy(o.owner_id, dest->owner_id, sizeof(o.owner_id));
    char headers[160];
    snprintf(headers, sizeof(headers), "[[\"Content-Type\",\"%s\"]]", d->content_type);
    o.headers = headers;
    snprintf(o.blob_id, sizeof(o.blob_id), "%s", d->blob_id);
    o.sse = (char *)d->sse;
    if (d->checksum_algo != CHECKSUM_NONE && d->checksum && d->checksum[0]) {
        snprintf(o.checksum_algorithm, sizeof(o.checksum_algorithm), "%s",
                 checksum_algo_name(d->checksum_algo));
        o.checksum_value = (char *)d->checksum;
        snprintf(o.checksum_type, sizeof(o.checksum_type), "FULL_OBJECT");
    }
    struct obj_commit c = {dest->name, dest->id, &o, NULL, NULL, NULL};
    enum obj_failure why;
    return obj_commit(meta, bs, &c, &why);
}
