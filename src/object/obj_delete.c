/* obj_delete.c — deletes without a request: the delete marker of a delete without a version
 * id, and aborting a multipart upload (object.h). DeleteObject(s) and the lifecycle worker
 * make markers the same way; AbortMultipartUpload, the janitor and lifecycle abort the same
 * way. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/hash.h"
#include "object/object.h"

void obj_delete_marker_init(struct meta_object *dm, const char *key, enum meta_versioning v,
                            const char *owner_id, int64_t now_ms)
{
    memset(dm, 0, sizeof(*dm));
    dm->key = (char *)key;
    if (v == META_VERSIONING_ENABLED)
        hash_version_id(dm->version_id);
    else
        snprintf(dm->version_id, sizeof(dm->version_id), "null");
    dm->is_latest = 1;
    dm->is_delete_marker = 1;
    dm->last_modified_ms = now_ms;
    snprintf(dm->owner_id, sizeof(dm->owner_id), "%s", owner_id);
    snprintf(dm->storage_class, sizeof(dm->storage_class), "STANDARD");
}

/* The commit's check: the current version is still the one the caller looked at. */
static int obj_delete_latest_is(void *arg, const struct meta_object *cur)
{
    const char *want = arg;
    if (cur && !cur->is_delete_marker && strcmp(cur->version_id, want) == 0)
        return 0;
    err_set("the current version changed");
    return ERR_CONFLICT;
}

int obj_delete_marker_add(struct meta_store *m, const char *bucket, const char *bucket_id,
                          const char *key, enum meta_versioning v, const char *owner_id,
                          const char *if_latest_version, char *out_version)
{
    struct meta_object dm;
    obj_delete_marker_init(&dm, key, v, owner_id, clock_now_ms());
    struct meta_commit c;
    memset(&c, 0, sizeof(c));
    c.bucket = bucket;
    c.bucket_id = bucket_id && bucket_id[0] ? bucket_id : NULL;
    c.object = &dm;
    if (if_latest_version) {
        c.check = obj_delete_latest_is;
        c.check_arg = (void *)if_latest_version;
    }
    int rc = meta_object_commit(m, &c);
    if (!rc)
        snprintf(out_version, 64, "%s", dm.version_id);
    return rc;
}

int obj_upload_abort(struct meta_store *m, const char *bucket, const char *upload_id)
{
    return meta_upload_delete(m, bucket, upload_id);
}
