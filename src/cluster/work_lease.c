/* work_lease.c — once-per-cluster background workers (work_lease.h). */
#include "cluster/work_lease.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/log.h"
#include "inventory/inv_lease.h"

struct work_lease {
    struct meta_store *meta;
    char name[65];
    struct inv_lease *held; /* NULL while another node works */
    int waiting_logged;     /* the "held elsewhere" line was logged */
};

struct work_lease *work_lease_new(struct meta_store *meta, const char *name)
{
    struct work_lease *l = xcalloc(1, sizeof(*l));
    l->meta = meta;
    snprintf(l->name, sizeof(l->name), "worker/%s", name);
    return l;
}

int work_lease_hold(struct work_lease *l)
{
    if (l->held && !inv_lease_lost(l->held))
        return 1;
    if (l->held) { /* stalled past the TTL: another node took over */
        log_warn("%s: the lease was taken over by another node", l->name);
        inv_lease_release(l->held);
        l->held = NULL;
    }
    struct meta_inventory_lease holder;
    int rc = inv_lease_acquire(&l->held, l->meta, "", l->name, &holder);
    if (rc == 0) {
        log_info("%s: this node runs it (pid %lld)", l->name, (long long)getpid());
        l->waiting_logged = 0;
        return 1;
    }
    l->held = NULL;
    if (rc == ERR_CONFLICT) {
        if (!l->waiting_logged)
            log_info("%s: runs on another node (pid %lld on %s)", l->name, (long long)holder.pid,
                     holder.host);
        l->waiting_logged = 1;
        return 0;
    }
    log_warn("%s: cannot take the lease: %s", l->name, err_msg());
    return 0;
}

void work_lease_free(struct work_lease *l)
{
    if (!l)
        return;
    inv_lease_release(l->held);
    free(l);
}
