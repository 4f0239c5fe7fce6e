/* cmd_replication.c — `stocktake replication status`: the replication queue as the worker of
 * `serve` sees it (tasks waiting, the age of the oldest: the lag, tasks being retried) and the
 * outcome counts of source versions (COMPLETED, FAILED). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "meta/meta.h"

static void replication_usage(void)
{
    fprintf(stderr, "usage: stocktake replication status --data DIR\n"
                    "  queued N        tasks waiting for the replication worker of `serve`\n"
                    "  lag_seconds S   age of the oldest waiting task (0: none waits)\n"
                    "  retrying N      waiting tasks the destination refused at least once\n"
                    "  completed N     source versions replicated\n"
                    "  failed N        source versions that failed after every retry\n");
}

int cli_replication(int argc, char **argv)
{
    static const struct option longopts[] = {{"data", required_argument, NULL, 'd'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *data = "./data";
    int ok = argc >= 2 && strcmp(argv[1], "status") == 0;
    int c;
    optind = 1;
    while (ok && (c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
        if (c == 'd')
            data = optarg;
        else
            ok = 0;
    }
    if (!ok || optind != argc - 1) {
        replication_usage();
        return 2;
    }
    struct meta_store *meta = NULL;
    struct meta_config mc = cli_meta_config(data, 0);
    struct meta_repl_stats st;
    int rc = meta_open(&meta, &mc);
    if (!rc)
        rc = meta_repl_stats(meta, &st);
    if (rc) {
        fprintf(stderr, "stocktake: %s\n", err_msg());
        meta_close(meta);
        return 1;
    }
    int64_t lag_ms = st.queued && st.oldest_ms ? clock_now_ms() - st.oldest_ms : 0;
    printf("queued %lld\nlag_seconds %.3f\nretrying %lld\ncompleted %lld\nfailed %lld\n",
           (long long)st.queued, lag_ms > 0 ? (double)lag_ms / 1000.0 : 0.0, (long long)st.retrying,
           (long long)st.completed, (long long)st.failed);
    meta_close(meta);
    return 0;
}
