/* meta_sqlite_stmt.c — the prepared-statement cache of the SQLite backend.
 *
 * Parsing and planning a statement cost more than running these one-row lookups (perf: 37% of
 * a small GET's CPU was sqlite3_prepare_v2), so the hot queries keep their statements. The
 * cache is per thread, as the connections are (meta_sqlite_connect): a slot is (connection,
 * SQL text) and is handed out to one user at a time; a statement asked for while its slot is
 * in use, or when every slot is, is prepared afresh and finalized when done. A statement given
 * back is reset at once, so none holds a read snapshot between uses. Closing a connection
 * forgets its slots first (meta_sqlite_stmt_forget). */
#include <string.h>

#include "meta/meta_sqlite_int.h"

#define STMT_SLOTS 64

struct stmt_slot {
    sqlite3 *db;
    const char *sql; /* the caller's text (compared by content: it may be a buffer) */
    sqlite3_stmt *stmt;
    int in_use;
};

static _Thread_local struct stmt_slot stmt_cache[STMT_SLOTS];
static _Thread_local unsigned stmt_victim;

int meta_sqlite_stmt(sqlite3 *db, const char *sql, sqlite3_stmt **out)
{
    struct stmt_slot *slot = NULL;
    int busy = 0;
    for (int i = 0; i < STMT_SLOTS; i++) {
        struct stmt_slot *sl = &stmt_cache[i];
        if (!sl->stmt) {
            if (!slot)
                slot = sl;
        } else if (sl->db == db && sl->sql == sql && strcmp(sqlite3_sql(sl->stmt), sql) == 0) {
            if (!sl->in_use) {
                sl->in_use = 1;
                *out = sl->stmt;
                return 0;
            }
            busy = 1; /* a second user of the same text at once (a nested query) */
        }
    }
    if (busy) {
        slot = NULL;
    } else if (!slot) { /* evict one not in use, round robin */
        for (int n = 0; n < STMT_SLOTS && !slot; n++) {
            struct stmt_slot *sl = &stmt_cache[stmt_victim++ % STMT_SLOTS];
            if (!sl->in_use) {
                sqlite3_finalize(sl->stmt);
                memset(sl, 0, sizeof(*sl));
                slot = sl;
            }
        }
    }
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v3(db, sql, -1, slot ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, NULL) !=
        SQLITE_OK)
        return meta_sqlite_fail(db, "prepare");
    if (slot)
        *slot = (struct stmt_slot){db, sql, stmt, 1};
    *out = stmt;
    return 0;
}

void meta_sqlite_stmt_done(sqlite3_stmt *stmt)
{
    for (int i = 0; i < STMT_SLOTS; i++) {
        struct stmt_slot *sl = &stmt_cache[i];
        if (sl->stmt == stmt && sl->in_use) {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            sl->in_use = 0;
            return;
        }
    }
    sqlite3_finalize(stmt);
}

void meta_sqlite_stmt_forget(sqlite3 *db)
{
    for (int i = 0; i < STMT_SLOTS; i++) {
        struct stmt_slot *sl = &stmt_cache[i];
        if (sl->stmt && sl->db == db) {
            sqlite3_finalize(sl->stmt);
            memset(sl, 0, sizeof(*sl));
        }
    }
}
