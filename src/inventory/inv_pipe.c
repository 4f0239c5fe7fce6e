/* inv_pipe.c — the scan thread and its bounded queue of row batches (see inv_pipe.h). */
#include "inventory/inv_pipe.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

struct inv_batch {
    struct meta_object rows[INV_PIPE_ROWS];
    size_t n;
    char *arena;
    size_t used, cap;
    struct inv_batch *next;
};

struct inv_pipe {
    pthread_mutex_t mu;
    pthread_cond_t can_fill; /* a free batch, or stop */
    pthread_cond_t can_take; /* a full batch, or done */
    struct inv_batch *full_head, *full_tail;
    struct inv_batch *free_list;
    size_t allocated;
    int stop; /* the consumer stopped: the scan ends at its next row */
    int done; /* the scan ended */
    int scan_rc;
    char scan_err[512];
    struct inv_batch *filling; /* the scan thread's */
    struct meta_store *meta;
    const char *bucket, *prefix;
    int all_versions;
};

static struct inv_batch *inv_batch_new(void)
{
    struct inv_batch *b = xmalloc(sizeof(*b));
    b->n = 0;
    b->used = 0;
    b->cap = INV_PIPE_ARENA;
    b->arena = xmalloc(b->cap);
    b->next = NULL;
    return b;
}

static void inv_batch_free(struct inv_batch *b)
{
    if (!b)
        return;
    free(b->arena);
    free(b);
}

/* A batch back to the free list (under mu); an arena grown for a huge row shrinks again. */
static void inv_pipe_recycle(struct inv_pipe *p, struct inv_batch *b)
{
    b->n = 0;
    b->used = 0;
    if (b->cap != INV_PIPE_ARENA) {
        free(b->arena);
        b->cap = INV_PIPE_ARENA;
        b->arena = xmalloc(b->cap);
    }
    b->next = p->free_list;
    p->free_list = b;
}

/* Scan thread: an empty batch, waiting while all are in flight; NULL once stopped. */
static struct inv_batch *inv_pipe_take_free(struct inv_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    while (!__atomic_load_n(&p->stop, __ATOMIC_RELAXED) && !p->free_list &&
           p->allocated >= INV_PIPE_BATCHES)
        pthread_cond_wait(&p->can_fill, &p->mu);
    struct inv_batch *b = NULL;
    if (!__atomic_load_n(&p->stop, __ATOMIC_RELAXED)) {
        if (p->free_list) {
            b = p->free_list;
            p->free_list = b->next;
        } else {
            p->allocated++;
            b = inv_batch_new();
        }
    }
    pthread_mutex_unlock(&p->mu);
    return b;
}

/* Scan thread: the filled batch to the consumer. */
static void inv_pipe_push(struct inv_pipe *p)
{
    struct inv_batch *b = p->filling;
    p->filling = NULL;
    b->next = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->full_tail)
        p->full_tail->next = b;
    else
        p->full_head = b;
    p->full_tail = b;
    pthread_cond_signal(&p->can_take);
    pthread_mutex_unlock(&p->mu);
}

static size_t inv_pipe_len(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static char *inv_pipe_copy(struct inv_batch *b, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = b->arena + b->used;
    memcpy(d, s, n);
    b->used += n;
    return d;
}

/* Scan thread: the row copied into the filling batch (its strings into the arena). */
static int inv_pipe_row(void *arg, const struct meta_object *o)
{
    struct inv_pipe *p = arg;
    size_t need = inv_pipe_len(o->key) + inv_pipe_len(o->headers) +
                  inv_pipe_len(o->checksum_value) + inv_pipe_len(o->parts) + inv_pipe_len(o->acl) +
                  inv_pipe_len(o->tags) + inv_pipe_len(o->sse) + inv_pipe_len(o->restore);
    struct inv_batch *b = p->filling;
    if (b && (b->n == INV_PIPE_ROWS || b->used + need > b->cap)) {
        inv_pipe_push(p);
        b = NULL;
    }
    if (!b) {
        if (__atomic_load_n(&p->stop, __ATOMIC_RELAXED) || !(b = inv_pipe_take_free(p)))
            return 1;
        p->filling = b;
    }
    if (need > b->cap) { /* one row larger than an arena: the (empty) batch grows for it */
        free(b->arena);
        b->arena = xmalloc(need);
        b->cap = need;
    }
    struct meta_object *r = &b->rows[b->n++];
    *r = *o;
    r->key = inv_pipe_copy(b, o->key);
    r->headers = inv_pipe_copy(b, o->headers);
    r->checksum_value = inv_pipe_copy(b, o->checksum_value);
    r->parts = inv_pipe_copy(b, o->parts);
    r->acl = inv_pipe_copy(b, o->acl);
    r->tags = inv_pipe_copy(b, o->tags);
    r->sse = inv_pipe_copy(b, o->sse);
    r->restore = inv_pipe_copy(b, o->restore);
    return 0;
}

static void *inv_pipe_scan_thread(void *arg)
{
    struct inv_pipe *p = arg;
    int rc = meta_inventory_scan(p->meta, p->bucket, p->prefix, p->all_versions, inv_pipe_row, p);
    if (rc == 0 && p->filling && p->filling->n > 0)
        inv_pipe_push(p);
    pthread_mutex_lock(&p->mu);
    if (p->filling) {
        inv_pipe_recycle(p, p->filling);
        p->filling = NULL;
    }
    p->done = 1;
    p->scan_rc = rc;
    if (rc)
        snprintf(p->scan_err, sizeof(p->scan_err), "%s", err_msg());
    pthread_cond_signal(&p->can_take);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Consumer: the next full batch; NULL when the scan has ended and all were taken. */
static struct inv_batch *inv_pipe_take_full(struct inv_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    while (!p->full_head && !p->done)
        pthread_cond_wait(&p->can_take, &p->mu);
    struct inv_batch *b = p->full_head;
    if (b) {
        p->full_head = b->next;
        if (!p->full_head)
            p->full_tail = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    return b;
}

int inv_pipe_scan(struct meta_store *s, const char *bucket, const char *prefix, int all_versions,
                  meta_object_cb *cb, void *payload)
{
    struct inv_pipe p;
    memset(&p, 0, sizeof(p));
    p.meta = s;
    p.bucket = bucket;
    p.prefix = prefix;
    p.all_versions = all_versions;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.can_fill, NULL);
    pthread_cond_init(&p.can_take, NULL);
    pthread_t tid;
    int stop = 0;
    if (pthread_create(&tid, NULL, inv_pipe_scan_thread, &p) != 0) {
        /* no thread: the scan on this one, as before */
        pthread_cond_destroy(&p.can_take);
        pthread_cond_destroy(&p.can_fill);
        pthread_mutex_destroy(&p.mu);
        return meta_inventory_scan(s, bucket, prefix, all_versions, cb, payload);
    }
    struct inv_batch *b;
    while (!stop && (b = inv_pipe_take_full(&p)) != NULL) {
        for (size_t i = 0; i < b->n && !stop; i++)
            stop = cb(payload, &b->rows[i]);
        pthread_mutex_lock(&p.mu);
        inv_pipe_recycle(&p, b);
        if (stop)
            __atomic_store_n(&p.stop, 1, __ATOMIC_RELAXED);
        pthread_cond_signal(&p.can_fill);
        pthread_mutex_unlock(&p.mu);
    }
    pthread_join(tid, NULL);
    while ((b = p.full_head) != NULL) { /* stopped early: what the scan had queued */
        p.full_head = b->next;
        inv_batch_free(b);
    }
    while ((b = p.free_list) != NULL) {
        p.free_list = b->next;
        inv_batch_free(b);
    }
    pthread_cond_destroy(&p.can_take);
    pthread_cond_destroy(&p.can_fill);
    pthread_mutex_destroy(&p.mu);
    if (stop)
        return stop;
    if (p.scan_rc && p.scan_rc != 1) {
        err_set("%s", p.scan_err);
        return p.scan_rc;
    }
    return 0;
}
