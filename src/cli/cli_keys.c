/* cli_keys.c — the SSE-S3 master key for the subcommands that read or write objects (serve,
 * inventory run). */
#include <stdio.h>

#include "cli/cli.h"
#include "crypto/keys.h"

/* SSE-S3's master key (crypto/keys.h): loaded, checked against the data directory, installed
 * for the object layer. A key file created now is a key kept next to the data it protects. */
int cli_master_key_install(const char *path, const char *data_dir)
{
    struct keys_master k;
    int created = 0;
    int rc = keys_master_load(path, data_dir, &k, &created);
    if (!rc)
        rc = keys_master_check_dir(&k, data_dir);
    if (rc)
        return rc;
    if (created)
        fprintf(stderr,
                "stocktake: warning: created a new SSE-S3 master key in %s%s; keep the master "
                "key apart from the data directory (--master-key-file or %s)\n",
                path ? path : data_dir, path ? "" : "/" KEYS_DEFAULT_FILE, KEYS_ENV);
    keys_master_install(&k);
    return 0;
}
