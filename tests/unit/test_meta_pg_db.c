/* test_meta_pg_db.c — meta_test_pg.h: throw-away databases for the conformance tests (no
 * test cases of its own). */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meta_test_pg.h"

int meta_test_pg_enabled(void)
{
    const char *uri = getenv("STOCKTAKE_TEST_PG_URI");
    return uri && *uri;
}

static int pg_admin(const char *sql)
{
    PGconn *c = PQconnectdb(getenv("STOCKTAKE_TEST_PG_URI"));
    int ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "meta_test_pg: %s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
    } else {
        fprintf(stderr, "meta_test_pg: %s", PQerrorMessage(c));
    }
    PQfinish(c);
    return ok ? 0 : -1;
}

int meta_test_pg_create(char *conninfo, size_t conninfo_size, char *name, size_t name_size)
{
    static unsigned n;
    snprintf(name, name_size, "st_unit_%ld_%u", (long)getpid(), n++);
    char sql[128];
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    if (pg_admin(sql) != 0)
        return -1;
    /* the server's URI or conninfo with dbname replaced, as key=value pairs */
    PQconninfoOption *opts = PQconninfoParse(getenv("STOCKTAKE_TEST_PG_URI"), NULL);
    if (!opts)
        return -1;
    size_t len = 0;
    conninfo[0] = '\0';
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val || strcmp(o->keyword, "dbname") == 0)
            continue;
        len += (size_t)snprintf(conninfo + len, len < conninfo_size ? conninfo_size - len : 0,
                                "%s='%s' ", o->keyword, o->val);
    }
    if (len < conninfo_size)
        snprintf(conninfo + len, conninfo_size - len, "dbname=%s", name);
    PQconninfoFree(opts);
    return len < conninfo_size ? 0 : -1;
}

void meta_test_pg_drop(const char *name)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
    (void)pg_admin(sql);
}
