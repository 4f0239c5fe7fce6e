/* inv_lease.c — run leases of inventory configurations (see inv_lease.h). */
#include "inventory/inv_lease.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/periodic.h"
#include "core/proc.h"
#include "core/str.h"

struct inv_lease {
    struct meta_store *meta;
    pthread_mutex_t lock; /* guards mine between the job and the renewer */
    struct meta_inventory_lease mine;
    atomic_int lost;
    struct periodic *renewer;
    char label[160]; /* "inventory B/ID", or a worker's name ("worker/lifecycle") */
};

/* ---- who holds a lease ---- */

static void inv_lease_identify(struct meta_inventory_lease *l)
{
    struct proc_id me;
    proc_id_self(&me);
    snprintf(l->host, sizeof(l->host), "%s", me.host);
    snprintf(l->boot_id, sizeof(l->boot_id), "%s", me.boot_id);
    l->pid = me.pid;
    l->pid_start = me.pid_start;
}

/* On this host and boot the process table is the truth: a live holder keeps its lease even
 * past expiry (it may be stalled, but it is not dead, and two runs must never write at once);
 * a dead one loses it at once. Elsewhere only expiry tells. */
int inv_lease_stale(const struct meta_inventory_lease *l, int64_t now_ms)
{
    struct proc_id id;
    memset(&id, 0, sizeof(id));
    snprintf(id.host, sizeof(id.host), "%s", l->host);
    snprintf(id.boot_id, sizeof(id.boot_id), "%s", l->boot_id);
    id.pid = l->pid;
    id.pid_start = l->pid_start;
    switch (proc_id_state(&id)) {
    case PROC_ALIVE:
        return 0;
    case PROC_GONE:
        return 1;
    case PROC_UNKNOWN:
        break;
    }
    return l->expires_ms <= now_ms;
}

void inv_lease_describe(const struct meta_inventory_lease *l, char *out, size_t size)
{
    char until[32];
    clock_format_iso8601(until, sizeof(until), l->expires_ms);
    snprintf(out, size, "run %lld, pid %lld on %s, lease renewed until %s", (long long)l->run_id,
             (long long)l->pid, l->host, until);
}

/* ---- holding one ---- */

static void inv_lease_renew(void *arg)
{
    struct inv_lease *l = arg;
    pthread_mutex_lock(&l->lock);
    l->mine.expires_ms = clock_now_ms() + INV_LEASE_TTL_MS;
    int rc = meta_inventory_lease_renew(l->meta, &l->mine);
    pthread_mutex_unlock(&l->lock);
    if (rc == ERR_NOTFOUND)
        atomic_store(&l->lost, 1);
    else if (rc)
        log_warn("renewing the lease of %s: %s", l->label, err_msg());
}

static int inv_lease_take(struct inv_lease *l, struct meta_inventory_lease *holder)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        int rc = meta_inventory_lease_take(l->meta, &l->mine, NULL);
        if (rc != ERR_CONFLICT)
            return rc;
        struct meta_inventory_lease cur;
        rc = meta_inventory_lease_get(l->meta, l->mine.bucket, l->mine.config_id, &cur);
        if (rc == ERR_NOTFOUND)
            continue; /* released meanwhile */
        if (rc)
            return rc;
        if (!inv_lease_stale(&cur, clock_now_ms())) {
            if (holder)
                *holder = cur;
            err_set("%s is running already", l->label);
            return ERR_CONFLICT;
        }
        log_info("%s: taking over the lease of run %lld (pid %lld on %s), which is gone", l->label,
                 (long long)cur.run_id, (long long)cur.pid, cur.host);
        rc = meta_inventory_lease_take(l->meta, &l->mine, cur.token);
        if (rc != ERR_CONFLICT)
            return rc;
    }
    err_set("%s: the lease keeps changing hands", l->label);
    return ERR_CONFLICT;
}

int inv_lease_acquire(struct inv_lease **out, struct meta_store *meta, const char *bucket,
                      const char *config_id, struct meta_inventory_lease *holder)
{
    struct inv_lease *l = xcalloc(1, sizeof(*l));
    l->meta = meta;
    pthread_mutex_init(&l->lock, NULL);
    snprintf(l->mine.bucket, sizeof(l->mine.bucket), "%s", bucket);
    snprintf(l->mine.config_id, sizeof(l->mine.config_id), "%s", config_id);
    if (bucket[0])
        snprintf(l->label, sizeof(l->label), "inventory %s/%s", bucket, config_id);
    else /* a once-per-cluster worker (cluster/work_lease.c) */
        snprintf(l->label, sizeof(l->label), "%s", config_id);
    uint8_t raw[16];
    hash_random(raw, sizeof(raw));
    hash_hex(raw, sizeof(raw), l->mine.token);
    inv_lease_identify(&l->mine);
    l->mine.expires_ms = clock_now_ms() + INV_LEASE_TTL_MS;
    int rc = inv_lease_take(l, holder);
    if (!rc && (rc = periodic_start(&l->renewer, INV_LEASE_TTL_MS / 4, inv_lease_renew, l)) != 0)
        (void)!meta_inventory_lease_release(meta, bucket, config_id, l->mine.token);
    if (rc) {
        pthread_mutex_destroy(&l->lock);
        free(l);
        return rc;
    }
    *out = l;
    return 0;
}

void inv_lease_set_run(struct inv_lease *l, int64_t run_id)
{
    pthread_mutex_lock(&l->lock);
    l->mine.run_id = run_id;
    pthread_mutex_unlock(&l->lock);
    inv_lease_renew(l);
}

int inv_lease_lost(struct inv_lease *l)
{
    return atomic_load(&l->lost);
}

int inv_lease_confirm(struct inv_lease *l)
{
    if (!atomic_load(&l->lost))
        inv_lease_renew(l);
    return atomic_load(&l->lost) ? ERR_CONFLICT : 0;
}

void inv_lease_release(struct inv_lease *l)
{
    if (!l)
        return;
    periodic_stop(l->renewer);
    if (!atomic_load(&l->lost) &&
        meta_inventory_lease_release(l->meta, l->mine.bucket, l->mine.config_id, l->mine.token))
        log_warn("releasing the lease of %s: %s", l->label, err_msg());
    pthread_mutex_destroy(&l->lock);
    free(l);
}
