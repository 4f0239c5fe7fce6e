/* cli.h — the subcommands of the stocktake binary. Each takes the arguments after its name
 * and returns the process exit code. */
#ifndef STOCKTAKE_CLI_H
#define STOCKTAKE_CLI_H

int cli_serve(int argc, char **argv);
int cli_admin(int argc, char **argv);
int cli_inventory(int argc, char **argv);

/* `admin master-key rotate …` (cmd_master_key.c, issue 11); argv[0] is "master-key". Returns 0,
 * -1 (err_msg() set) or 2 (usage). */
struct meta_store;
int cli_master_key(struct meta_store *meta, const char *data, int argc, char **argv);

#endif
