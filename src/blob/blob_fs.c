/* blob_fs.c — the file-system blob store (see blob.h). */
#include "blob/blob.h"

#include <dirent.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/fsperm.h"
#include "core/hash.h"

#define BLOB_FANOUT (1u << 16) /* blobs/xx/yy: 256 × 256 leaf directories */

struct blob_store {
    char *dir;
    /* leaf directories this process made or found, so a commit makes and checks its two
     * fan-out directories once per process, not on every write */
    atomic_uchar leaf_known[BLOB_FANOUT];
};

struct blob_writer {
    struct blob_store *bs;
    int fd;
    uint64_t size;
    char id[BLOB_ID_LEN + 1];
    char tmp_path[PATH_MAX];
};

static int blob_fsync_dir(const char *path);

/* A directory made now is fsynced in its parent, so a crash cannot lose it (and with it the
 * blob renamed into it after the commit). */
static int blob_fsync_parent(const char *path)
{
    char parent[PATH_MAX];
    snprintf(parent, sizeof(parent), "%s", path);
    char *slash = strrchr(parent, '/');
    if (slash == parent)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    return blob_fsync_dir(slash ? parent : ".");
}

/* mkdir 0700, tightening an existing directory (see core/fsperm.h). */
static int blob_mkdir(const char *path)
{
    int created = 0;
    int rc = fsperm_dir(path, &created);
    return !rc && created ? blob_fsync_parent(path) : rc;
}

static void blob_clear_tmp(const char *tmp_dir)
{
    DIR *d = opendir(tmp_dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

int blob_store_open(struct blob_store **out, const char *data_dir, int clear_tmp)
{
    char path[PATH_MAX];
    int rc = blob_mkdir(data_dir);
    snprintf(path, sizeof(path), "%s/tmp", data_dir);
    if (!rc)
        rc = blob_mkdir(path);
    if (!rc && clear_tmp)
        blob_clear_tmp(path);
    snprintf(path, sizeof(path), "%s/blobs", data_dir);
    if (!rc)
        rc = blob_mkdir(path);
    if (rc)
        return rc;
    struct blob_store *bs = xcalloc(1, sizeof(*bs));
    bs->dir = xstrdup(data_dir);
    *out = bs;
    return 0;
}

void blob_store_close(struct blob_store *bs)
{
    if (!bs)
        return;
    free(bs->dir);
    free(bs);
}

static void blob_path(const struct blob_store *bs, const char *id, char *out, size_t size)
{
    snprintf(out, size, "%s/blobs/%.2s/%.2s/%s", bs->dir, id, id + 2, id);
}

int blob_writer_open(struct blob_store *bs, struct blob_writer **out)
{
    struct blob_writer *w = xcalloc(1, sizeof(*w));
    w->bs = bs;
    hash_uuid(w->id);
    snprintf(w->tmp_path, sizeof(w->tmp_path), "%s/tmp/%s", bs->dir, w->id);
    w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, FSPERM_FILE_MODE);
    if (w->fd < 0) {
        err_set("create %s: %s", w->tmp_path, strerror(errno));
        free(w);
        return ERR_IO;
    }
    *out = w;
    return 0;
}

int blob_writer_write(struct blob_writer *w, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            err_set("write %s: %s", w->tmp_path, strerror(errno));
            return ERR_IO;
        }
        p += k;
        n -= (size_t)k;
        w->size += (uint64_t)k;
    }
    return 0;
}

uint64_t blob_writer_size(const struct blob_writer *w)
{
    return w->size;
}

static int blob_fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        err_set("fsync %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return ERR_IO;
    }
    close(fd);
    return 0;
}

/* The leaf index of a blob id: its first four hex digits; -1 for an id of another form. */
static long blob_leaf_index(const char *id)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = id[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Make (0700, fsynced in their parent when new) or check the two fan-out directories of id,
 * once per process and leaf. */
static int blob_leaf_ensure(struct blob_store *bs, const char *id)
{
    long leaf = blob_leaf_index(id);
    if (leaf >= 0 && atomic_load_explicit(&bs->leaf_known[leaf], memory_order_acquire))
        return 0;
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s/blobs/%.2s", bs->dir, id);
    int rc = blob_mkdir(dir);
    snprintf(dir, sizeof(dir), "%s/blobs/%.2s/%.2s", bs->dir, id, id + 2);
    if (!rc)
        rc = blob_mkdir(dir);
    if (!rc && leaf >= 0)
        atomic_store_explicit(&bs->leaf_known[leaf], 1, memory_order_release);
    return rc;
}

const char *blob_writer_id(const struct blob_writer *w)
{
    return w->id;
}

int blob_writer_commit(struct blob_writer *w, char *out_id)
{
    char dir[PATH_MAX], final_path[PATH_MAX];
    int rc = 0;
    if (fsync(w->fd) != 0) {
        err_set("fsync %s: %s", w->tmp_path, strerror(errno));
        rc = ERR_IO;
    }
    if (close(w->fd) != 0 && !rc) {
        err_set("close %s: %s", w->tmp_path, strerror(errno));
        rc = ERR_IO;
    }
    w->fd = -1;
    if (!rc)
        rc = blob_leaf_ensure(w->bs, w->id);
    snprintf(dir, sizeof(dir), "%s/blobs/%.2s/%.2s", w->bs->dir, w->id, w->id + 2);
    blob_path(w->bs, w->id, final_path, sizeof(final_path));
    if (!rc && rename(w->tmp_path, final_path) != 0) {
        err_set("rename %s: %s", w->tmp_path, strerror(errno));
        rc = ERR_IO;
    }
    if (!rc)
        rc = blob_fsync_dir(dir);
    if (!rc)
        memcpy(out_id, w->id, BLOB_ID_LEN + 1);
    else
        unlink(w->tmp_path);
    free(w);
    return rc;
}

void blob_writer_abort(struct blob_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    unlink(w->tmp_path);
    free(w);
}

static int blob_id_valid(const char *id)
{
    if (strlen(id) != BLOB_ID_LEN)
        return 0;
    for (const char *p = id; *p; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || *p == '-'))
            return 0;
    }
    return 1;
}

int blob_open_read(struct blob_store *bs, const char *id, int *out_fd)
{
    char path[PATH_MAX];
    if (!blob_id_valid(id)) {
        err_set("bad blob id");
        return ERR_INVALID;
    }
    blob_path(bs, id, path, sizeof(path));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err_set("open %s: %s", path, strerror(errno));
        return errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
    }
    *out_fd = fd;
    return 0;
}

int blob_remove(struct blob_store *bs, const char *id)
{
    char path[PATH_MAX];
    if (!blob_id_valid(id))
        return 0;
    blob_path(bs, id, path, sizeof(path));
    if (unlink(path) != 0 && errno != ENOENT) {
        err_set("unlink %s: %s", path, strerror(errno));
        return ERR_IO;
    }
    return 0;
}

const char *blob_store_dir(const struct blob_store *bs)
{
    return bs->dir;
}
