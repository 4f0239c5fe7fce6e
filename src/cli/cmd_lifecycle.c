/* cmd_lifecycle.c — `stocktake lifecycle status`: what the lifecycle worker has done, per
 * bucket and action (lifecycle_stats), and which buckets have a configuration it applies. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "lifecycle/lc_rules.h"
#include "meta/meta.h"

static void lifecycle_usage(void)
{
    fprintf(stderr, "usage: stocktake lifecycle status --data DIR [--bucket B]\n"
                    "  counts of the actions the lifecycle worker of `serve` applied, per bucket\n"
                    "  (Expiration, ExpiredObjectDeleteMarker, NoncurrentVersionExpiration,\n"
                    "  Transition, NoncurrentVersionTransition, AbortIncompleteMultipartUpload,\n"
                    "  SkippedObjectLock: due expiries Object Lock kept), and the buckets whose\n"
                    "  lifecycle configuration it applies\n");
}

struct lifecycle_opts {
    const char *data;
    const char *bucket;
};

static int lifecycle_parse(struct lifecycle_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {{"data", required_argument, NULL, 'd'},
                                             {"bucket", required_argument, NULL, 'b'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    o->data = "./data";
    o->bucket = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'd')
            o->data = optarg;
        else if (c == 'b')
            o->bucket = optarg;
        else
            return -1;
    }
    return optind == argc ? 0 : -1;
}

static int lifecycle_stat_row(void *payload, const struct meta_lifecycle_stat *st)
{
    (void)payload;
    char last[32];
    clock_format_iso8601(last, sizeof(last), st->last_ms);
    printf("%-24s %-32s %12lld  %s\n", st->bucket, st->action, (long long)st->count, last);
    return 0;
}

struct lifecycle_configs {
    struct meta_store *meta;
    const char *only;
};

/* One line per bucket with a configuration: how many rules, how many enabled. */
static int lifecycle_config_row(void *payload, const struct meta_bucket *b)
{
    struct lifecycle_configs *c = payload;
    if (c->only && strcmp(c->only, b->name) != 0)
        return 0;
    struct lc_rules rules;
    int rc = lc_rules_load(c->meta, b->name, &rules);
    if (rc)
        return rc == ERR_NOTFOUND ? 0 : rc;
    size_t enabled = 0;
    for (size_t i = 0; i < rules.count; i++)
        enabled += rules.rules[i].enabled != 0;
    printf("%-24s %zu rules, %zu enabled\n", b->name, rules.count, enabled);
    lc_rules_dispose(&rules);
    return 0;
}

static int lifecycle_status(struct meta_store *meta, const struct lifecycle_opts *o)
{
    struct lifecycle_configs c = {meta, o->bucket};
    printf("%-24s %s\n", "bucket", "lifecycle configuration");
    int rc = meta_bucket_list(meta, NULL, lifecycle_config_row, &c);
    if (!rc) {
        printf("\n%-24s %-32s %12s  %s\n", "bucket", "action", "count", "last");
        rc = meta_lifecycle_stat_list(meta, o->bucket, lifecycle_stat_row, NULL);
    }
    if (rc)
        fprintf(stderr, "stocktake: %s\n", err_msg());
    return rc ? 1 : 0;
}

int cli_lifecycle(int argc, char **argv)
{
    struct lifecycle_opts o;
    if (argc < 2 || strcmp(argv[1], "status") != 0 || lifecycle_parse(&o, argc - 1, argv + 1)) {
        lifecycle_usage();
        return 2;
    }
    struct meta_store *meta = NULL;
    struct meta_config mc = cli_meta_config(o.data, 0);
    if (meta_open(&meta, &mc)) {
        fprintf(stderr, "stocktake: %s\n", err_msg());
        return 1;
    }
    int rc = lifecycle_status(meta, &o);
    meta_close(meta);
    return rc;
}
