/* obj_commit.c — the one commit of every object write, with its preconditions decided inside
 * the metadata transaction (meta_object_commit calls obj_commit_check there). */
#include "object/object.h"

#include <string.h>

#include "core/log.h"
#include "core/str.h"

int obj_etag_matches(const char *list, const char *etag)
{
    const char *tok;
    size_t t, elen = strlen(etag);
    while (str_list_next(&list, &tok, &t)) {
        if ((t == 1 && tok[0] == '*') || (t == elen && strncmp(tok, etag, t) == 0) ||
            (t + 2 == elen && etag[0] == '"' && strncmp(tok, etag + 1, t) == 0))
            return 1;
    }
    return 0;
}

struct obj_check {
    const struct obj_commit *c;
    enum obj_failure why;
};

/* AWS conditional writes: If-None-Match "*" fails when a current object exists (any ETag list
 * when it names the current one); If-Match fails when the current ETag differs, and with no
 * current object the key is missing (404 NoSuchKey). A delete marker is no object. */
static int obj_commit_check(void *arg, const struct meta_object *cur)
{
    struct obj_check *k = arg;
    const struct obj_commit *c = k->c;
    int live = cur && !cur->is_delete_marker;
    if (c->if_none_match && live && obj_etag_matches(c->if_none_match, cur->etag)) {
        k->why = OBJ_FAIL_IF_NONE_MATCH;
        err_set("If-None-Match: the object exists");
        return ERR_CONFLICT;
    }
    if (c->if_match && !live) {
        k->why = OBJ_FAIL_NO_SUCH_KEY;
        err_set("If-Match: no current object");
        return ERR_NOTFOUND;
    }
    if (c->if_match && !obj_etag_matches(c->if_match, cur->etag)) {
        k->why = OBJ_FAIL_IF_MATCH;
        err_set("If-Match: the ETag differs");
        return ERR_CONFLICT;
    }
    return 0;
}

static enum obj_failure obj_commit_failure(const struct meta_commit *mc, const struct obj_check *k)
{
    switch (mc->failure) {
    case META_COMMIT_BUCKET_GONE:
        return OBJ_FAIL_NO_SUCH_BUCKET;
    case META_COMMIT_UPLOAD_GONE:
        return OBJ_FAIL_NO_SUCH_UPLOAD;
    case META_COMMIT_CHECK:
        return k->why ? k->why : OBJ_FAIL_INTERNAL;
    default:
        return OBJ_FAIL_INTERNAL;
    }
}

int obj_commit(struct meta_store *m, struct blob_store *bs, const struct obj_commit *c,
               enum obj_failure *why)
{
    struct obj_check k = {c, OBJ_FAIL_NONE};
    struct meta_commit mc;
    memset(&mc, 0, sizeof(mc));
    mc.bucket = c->bucket;
    mc.bucket_id = c->bucket_id && c->bucket_id[0] ? c->bucket_id : NULL;
    mc.object = c->object;
    /* a version written by a request is never a replica, whatever it was copied from; the
     * replication hook sets PENDING when a rule replicates it */
    c->object->replication_status[0] = '\0';
    mc.upload_id = c->upload_id;
    if (c->if_match || c->if_none_match) {
        mc.check = obj_commit_check;
        mc.check_arg = &k;
    }
    int rc = meta_object_commit(m, &mc);
    *why = rc ? obj_commit_failure(&mc, &k) : OBJ_FAIL_NONE;
    /* the new blob was never visible to anyone: remove it now */
    if (rc && c->object->blob_id[0] && blob_remove(bs, c->object->blob_id))
        log_warn("could not remove blob %s: %s", c->object->blob_id, err_msg());
    return rc;
}
