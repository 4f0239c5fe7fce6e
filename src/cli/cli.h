/* cli.h — the subcommands of the stocktake binary. Each takes the arguments after its name
 * and returns the process exit code. */
#ifndef STOCKTAKE_CLI_H
#define STOCKTAKE_CLI_H

#include "meta/meta.h"

/* --meta URI (cli_meta.c): main takes it out of argv (after the command name; any position)
 * before the command parses the rest. -1 (message printed) when it is missing or not a store
 * meta_config_init knows. */
int cli_meta_take(int *argc, char **argv);
/* The metadata configuration of this run: --meta's store, else SQLite in data_dir. */
struct meta_config cli_meta_config(const char *data_dir, int busy_timeout_ms);

int cli_serve(int argc, char **argv);
int cli_admin(int argc, char **argv);
int cli_inventory(int argc, char **argv);
/* `inventory put|get …` (cmd_inventory_config.c); argv[0] is "put" or "get". */
int cli_inventory_config(int argc, char **argv);
/* `inventory run|status|cancel --endpoint URL …` (cmd_inventory_remote.c): argv[0] is the
 * subcommand. */
int cli_inventory_remote(int argc, char **argv);
/* lifecycle (issue 12) */
int cli_lifecycle(int argc, char **argv);
/* replication (issue 13) */
int cli_replication(int argc, char **argv);

/* SSE-S3's master key (crypto/keys.h): loaded from $STOCKTAKE_MASTER_KEY or path (NULL:
 * data_dir/master.key, created 0600 when missing, with a warning that it belongs elsewhere),
 * checked against the data directory, installed for the object layer. 0 or an ERR_* code. */
int cli_master_key_install(const char *path, const char *data_dir);

/* `admin master-key rotate …` (cmd_master_key.c, issue 11); argv[0] is "master-key". Returns 0,
 * -1 (err_msg() set) or 2 (usage). */
struct meta_store;
int cli_master_key(struct meta_store *meta, const char *data, int argc, char **argv);

/* `admin notify add|list|remove …` (cmd_notify.c, issue 13); argv[0] is "notify". Returns 0,
 * -1 (err_msg() set) or 2 (usage). */
int cli_notify(struct meta_store *meta, int argc, char **argv);

/* `admin remote add|list|remove …` (cmd_remote.c, issue 13); argv[0] is "remote". Returns 0,
 * -1 (err_msg() set) or 2 (usage). */
int cli_remote(struct meta_store *meta, int argc, char **argv);

#endif
