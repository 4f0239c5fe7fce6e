/* fsperm.h — private file modes: the data directory holds secret keys (meta.db) and every
 * object, so nothing in it is readable by other users. Directories are 0700, files 0600;
 * existing ones with looser modes are tightened when the store opens. */
#ifndef STOCKTAKE_CORE_FSPERM_H
#define STOCKTAKE_CORE_FSPERM_H

#include "core/err.h"

#define FSPERM_DIR_MODE 0700
#define FSPERM_FILE_MODE 0600

/* Create the directory 0700, or tighten an existing one to 0700. *created (may be NULL) says
 * whether it was made now (the caller then fsyncs its parent). */
int fsperm_dir(const char *path, int *created) WARN_UNUSED;

/* Create the file 0600 when create is set and it is missing, and tighten an existing one to
 * 0600; a missing file without create is fine. */
int fsperm_file(const char *path, int create) WARN_UNUSED;

/* A database file (created if missing) and its -wal, -shm and -journal siblings (if present),
 * all 0600. SQLite gives the siblings it creates later the database file's mode. */
int fsperm_db(const char *db_path) WARN_UNUSED;

#endif
