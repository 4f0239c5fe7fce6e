/* cli.h — the subcommands of the stocktake binary. Each takes the arguments after its name
 * and returns the process exit code. */
#ifndef STOCKTAKE_CLI_H
#define STOCKTAKE_CLI_H

int cli_serve(int argc, char **argv);
int cli_admin(int argc, char **argv);
int cli_inventory(int argc, char **argv);
/* lifecycle (issue 12) */
int cli_lifecycle(int argc, char **argv);

#endif
