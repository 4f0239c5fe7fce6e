/* cmd_inventory_remote.c — `stocktake inventory run|status|cancel --endpoint URL`: the admin
 * API of a running server (docs/ADMIN-API.md) instead of its data directory. Requests are
 * SigV4-signed (core/http_sigv4.h) with credentials found as the aws CLI finds them
 * (cli_aws.h). `run` waits for the run and shows its progress — a bar redrawn in place on a
 * terminal, a plain line every few seconds otherwise — and exits 1 unless it succeeds;
 * `--no-wait` prints the run id and returns at once. */
#include <curl/curl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_aws.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/http_sigv4.h"
#include "core/str.h"
#include "core/uri.h"

#define REMOTE_TIMEOUT_MS 60000
#define REMOTE_POLL_MS 500
#define REMOTE_PLAIN_EVERY_MS 5000

struct remote_opts {
    const char *endpoint;
    const char *bucket;
    const char *id;
    const char *profile;
    const char *region;
    int64_t limit;
    int no_wait;
    int64_t poll_ms;
};

static void remote_usage(void)
{
    fprintf(stderr,
            "usage: stocktake inventory run --endpoint URL --bucket B --id ID [--no-wait]\n"
            "       stocktake inventory status --endpoint URL --bucket B [--id ID] [--limit N]\n"
            "       stocktake inventory cancel --endpoint URL --bucket B --id ID\n"
            "  common: [--profile P] [--region R]; credentials as the aws CLI takes them\n"
            "  (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws)\n");
}

static int remote_parse(struct remote_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {{"endpoint", required_argument, NULL, 'e'},
                                             {"bucket", required_argument, NULL, 'b'},
                                             {"id", required_argument, NULL, 'i'},
                                             {"profile", required_argument, NULL, 'p'},
                                             {"region", required_argument, NULL, 'r'},
                                             {"limit", required_argument, NULL, 'l'},
                                             {"no-wait", no_argument, NULL, 'n'},
                                             {"poll-ms", required_argument, NULL, 'P'},
                                             {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof(*o));
    o->limit = 10;
    o->poll_ms = REMOTE_POLL_MS;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'e')
            o->endpoint = optarg;
        else if (c == 'b')
            o->bucket = optarg;
        else if (c == 'i')
            o->id = optarg;
        else if (c == 'p')
            o->profile = optarg;
        else if (c == 'r')
            o->region = optarg;
        else if (c == 'n')
            o->no_wait = 1;
        else if (c == 'l' && str_parse_i64(optarg, 1, 1000, &o->limit) == 0)
            continue;
        else if (c == 'P' && str_parse_i64(optarg, 10, 60000, &o->poll_ms) == 0)
            continue;
        else
            return -1;
    }
    if (optind != argc || !o->endpoint || !o->bucket)
        return -1;
    if (strncmp(o->endpoint, "http://", 7) != 0 && strncmp(o->endpoint, "https://", 8) != 0)
        return -1;
    return 0;
}

struct remote_answer {
    long status;
    struct buf body;
    json_t *doc; /* the parsed body, or NULL */
};

static size_t remote_on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct remote_answer *a = ctx;
    return buf_append(&a->body, p, size * n) ? 0 : size * n;
}

/* One signed request to the admin API; 0 with a->status and a->doc, or 1 (reported). */
static int remote_call(const struct remote_opts *o, const struct cli_aws_creds *cr,
                       const char *method, const char *endpoint, const char *id, int limit,
                       struct remote_answer *a)
{
    memset(a, 0, sizeof(*a));
    buf_init(&a->body, 64u << 20);
    struct buf url;
    buf_init(&url, BUF_UNLIMITED);
    size_t elen = strlen(o->endpoint);
    while (elen && o->endpoint[elen - 1] == '/')
        elen--;
    int rc = buf_printf(&url, "%.*s/_stocktake/api/inventory/%s?bucket=", (int)elen, o->endpoint,
                        endpoint);
    rc = rc ? rc : uri_encode(&url, o->bucket, strlen(o->bucket), 0);
    if (!rc && id) {
        rc = buf_puts(&url, "&id=");
        rc = rc ? rc : uri_encode(&url, id, strlen(id), 0);
    }
    if (!rc && limit > 0)
        rc = buf_printf(&url, "&limit=%d", limit);
    CURL *c = rc ? NULL : curl_easy_init();
    if (!c) {
        buf_dispose(&url);
        buf_dispose(&a->body);
        fprintf(stderr, "stocktake: cannot build the request\n");
        return 1;
    }
    struct curl_slist *h = NULL;
    struct http_sigv4 sig;
    http_sigv4_setup(c, &sig, cr->region, cr->access_key, cr->secret_key, &h);
    http_sigv4_request(c, url.data, h, (long)REMOTE_TIMEOUT_MS, 10000L, "Stocktake-CLI/1.0");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, remote_on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    }
    CURLcode cc = http_sigv4_perform(c, &sig, &a->status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    buf_dispose(&url);
    if (cc != CURLE_OK) {
        fprintf(stderr, "stocktake: %s: %s\n", o->endpoint, curl_easy_strerror(cc));
        buf_dispose(&a->body);
        return 1;
    }
    json_error_t jerr;
    a->doc = a->body.len ? json_loadb(a->body.data, a->body.len, 0, &jerr) : NULL;
    return 0;
}

static void remote_answer_dispose(struct remote_answer *a)
{
    json_decref(a->doc);
    buf_dispose(&a->body);
}

static const char *remote_str(json_t *o, const char *name)
{
    const char *s = json_string_value(json_object_get(o, name));
    return s ? s : "";
}

static long long remote_int(json_t *o, const char *name)
{
    return (long long)json_integer_value(json_object_get(o, name));
}

/* A non-2xx answer: "stocktake: Code: message (HTTP n)". Returns 1. */
static int remote_fail(const struct remote_answer *a)
{
    if (a->doc && json_object_get(a->doc, "error"))
        fprintf(stderr, "stocktake: %s: %s (HTTP %ld)\n", remote_str(a->doc, "error"),
                remote_str(a->doc, "message"), a->status);
    else
        fprintf(stderr, "stocktake: the server answered HTTP %ld%s\n", a->status,
                a->status ? "" : " (no answer)");
    return 1;
}

static void remote_fmt_eta(char *out, size_t size, json_t *run)
{
    json_t *eta = json_object_get(run, "etaSeconds");
    if (json_is_integer(eta)) {
        long long s = (long long)json_integer_value(eta);
        if (s >= 3600)
            snprintf(out, size, "%lldh%02lldm", s / 3600, s / 60 % 60);
        else if (s >= 60)
            snprintf(out, size, "%lldm%02llds", s / 60, s % 60);
        else
            snprintf(out, size, "%llds", s);
    } else {
        snprintf(out, size, "?");
    }
}

static void remote_progress(json_t *run, int tty)
{
    long long rows = remote_int(run, "rows");
    json_t *tot = json_object_get(run, "rowsTotal");
    double rate = json_number_value(json_object_get(run, "rate"));
    char eta[32];
    remote_fmt_eta(eta, sizeof(eta), run);
    if (!tty) {
        printf("run %lld %s: %lld", remote_int(run, "runId"), remote_str(run, "state"), rows);
        if (json_is_integer(tot))
            printf(" of ~%lld", (long long)json_integer_value(tot));
        printf(" rows, %.0f rows/s, ETA %s\n", rate, eta);
        fflush(stdout);
        return;
    }
    char bar[31];
    double frac = 0;
    if (json_is_integer(tot) && json_integer_value(tot) > 0)
        frac = (double)rows / (double)json_integer_value(tot);
    if (frac > 1)
        frac = 1;
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %3.0f%% %lld", bar, frac * 100, rows);
    if (json_is_integer(tot))
        fprintf(stderr, "/%lld", (long long)json_integer_value(tot));
    fprintf(stderr, " rows  %.0f rows/s  ETA %-8s", rate, eta);
    fflush(stderr);
}

static void remote_sleep_ms(int64_t ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The run runId from status, or NULL (a new reference). */
static json_t *remote_find_run(const struct remote_answer *a, long long run_id)
{
    json_t *runs = json_object_get(a->doc, "runs"), *r;
    size_t i;
    json_array_foreach(runs, i, r)
    {
        if (remote_int(r, "runId") == run_id)
            return json_incref(r);
    }
    return NULL;
}

static int remote_finished(json_t *run)
{
    const char *s = remote_str(run, "state");
    return strcmp(s, "running") != 0 && strcmp(s, "cancelling") != 0;
}

/* The final answer of a run: its manifest key (0) or why it did not deliver (1). */
static int remote_outcome(const struct remote_opts *o, json_t *run)
{
    if (strcmp(remote_str(run, "state"), "succeeded") == 0) {
        printf("%s\n", remote_str(run, "manifestKey"));
        return 0;
    }
    fprintf(stderr, "stocktake: inventory %s/%s %s: %s\n", o->bucket, o->id,
            remote_str(run, "state"), remote_str(run, "error"));
    return 1;
}

static int remote_run(const struct remote_opts *o, const struct cli_aws_creds *cr)
{
    struct remote_answer a;
    if (remote_call(o, cr, "POST", "run", o->id, 0, &a))
        return 1;
    if (a.status != 202 || !a.doc) {
        int rc = remote_fail(&a);
        remote_answer_dispose(&a);
        return rc;
    }
    json_t *run = json_incref(a.doc);
    remote_answer_dispose(&a);
    long long run_id = remote_int(run, "runId");
    if (o->no_wait) {
        printf("run %lld of %s/%s started\n", run_id, o->bucket, o->id);
        json_decref(run);
        return 0;
    }
    int tty = isatty(STDERR_FILENO);
    int64_t last_plain = 0;
    while (!remote_finished(run)) {
        int64_t now = clock_now_ms();
        if (tty || now - last_plain >= REMOTE_PLAIN_EVERY_MS) {
            remote_progress(run, tty);
            last_plain = now;
        }
        remote_sleep_ms(o->poll_ms);
        if (remote_call(o, cr, "GET", "status", o->id, 20, &a)) {
            json_decref(run);
            return 1;
        }
        if (a.status != 200 || !a.doc) {
            int rc = remote_fail(&a);
            remote_answer_dispose(&a);
            json_decref(run);
            return rc;
        }
        json_t *cur = remote_find_run(&a, run_id);
        remote_answer_dispose(&a);
        if (cur) {
            json_decref(run);
            run = cur;
        }
    }
    if (tty) {
        remote_progress(run, 1);
        fputc('\n', stderr);
    } else {
        remote_progress(run, 0);
    }
    int rc = remote_outcome(o, run);
    json_decref(run);
    return rc;
}

static int remote_status(const struct remote_opts *o, const struct cli_aws_creds *cr)
{
    struct remote_answer a;
    if (remote_call(o, cr, "GET", "status", o->id, (int)o->limit, &a))
        return 1;
    if (a.status != 200 || !a.doc) {
        int rc = remote_fail(&a);
        remote_answer_dispose(&a);
        return rc;
    }
    printf("%-20s %-24s %-11s %-24s %10s %15s %10s %18s  %s\n", "bucket", "config", "outcome",
           "started", "run", "rows", "files", "bytes", "manifest or error");
    json_t *runs = json_object_get(a.doc, "runs"), *r;
    size_t i;
    json_array_foreach(runs, i, r)
    {
        const char *state = remote_str(r, "state");
        const char *detail =
            strcmp(state, "succeeded") == 0 ? remote_str(r, "manifestKey") : remote_str(r, "error");
        char extra[96] = "";
        if (!remote_finished(r)) {
            char eta[32];
            remote_fmt_eta(eta, sizeof(eta), r);
            json_t *tot = json_object_get(r, "rowsTotal");
            snprintf(extra, sizeof(extra), " (ETA %s, ~%lld rows, %.0f rows/s)", eta,
                     json_is_integer(tot) ? (long long)json_integer_value(tot) : -1LL,
                     json_number_value(json_object_get(r, "rate")));
        }
        printf("%-20s %-24s %-11s %-24s %10lld %10lld rows %4lld files %12lld bytes  %s%s\n",
               remote_str(r, "bucket"), remote_str(r, "id"), state, remote_str(r, "startedAt"),
               remote_int(r, "runId"), remote_int(r, "rows"), remote_int(r, "files"),
               remote_int(r, "bytes"), detail, extra);
    }
    remote_answer_dispose(&a);
    return 0;
}

static int remote_cancel(const struct remote_opts *o, const struct cli_aws_creds *cr)
{
    struct remote_answer a;
    if (remote_call(o, cr, "POST", "cancel", o->id, 0, &a))
        return 1;
    int rc = 0;
    if (a.status != 200 || !a.doc)
        rc = remote_fail(&a);
    else
        printf("cancelling run %lld of %s/%s\n", remote_int(a.doc, "runId"), o->bucket, o->id);
    remote_answer_dispose(&a);
    return rc;
}

int cli_inventory_remote(int argc, char **argv)
{
    struct remote_opts o;
    const char *cmd = argv[0];
    if (remote_parse(&o, argc, argv) ||
        ((strcmp(cmd, "run") == 0 || strcmp(cmd, "cancel") == 0) && !o.id) ||
        (o.no_wait && strcmp(cmd, "run") != 0)) {
        remote_usage();
        return 2;
    }
    if (strcmp(cmd, "run") != 0 && strcmp(cmd, "status") != 0 && strcmp(cmd, "cancel") != 0) {
        remote_usage();
        return 2;
    }
    struct cli_aws_creds cr;
    if (cli_aws_creds_load(&cr, o.profile, o.region)) {
        fprintf(stderr, "stocktake: %s\n", err_msg());
        return 1;
    }
    int rc = strcmp(cmd, "run") == 0      ? remote_run(&o, &cr)
             : strcmp(cmd, "status") == 0 ? remote_status(&o, &cr)
                                          : remote_cancel(&o, &cr);
    cli_aws_creds_clear(&cr);
    return rc;
}
