/* account.h — creating accounts and access keys with the identifiers AWS uses: a 12-digit
 * account id, a 64-hex canonical user id, a 20-character access key id and a 40-character
 * secret. */
#ifndef STOCKTAKE_ACCOUNT_H
#define STOCKTAKE_ACCOUNT_H

#include "meta/meta.h"

/* Create an account named name, with the e-mail address email (NULL: none; grants to
 * AmazonCustomerByEmail resolve to the account that has it), and one new access key (written to
 * *out_key). ERR_INVALID for a malformed name or address, ERR_EXISTS when another account has
 * the address. */
int account_create(struct meta_store *meta, const char *name, const char *email,
                   struct meta_account *out, struct meta_access_key *out_key) WARN_UNUSED;
/* The account whose e-mail address is email (compared without case), into *out; ERR_NOTFOUND. */
int account_find_by_email(struct meta_store *meta, const char *email,
                          struct meta_account *out) WARN_UNUSED;
#define ACCOUNT_ACCESS_KEY_MIN 16
#define ACCOUNT_ACCESS_KEY_MAX 128 /* SIGV4_ACCESS_KEY_MAX */
#define ACCOUNT_SECRET_MIN 16
#define ACCOUNT_SECRET_MAX 128

/* Can this pair be used to sign requests? The access key id: 16 to 128 characters of
 * [A-Za-z0-9] (as AWS; anything else cannot travel in a SigV4 Credential, whose fields are
 * '/'-separated); the secret: 16 to 128 characters. ERR_INVALID with a message otherwise. */
int account_key_check(const char *access_key, const char *secret) WARN_UNUSED;

/* Add an access key to an existing account. access_key and secret both NULL → generated;
 * given, they must pass account_key_check. */
int account_key_add(struct meta_store *meta, const char *account_id, const char *access_key,
                    const char *secret, struct meta_access_key *out) WARN_UNUSED;
/* On first start, create the root account (keys from the environment variables
 * STOCKTAKE_ROOT_ACCESS_KEY / STOCKTAKE_ROOT_SECRET_KEY when set). *created tells whether it
 * was made now; *out_key receives the root's first key either way. */
int account_ensure_root(struct meta_store *meta, struct meta_access_key *out_key,
                        int *created) WARN_UNUSED;

#endif
