/* fsperm.c — private file modes (see fsperm.h). */
#include "core/fsperm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* chmod to want unless the mode is exactly that already */
static int fsperm_tighten(const char *path, mode_t want)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        err_set("stat %s: %s", path, strerror(errno));
        return errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
    }
    if ((st.st_mode & 07777) == want)
        return 0;
    if (chmod(path, want) != 0) {
        err_set("chmod %s: %s", path, strerror(errno));
        return ERR_IO;
    }
    return 0;
}

int fsperm_dir(const char *path, int *created)
{
    if (created)
        *created = 0;
    if (mkdir(path, FSPERM_DIR_MODE) == 0) {
        if (created)
            *created = 1;
        return 0;
    }
    if (errno != EEXIST) {
        err_set("mkdir %s: %s", path, strerror(errno));
        return ERR_IO;
    }
    return fsperm_tighten(path, FSPERM_DIR_MODE);
}

int fsperm_file(const char *path, int create)
{
    if (create) {
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, FSPERM_FILE_MODE);
        if (fd < 0) {
            err_set("create %s: %s", path, strerror(errno));
            return ERR_IO;
        }
        close(fd);
    }
    int rc = fsperm_tighten(path, FSPERM_FILE_MODE);
    return rc == ERR_NOTFOUND && !create ? 0 : rc;
}

int fsperm_db(const char *db_path)
{
    static const char *const siblings[] = {"-wal", "-shm", "-journal"};
    int rc = fsperm_file(db_path, 1);
    for (size_t i = 0; !rc && i < sizeof(siblings) / sizeof(siblings[0]); i++) {
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof(path), "%s%s", db_path, siblings[i]) >= sizeof(path)) {
            err_set("path too long: %s", db_path);
            return ERR_INVALID;
        }
        rc = fsperm_file(path, 0);
    }
    return rc;
}
