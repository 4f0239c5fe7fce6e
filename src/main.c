/* main.c — the stocktake binary: dispatch to a subcommand (src/cli/). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void main_usage(void)
{
    fprintf(stderr, "usage: stocktake <command> [options]\n"
                    "  serve       the S3 endpoint (stocktake serve --help)\n"
                    "  admin       accounts and access keys\n"
                    "  inventory   run an inventory configuration now; show run history\n"
                    "  lifecycle   what the lifecycle worker did (stocktake lifecycle status)\n"
                    "  replication the replication queue (stocktake replication status)\n"
                    "every command takes --meta URI: the metadata store (default: SQLite in the\n"
                    "data directory; postgres://… or a libpq conninfo: PostgreSQL)\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        main_usage();
        return 2;
    }
    if (cli_meta_take(&argc, argv) != 0)
        return 2;
    if (argc < 2) {
        main_usage();
        return 2;
    }
    if (strcmp(argv[1], "serve") == 0)
        return cli_serve(argc - 1, argv + 1);
    if (strcmp(argv[1], "admin") == 0)
        return cli_admin(argc - 1, argv + 1);
    if (strcmp(argv[1], "inventory") == 0)
        return cli_inventory(argc - 1, argv + 1);
    if (strcmp(argv[1], "lifecycle") == 0)
        return cli_lifecycle(argc - 1, argv + 1);
    if (strcmp(argv[1], "replication") == 0)
        return cli_replication(argc - 1, argv + 1);
    main_usage();
    return 2;
}
