/* cmd_inventory.c — `stocktake inventory run` (one configuration now, through the same code
 * path as the scheduler, safe beside a running server), `stocktake inventory status` and
 * `stocktake inventory ddl` (the CREATE TABLE statement for querying the reports); `put` and
 * `get` are in cmd_inventory_config.c. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob/blob.h"
#include "cli/cli_blobs.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/str.h"
#include "inventory/inv_config.h"
#include "inventory/inv_ddl.h"
#include "inventory/inv_job.h"
#include "inventory/inv_lease.h"
#include "inventory/inv_status.h"
#include "lifecycle/lc_day.h"
#include "meta/meta.h"
#include "notify/notify.h"
#include "replication/repl.h"

static void inventory_usage(void)
{
    fprintf(stderr,
            "usage: stocktake inventory run --data DIR --bucket B --id ID "
            "[--file-size-cap BYTES] [--at YYYY-MM-DDTHH:MM:SSZ]\n"
            "                              [--row-group-rows N] [--lifecycle-day-seconds N]\n"
            "                              [--master-key-file PATH] [--legacy-bucket-defaults]\n"
            "                              [--blobs fs:DIR|rados:POOL --ceph-conf FILE "
            "[--ceph-user NAME] [--ceph-keyring FILE]]\n"
            "                              (the report's encryption, as serve's options say)\n"
            "       stocktake inventory status --data DIR [--bucket B] [--limit N]\n"
            "       stocktake inventory ddl --data DIR --bucket B --id ID "
            "[--engine athena|trino|spark|duckdb] [--local-dir DIR]\n"
            "       stocktake inventory cancel --data DIR --bucket B --id ID\n"
            "       stocktake inventory run|status|cancel --endpoint URL --bucket B [--id ID]\n"
            "                              [--profile P] [--region R] [--no-wait] "
            "(a server's admin API)\n"
            "       stocktake inventory put|get --data DIR --bucket B --id ID ... "
            "(`stocktake inventory put` lists its flags)\n");
}

struct inventory_opts {
    const char *data;
    struct blob_config blobs;
    const char *bucket;
    const char *id;
    uint64_t cap;
    int64_t limit;
    int64_t at_ms; /* the report time T; 0: now */
    size_t row_group_rows;
    const char *master_key_file;
    int legacy_bucket_defaults;
    int engine;            /* enum inv_ddl_engine */
    const char *local_dir; /* ddl --engine duckdb: the downloaded data files */
};

static int inventory_parse(struct inventory_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},
        {"bucket", required_argument, NULL, 'b'},
        {"id", required_argument, NULL, 'i'},
        {"file-size-cap", required_argument, NULL, 'c'},
        {"limit", required_argument, NULL, 'l'},
        {"at", required_argument, NULL, 'a'},
        {"row-group-rows", required_argument, NULL, 'g'},
        {"lifecycle-day-seconds", required_argument, NULL, 'Y'},
        {"master-key-file", required_argument, NULL, 'K'},
        {"legacy-bucket-defaults", no_argument, NULL, 'L'},
        {"engine", required_argument, NULL, 'E'},
        {"local-dir", required_argument, NULL, 'D'},
        CLI_BLOBS_LONGOPTS,
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof(*o));
    o->data = "./data";
    o->cap = INV_DEFAULT_FILE_CAP;
    o->limit = 10;
    int c;
    int64_t day = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'd')
            o->data = optarg;
        else if (cli_blobs_opt(&o->blobs, c, optarg))
            continue;
        else if (c == 'b')
            o->bucket = optarg;
        else if (c == 'i')
            o->id = optarg;
        else if (c == 'c' && str_parse_u64(optarg, 10, UINT64_MAX, &o->cap) == 0)
            continue;
        else if (c == 'l' && str_parse_i64(optarg, 1, INT32_MAX, &o->limit) == 0)
            continue;
        else if (c == 'a' && clock_parse_iso8601(optarg, &o->at_ms) == 0)
            o->at_ms *= 1000;
        else if (c == 'g' && str_parse_u64(optarg, 10, SIZE_MAX, &o->row_group_rows) == 0)
            continue;
        else if (c == 'K')
            o->master_key_file = optarg;
        else if (c == 'L')
            o->legacy_bucket_defaults = 1;
        else if (c == 'E' && (o->engine = inv_ddl_engine_parse(optarg)) >= 0)
            continue;
        else if (c == 'D')
            o->local_dir = optarg;
        /* the day of LifecycleExpirationDate: as the server's --lifecycle-day-seconds */
        else if (c == 'Y' && str_parse_i64(optarg, 1, 86400, &day) == 0)
            lc_day_set_seconds(day);
        else
            return -1;
    }
    return optind == argc && o->cap > 0 && o->limit > 0 ? 0 : -1;
}

static int inventory_run(const struct inventory_opts *o, struct meta_store *meta)
{
    struct blob_store *blobs = NULL;
    if (!o->bucket || !o->id) {
        inventory_usage();
        return 2;
    }
    /* the master key: SSE-S3 reports are sealed with it, as objects written through serve */
    struct blob_config bc = o->blobs;
    bc.data_dir = o->data;
    bc.clear_tmp = 0;
    if (blob_store_open_config(&blobs, &bc) ||
        cli_master_key_install(o->master_key_file, o->data)) {
        fprintf(stderr, "stocktake: %s\n", err_msg());
        blob_store_close(blobs);
        return 1;
    }
    struct inv_job_opts jo = {
        o->cap, o->at_ms, 100000, o->row_group_rows, o->legacy_bucket_defaults, NULL, NULL};
    struct meta_inventory_run run;
    int rc = inv_job_run(meta, blobs, o->bucket, o->id, &jo, &run);
    blob_store_close(blobs);
    if (rc == ERR_CONFLICT && strcmp(run.outcome, "busy") == 0) {
        fprintf(stderr, "stocktake: %s\n", run.error); /* "… is running already (…)" */
        return 1;
    }
    if (rc) {
        fprintf(stderr, "stocktake: inventory %s/%s failed: %s\n", o->bucket, o->id, run.error);
        return 1;
    }
    printf("%s\n", run.manifest_key);
    return 0;
}

static int inventory_ddl(const struct inventory_opts *o, struct meta_store *meta)
{
    if (!o->bucket || !o->id) {
        inventory_usage();
        return 2;
    }
    char *stored = NULL;
    int rc = meta_inventory_get(meta, o->bucket, o->id, &stored);
    if (rc == ERR_NOTFOUND) {
        fprintf(stderr, "stocktake: bucket %s has no inventory configuration %s\n", o->bucket,
                o->id);
        return 1;
    }
    if (rc) {
        fprintf(stderr, "stocktake: %s\n", err_msg());
        return 1;
    }
    struct inv_config c;
    rc = inv_config_parse_stored(&c, stored);
    free(stored);
    if (rc) {
        fprintf(stderr, "stocktake: the stored configuration does not parse: %s\n", err_msg());
        return 1;
    }
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    rc = inv_ddl_render(&c, o->bucket, (enum inv_ddl_engine)o->engine, o->local_dir, &out);
    inv_config_dispose(&c);
    if (rc)
        fprintf(stderr, "stocktake: %s\n", err_msg());
    else
        fwrite(out.data, 1, out.len, stdout);
    buf_dispose(&out);
    return rc ? 1 : 0;
}

static int inventory_status_row(void *payload, const struct meta_inventory_run *r)
{
    struct meta_store *meta = payload;
    char started[32], duration[32];
    clock_format_iso8601(started, sizeof(started), r->started_ms);
    int64_t now = clock_now_ms();
    struct inv_status st;
    inv_status_of(meta, r, now, &st);
    const char *outcome = st.state;
    if (r->finished_ms)
        snprintf(duration, sizeof(duration), "%lldms", (long long)(r->finished_ms - r->started_ms));
    else if (strcmp(outcome, "running") == 0)
        snprintf(duration, sizeof(duration), "%lldms+", (long long)(now - r->started_ms));
    else
        snprintf(duration, sizeof(duration), "-");
    const char *detail = outcome[0] == 's' ? r->manifest_key : r->error;
    if (strcmp(outcome, "interrupted") == 0 && !detail[0])
        detail = "the run stopped before it completed (killed?)";
    char eta[160] = "";
    if (st.live && st.eta_s >= 0) /* " (ETA 12s of ~N rows)" */
        snprintf(eta, sizeof(eta), " (ETA %llds, ~%lld rows)", (long long)st.eta_s,
                 (long long)st.rows_total);
    else if (st.live && st.rows_total >= 0)
        snprintf(eta, sizeof(eta), " (ETA unknown, ~%lld rows)", (long long)st.rows_total);
    else if (outcome[0] == 's' && r->error[0]) /* a change report's note (baseline, position) */
        snprintf(eta, sizeof(eta), " (%.150s)", r->error);
    printf("%-20s %-24s %-11s %-24s %10s %10lld rows %4lld files %12lld bytes  %s%s\n", r->bucket,
           r->config_id, outcome, started, duration, (long long)r->rows, (long long)r->files,
           (long long)r->bytes, detail, eta);
    return 0;
}

int cli_inventory(int argc, char **argv)
{
    if (argc < 2) {
        inventory_usage();
        return 2;
    }
    if (strcmp(argv[1], "put") == 0 || strcmp(argv[1], "get") == 0)
        return cli_inventory_config(argc - 1, argv + 1);
    for (int i = 2; i < argc; i++) { /* a server's admin API rather than its data directory */
        if (strcmp(argv[i], "--endpoint") == 0 || strncmp(argv[i], "--endpoint=", 11) == 0)
            return cli_inventory_remote(argc - 1, argv + 1);
    }
    struct inventory_opts o;
    if (inventory_parse(&o, argc - 1, argv + 1)) {
        inventory_usage();
        return 2;
    }
    struct meta_store *meta = NULL;
    struct meta_config mc = cli_meta_config(o.data, 0);
    if (meta_open(&meta, &mc)) {
        fprintf(stderr, "stocktake: %s\n", err_msg());
        return 1;
    }
    int rc = 2;
    if (strcmp(argv[1], "run") == 0) {
        notify_install("us-east-1"); /* events carry their bucket's region */
        repl_install();              /* report objects are replicated like any others */
        rc = inventory_run(&o, meta);
    } else if (strcmp(argv[1], "cancel") == 0) {
        rc = 2;
        if (!o.bucket || !o.id)
            inventory_usage();
        else if ((rc = meta_inventory_run_cancel(meta, o.bucket, o.id)) != 0) {
            fprintf(stderr, "stocktake: %s\n",
                    rc == ERR_NOTFOUND ? "no run of this configuration is running" : err_msg());
            rc = 1;
        } else
            printf("cancelling the running report of %s/%s\n", o.bucket, o.id);
    } else if (strcmp(argv[1], "ddl") == 0) {
        rc = inventory_ddl(&o, meta);
    } else if (strcmp(argv[1], "status") == 0) {
        printf("%-20s %-24s %-11s %-24s %10s %15s %10s %18s  %s\n", "bucket", "config", "outcome",
               "started", "duration", "rows", "files", "bytes", "manifest or error");
        rc = meta_inventory_run_list(meta, o.bucket, NULL, (size_t)o.limit, inventory_status_row,
                                     meta)
                 ? 1
                 : 0;
    } else {
        inventory_usage();
    }
    meta_close(meta);
    return rc;
}
