/* cmd_master_key.c — `stocktake admin [--data DIR] master-key rotate [--master-key-file OLD]
 * [--new-key-file NEW]`: re-wrap every SSE-S3 data key under a new master key, without
 * rewriting any object (docs/internals/SSE.md). Run it with the server stopped.
 *
 * The old key comes from where serve takes it (STOCKTAKE_MASTER_KEY, --master-key-file,
 * DATA/master.key). The new key is NEW (read, or created 0600) or, without --new-key-file,
 * OLD's file + ".new", which replaces the old file at the end. Every record is re-wrapped in
 * one metadata transaction; then the data directory records the new key's id. Interrupted, it
 * is run again: the ".new" key is reused and records already under it are left alone. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "crypto/keys.h"
#include "meta/meta.h"

struct rotate {
    struct keys_master from, to;
};

static int rotate_one(void *ctx, const char *sse, char **out)
{
    struct rotate *rt = ctx;
    return keys_rewrap(&rt->from, &rt->to, sse, out);
}

/* The key now in use; a rotation needs one to exist. */
static int rotate_old_key(const char *old_file, const char *data, struct keys_master *k, char *path,
                          size_t size)
{
    snprintf(path, size, "%s", old_file ? old_file : "");
    if (!old_file)
        snprintf(path, size, "%s/%s", data, KEYS_DEFAULT_FILE);
    const char *env = getenv(KEYS_ENV);
    struct stat st;
    if (!(env && *env) && stat(path, &st) != 0) {
        err_set("no master key to rotate at %s", path);
        return ERR_NOTFOUND;
    }
    int created = 0;
    int rc = keys_master_load(old_file, data, k, &created);
    return rc ? rc : keys_master_check_dir(k, data);
}

static int rotate_run(struct meta_store *meta, const char *data, const char *old_file,
                      const char *new_file)
{
    struct rotate rt;
    char old_path[PATH_MAX], next[PATH_MAX + 8];
    int created = 0, from_env = getenv(KEYS_ENV) && *getenv(KEYS_ENV);
    int rc = rotate_old_key(old_file, data, &rt.from, old_path, sizeof(old_path));
    if (!rc && !new_file && from_env) {
        err_set("the master key comes from %s: name the new key's file (--new-key-file)", KEYS_ENV);
        rc = ERR_INVALID;
    }
    snprintf(next, sizeof(next), "%s%s", new_file ? new_file : old_path, new_file ? "" : ".new");
    if (!rc)
        rc = keys_master_file(next, &rt.to, &created);
    if (!rc && strcmp(rt.to.id, rt.from.id) == 0) {
        err_set("the new master key is the old one");
        rc = ERR_INVALID;
    }
    long changed = 0;
    if (!rc)
        rc = meta_sse_rewrite(meta, rotate_one, &rt, &changed);
    if (!rc && !new_file && rename(next, old_path) != 0) {
        err_set("cannot move %s to %s", next, old_path);
        rc = ERR_IO;
    }
    if (!rc)
        rc = keys_master_record_dir(&rt.to, data);
    if (!rc)
        printf("re-wrapped %ld data keys: master key %s -> %s (in %s)\n", changed, rt.from.id,
               rt.to.id, new_file ? new_file : old_path);
    memset(&rt, 0, sizeof(rt));
    return rc;
}

int cli_master_key(struct meta_store *meta, const char *data, int argc, char **argv)
{
    static const struct option longopts[] = {{"master-key-file", required_argument, NULL, 'K'},
                                             {"new-key-file", required_argument, NULL, 'N'},
                                             {NULL, 0, NULL, 0}};
    const char *old_file = NULL, *new_file = NULL;
    if (argc < 2 || strcmp(argv[1], "rotate") != 0)
        return 2;
    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
        if (c == 'K')
            old_file = optarg;
        else if (c == 'N')
            new_file = optarg;
        else
            return 2;
    }
    if (optind != argc - 1)
        return 2;
    return rotate_run(meta, data, old_file, new_file) ? -1 : 0;
}
