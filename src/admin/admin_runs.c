/* admin_runs.c — run-now threads (see admin_runs.h). */
#include "admin/admin_runs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"

struct admin_runs {
    struct meta_store *meta;
    struct blob_store *blobs;
    struct inv_job_opts job;
    pthread_mutex_t mu;
    pthread_cond_t cond; /* a run began, or a thread ended */
    int active;          /* threads not yet ended */
};

/* What the caller of admin_runs_start waits for (on its stack; guarded by a->mu). */
struct admin_run_wait {
    int begun;
    int rc;
    struct meta_inventory_run run;
};

struct admin_run_thread {
    struct admin_runs *a;
    char bucket[64];
    char id[65];
    struct admin_run_wait *wait; /* NULL once the caller was answered */
};

struct admin_runs *admin_runs_new(struct meta_store *meta, struct blob_store *blobs,
                                  const struct inv_job_opts *job)
{
    struct admin_runs *a = xcalloc(1, sizeof(*a));
    a->meta = meta;
    a->blobs = blobs;
    a->job = *job;
    a->job.on_begin = NULL;
    a->job.on_begin_ctx = NULL;
    a->job.now_ms = 0;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cond, NULL);
    return a;
}

void admin_runs_free(struct admin_runs *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->mu);
    if (a->active)
        log_info("waiting for %d inventory run(s) started by the admin API", a->active);
    while (a->active)
        pthread_cond_wait(&a->cond, &a->mu);
    pthread_mutex_unlock(&a->mu);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cond);
    free(a);
}

static void admin_run_began(void *ctx, int rc, const struct meta_inventory_run *run)
{
    struct admin_run_thread *t = ctx;
    pthread_mutex_lock(&t->a->mu);
    if (t->wait) {
        t->wait->rc = rc;
        t->wait->run = *run;
        t->wait->begun = 1;
        t->wait = NULL;
        pthread_cond_broadcast(&t->a->cond);
    }
    pthread_mutex_unlock(&t->a->mu);
}

static void *admin_run_main(void *arg)
{
    struct admin_run_thread *t = arg;
    struct admin_runs *a = t->a;
    struct inv_job_opts jo = a->job;
    jo.on_begin = admin_run_began;
    jo.on_begin_ctx = t;
    struct meta_inventory_run run;
    int rc = inv_job_run(a->meta, a->blobs, t->bucket, t->id, &jo, &run);
    if (rc == 0)
        log_info("inventory %s/%s (run-now, run %lld) delivered %s", t->bucket, t->id,
                 (long long)run.run_id, run.manifest_key);
    admin_run_began(t, rc ? rc : ERR_INVALID, &run); /* never begun: answer anyway */
    pthread_mutex_lock(&a->mu);
    a->active--;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->mu);
    free(t);
    return NULL;
}

int admin_runs_start(struct admin_runs *a, const char *bucket, const char *id,
                     struct meta_inventory_run *run)
{
    struct admin_run_wait w;
    memset(&w, 0, sizeof(w));
    memset(run, 0, sizeof(*run));
    struct admin_run_thread *t = xcalloc(1, sizeof(*t));
    t->a = a;
    snprintf(t->bucket, sizeof(t->bucket), "%s", bucket);
    snprintf(t->id, sizeof(t->id), "%s", id);
    t->wait = &w;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_mutex_lock(&a->mu);
    a->active++;
    pthread_t th;
    if (pthread_create(&th, &attr, admin_run_main, t) != 0) {
        a->active--;
        pthread_mutex_unlock(&a->mu);
        pthread_attr_destroy(&attr);
        free(t);
        snprintf(run->error, sizeof(run->error), "cannot start a thread for the run");
        return ERR_NOMEM;
    }
    pthread_attr_destroy(&attr);
    while (!w.begun)
        pthread_cond_wait(&a->cond, &a->mu);
    pthread_mutex_unlock(&a->mu);
    *run = w.run;
    return w.rc;
}
