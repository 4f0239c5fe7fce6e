/* cli_blobs.c — the blob store options (cli_blobs.h). */
#include "cli/cli_blobs.h"

int cli_blobs_opt(struct blob_config *cfg, int c, const char *arg)
{
    if (c == CLI_BLOBS_OPT_BASE)
        cfg->spec = arg;
    else if (c == CLI_BLOBS_OPT_BASE + 1)
        cfg->ceph_conf = arg;
    else if (c == CLI_BLOBS_OPT_BASE + 2)
        cfg->ceph_user = arg;
    else if (c == CLI_BLOBS_OPT_BASE + 3)
        cfg->ceph_keyring = arg;
    else
        return 0;
    return 1;
}
