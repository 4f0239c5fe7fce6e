/* cmd_serve.c — `stocktake serve`: the S3 endpoint on loopback by default, data in ./data. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "account/account.h"
#include "admin/admin_runs.h"
#include "blob/blob.h"
#include "cli/cli_blobs.h"
#include "core/fsperm.h"
#include "cli/cli.h"
#include "core/access_log.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/periodic.h"
#include "core/str.h"
#include "http/http.h"
#include "http/http_tls.h"
#include "inventory/inv_sched.h"
#include "crypto/keys.h"
#include "lifecycle/lc_day.h"
#include "lifecycle/lc_worker.h"
#include "logging/log_deliver.h"
#include "logging/log_spool.h"
#include "notify/notify.h"
#include "replication/repl.h"
#include "meta/meta.h"
#include "object/object.h"
#include "s3/console_token.h"
#include "s3/s3.h"
#include "tiering/tier_worker.h"

struct serve_opts {
    char host[256];
    int port;
    const char *data;
    struct blob_config blobs;
    const char *region;
    const char *domain;
    double upload_expiry_days;
    struct inv_sched_opts inventory;
    unsigned int max_connections, max_per_client, header_timeout, idle_timeout;
    struct obj_gc_opts gc;
    int legacy_bucket_defaults;
    int meta_busy_timeout_ms;
    int require_sigv4;
    const char *tls_cert, *tls_key;
    enum http_tls_version tls_min;
    double restore_days; /* < 0: AWS's time per retrieval tier */
    /* SSE (issue 11) */
    const char *master_key_file;
    int allow_insecure_sse_c;
    int64_t notify_retry_ms;  /* the first retry of an undelivered event (issue 13) */
    int64_t repl_retry_ms;    /* the first retry of a replication task (issue 13) */
    int64_t logging_flush_ms; /* server access logs: a batch's age at delivery (issue 17) */
    /* issue 17: metrics and access logs */
    const char *metrics_token;
    const char *access_log;
    enum access_log_format access_log_format;
    int64_t console_session_ttl_s; /* the web console's sessions (CONSOLE.md) */
};

/* getopt value of --logging-flush-seconds (no short option) */
#define SERVE_OPT_LOGGING_FLUSH 1701
#define SERVE_OPT_CONSOLE_TTL 1702

/* The janitor: at start and then hourly, abort multipart uploads abandoned for longer than
 * the expiry, so their part files do not pile up. */
struct serve_janitor {
    struct s3_server *s3;
    int64_t expiry_ms;
};

static void serve_janitor_run(void *arg)
{
    struct serve_janitor *j = arg;
    long n = s3_uploads_abort_all(j->s3, NULL, clock_now_ms() - j->expiry_ms);
    if (n > 0)
        log_info("janitor: aborted %ld abandoned multipart uploads", n);
    else if (n < 0)
        log_warn("janitor: %s", err_msg());
}

static void serve_usage(void)
{
    fprintf(stderr, "usage: stocktake serve [--listen ADDR:PORT] [--data DIR] [--region REGION]\n"
                    "                       [--domain DOMAIN] [--debug] [OPTION...]\n"
                    "  --listen   address and port (default 127.0.0.1:9000; port 0 picks one)\n"
                    "  --tls-cert FILE --tls-key FILE  serve HTTPS (key must be mode 600)\n"
                    "  --tls-min-version 1.2|1.3       lowest TLS version (default 1.2)\n"
                    "  --data     data directory (default ./data)\n" CLI_BLOBS_USAGE
                    "  --region   the region this endpoint serves (default us-east-1)\n"
                    "  --domain   base domain for virtual-hosted-style requests "
                    "(default localhost)\n"
                    "  --abandoned-upload-days N   abort multipart uploads older than N days "
                    "(default 7; fractions allowed; 0: never)\n"
                    "  --inventory-hour H          UTC hour of daily/weekly reports (default 1)\n"
                    "  --inventory-tick-seconds S  how often the scheduler looks (default 30)\n"
                    "  --inventory-file-cap BYTES  roll report data files past this size\n"
                    "  --max-connections N         open connections of all clients together "
                    "(default 4096)\n"
                    "  --max-connections-per-client N  open connections of one client address "
                    "(default 256)\n"
                    "  --header-timeout S          seconds a connection has for each request "
                    "header (default 20)\n"
                    "  --idle-timeout S            seconds without a byte sent or read before "
                    "a connection is closed (default 120)\n"
                    "  --blob-grace-seconds S      keep replaced/deleted blobs this long for "
                    "readers (default 60)\n"
                    "  --orphan-age-seconds S      unreferenced blob files older than this are "
                    "reclaimed (default 3600, at least 1)\n"
                    "  --legacy-bucket-defaults    new buckets get no Object Ownership controls "
                    "(ObjectWriter) and no Block Public Access, as before 2023\n"
                    "  --meta-busy-timeout-ms MS   how long a write waits for the metadata lock "
                    "before 503 SlowDown (default 30000)\n"
                    "  --require-sigv4             refuse Signature Version 2 (headers, presigned "
                    "URLs, POST forms)\n"
                    "  --master-key-file PATH      SSE-S3 master key (64 hex characters; created "
                    "0600 when missing;\n"
                    "                              default DATA/master.key; env "
                    "STOCKTAKE_MASTER_KEY wins)\n"
                    "  --allow-insecure-sse-c      accept SSE-C customer keys over plain HTTP "
                    "(AWS refuses them without TLS)\n"
                    "  --lifecycle-day-seconds N   a lifecycle/tiering/restore day lasts N "
                    "seconds (tests, demos; Object Lock keeps real days)\n"
                    "  --restore-days D            every archive restore takes D lifecycle days "
                    "(fractions allowed; default: AWS's time per retrieval tier)\n"
                    "  --notify-retry-ms MS        first retry of an undelivered event "
                    "notification (doubles up to 60 s; default 1000)\n"
                    "  --replication-retry-ms MS   first retry of a replication the destination "
                    "refused (doubles up to 60 s; FAILED after 5 attempts; default 1000)\n"
                    "  --logging-flush-seconds S   server access logs are delivered S seconds "
                    "after a batch's first record (default 300)\n"
                    "  --metrics-token T           GET /_stocktake/metrics needs "
                    "Authorization: Bearer T\n"
                    "                              (env STOCKTAKE_METRICS_TOKEN; default: "
                    "open, as scrapers expect)\n"
                    "  --access-log FILE|-         one line per request (FILE created 0600; "
                    "-: standard output)\n"
                    "  --access-log-format text|json  common-log-like text (default) or one "
                    "JSON object per line\n"
                    "  --console-session-ttl S     web console sessions (/_stocktake/console/) "
                    "last S seconds (default 3600)\n");
}

static int serve_parse_listen(struct serve_opts *o, const char *v)
{
    const char *colon = strrchr(v, ':');
    if (!colon || colon == v)
        return -1;
    const char *host = v;
    size_t hlen = (size_t)(colon - v);
    if (host[0] == '[' && hlen >= 2 && host[hlen - 1] == ']') {
        host++;
        hlen -= 2;
    }
    if (hlen >= sizeof(o->host))
        return -1;
    memcpy(o->host, host, hlen);
    o->host[hlen] = '\0';
    int64_t port = 0;
    if (str_parse_i64(colon + 1, 0, 65535, &port))
        return -1;
    o->port = (int)port;
    return 0;
}

/* The connection limits: whole numbers from 1 (to a bound that keeps them meaningful). */
static int serve_parse_limit(struct serve_opts *o, int c, const char *v)
{
    int64_t n = 0;
    unsigned int *field = c == 'M'   ? &o->max_connections
                          : c == 'P' ? &o->max_per_client
                          : c == 'Z' ? &o->header_timeout
                          : c == 'I' ? &o->idle_timeout
                                     : NULL;
    if (!field || str_parse_i64(v, 1, c == 'M' || c == 'P' ? 1000000 : 86400, &n))
        return -1;
    *field = (unsigned int)n;
    return 0;
}

/* Each connection is a socket, and while it runs a request a database handle, its WAL and
 * a blob: raise the soft descriptor limit toward the hard one so the connection limit, not
 * EMFILE, is what a crowd of clients meets. */
static void serve_raise_fd_limit(unsigned int max_connections)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)max_connections * 4 + 256;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
        log_warn("open-file limit %llu is low for %u connections (ulimit -n)",
                 (unsigned long long)rl.rlim_cur, max_connections);
}

static int serve_parse(struct serve_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"data", required_argument, NULL, 'd'},
        {"region", required_argument, NULL, 'r'},
        {"domain", required_argument, NULL, 'D'},
        {"debug", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"abandoned-upload-days", required_argument, NULL, 'u'},
        {"inventory-hour", required_argument, NULL, 'H'},
        {"inventory-tick-seconds", required_argument, NULL, 'T'},
        {"inventory-file-cap", required_argument, NULL, 'C'},
        {"max-connections", required_argument, NULL, 'M'},
        {"max-connections-per-client", required_argument, NULL, 'P'},
        {"header-timeout", required_argument, NULL, 'Z'},
        {"idle-timeout", required_argument, NULL, 'I'},
        {"blob-grace-seconds", required_argument, NULL, 'G'},
        {"orphan-age-seconds", required_argument, NULL, 'O'},
        {"legacy-bucket-defaults", no_argument, NULL, 'L'},
        {"meta-busy-timeout-ms", required_argument, NULL, 'B'},
        {"require-sigv4", no_argument, NULL, 'S'},
        {"lifecycle-day-seconds", required_argument, NULL, 'Y'},
        {"restore-days", required_argument, NULL, 'R'},
        {"tls-cert", required_argument, NULL, 'c'},
        {"tls-key", required_argument, NULL, 'k'},
        {"tls-min-version", required_argument, NULL, 'm'},
        {"master-key-file", required_argument, NULL, 'K'},
        {"allow-insecure-sse-c", no_argument, NULL, 'X'},
        {"notify-retry-ms", required_argument, NULL, 'N'},
        {"replication-retry-ms", required_argument, NULL, 'Q'},
        {"logging-flush-seconds", required_argument, NULL, SERVE_OPT_LOGGING_FLUSH},
        {"metrics-token", required_argument, NULL, 'W'},
        {"access-log", required_argument, NULL, 'A'},
        {"access-log-format", required_argument, NULL, 'F'},
        {"console-session-ttl", required_argument, NULL, SERVE_OPT_CONSOLE_TTL},
        CLI_BLOBS_LONGOPTS,
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof(*o));
    snprintf(o->host, sizeof(o->host), "127.0.0.1");
    o->port = 9000;
    o->data = "./data";
    o->region = "us-east-1";
    o->domain = "localhost";
    o->upload_expiry_days = 7;
    o->inventory.hour_utc = 1;
    o->inventory.tick_ms = 30000;
    o->inventory.job.file_size_cap = INV_DEFAULT_FILE_CAP;
    o->inventory.job.progress_log = 1000000;
    o->max_connections = HTTP_DEFAULT_MAX_CONNECTIONS;
    o->max_per_client = HTTP_DEFAULT_MAX_PER_CLIENT;
    o->header_timeout = HTTP_DEFAULT_HEADER_TIMEOUT_SEC;
    o->idle_timeout = HTTP_DEFAULT_IDLE_TIMEOUT_SEC;
    o->gc.grace_ms = OBJ_GC_DEFAULT_GRACE_MS;
    o->gc.orphan_age_ms = OBJ_GC_DEFAULT_ORPHAN_AGE_MS;
    o->tls_min = HTTP_TLS_1_2;
    o->restore_days = -1;
    o->notify_retry_ms = 1000;
    o->repl_retry_ms = 1000;
    o->logging_flush_ms = 300 * 1000;
    o->metrics_token = getenv("STOCKTAKE_METRICS_TOKEN");
    o->console_session_ttl_s = 3600;
    int c;
    int64_t num = 0;
    uint64_t fixed = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'l' && serve_parse_listen(o, optarg) == 0)
            continue;
        if (c == 'd')
            o->data = optarg;
        else if (cli_blobs_opt(&o->blobs, c, optarg))
            continue;
        else if (c == 'r')
            o->region = optarg;
        else if (c == 'D')
            o->domain = optarg;
        else if (c == 'v')
            log_set_level(LOG_DEBUG);
        else if (c == 'L')
            o->legacy_bucket_defaults = 1;
        else if (c == 'S')
            o->require_sigv4 = 1;
        else if (c == 'c')
            o->tls_cert = optarg;
        else if (c == 'k')
            o->tls_key = optarg;
        else if (c == 'K')
            o->master_key_file = optarg;
        else if (c == 'X')
            o->allow_insecure_sse_c = 1;
        else if (c == 'W' && optarg[0])
            o->metrics_token = optarg;
        else if (c == 'A' && optarg[0])
            o->access_log = optarg;
        else if (c == 'F' && access_log_format_parse(optarg, &o->access_log_format) == 0)
            continue;
        else if (c == 'm' && http_tls_parse_min_version(optarg, &o->tls_min) == 0)
            continue;
        else if (c == 'u' && str_parse_fixed(optarg, 6, INT64_MAX, &fixed) == 0)
            o->upload_expiry_days = (double)fixed / 1e6;
        else if (c == 'Y' && str_parse_i64(optarg, 1, 86400, &num) == 0)
            lc_day_set_seconds(num);
        else if (c == 'R' && str_parse_fixed(optarg, 6, INT64_MAX, &fixed) == 0)
            o->restore_days = (double)fixed / 1e6;
        else if (c == 'N' && str_parse_i64(optarg, 1, 60000, &num) == 0)
            o->notify_retry_ms = num;
        else if (c == 'Q' && str_parse_i64(optarg, 1, 60000, &num) == 0)
            o->repl_retry_ms = num;
        else if (c == SERVE_OPT_LOGGING_FLUSH && str_parse_i64(optarg, 1, 86400, &num) == 0)
            o->logging_flush_ms = num * 1000;
        else if (c == SERVE_OPT_CONSOLE_TTL && str_parse_i64(optarg, 1, 7 * 86400, &num) == 0)
            o->console_session_ttl_s = num;
        else if (c == 'B' && str_parse_i64(optarg, 1, 600000, &num) == 0)
            o->meta_busy_timeout_ms = (int)num;
        else if (c == 'H' && str_parse_i64(optarg, 0, 23, &num) == 0)
            o->inventory.hour_utc = (int)num;
        else if (c == 'T' && str_parse_fixed(optarg, 3, INT64_MAX, &fixed) == 0 && fixed > 0)
            o->inventory.tick_ms = (int64_t)fixed;
        else if (c == 'G' && str_parse_fixed(optarg, 3, INT64_MAX, &fixed) == 0)
            o->gc.grace_ms = (int64_t)fixed;
        /* at least a second: younger unreferenced files may be blobs between rename and commit */
        else if (c == 'O' && str_parse_fixed(optarg, 3, INT64_MAX, &fixed) == 0 && fixed >= 1000)
            o->gc.orphan_age_ms = (int64_t)fixed;
        else if (c == 'C' &&
                 str_parse_u64(optarg, 10, UINT64_MAX, &o->inventory.job.file_size_cap) == 0 &&
                 o->inventory.job.file_size_cap > 0)
            continue;
        else if (serve_parse_limit(o, c, optarg) == 0)
            continue;
        else
            return -1;
    }
    if (!o->tls_cert != !o->tls_key)
        return -1; /* --tls-cert and --tls-key go together */
    return optind == argc ? 0 : -1;
}

static void serve_banner(const struct serve_opts *o, int port, const struct meta_access_key *k,
                         int created)
{
    int v6 = strchr(o->host, ':') != NULL;
    const char *scheme = o->tls_cert ? "https" : "http";
    printf("Stocktake is serving S3 at %s://%s%s%s:%d\n", scheme, v6 ? "[" : "", o->host,
           v6 ? "]" : "", port);
    printf("  region:     %s\n", o->region);
    printf("  data:       %s\n", o->data);
    if (o->blobs.spec)
        printf("  blobs:      %s\n", o->blobs.spec);
    printf("  account:    %s\n", k->account_id);
    printf("  access key: %s\n", k->access_key);
    if (created)
        printf("  secret key: %s\n  (the root account was created now; keep the secret key)\n",
               k->secret);
    else
        printf("  secret key: shown by `stocktake admin list --data %s --secrets`\n", o->data);
    printf("Try: AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=... aws --endpoint-url "
           "%s://%s%s%s:%d --region %s s3 ls\n",
           k->access_key, scheme, v6 ? "[" : "", o->host, v6 ? "]" : "", port, o->region);
    fflush(stdout);
}

static int serve_wait_for_signal(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig = 0;
    sigwait(&set, &sig);
    return sig;
}

int cli_serve(int argc, char **argv)
{
    struct serve_opts o;
    if (serve_parse(&o, argc, argv)) {
        serve_usage();
        return 2;
    }
    /* block the stop signals in every thread; the main thread waits for them */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    serve_raise_fd_limit(o.max_connections);

    struct meta_store *meta = NULL;
    struct blob_store *blobs = NULL;
    struct http_server *http = NULL;
    struct meta_access_key root_key;
    int created = 0, rc;
    struct meta_config mc = cli_meta_config(o.data, o.meta_busy_timeout_ms);
    o.blobs.data_dir = o.data;
    o.blobs.clear_tmp = 1;
    int made = 0; /* the metadata and keys live here whichever blob store holds the bytes */
    rc = fsperm_dir(o.data, &made);
    if (!rc)
        rc = blob_store_open_config(&blobs, &o.blobs);
    if (!rc)
        rc = cli_master_key_install(o.master_key_file, o.data);
    if (!rc)
        rc = meta_open(&meta, &mc);
    if (!rc)
        rc = account_ensure_root(meta, &root_key, &created);
    notify_install(o.region);
    repl_install();
    struct s3_server s3;
    memset(&s3, 0, sizeof(s3));
    s3.meta = meta;
    s3.blobs = blobs;
    snprintf(s3.region, sizeof(s3.region), "%s", o.region);
    snprintf(s3.domain, sizeof(s3.domain), "%s", o.domain);
    s3.legacy_bucket_defaults = o.legacy_bucket_defaults;
    s3.require_sigv4 = o.require_sigv4;
    s3.restore_days = o.restore_days;
    s3.allow_insecure_sse_c = o.allow_insecure_sse_c;
    if (!rc && log_spool_open(&s3.access_logs, o.data, o.logging_flush_ms))
        log_warn("server access logging is off: %s", err_msg());
    s3.metrics_token = o.metrics_token && o.metrics_token[0] ? o.metrics_token : NULL;
    struct access_log *access_log = NULL;
    if (!rc && o.access_log)
        rc = access_log_open(&access_log, o.access_log, o.access_log_format);
    s3.access_log = access_log;
    o.inventory.job.legacy_bucket_defaults = o.legacy_bucket_defaults;
    struct admin_runs *admin_runs = rc ? NULL : admin_runs_new(meta, blobs, &o.inventory.job);
    s3.admin_runs = admin_runs;
    s3.console_session_ttl_s = o.console_session_ttl_s;
    const struct keys_master *mk = keys_master_current();
    console_token_server_key(mk ? mk->key : NULL, mk ? sizeof(mk->key) : 0, s3.console_key);
    struct http_handler handler;
    s3_handler_init(&handler, &s3);
    struct http_server_config hc = {
        o.host,           o.port, o.max_connections, o.idle_timeout, o.max_per_client,
        o.header_timeout, NULL};
    struct http_tls tls;
    memset(&tls, 0, sizeof(tls));
    if (!rc && o.tls_cert) {
        rc = http_tls_load(&tls, o.tls_cert, o.tls_key, o.tls_min);
        hc.tls = &tls;
    }
    if (!rc)
        rc = http_server_start(&http, &hc, &handler);
    if (rc) {
        fprintf(stderr, "stocktake: %s\n", err_msg());
        log_spool_close(s3.access_logs);
        http_tls_free(&tls);
        admin_runs_free(admin_runs);
        access_log_close(access_log);
        meta_close(meta);
        blob_store_close(blobs);
        return 1;
    }
    struct serve_janitor janitor = {&s3, (int64_t)(o.upload_expiry_days * 24 * 3600 * 1000)};
    struct periodic *janitor_thread = NULL;
    if (o.upload_expiry_days > 0 &&
        periodic_start(&janitor_thread, 3600 * 1000, serve_janitor_run, &janitor))
        log_warn("could not start the upload janitor");
    struct obj_gc *collector = NULL;
    if (obj_gc_start(&collector, meta, blobs, &o.gc))
        log_warn("could not start the blob collector: %s", err_msg());
    struct inv_sched *sched = NULL;
    if (inv_sched_start(&sched, meta, blobs, &o.inventory))
        log_warn("could not start the inventory scheduler: %s", err_msg());
    struct tier_worker *tiering = NULL;
    if (tier_worker_start(&tiering, meta))
        log_warn("could not start the tiering worker: %s", err_msg());
    struct lc_worker *lifecycle = NULL;
    if (lc_worker_start(&lifecycle, meta, blobs))
        log_warn("could not start the lifecycle worker: %s", err_msg());
    struct notify_worker *notifier = NULL;
    if (notify_worker_start(&notifier, meta, o.notify_retry_ms))
        log_warn("could not start the notification worker: %s", err_msg());
    struct repl_worker *replicator = NULL;
    if (repl_worker_start(&replicator, meta, blobs, o.repl_retry_ms, o.legacy_bucket_defaults))
        log_warn("could not start the replication worker: %s", err_msg());
    if (s3.access_logs && log_worker_start(&s3.access_log_worker, s3.access_logs, meta, blobs))
        log_warn("could not start the access log delivery: %s", err_msg());
    serve_banner(&o, http_server_port(http), &root_key, created);
    int sig = serve_wait_for_signal();
    log_info("signal %d: stopping", sig);
    inv_sched_stop(sched);
    tier_worker_stop(tiering);
    lc_worker_stop(lifecycle);
    notify_worker_stop(notifier);
    repl_worker_stop(replicator);
    http_server_stop(http);
    /* after the server: the last requests' records are in the spool, delivered now */
    log_worker_stop(s3.access_log_worker);
    log_spool_close(s3.access_logs);
    admin_runs_free(admin_runs); /* after the server: no run starts now */
    access_log_close(access_log);
    http_tls_free(&tls);
    periodic_stop(janitor_thread);
    obj_gc_stop(collector);
    meta_close(meta);
    blob_store_close(blobs);
    return 0;
}
