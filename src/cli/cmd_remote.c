/* cmd_remote.c — `stocktake admin remote add|list|remove`: the other S3 endpoints replication
 * rules can name (issue 13). A rule's Destination `arn:aws:s3:::BUCKET` with
 * `<Account>NAME</Account>` replicates to BUCKET on the remote NAME. Names are never 12 digits,
 * so they are never mistaken for an account id. The secret key is never printed (list shows
 * its last 4 characters) and never logged. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "meta/meta.h"

static int remote_print(void *payload, const struct meta_remote *r)
{
    (void)payload;
    size_t n = strlen(r->secret_key);
    printf("%s  %s  region %s  access-key %s  secret-key set, ends %s\n", r->name, r->endpoint,
           r->region, r->access_key, n >= 12 ? r->secret_key + n - 4 : "…");
    return 0;
}

static int remote_name_valid(const char *name)
{
    size_t n = strlen(name), digits = 0;
    if (n == 0 || n >= sizeof(((struct meta_remote *)0)->name))
        return 0;
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return 0;
        digits += isdigit((unsigned char)*p) != 0;
    }
    return !(n == 12 && digits == 12);
}

static int remote_field(char *dst, size_t size, const char *v, const char *what)
{
    if (!v[0] || strlen(v) >= size || strpbrk(v, "\r\n \t")) {
        err_set("the %s must be 1 to %zu characters without spaces", what, size - 1);
        return -1;
    }
    snprintf(dst, size, "%s", v);
    return 0;
}

static int remote_add(struct meta_store *meta, int argc, char **argv)
{
    /* add NAME --endpoint URL --access-key K --secret-key S [--region R] */
    struct meta_remote r;
    memset(&r, 0, sizeof(r));
    snprintf(r.region, sizeof(r.region), "us-east-1");
    if (argc < 3)
        return 2;
    int rc = 0;
    for (int i = 3; i < argc && !rc; i += 2) {
        if (i + 1 >= argc)
            return 2;
        const char *v = argv[i + 1];
        if (strcmp(argv[i], "--endpoint") == 0)
            rc = remote_field(r.endpoint, sizeof(r.endpoint), v, "endpoint");
        else if (strcmp(argv[i], "--access-key") == 0)
            rc = remote_field(r.access_key, sizeof(r.access_key), v, "access key");
        else if (strcmp(argv[i], "--secret-key") == 0)
            rc = remote_field(r.secret_key, sizeof(r.secret_key), v, "secret key");
        else if (strcmp(argv[i], "--region") == 0)
            rc = remote_field(r.region, sizeof(r.region), v, "region");
        else
            return 2;
    }
    if (!rc && (!r.endpoint[0] || !r.access_key[0] || !r.secret_key[0]))
        return 2;
    if (!rc && !remote_name_valid(argv[2])) {
        err_set("a remote name is 1 to 63 characters of A-Z a-z 0-9 . _ - and never 12 digits "
                "(those are account ids)");
        rc = -1;
    }
    if (!rc && strncmp(r.endpoint, "http://", 7) != 0 && strncmp(r.endpoint, "https://", 8) != 0) {
        err_set("the endpoint must be an http:// or https:// URL");
        rc = -1;
    }
    if (!rc) {
        size_t n = strlen(r.endpoint);
        while (n > 0 && r.endpoint[n - 1] == '/')
            r.endpoint[--n] = '\0';
        snprintf(r.name, sizeof(r.name), "%s", argv[2]);
        r.created_ms = clock_now_ms();
        rc = meta_remote_put(meta, &r) ? -1 : 0;
        if (!rc)
            remote_print(NULL, &r);
    }
    memset(r.secret_key, 0, sizeof(r.secret_key));
    return rc;
}

int cli_remote(struct meta_store *meta, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return remote_add(meta, argc, argv);
    if (argc == 2 && strcmp(argv[1], "list") == 0)
        return meta_remote_list(meta, remote_print, NULL) ? -1 : 0;
    if (argc == 3 && strcmp(argv[1], "remove") == 0) {
        if (meta_remote_delete(meta, argv[2]))
            return -1;
        printf("removed %s\n", argv[2]);
        return 0;
    }
    return 2;
}
