/* test_inv_lease.c — inventory run leases over a real SQLite store (meta.h): a take succeeds
 * once, a second take is ERR_CONFLICT unless it names the current token, renew and release act
 * only for the token that holds the lease; and inv_lease_stale judges holders: this process is
 * alive, a dead or reused pid on this host and boot is stale, another host only by expiry. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/clock.h"
#include "harness.h"
#include "inventory/inv_lease.h"
#include "meta/meta.h"

static struct meta_store *lease_store(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/stocktake-lease-XXXXXX");
    if (!mkdtemp(dir))
        return NULL;
    struct meta_store *m = NULL;
    struct meta_config cfg = {"sqlite", dir, 0, NULL};
    return meta_open(&m, &cfg) == 0 ? m : NULL;
}

static void lease_store_drop(struct meta_store *m, const char *dir)
{
    meta_close(m);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

static struct meta_inventory_lease lease(const char *token, int64_t expires_ms)
{
    struct meta_inventory_lease l;
    memset(&l, 0, sizeof(l));
    snprintf(l.bucket, sizeof(l.bucket), "src");
    snprintf(l.config_id, sizeof(l.config_id), "cfg");
    snprintf(l.token, sizeof(l.token), "%s", token);
    snprintf(l.host, sizeof(l.host), "h");
    l.pid = 1;
    l.expires_ms = expires_ms;
    return l;
}

TEST(meta_inventory_lease_compare_and_swap)
{
    char dir[64];
    struct meta_store *m = lease_store(dir, sizeof(dir));
    CHECK(m != NULL);
    if (!m)
        return;
    struct meta_inventory_lease a = lease("aaaa", 1000), b = lease("bbbb", 2000), got;
    CHECK(meta_inventory_lease_get(m, "src", "cfg", &got) == ERR_NOTFOUND);
    CHECK(meta_inventory_lease_take(m, &a, NULL) == 0);
    CHECK(meta_inventory_lease_take(m, &b, NULL) == ERR_CONFLICT);
    CHECK(meta_inventory_lease_take(m, &b, "zzzz") == ERR_CONFLICT);
    CHECK(meta_inventory_lease_get(m, "src", "cfg", &got) == 0);
    CHECK_STR(got.token, "aaaa");
    CHECK(got.expires_ms == 1000);
    /* renew: only the holder */
    a.run_id = 42;
    a.expires_ms = 5000;
    CHECK(meta_inventory_lease_renew(m, &a) == 0);
    CHECK(meta_inventory_lease_renew(m, &b) == ERR_NOTFOUND);
    CHECK(meta_inventory_lease_get(m, "src", "cfg", &got) == 0);
    CHECK(got.run_id == 42 && got.expires_ms == 5000);
    /* take over naming the current token */
    CHECK(meta_inventory_lease_take(m, &b, "aaaa") == 0);
    CHECK(meta_inventory_lease_renew(m, &a) == ERR_NOTFOUND); /* a lost it */
    CHECK(meta_inventory_lease_release(m, "src", "cfg", "aaaa") == 0);
    CHECK(meta_inventory_lease_get(m, "src", "cfg", &got) == 0);
    CHECK_STR(got.token, "bbbb");
    CHECK(meta_inventory_lease_release(m, "src", "cfg", "bbbb") == 0);
    CHECK(meta_inventory_lease_get(m, "src", "cfg", &got) == ERR_NOTFOUND);
    /* other configurations are independent */
    struct meta_inventory_lease c = lease("cccc", 1);
    snprintf(c.config_id, sizeof(c.config_id), "other");
    CHECK(meta_inventory_lease_take(m, &a, NULL) == 0);
    CHECK(meta_inventory_lease_take(m, &c, NULL) == 0);
    lease_store_drop(m, dir);
}

TEST(inv_lease_acquire_refuses_live_holder_and_takes_over_dead_one)
{
    char dir[64];
    struct meta_store *m = lease_store(dir, sizeof(dir));
    CHECK(m != NULL);
    if (!m)
        return;
    struct inv_lease *mine = NULL, *again = NULL;
    struct meta_inventory_lease holder;
    CHECK(inv_lease_acquire(&mine, m, "src", "cfg", NULL) == 0);
    inv_lease_set_run(mine, 7);
    CHECK(inv_lease_acquire(&again, m, "src", "cfg", &holder) == ERR_CONFLICT);
    CHECK(holder.run_id == 7 && holder.pid == getpid());
    CHECK(!inv_lease_stale(&holder, clock_now_ms()));
    /* this process, past expiry: still alive, so still held (no second writer) */
    CHECK(!inv_lease_stale(&holder, holder.expires_ms + 1));
    CHECK(inv_lease_confirm(mine) == 0);
    CHECK(!inv_lease_lost(mine));
    /* taken over behind its back: the holder notices before its next write */
    struct meta_inventory_lease thief = holder;
    snprintf(thief.token, sizeof(thief.token), "%s", "0123456789abcdef0123456789abcdef");
    CHECK(meta_inventory_lease_take(m, &thief, holder.token) == 0);
    CHECK(inv_lease_confirm(mine) == ERR_CONFLICT);
    CHECK(inv_lease_lost(mine));
    inv_lease_release(mine); /* does not drop the thief's lease */
    struct meta_inventory_lease cur;
    CHECK(meta_inventory_lease_get(m, "src", "cfg", &cur) == 0);
    CHECK_STR(cur.token, thief.token);
    CHECK(meta_inventory_lease_release(m, "src", "cfg", thief.token) == 0);
    /* a holder that died: a child process's pid after it exited */
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    CHECK(waitpid(child, NULL, 0) == child);
    struct meta_inventory_lease dead = holder;
    dead.pid = child;
    CHECK(inv_lease_stale(&dead, clock_now_ms()));
    /* a pid that lives but started at another time: reused */
    struct meta_inventory_lease reused = holder;
    reused.pid_start = holder.pid_start + 1;
    CHECK(inv_lease_stale(&reused, clock_now_ms()));
    /* another host: alive until it expires */
    struct meta_inventory_lease remote = dead;
    snprintf(remote.host, sizeof(remote.host), "elsewhere.example");
    CHECK(!inv_lease_stale(&remote, clock_now_ms()));
    CHECK(inv_lease_stale(&remote, remote.expires_ms + 1));
    /* this host after a reboot */
    struct meta_inventory_lease rebooted = holder;
    snprintf(rebooted.boot_id, sizeof(rebooted.boot_id), "another-boot");
    CHECK(inv_lease_stale(&rebooted, clock_now_ms()));
    /* a dead holder's lease is taken over */
    CHECK(meta_inventory_lease_take(m, &dead, NULL) == 0);
    CHECK(inv_lease_acquire(&again, m, "src", "cfg", NULL) == 0);
    struct meta_inventory_lease now;
    CHECK(meta_inventory_lease_get(m, "src", "cfg", &now) == 0);
    CHECK(now.pid == getpid());
    inv_lease_release(again);
    CHECK(meta_inventory_lease_get(m, "src", "cfg", &now) == ERR_NOTFOUND);
    lease_store_drop(m, dir);
}
