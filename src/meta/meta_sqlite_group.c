/* meta_sqlite_group.c — group commit of object_commit: concurrent commits share one SQLite
 * transaction, and so one WAL fsync (synchronous=FULL).
 *
 * A caller queues its commit and waits. When no batch is running, the first waiter becomes the
 * leader: it takes the queue (up to SQLITE_GROUP_MAX), opens one write transaction on its own
 * connection, runs every commit inside its own SAVEPOINT — a commit that fails (a precondition,
 * a gone bucket or upload, an injected fault) rolls back to it and fails alone — and COMMITs
 * once. Each caller gets its own result and message; none returns before the COMMIT that holds
 * its version is durable, so no acknowledged write is lost. While one batch commits, the next
 * one gathers, so batches grow with the load and a lone writer pays no wait.
 *
 * A commit runs in the leader's thread: the caller's notification context (notify_ctx.h, the
 * only thread state the change hooks read) is carried to it. A failure that ends the whole
 * transaction (SQLite rolled it back itself: an I/O error, a full disk) or a failed COMMIT fails
 * every commit of the batch that had not failed already, with that error. */
#include <stdio.h>
#include <string.h>

#include "meta/meta_sqlite_int.h"
#include "notify/notify_ctx.h"

#define SQLITE_GROUP_MAX 128

struct sqlite_group_item {
    struct meta_commit *c;
    const struct notify_ctx *nctx; /* the caller's, for the change hooks */
    struct sqlite_group_item *next;
    int rc;
    int done;
    char err[512];
};

void meta_sqlite_group_init(struct sqlite_store *st)
{
    pthread_mutex_init(&st->group_mu, NULL);
    pthread_cond_init(&st->group_cv, NULL);
    st->group_head = NULL;
    st->group_tail = &st->group_head;
    st->group_leader = 0;
}

void meta_sqlite_group_destroy(struct sqlite_store *st)
{
    pthread_cond_destroy(&st->group_cv);
    pthread_mutex_destroy(&st->group_mu);
}

static void group_fail(struct sqlite_group_item *it, int rc)
{
    it->rc = rc;
    snprintf(it->err, sizeof(it->err), "%s", err_msg());
}

/* Every item of batch not failed yet fails with rc (err_msg() the reason). */
static void group_fail_rest(struct sqlite_group_item *batch, int rc)
{
    for (struct sqlite_group_item *it = batch; it; it = it->next) {
        if (!it->rc)
            group_fail(it, rc);
    }
}

static int group_exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : meta_sqlite_fail(db, sql);
}

/* One item inside the open transaction, in its savepoint. Returns non-zero when the batch
 * cannot go on: SQLite ended the transaction, or a savepoint could not be undone or released
 * (the caller then rolls everything back). */
static int group_run_one(sqlite3 *db, struct sqlite_group_item *it)
{
    notify_ctx_enter(it->nctx);
    int rc = group_exec(db, "SAVEPOINT obj_commit");
    if (rc) {
        group_fail(it, rc);
        return 1;
    }
    rc = meta_sqlite_object_commit_one(db, it->c);
    if (rc) {
        group_fail(it, rc);
        if (sqlite3_get_autocommit(db) || group_exec(db, "ROLLBACK TO obj_commit"))
            return 1;
    }
    if (group_exec(db, "RELEASE obj_commit")) {
        if (!it->rc)
            group_fail(it, ERR_BACKEND);
        return 1;
    }
    return sqlite3_get_autocommit(db);
}

static void group_run(struct sqlite_store *st, struct sqlite_group_item *batch)
{
    const struct notify_ctx *own = notify_ctx_current();
    sqlite3 *db;
    int rc = meta_sqlite_begin(&st->base, &db);
    if (rc) {
        group_fail_rest(batch, rc);
        return;
    }
    int gone = 0, ok = 0;
    for (struct sqlite_group_item *it = batch; it && !gone; it = it->next) {
        gone = group_run_one(db, it);
        ok += !it->rc;
    }
    notify_ctx_enter(own);
    if (gone) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        err_set("the batch's transaction was rolled back by an earlier failure in it");
        group_fail_rest(batch, ERR_BACKEND);
        return;
    }
    rc = meta_sqlite_commit_or_rollback(db, ok ? 0 : ERR_CONFLICT);
    if (ok && rc)
        group_fail_rest(batch, rc);
}

int meta_sqlite_object_commit(struct meta_store *s, struct meta_commit *c)
{
    struct sqlite_store *st = (struct sqlite_store *)s;
    struct sqlite_group_item self;
    memset(&self, 0, sizeof(self));
    self.c = c;
    self.nctx = notify_ctx_current();
    pthread_mutex_lock(&st->group_mu);
    *st->group_tail = &self;
    st->group_tail = &self.next;
    while (!self.done) {
        if (st->group_leader) {
            pthread_cond_wait(&st->group_cv, &st->group_mu);
            continue;
        }
        /* lead: take up to SQLITE_GROUP_MAX waiting commits (self among them) */
        st->group_leader = 1;
        struct sqlite_group_item *batch = st->group_head, *last = batch;
        for (int n = 1; n < SQLITE_GROUP_MAX && last->next; n++)
            last = last->next;
        st->group_head = last->next;
        if (!st->group_head)
            st->group_tail = &st->group_head;
        last->next = NULL;
        pthread_mutex_unlock(&st->group_mu);
        group_run(st, batch);
        pthread_mutex_lock(&st->group_mu);
        for (struct sqlite_group_item *it = batch, *next; it; it = next) {
            next = it->next;
            it->done = 1; /* a waiter may return (and its item go) from here on */
        }
        st->group_leader = 0;
        pthread_cond_broadcast(&st->group_cv);
    }
    pthread_mutex_unlock(&st->group_mu);
    if (self.rc)
        err_set("%s", self.err);
    return self.rc;
}
