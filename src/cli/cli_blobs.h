/* cli_blobs.h — the blob store options shared by `serve` and `inventory run`:
 *   --blobs fs:DIR|rados:POOL  --ceph-conf FILE  --ceph-user NAME  --ceph-keyring FILE */
#ifndef STOCKTAKE_CLI_CLI_BLOBS_H
#define STOCKTAKE_CLI_CLI_BLOBS_H

#include "blob/blob.h"

#define CLI_BLOBS_OPT_BASE 0x1000
/* entries for a struct option table */
#define CLI_BLOBS_LONGOPTS                                                                         \
    {"blobs", required_argument, NULL, CLI_BLOBS_OPT_BASE},                                        \
        {"ceph-conf", required_argument, NULL, CLI_BLOBS_OPT_BASE + 1},                            \
        {"ceph-user", required_argument, NULL, CLI_BLOBS_OPT_BASE + 2},                            \
    {                                                                                              \
        "ceph-keyring", required_argument, NULL, CLI_BLOBS_OPT_BASE + 3                            \
    }

#define CLI_BLOBS_USAGE                                                                            \
    "  --blobs fs:DIR|rados:POOL[/NAMESPACE]  where object bytes live (default fs: the data "      \
    "directory)\n"                                                                                 \
    "  --ceph-conf FILE            ceph.conf of the RADOS cluster (rados:POOL)\n"                  \
    "  --ceph-user NAME            cephx user (default admin)\n"                                   \
    "  --ceph-keyring FILE         its keyring (default: as ceph.conf says)\n"

/* 1 if getopt's c is one of the options above (stored in cfg), else 0. */
int cli_blobs_opt(struct blob_config *cfg, int c, const char *arg);

#endif
