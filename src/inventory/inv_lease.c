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
#include "core/str.h"

struct inv_lease {
    struct meta_store *meta;
    pthread_mutex_t lock; /* guards mine between the job and the renewer */
    struct meta_inventory_lease mine;
    atomic_int lost;
    struct periodic *renewer;
};

/* ---- who holds a lease ---- */

static void inv_lease_read_line(const char *path, char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(out, (int)size, f))
        out[strcspn(out, "\n")] = '\0';
    fclose(f);
}

/* The start time of pid (field 22 of /proc/<pid>/stat, clock ticks after boot); 0 when pid
 * does not exist or is a zombie (killed, not yet reaped). */
static int64_t inv_lease_pid_start(long pid)
{
    char path[64], stat[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    inv_lease_read_line(path, stat, sizeof(stat));
    const char *p = strrchr(stat, ')'); /* the command name may hold spaces and ')' */
    if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X' || p[2] == '\0')
        return 0;
    p += 2; /* field 3, the state */
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    if (!p)
        return 0;
    uint64_t v = 0;
    if (str_parse_u64n(p, strcspn(p, " \n"), 10, INT64_MAX, &v))
        return 0;
    return (int64_t)v;
}

static void inv_lease_identify(struct meta_inventory_lease *l)
{
    if (gethostname(l->host, sizeof(l->host)) != 0)
        l->host[0] = '\0';
    l->host[sizeof(l->host) - 1] = '\0';
    inv_lease_read_line("/proc/sys/kernel/random/boot_id", l->boot_id, sizeof(l->boot_id));
    l->pid = (int64_t)getpid();
    l->pid_start = inv_lease_pid_start((long)getpid());
}

/* On this host and boot the process table is the truth: a live holder keeps its lease even
 * past expiry (it may be stalled, but it is not dead, and two runs must never write at once);
 * a dead one loses it at once. Elsewhere only expiry tells. */
int inv_lease_stale(const struct meta_inventory_lease *l, int64_t now_ms)
{
    struct meta_inventory_lease me;
    memset(&me, 0, sizeof(me));
    inv_lease_identify(&me);
    if (strcmp(l->host, me.host) != 0 || !me.boot_id[0])
        return l->expires_ms <= now_ms;
    if (strcmp(l->boot_id, me.boot_id) != 0)
        return 1; /* this machine rebooted since */
    int64_t start = inv_lease_pid_start((long)l->pid);
    return start == 0 || start != l->pid_start;
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
        log_warn("renewing the lease of inventory %s/%s: %s", l->mine.bucket, l->mine.config_id,
                 err_msg());
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
            err_set("inventory %s/%s is running already", l->mine.bucket, l->mine.config_id);
            return ERR_CONFLICT;
        }
        log_info("inventory %s/%s: taking over the lease of run %lld (pid %lld on %s), which "
                 "is gone",
                 cur.bucket, cur.config_id, (long long)cur.run_id, (long long)cur.pid, cur.host);
        rc = meta_inventory_lease_take(l->meta, &l->mine, cur.token);
        if (rc != ERR_CONFLICT)
            return rc;
    }
    err_set("inventory %s/%s: the lease keeps changing hands", l->mine.bucket, l->mine.config_id);
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
        log_warn("releasing the lease of inventory %s/%s: %s", l->mine.bucket, l->mine.config_id,
                 err_msg());
    pthread_mutex_destroy(&l->lock);
    free(l);
}
