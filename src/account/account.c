/* account.c — account and access key creation (see account.h). */
#include "account/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

int account_key_check(const char *access_key, const char *secret)
{
    size_t n = strlen(access_key);
    int alnum = n > 0;
    for (const char *c = access_key; *c && alnum; c++)
        alnum = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9');
    if (n < ACCOUNT_ACCESS_KEY_MIN || n > ACCOUNT_ACCESS_KEY_MAX || !alnum) {
        err_set("an access key id must be %d to %d characters of A-Z, a-z and 0-9 (as AWS, so "
                "that it can travel in a SigV4 Credential)",
                ACCOUNT_ACCESS_KEY_MIN, ACCOUNT_ACCESS_KEY_MAX);
        return ERR_INVALID;
    }
    n = strlen(secret);
    if (n < ACCOUNT_SECRET_MIN || n > ACCOUNT_SECRET_MAX) {
        err_set("a secret key must be %d to %d characters", ACCOUNT_SECRET_MIN, ACCOUNT_SECRET_MAX);
        return ERR_INVALID;
    }
    return 0;
}

int account_key_add(struct meta_store *meta, const char *account_id, const char *access_key,
                    const char *secret, struct meta_access_key *out)
{
    memset(out, 0, sizeof(*out));
    if ((access_key || secret) &&
        (!access_key || !secret || account_key_check(access_key, secret))) {
        if (!access_key || !secret)
            err_set("give both the access key id and the secret key, or neither");
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

struct account_email_find {
    const char *email;
    struct meta_account *out;
    int found;
};

static int account_email_cb(void *payload, const struct meta_account *a)
{
    struct account_email_find *f = payload;
    if (a->email[0] && strcasecmp(a->email, f->email) == 0) {
        *f->out = *a;
        f->found = 1;
    }
    return 0;
}

int account_find_by_email(struct meta_store *meta, const char *email, struct meta_account *out)
{
    struct account_email_find f = {email, out, 0};
    int rc = meta_account_list(meta, account_email_cb, &f);
    if (rc)
        return rc;
    return f.found ? 0 : ERR_NOTFOUND;
}

/* An address as AWS takes it for AmazonCustomerByEmail: local@domain, printable, no spaces. */
static int account_email_check(const char *email)
{
    size_t n = strlen(email);
    const char *at = strchr(email, '@');
    if (n < 3 || n > 128 || !at || at == email || !at[1] || strchr(at + 1, '@')) {
        err_set("an e-mail address is local@domain, at most 128 characters");
        return ERR_INVALID;
    }
    for (const char *p = email; *p; p++) {
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || *p == '"' || *p == ',') {
            err_set("an e-mail address is local@domain, at most 128 characters");
            return ERR_INVALID;
        }
    }
    return 0;
}

int account_create(struct meta_store *meta, const char *name, const char *email,
                   struct meta_account *out, struct meta_access_key *out_key)
{
    memset(out, 0, sizeof(*out));
    if (!name || !name[0] || strlen(name) >= sizeof(out->name)) {
        err_set("an account name has 1 to 64 characters");
        return ERR_INVALID;
    }
    int rc;
    if (email) {
        struct meta_account other;
        if ((rc = account_email_check(email)) != 0)
            return rc;
        rc = account_find_by_email(meta, email, &other);
        if (rc == 0) {
            err_set("account %s has the e-mail address %s already", other.id, email);
            return ERR_EXISTS;
        }
        if (rc != ERR_NOTFOUND)
            return rc;
        snprintf(out->email, sizeof(out->email), "%s", email);
    }
    snprintf(out->name, sizeof(out->name), "%s", name);
    out->created_ms = clock_now_ms();
    int tries = 0;
    do { /* a random id may collide; try another (a few times: ERR_EXISTS may be the address) */
        account_new_ids(out);
        rc = meta_account_create(meta, out);
    } while (rc == ERR_EXISTS && ++tries < 8);
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

/* STOCKTAKE_ROOT_ACCESS_KEY and STOCKTAKE_ROOT_SECRET_KEY: both or neither, and valid. */
static int account_root_env(const char **key, const char **secret)
{
    *key = getenv("STOCKTAKE_ROOT_ACCESS_KEY");
    *secret = getenv("STOCKTAKE_ROOT_SECRET_KEY");
    if (!*key && !*secret)
        return 0;
    if (!*key || !*secret) {
        err_set("set both STOCKTAKE_ROOT_ACCESS_KEY and STOCKTAKE_ROOT_SECRET_KEY, or neither");
        return ERR_INVALID;
    }
    if (account_key_check(*key, *secret)) {
        char why[256];
        snprintf(why, sizeof(why), "%s", err_msg());
        err_set("STOCKTAKE_ROOT_ACCESS_KEY / STOCKTAKE_ROOT_SECRET_KEY: %s", why);
        return ERR_INVALID;
    }
    return 0;
}

int account_ensure_root(struct meta_store *meta, struct meta_access_key *out_key, int *created)
{
    const char *env_key, *env_secret;
    int n = 0;
    *created = 0;
    int rc = account_root_env(&env_key, &env_secret);
    if (!rc)
        rc = meta_account_list(meta, account_count, &n);
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
        rc = account_create(meta, "root", NULL, &root, &k);
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
