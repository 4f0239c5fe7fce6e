/* blob_rados.c — the Ceph RADOS blob store: connection, writer, reader (blob_rados_int.h has
 * the layout; blob_rados_gc.c removal and the collector's scan).
 *
 * Durability: every librados write here is synchronous, and RADOS acknowledges a write only
 * once every replica of the placement group has it (committed to the OSDs' stores), so the
 * chunks are durable before the manifest is set, and the manifest before the commit returns. */
#include "blob/blob_rados_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

struct blob_rados_writer {
    struct blob_writer base;
    struct blob_rados_store *s;
    char id[BLOB_ID_LEN + 1];
    char *buf; /* bytes not in a chunk yet */
    size_t fill, cap;
    uint64_t next;    /* the next own chunk's index */
    int head_created; /* the head exists (without its manifest until commit) */
    struct blob_rados_manifest m;
};

struct blob_rados_reader {
    struct blob_reader base;
    struct blob_rados_store *s;
    char id[BLOB_ID_LEN + 1];
    struct blob_rados_manifest m;
};

static const struct blob_backend_ops blob_rados_ops;

int blob_rados_err(int rc, const char *what, const char *name)
{
    err_set("rados %s %s: %s", what, name, strerror(-rc));
    return rc == -ENOENT || rc == -ENODATA ? ERR_NOTFOUND : ERR_IO;
}

/* ---- store ---- */

static int blob_rados_conf(rados_t c, const char *key, const char *value)
{
    int rc = rados_conf_set(c, key, value);
    return rc < 0 ? blob_rados_err(rc, "conf_set", key) : 0;
}

int blob_rados_open(struct blob_store **out, const char *spec, const struct blob_config *cfg)
{
    char name[256], pool[256];
    const char *slash = strchr(spec, '/'), *ns = slash ? slash + 1 : NULL;
    size_t pool_len = slash ? (size_t)(slash - spec) : strlen(spec);
    if (pool_len == 0 || pool_len >= sizeof(pool) || (ns && !ns[0])) {
        err_set("--blobs rados:%s: expected rados:POOL or rados:POOL/NAMESPACE", spec);
        return ERR_INVALID;
    }
    memcpy(pool, spec, pool_len);
    pool[pool_len] = '\0';
    const char *user = cfg->ceph_user && cfg->ceph_user[0] ? cfg->ceph_user : "admin";
    snprintf(name, sizeof(name), "%s%s", strncmp(user, "client.", 7) ? "client." : "", user);
    rados_t c = NULL;
    int rc = rados_create2(&c, "ceph", name, 0);
    if (rc < 0)
        return blob_rados_err(rc, "create", name);
    rc = rados_conf_read_file(c, cfg->ceph_conf); /* NULL: the default search path */
    int err = rc < 0 ? blob_rados_err(rc, "read conf", cfg->ceph_conf ? cfg->ceph_conf : "") : 0;
    if (!err && cfg->ceph_keyring && cfg->ceph_keyring[0])
        err = blob_rados_conf(c, "keyring", cfg->ceph_keyring);
    /* fail a request rather than hang it when the cluster is unreachable */
    if (!err)
        err = blob_rados_conf(c, "client_mount_timeout", "30");
    if (!err)
        err = blob_rados_conf(c, "rados_mon_op_timeout", "30");
    if (!err)
        err = blob_rados_conf(c, "rados_osd_op_timeout", "120");
    if (!err && (rc = rados_connect(c)) < 0)
        err = blob_rados_err(rc, "connect as", name);
    if (!err && rados_pool_lookup(c, pool) < 0 && (rc = rados_pool_create(c, pool)) < 0 &&
        rc != -EEXIST)
        err = blob_rados_err(rc, "create pool", pool);
    rados_ioctx_t io = NULL;
    if (!err && (rc = rados_ioctx_create(c, pool, &io)) < 0)
        err = blob_rados_err(rc, "open pool", pool);
    if (!err && ns)
        rados_ioctx_set_namespace(io, ns);
    if (err) {
        rados_shutdown(c);
        return err;
    }
    struct blob_rados_store *s = xcalloc(1, sizeof(*s));
    s->base.ops = &blob_rados_ops;
    s->cluster = c;
    s->io = io;
    s->pool = xstrdup(pool);
    *out = &s->base;
    return 0;
}

static void blob_rados_close(struct blob_store *bs)
{
    struct blob_rados_store *s = (struct blob_rados_store *)bs;
    rados_ioctx_destroy(s->io);
    rados_shutdown(s->cluster);
    free(s->pool);
    free(s);
}

int blob_rados_exists(struct blob_rados_store *s, const char *name)
{
    uint64_t size;
    time_t mtime;
    int rc = rados_stat(s->io, name, &size, &mtime);
    if (rc == -ENOENT)
        return 0;
    return rc < 0 ? blob_rados_err(rc, "stat", name) : 1;
}

/* The value of xattr key of object name (malloc'd, *len). */
static int blob_rados_xattr_get(struct blob_rados_store *s, const char *name, const char *key,
                                char **val, size_t *len)
{
    rados_xattrs_iter_t it = NULL;
    int rc = rados_getxattrs(s->io, name, &it);
    if (rc < 0)
        return blob_rados_err(rc, "getxattrs", name);
    int found = ERR_NOTFOUND;
    const char *k, *v;
    size_t n;
    while (found == ERR_NOTFOUND && rados_getxattrs_next(it, &k, &v, &n) == 0 && k) {
        if (strcmp(k, key) == 0) {
            *val = xmalloc(n + 1);
            memcpy(*val, v, n);
            (*val)[n] = '\0';
            *len = n;
            found = 0;
        }
    }
    rados_getxattrs_end(it);
    if (found)
        err_set("rados %s: no %s", name, key);
    return found;
}

int blob_rados_manifest_get(struct blob_rados_store *s, const char *id,
                            struct blob_rados_manifest *out, int64_t *mtime_ms)
{
    if (mtime_ms) {
        uint64_t size;
        time_t mtime;
        int rc = rados_stat(s->io, id, &size, &mtime);
        if (rc < 0)
            return blob_rados_err(rc, "stat", id);
        *mtime_ms = (int64_t)mtime * 1000;
    }
    char *text = NULL;
    size_t len = 0;
    int rc = blob_rados_xattr_get(s, id, BLOB_RADOS_XATTR_MANIFEST, &text, &len);
    if (rc)
        return rc;
    rc = len > BLOB_RADOS_MANIFEST_MAX ? ERR_INVALID : blob_rados_manifest_parse(text, len, out);
    free(text);
    return rc;
}

int blob_rados_owner_get(struct blob_rados_store *s, const char *name, char owner[BLOB_ID_LEN + 1])
{
    char *v = NULL;
    size_t len = 0;
    int rc = blob_rados_xattr_get(s, name, BLOB_RADOS_XATTR_OWNER, &v, &len);
    if (!rc) {
        if (len == BLOB_ID_LEN && blob_id_valid(v))
            memcpy(owner, v, BLOB_ID_LEN + 1);
        else
            rc = ERR_NOTFOUND;
    }
    free(v);
    return rc;
}

/* ---- writer ---- */

static int blob_rados_writer_open(struct blob_store *bs, const char *id, struct blob_writer **out)
{
    struct blob_rados_writer *w = xcalloc(1, sizeof(*w));
    w->s = (struct blob_rados_store *)bs;
    memcpy(w->id, id, BLOB_ID_LEN + 1);
    w->next = 1;
    *out = &w->base;
    return 0;
}

/* The head, empty and without a manifest, before the first chunk: the chunks of a write in
 * progress always have a head (the collector removes chunks whose head is gone). */
static int blob_rados_head_create(struct blob_rados_writer *w)
{
    if (w->head_created)
        return 0;
    rados_write_op_t op = rados_create_write_op();
    rados_write_op_create(op, LIBRADOS_CREATE_EXCLUSIVE, NULL);
    int rc = rados_write_op_operate(op, w->s->io, w->id, NULL, 0);
    rados_release_write_op(op);
    if (rc < 0)
        return blob_rados_err(rc, "create", w->id);
    w->head_created = 1;
    return 0;
}

/* The buffered bytes as the next own chunk. */
static int blob_rados_flush(struct blob_rados_writer *w)
{
    if (w->fill == 0)
        return 0;
    int rc = blob_rados_head_create(w);
    if (rc)
        return rc;
    char name[BLOB_RADOS_NAME_MAX];
    blob_rados_chunk_name(name, w->id, w->next);
    int r = rados_write_full(w->s->io, name, w->buf, w->fill);
    if (r < 0)
        return blob_rados_err(r, "write", name);
    blob_rados_manifest_add(&w->m, "", w->next, 1, w->fill);
    w->next++;
    w->fill = 0;
    return 0;
}

static int blob_rados_writer_write(struct blob_writer *base, const void *data, size_t n)
{
    struct blob_rados_writer *w = (struct blob_rados_writer *)base;
    const char *p = data;
    while (n > 0) {
        if (w->fill == w->cap) { /* grow toward a chunk: small blobs keep small buffers */
            w->cap = w->cap ? w->cap * 2 : 64 * 1024;
            if (w->cap > BLOB_RADOS_CHUNK)
                w->cap = BLOB_RADOS_CHUNK;
            w->buf = xrealloc(w->buf, w->cap);
        }
        size_t k = w->cap - w->fill < n ? w->cap - w->fill : n;
        memcpy(w->buf + w->fill, p, k);
        w->fill += k;
        p += k;
        n -= k;
        if (w->fill == BLOB_RADOS_CHUNK) {
            int rc = blob_rados_flush(w);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* Read chunk k of blob owner (size bytes) and write it through the buffer. */
static int blob_rados_copy_chunk(struct blob_rados_writer *w, const char *owner, uint64_t k,
                                 uint64_t size)
{
    char name[BLOB_RADOS_NAME_MAX];
    blob_rados_chunk_name(name, owner, k);
    char *tmp = xmalloc(size ? (size_t)size : 1);
    int rc = rados_read(w->s->io, name, tmp, (size_t)size, 0);
    int err = rc < 0 ? blob_rados_err(rc, "read", name) : 0;
    if (!err && (uint64_t)rc != size) {
        err_set("rados read %s: %d of %llu bytes", name, rc, (unsigned long long)size);
        err = ERR_IO;
    }
    if (!err)
        err = blob_rados_writer_write(&w->base, tmp, (size_t)size);
    free(tmp);
    return err;
}

/* Take over chunk k of blob src (one of its own chunks): mark it as owned by w's blob, unless
 * another live blob took it over already (a second Complete of the same parts), when its
 * bytes are copied instead. */
static int blob_rados_take_chunk(struct blob_rados_writer *w, const char *src, uint64_t k,
                                 uint64_t size)
{
    char name[BLOB_RADOS_NAME_MAX], owner[BLOB_ID_LEN + 1];
    blob_rados_chunk_name(name, src, k);
    int rc = blob_rados_owner_get(w->s, name, owner);
    if (rc == 0 && strcmp(owner, w->id) != 0) {
        int live = blob_rados_exists(w->s, owner);
        if (live < 0)
            return live;
        if (live)
            return blob_rados_copy_chunk(w, src, k, size);
    } else if (rc && rc != ERR_NOTFOUND) {
        return rc;
    }
    int r = rados_setxattr(w->s->io, name, BLOB_RADOS_XATTR_OWNER, w->id, BLOB_ID_LEN);
    if (r < 0)
        return blob_rados_err(r, "setxattr", name);
    blob_rados_manifest_add(&w->m, src, k, 1, size);
    return 0;
}

static int blob_rados_writer_append(struct blob_writer *base, const char *id, uint64_t *appended)
{
    struct blob_rados_writer *w = (struct blob_rados_writer *)base;
    struct blob_rados_manifest src;
    int rc = blob_rados_manifest_get(w->s, id, &src, NULL);
    if (rc)
        return rc;
    /* the head must exist before any chunk names it as owner */
    rc = blob_rados_head_create(w);
    for (size_t i = 0; i < src.n && !rc; i++) {
        const struct blob_rados_run *r = &src.runs[i];
        for (uint64_t k = r->first; k < r->first + r->count && !rc; k++) {
            if (r->owner[0] || k == 0) { /* a head's data or a chunk src does not own: copy */
                rc = blob_rados_copy_chunk(w, r->owner[0] ? r->owner : id, k, r->size);
                continue;
            }
            rc = blob_rados_flush(w); /* the manifest stays in order */
            if (!rc)
                rc = blob_rados_take_chunk(w, id, k, r->size);
        }
    }
    if (!rc)
        *appended = src.size;
    blob_rados_manifest_free(&src);
    return rc;
}

static void blob_rados_writer_free(struct blob_rados_writer *w)
{
    blob_rados_manifest_free(&w->m);
    free(w->buf);
    free(w);
}

/* Remove the chunks written and the head (chunks taken over go back to their blobs: their
 * owner, this head, is gone). */
static void blob_rados_writer_abort(struct blob_writer *base)
{
    struct blob_rados_writer *w = (struct blob_rados_writer *)base;
    char name[BLOB_RADOS_NAME_MAX];
    for (uint64_t k = 1; k < w->next; k++) {
        blob_rados_chunk_name(name, w->id, k);
        rados_remove(w->s->io, name);
    }
    if (w->head_created)
        rados_remove(w->s->io, w->id);
    blob_rados_writer_free(w);
}

static int blob_rados_writer_commit(struct blob_writer *base)
{
    struct blob_rados_writer *w = (struct blob_rados_writer *)base;
    int rc = 0;
    rados_write_op_t op = rados_create_write_op();
    if (!w->head_created) { /* one chunk at most: the head's data and manifest in one op */
        blob_rados_manifest_add(&w->m, "", 0, 1, w->fill);
        rados_write_op_create(op, LIBRADOS_CREATE_EXCLUSIVE, NULL);
        if (w->fill)
            rados_write_op_write_full(op, w->buf, w->fill);
    } else {
        rc = blob_rados_flush(w);
    }
    if (!rc) {
        size_t len = 0;
        char *text = blob_rados_manifest_format(&w->m, &len);
        rados_write_op_setxattr(op, BLOB_RADOS_XATTR_MANIFEST, text, len);
        int r = rados_write_op_operate(op, w->s->io, w->id, NULL, 0);
        free(text);
        if (r < 0)
            rc = blob_rados_err(r, "commit", w->id);
        else
            w->head_created = 1;
    }
    rados_release_write_op(op);
    if (rc) {
        blob_rados_writer_abort(base);
        return rc;
    }
    blob_rados_writer_free(w);
    return 0;
}

/* ---- reader ---- */

static int blob_rados_reader_open(struct blob_store *bs, const char *id, struct blob_reader **out)
{
    struct blob_rados_store *s = (struct blob_rados_store *)bs;
    struct blob_rados_reader *rd = xcalloc(1, sizeof(*rd));
    int rc = blob_rados_manifest_get(s, id, &rd->m, NULL);
    if (rc) {
        free(rd);
        return rc;
    }
    rd->s = s;
    memcpy(rd->id, id, BLOB_ID_LEN + 1);
    *out = &rd->base;
    return 0;
}

static uint64_t blob_rados_reader_size(struct blob_reader *base)
{
    return ((struct blob_rados_reader *)base)->m.size;
}

static int blob_rados_reader_pread(struct blob_reader *base, void *buf, size_t n, uint64_t at,
                                   size_t *got)
{
    struct blob_rados_reader *rd = (struct blob_rados_reader *)base;
    if (at >= rd->m.size) {
        *got = 0;
        return 0;
    }
    if (n > rd->m.size - at)
        n = (size_t)(rd->m.size - at);
    char *p = buf;
    size_t done = 0;
    while (done < n) {
        uint64_t off = at + done;
        const struct blob_rados_run *r = blob_rados_manifest_find(&rd->m, off);
        uint64_t in_run = off - r->start;
        uint64_t k = r->first + in_run / r->size, in_chunk = in_run % r->size;
        size_t want = n - done;
        if (want > r->size - in_chunk)
            want = (size_t)(r->size - in_chunk);
        char name[BLOB_RADOS_NAME_MAX];
        blob_rados_chunk_name(name, r->owner[0] ? r->owner : rd->id, k);
        int rc = rados_read(rd->s->io, name, p + done, want, in_chunk);
        if (rc < 0) { /* a chunk the manifest names is missing: an error, not "no blob" */
            blob_rados_err(rc, "read", name);
            return ERR_IO;
        }
        if ((size_t)rc != want) {
            err_set("rados read %s: chunk shorter than the manifest says", name);
            return ERR_IO;
        }
        done += want;
    }
    *got = done;
    return 0;
}

static void blob_rados_reader_close(struct blob_reader *base)
{
    struct blob_rados_reader *rd = (struct blob_rados_reader *)base;
    blob_rados_manifest_free(&rd->m);
    free(rd);
}

static const struct blob_backend_ops blob_rados_ops = {
    .name = "rados",
    .close = blob_rados_close,
    .writer_open = blob_rados_writer_open,
    .writer_write = blob_rados_writer_write,
    .writer_append = blob_rados_writer_append,
    .writer_commit = blob_rados_writer_commit,
    .writer_abort = blob_rados_writer_abort,
    .reader_open = blob_rados_reader_open,
    .reader_size = blob_rados_reader_size,
    .reader_pread = blob_rados_reader_pread,
    .reader_take_fd = NULL,
    .reader_close = blob_rados_reader_close,
    .remove = blob_rados_remove,
    .scan = blob_rados_scan,
};
