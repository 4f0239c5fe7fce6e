/* cmd_admin.c — `stocktake admin`: accounts and access keys on a data directory, with or
 * without a server running on it. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "account/account.h"
#include "cli/cli.h"
#include "meta/meta.h"

static void admin_usage(void)
{
    fprintf(stderr, "usage: stocktake admin [--data DIR] account add NAME [--email ADDRESS]\n"
                    "       stocktake admin [--data DIR] key add ACCOUNT_ID [ACCESS_KEY SECRET]\n"
                    "       stocktake admin [--data DIR] list [--secrets]\n"
                    "       stocktake admin [--data DIR] master-key rotate "
                    "[--master-key-file OLD] [--new-key-file NEW]\n"
                    "         (re-wrap every SSE-S3 data key under a new master key; stop the "
                    "server first)\n"
                    "       stocktake admin [--data DIR] notify add ARN webhook|mqtt URL "
                    "[--auth-token T]\n"
                    "         (URL: http(s)://… or mqtt://[user@]host[:port]/topic)\n"
                    "       stocktake admin [--data DIR] notify list\n"
                    "       stocktake admin [--data DIR] notify remove ARN\n"
                    "         (the targets of event notifications: ARNs that bucket "
                    "notification configurations name)\n"
                    "       stocktake admin [--data DIR] remote add NAME --endpoint URL "
                    "--access-key K --secret-key S [--region R]\n"
                    "       stocktake admin [--data DIR] remote list\n"
                    "       stocktake admin [--data DIR] remote remove NAME\n"
                    "         (other S3 endpoints: a replication rule's Destination Account = "
                    "NAME; never 12 digits)\n"
                    "ACCESS_KEY: 16 to 128 characters of A-Z a-z 0-9; SECRET: 16 to 128 "
                    "characters.\n");
}

static void admin_print_key(const struct meta_access_key *k, int secrets)
{
    printf("  key %s%s%s\n", k->access_key, secrets ? "  secret " : "", secrets ? k->secret : "");
}

struct admin_list {
    struct meta_store *meta;
    int secrets;
    const char *account_id;
};

static int admin_list_key(void *payload, const struct meta_access_key *k)
{
    struct admin_list *l = payload;
    if (strcmp(k->account_id, l->account_id) == 0)
        admin_print_key(k, l->secrets);
    return 0;
}

static int admin_list_account(void *payload, const struct meta_account *a)
{
    struct admin_list *l = payload;
    printf("account %s  name %s  canonical-id %s%s%s\n", a->id, a->name, a->canonical_id,
           a->email[0] ? "  email " : "", a->email);
    l->account_id = a->id;
    return meta_key_list(l->meta, admin_list_key, l);
}

static int admin_run(struct meta_store *meta, int argc, char **argv)
{
    struct meta_account a;
    struct meta_access_key k;
    if ((argc == 3 || (argc == 5 && strcmp(argv[3], "--email") == 0)) &&
        strcmp(argv[0], "account") == 0 && strcmp(argv[1], "add") == 0) {
        if (account_create(meta, argv[2], argc == 5 ? argv[4] : NULL, &a, &k))
            return -1;
        printf("account %s  name %s  canonical-id %s%s%s\n", a.id, a.name, a.canonical_id,
               a.email[0] ? "  email " : "", a.email);
        admin_print_key(&k, 1);
        return 0;
    }
    if ((argc == 3 || argc == 5) && strcmp(argv[0], "key") == 0 && strcmp(argv[1], "add") == 0) {
        if (meta_account_get(meta, argv[2], &a) ||
            account_key_add(meta, a.id, argc == 5 ? argv[3] : NULL, argc == 5 ? argv[4] : NULL, &k))
            return -1;
        printf("account %s\n", a.id);
        admin_print_key(&k, 1);
        return 0;
    }
    if (argc >= 1 && strcmp(argv[0], "list") == 0) {
        struct admin_list l = {meta, argc == 2 && strcmp(argv[1], "--secrets") == 0, NULL};
        return meta_account_list(meta, admin_list_account, &l);
    }
    admin_usage();
    return 2;
}

int cli_admin(int argc, char **argv)
{
    const char *data = "./data";
    int i = 1;
    if (argc > 2 && strcmp(argv[1], "--data") == 0) {
        data = argv[2];
        i = 3;
    }
    if (i >= argc) {
        admin_usage();
        return 2;
    }
    struct meta_store *meta = NULL;
    struct meta_config mc = cli_meta_config(data, 0);
    if (meta_open(&meta, &mc)) {
        fprintf(stderr, "stocktake: %s\n", err_msg());
        return 1;
    }
    int rc = strcmp(argv[i], "master-key") == 0 ? cli_master_key(meta, data, argc - i, argv + i)
             : strcmp(argv[i], "notify") == 0   ? cli_notify(meta, argc - i, argv + i)
             : strcmp(argv[i], "remote") == 0   ? cli_remote(meta, argc - i, argv + i)
                                                : admin_run(meta, argc - i, argv + i);
    if (rc == 2)
        admin_usage();
    if (rc < 0)
        fprintf(stderr, "stocktake: %s\n", err_msg());
    meta_close(meta);
    return rc < 0 ? 1 : rc;
}
