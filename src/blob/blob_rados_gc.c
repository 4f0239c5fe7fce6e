/* blob_rados_gc.c — removing RADOS blobs and the collector's scan of the pool
 * (blob_rados_int.h has the layout and the ownership rule of composed chunks).
 *
 * Removal takes the chunks first and the head last, so a removal cut short is found again by
 * the scan (the head is still there, unreferenced). A chunk is removed only when no live head
 * keeps it: its own blob's, or the owner's that composed it; when two blobs sharing chunks
 * are removed at once each may leave them to the other, and the scan removes such chunks
 * (own head and owner head both gone). */
#include "blob/blob_rados_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOB_RADOS_ABANDONED_MS (24 * 3600 * 1000LL) /* a write in progress this long is dead */

/* Remove chunk name unless a live blob other than `removing` keeps it (its owner). */
static int blob_rados_chunk_drop(struct blob_rados_store *s, const char *name, const char *removing)
{
    char owner[BLOB_ID_LEN + 1];
    int rc = blob_rados_owner_get(s, name, owner);
    if (rc == 0 && strcmp(owner, removing) != 0) {
        int live = blob_rados_exists(s, owner);
        if (live)
            return live < 0 ? live : 0;
    } else if (rc && rc != ERR_NOTFOUND) {
        return rc;
    }
    int r = rados_remove(s->io, name);
    return r < 0 && r != -ENOENT ? blob_rados_err(r, "remove", name) : 0;
}

/* The chunks of a blob whose head has no manifest (a write cut short): its own, 1, 2, … */
static int blob_rados_remove_probe(struct blob_rados_store *s, const char *id)
{
    char name[BLOB_RADOS_NAME_MAX];
    for (uint64_t k = 1;; k++) {
        blob_rados_chunk_name(name, id, k);
        int r = rados_remove(s->io, name);
        if (r == -ENOENT)
            return 0;
        if (r < 0)
            return blob_rados_err(r, "remove", name);
    }
}

int blob_rados_remove(struct blob_store *bs, const char *id)
{
    struct blob_rados_store *s = (struct blob_rados_store *)bs;
    struct blob_rados_manifest m;
    int rc = blob_rados_manifest_get(s, id, &m, NULL);
    if (rc == ERR_NOTFOUND) {
        rc = blob_rados_remove_probe(s, id);
    } else if (!rc) {
        char name[BLOB_RADOS_NAME_MAX];
        for (size_t i = 0; i < m.n && !rc; i++) {
            const struct blob_rados_run *r = &m.runs[i];
            int foreign_live = 0;
            if (r->owner[0]) { /* composed from r->owner: its chunks go back to it if it lives */
                foreign_live = blob_rados_exists(s, r->owner);
                if (foreign_live < 0)
                    rc = foreign_live;
            }
            for (uint64_t k = r->first; k < r->first + r->count && !rc && !foreign_live; k++) {
                if (k == 0 && !r->owner[0])
                    continue; /* the head itself, last */
                blob_rados_chunk_name(name, r->owner[0] ? r->owner : id, k);
                rc = blob_rados_chunk_drop(s, name, id);
            }
        }
        blob_rados_manifest_free(&m);
    }
    if (rc)
        return rc;
    int r = rados_remove(s->io, id);
    return r < 0 && r != -ENOENT ? blob_rados_err(r, "remove", id) : 0;
}

/* Split "<id>.<k>" (k > 0); 0 if name is a chunk's. */
static int blob_rados_chunk_parse(const char *name, char id[BLOB_ID_LEN + 1])
{
    size_t len = strlen(name);
    if (len < BLOB_ID_LEN + 2 || name[BLOB_ID_LEN] != '.' || len > BLOB_ID_LEN + 11)
        return -1;
    for (const char *p = name + BLOB_ID_LEN + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
    }
    memcpy(id, name, BLOB_ID_LEN);
    id[BLOB_ID_LEN] = '\0';
    return blob_id_valid(id) ? 0 : -1;
}

/* A chunk is an orphan when its head and its owner's head are both gone. */
static void blob_rados_scan_chunk(struct blob_rados_store *s, const char *name, const char *id,
                                  int64_t older_than_ms)
{
    uint64_t size;
    time_t mtime;
    if (blob_rados_exists(s, id) != 0 || rados_stat(s->io, name, &size, &mtime) < 0 ||
        (int64_t)mtime * 1000 >= older_than_ms)
        return;
    if (blob_rados_chunk_drop(s, name, ""))
        return; /* tried again at the next scan */
}

int blob_rados_scan(struct blob_store *bs, int64_t older_than_ms, blob_scan_cb *cb, void *payload)
{
    struct blob_rados_store *s = (struct blob_rados_store *)bs;
    rados_list_ctx_t ls = NULL;
    int rc = rados_nobjects_list_open(s->io, &ls);
    if (rc < 0)
        return blob_rados_err(rc, "list", s->pool);
    const char *name = NULL;
    int stop = 0;
    while (!stop && rados_nobjects_list_next(ls, &name, NULL, NULL) == 0) {
        char id[BLOB_ID_LEN + 1];
        if (blob_rados_chunk_parse(name, id) == 0) {
            blob_rados_scan_chunk(s, name, id, older_than_ms);
            continue;
        }
        if (!blob_id_valid(name))
            continue; /* not ours */
        snprintf(id, sizeof(id), "%s", name);
        struct blob_rados_manifest m;
        int64_t mtime_ms = 0;
        int got = blob_rados_manifest_get(s, id, &m, &mtime_ms);
        if (got == 0) {
            blob_rados_manifest_free(&m);
            if (mtime_ms < older_than_ms)
                stop = cb(payload, id);
        } else if (got == ERR_NOTFOUND && mtime_ms &&
                   mtime_ms < older_than_ms - BLOB_RADOS_ABANDONED_MS &&
                   blob_rados_remove(bs, id)) {
            continue; /* tried again at the next scan */
        }
    }
    rados_nobjects_list_close(ls);
    return stop;
}
