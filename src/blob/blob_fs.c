/* blob_fs.c — the file-system blob store (see blob.h).
 *
 * Layout under the data directory:  tmp/<writer>.<uuid>  while being written (writer: the
 * process's proc_tag_self), then blobs/<aa>/<bb>/<uuid> once committed (aa, bb: the first hex
 * pairs, to keep folders small). A write is durable before anything refers to it: write the
 * temp file, fsync it, rename it into place, fsync the folder. A crash or an abort leaves at
 * most a temp file or an unreferenced blob, never a torn one. At the next start a temp file
 * goes when the process that wrote it is gone — at once when it ran on this host and boot,
 * after BLOB_TMP_STALE_S without a write otherwise — so several nodes may share the folder
 * (CLUSTER.md): a node starting never removes the files another live node is writing. */
#include "blob/blob.h"

#include <dirent.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "blob/blob_backend.h"
#include "core/alloc.h"
#include "core/fsperm.h"
#include "core/proc.h"

/* a temp file of a writer this host cannot see, untouched this long, is left over */
#define BLOB_TMP_STALE_S 3600
#define BLOB_FANOUT (1u << 16) /* blobs/xx/yy: 256 × 256 leaf directories */

struct blob_fs_store {
    struct blob_store base;
    char *dir;
    char tag[PROC_TAG_MAX]; /* this process, in its temp files' names */
    /* leaf directories this process made or found, so a commit makes and checks its two
     * fan-out directories once per process, not on every write */
    atomic_uchar leaf_known[BLOB_FANOUT];
};

struct blob_fs_writer {
    struct blob_writer base;
    struct blob_fs_store *bs;
    int fd;
    uint64_t size;
    char id[BLOB_ID_LEN + 1];
    char tmp_path[PATH_MAX];
};

struct blob_fs_reader {
    struct blob_reader base;
    int fd;
    void *map; /* blob_reader_map's, unmapped at close */
    size_t map_len;
    char id[BLOB_ID_LEN + 1];
};

static const struct blob_backend_ops blob_fs_ops;

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

/* Is temp file name (in folder d) left by a writer that is gone? */
static int blob_tmp_stale(DIR *d, const char *name, time_t now)
{
    const char *dot = strchr(name, '.');
    enum proc_state st = dot ? proc_tag_state(name, (size_t)(dot - name)) : PROC_UNKNOWN;
    if (st != PROC_UNKNOWN)
        return st == PROC_GONE;
    struct stat sb; /* another host's writer, or a name without one: its age tells */
    if (fstatat(dirfd(d), name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    return now - sb.st_mtime > BLOB_TMP_STALE_S;
}

static void blob_clear_tmp(const char *tmp_dir)
{
    DIR *d = opendir(tmp_dir);
    if (!d)
        return;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !blob_tmp_stale(d, e->d_name, now))
            continue;
        unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

int blob_fs_open(struct blob_store **out, const char *data_dir, int clear_tmp)
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
    struct blob_fs_store *bs = xcalloc(1, sizeof(*bs));
    bs->base.ops = &blob_fs_ops;
    bs->dir = xstrdup(data_dir);
    proc_tag_self(bs->tag, sizeof(bs->tag));
    *out = &bs->base;
    return 0;
}

static void blob_fs_close(struct blob_store *base)
{
    struct blob_fs_store *bs = (struct blob_fs_store *)base;
    free(bs->dir);
    free(bs);
}

static void blob_path(const struct blob_fs_store *bs, const char *id, char *out, size_t size)
{
    snprintf(out, size, "%s/blobs/%.2s/%.2s/%s", bs->dir, id, id + 2, id);
}

static int blob_fs_writer_open(struct blob_store *base, const char *id, struct blob_writer **out)
{
    struct blob_fs_writer *w = xcalloc(1, sizeof(*w));
    w->bs = (struct blob_fs_store *)base;
    struct blob_fs_store *bs = w->bs;
    memcpy(w->id, id, BLOB_ID_LEN + 1);
    snprintf(w->tmp_path, sizeof(w->tmp_path), "%s/tmp/%s.%s", bs->dir, bs->tag, w->id);
    w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, FSPERM_FILE_MODE);
    if (w->fd < 0) {
        err_set("create %s: %s", w->tmp_path, strerror(errno));
        free(w);
        return ERR_IO;
    }
    *out = &w->base;
    return 0;
}

static int blob_fs_writer_write(struct blob_writer *base, const void *data, size_t n)
{
    struct blob_fs_writer *w = (struct blob_fs_writer *)base;
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
static int blob_leaf_ensure(struct blob_fs_store *bs, const char *id)
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

static int blob_fs_writer_commit(struct blob_writer *base)
{
    struct blob_fs_writer *w = (struct blob_fs_writer *)base;
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
    if (rc)
        unlink(w->tmp_path);
    free(w);
    return rc;
}

static void blob_fs_writer_abort(struct blob_writer *base)
{
    struct blob_fs_writer *w = (struct blob_fs_writer *)base;
    if (w->fd >= 0)
        close(w->fd);
    unlink(w->tmp_path);
    free(w);
}

static int blob_fs_reader_open(struct blob_store *base, const char *id, struct blob_reader **out)
{
    struct blob_fs_store *bs = (struct blob_fs_store *)base;
    char path[PATH_MAX];
    blob_path(bs, id, path, sizeof(path));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err_set("open %s: %s", path, strerror(errno));
        return errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
    }
    struct blob_fs_reader *rd = xcalloc(1, sizeof(*rd));
    rd->fd = fd;
    memcpy(rd->id, id, BLOB_ID_LEN + 1);
    *out = &rd->base;
    return 0;
}

static uint64_t blob_fs_reader_size(struct blob_reader *base)
{
    struct blob_fs_reader *rd = (struct blob_fs_reader *)base;
    struct stat st;
    return rd->fd >= 0 && fstat(rd->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static int blob_fs_reader_pread(struct blob_reader *base, void *buf, size_t n, uint64_t at,
                                size_t *got)
{
    struct blob_fs_reader *rd = (struct blob_fs_reader *)base;
    char *p = buf;
    size_t done = 0;
    while (done < n) {
        ssize_t k = pread(rd->fd, p + done, n - done, (off_t)(at + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            err_set("read of blob %s: %s", rd->id, strerror(errno));
            return ERR_IO;
        }
        if (k == 0)
            break;
        done += (size_t)k;
    }
    *got = done;
    return 0;
}

static int blob_fs_reader_take_fd(struct blob_reader *base)
{
    struct blob_fs_reader *rd = (struct blob_fs_reader *)base;
    int fd = rd->fd;
    rd->fd = -1;
    return fd;
}

static int blob_fs_reader_map(struct blob_reader *base, const uint8_t **data, size_t *len)
{
    struct blob_fs_reader *rd = (struct blob_fs_reader *)base;
    if (!rd->map) {
        struct stat st;
        if (rd->fd < 0 || fstat(rd->fd, &st) != 0 || st.st_size <= 0)
            return ERR_INVALID;
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, rd->fd, 0);
        if (m == MAP_FAILED)
            return ERR_INVALID;
        madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
        rd->map = m;
        rd->map_len = (size_t)st.st_size;
    }
    *data = rd->map;
    *len = rd->map_len;
    return 0;
}

static void blob_fs_reader_close(struct blob_reader *base)
{
    struct blob_fs_reader *rd = (struct blob_fs_reader *)base;
    if (rd->map)
        munmap(rd->map, rd->map_len);
    if (rd->fd >= 0)
        close(rd->fd);
    free(rd);
}

/* Compose: the kernel copies the bytes file to file (copy_file_range: a reflink on file
 * systems that share extents, else an in-kernel copy), falling back to read/write where it
 * is not supported. */
static int blob_fs_writer_append(struct blob_writer *base, const char *id, uint64_t *appended)
{
    struct blob_fs_writer *w = (struct blob_fs_writer *)base;
    struct blob_reader *src = NULL;
    int rc = blob_fs_reader_open(&w->bs->base, id, &src);
    if (rc)
        return rc;
    int in = ((struct blob_fs_reader *)src)->fd;
    struct stat st;
    if (fstat(in, &st) != 0) {
        err_set("stat of blob %s: %s", id, strerror(errno));
        blob_fs_reader_close(src);
        return ERR_IO;
    }
    uint64_t total = (uint64_t)st.st_size, left = total;
    off_t in_off = 0;
    int fallback = 0;
    while (!rc && left > 0 && !fallback) {
        size_t want = left > (1u << 30) ? (1u << 30) : (size_t)left;
        ssize_t k = copy_file_range(in, &in_off, w->fd, NULL, want, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 &&
            (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL) &&
            in_off == 0) {
            fallback = 1;
        } else if (k <= 0) {
            err_set("copy of blob %s: %s", id, k < 0 ? strerror(errno) : "end of file");
            rc = ERR_IO;
        } else {
            left -= (uint64_t)k;
        }
    }
    char *chunk = fallback ? xmalloc(1u << 20) : NULL;
    while (!rc && fallback && left > 0) {
        size_t got = 0;
        rc = blob_fs_reader_pread(src, chunk, 1u << 20, (uint64_t)in_off, &got);
        if (!rc && got == 0) {
            err_set("copy of blob %s: end of file", id);
            rc = ERR_IO;
        }
        if (!rc)
            rc = blob_fs_writer_write(base, chunk, got);
        in_off += (off_t)got;
        left -= got;
    }
    free(chunk);
    if (!rc && !fallback)
        w->size += total;
    if (!rc)
        *appended = total;
    blob_fs_reader_close(src);
    return rc;
}

static int blob_fs_remove(struct blob_store *base, const char *id)
{
    struct blob_fs_store *bs = (struct blob_fs_store *)base;
    char path[PATH_MAX];
    blob_path(bs, id, path, sizeof(path));
    if (unlink(path) != 0 && errno != ENOENT) {
        err_set("unlink %s: %s", path, strerror(errno));
        return ERR_IO;
    }
    return 0;
}

const char *blob_fs_dir(const struct blob_store *base)
{
    return ((const struct blob_fs_store *)base)->dir;
}

static const struct blob_backend_ops blob_fs_ops = {
    .name = "fs",
    .close = blob_fs_close,
    .writer_open = blob_fs_writer_open,
    .writer_write = blob_fs_writer_write,
    .writer_append = blob_fs_writer_append,
    .writer_commit = blob_fs_writer_commit,
    .writer_abort = blob_fs_writer_abort,
    .reader_open = blob_fs_reader_open,
    .reader_size = blob_fs_reader_size,
    .reader_pread = blob_fs_reader_pread,
    .reader_take_fd = blob_fs_reader_take_fd,
    .reader_map = blob_fs_reader_map,
    .reader_close = blob_fs_reader_close,
    .remove = blob_fs_remove,
    .scan = blob_fs_scan,
};
