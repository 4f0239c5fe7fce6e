/* cli_meta.c — the --meta option every subcommand shares: which metadata store to open. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "meta/meta.h"

static const char *cli_meta; /* NULL: SQLite in the data directory */

int cli_meta_take(int *argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--meta") != 0) {
            argv[out++] = argv[i];
            continue;
        }
        if (i + 1 >= *argc) {
            fprintf(stderr, "stocktake: --meta needs a value (sqlite or postgres://…)\n");
            return -1;
        }
        cli_meta = argv[++i];
        struct meta_config check;
        if (meta_config_init(&check, cli_meta, ".", 0) != 0) {
            fprintf(stderr, "stocktake: %s\n", err_msg());
            return -1;
        }
    }
    argv[out] = NULL;
    *argc = out;
    return 0;
}

struct meta_config cli_meta_config(const char *data_dir, int busy_timeout_ms)
{
    struct meta_config mc;
    if (meta_config_init(&mc, cli_meta, data_dir, busy_timeout_ms) != 0)
        mc.backend = "sqlite"; /* not reached: cli_meta_take checked the value */
    return mc;
}
