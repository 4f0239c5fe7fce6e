/* blob_gc.c — walking blobs/<aa>/<bb>/<id> of the file-system store for the collector
 * (blob_gc.h). */
#include "blob/blob_backend.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One fan-out level below dir: a directory of two-hex-digit names. */
static int blob_scan_is_fanout(const char *name)
{
    return strlen(name) == 2 && name[0] != '.';
}

static int blob_scan_leaf(int dfd, int64_t older_than_ms, blob_scan_cb *cb, void *payload)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return 0;
    }
    struct dirent *e;
    int stop = 0;
    while (!stop && (e = readdir(d)) != NULL) {
        struct stat st;
        if (strlen(e->d_name) != BLOB_ID_LEN || fstatat(dirfd(d), e->d_name, &st, 0) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        int64_t mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
        if (mtime_ms < older_than_ms)
            stop = cb(payload, e->d_name);
    }
    closedir(d);
    return stop;
}

static int blob_scan_level(int dfd, int depth, int64_t older_than_ms, blob_scan_cb *cb,
                           void *payload)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return 0;
    }
    struct dirent *e;
    int stop = 0;
    while (!stop && (e = readdir(d)) != NULL) {
        if (!blob_scan_is_fanout(e->d_name))
            continue;
        int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sub < 0)
            continue;
        stop = depth == 0 ? blob_scan_level(sub, 1, older_than_ms, cb, payload)
                          : blob_scan_leaf(sub, older_than_ms, cb, payload);
    }
    closedir(d);
    return stop;
}

int blob_fs_scan(struct blob_store *bs, int64_t older_than_ms, blob_scan_cb *cb, void *payload)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/blobs", blob_fs_dir(bs));
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        err_set("open %s: %s", path, strerror(errno));
        return ERR_IO;
    }
    return blob_scan_level(dfd, 0, older_than_ms, cb, payload);
}
