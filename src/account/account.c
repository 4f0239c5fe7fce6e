/* account.c — account and access key creation (see account.h). */
#include "account/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/hash.h"

static void account_random_chars(char *out, size_t n, const char *alphabet)
{
    size_t k = strlen(alphabet);
    uint8_t raw[64];
    hash_random(raw, n);
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[raw[i] % k];
    out[n] = '\0';
}

static void account_new_ids(struct meta_account *a)
{
    account_random_chars(a->id, 12, "0123456789");
    if (a->id[0] == '0')
        a->id[0] = '1';
    uint8_t raw[32];
    hash_random(raw, sizeof(raw));
    hash_hex(raw, sizeof(raw), a->canonical_id);
}

int account_key_add(struct meta_store *meta, const char *account_id, const char *access_key,
                    const char *secret, struct meta_access_key *out)
{
    memset(out, 0, sizeof(*out));
    if (access_key && (strlen(access_key) < 3 || strlen(access_key) >= sizeof(out->access_key))) {
        err_set("the access key must be 3 to 128 characters");
        return ERR_INVALID;
    }
    if (secret && (strlen(secret) < 8 || strlen(secret) >= sizeof(out->secret))) {
        err_set("the secret key must be 8 to 128 characters");
        return ERR_INVALID;
    }
    if (access_key) {
        snprintf(out->access_key, sizeof(out->access_key), "%s", access_key);
    } else {
        memcpy(out->access_key, "STK", 3);
        account_random_chars(out->access_key + 3, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    }
    if (secret)
        snprintf(out->secret, sizeof(out->secret), "%s", secret);
    else
        account_random_chars(out->secret, 40,
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    snprintf(out->account_id, sizeof(out->account_id), "%s", account_id);
    out->created_ms = clock_now_ms();
    return meta_key_create(meta, out);
}

int account_create(struct meta_store *meta, const char *name, struct meta_account *out,
                   struct meta_access_key *out_key)
{
    memset(out, 0, sizeof(*out));
    if (!name || !name[0] || strlen(name) >= sizeof(out->name)) {
        err_set("an account name has 1 to 64 characters");
        return ERR_INVALID;
    }
    snprintf(out->name, sizeof(out->name), "%s", name);
    out->created_ms = clock_now_ms();
    int rc;
    do { /* a random id may collide; try another */
        account_new_ids(out);
        rc = meta_account_create(meta, out);
    } while (rc == ERR_EXISTS);
    if (rc)
        return rc;
    return account_key_add(meta, out->id, NULL, NULL, out_key);
}

struct account_first {
    struct meta_access_key *key;
    int found;
};

static int account_first_key(void *payload, const struct meta_access_key *k)
{
    struct account_first *f = payload;
    *f->key = *k;
    f->found = 1;
    return 1;
}

static int account_count(void *payload, const struct meta_account *a)
{
    (void)a;
    (*(int *)payload)++;
    return 0;
}

int account_ensure_root(struct meta_store *meta, struct meta_access_key *out_key, int *created)
{
    const char *env_key = getenv("STOCKTAKE_ROOT_ACCESS_KEY");
    const char *env_secret = getenv("STOCKTAKE_ROOT_SECRET_KEY");
    int n = 0;
    *created = 0;
    int rc = meta_account_list(meta, account_count, &n);
    if (rc)
        return rc;
    if (n == 0) {
        struct meta_account root;
        struct meta_access_key k;
        *created = 1;
        if (env_key && env_secret) {
            memset(&root, 0, sizeof(root));
            snprintf(root.name, sizeof(root.name), "root");
            root.created_ms = clock_now_ms();
            account_new_ids(&root);
            rc = meta_account_create(meta, &root);
            if (!rc)
                rc = account_key_add(meta, root.id, env_key, env_secret, out_key);
            return rc;
        }
        rc = account_create(meta, "root", &root, &k);
        if (!rc)
            *out_key = k;
        return rc;
    }
    if (env_key && env_secret) {
        if (meta_key_get(meta, env_key, out_key) == 0)
            return 0;
        err_set("STOCKTAKE_ROOT_ACCESS_KEY is set but this data directory has other keys");
        return ERR_INVALID;
    }
    struct account_first f = {out_key, 0};
    rc = meta_key_list(meta, account_first_key, &f);
    if (rc == 1)
        rc = 0;
    if (!rc && !f.found) {
        err_set("no access key exists");
        return ERR_NOTFOUND;
    }
    return rc;
}
