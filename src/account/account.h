/* account.h — creating accounts and access keys with the identifiers AWS uses: a 12-digit
 * account id, a 64-hex canonical user id, a 20-character access key id and a 40-character
 * secret. */
#ifndef STOCKTAKE_ACCOUNT_H
#define STOCKTAKE_ACCOUNT_H

#include "meta/meta.h"

/* Create an account named name with one new access key (written to *out_key). */
int account_create(struct meta_store *meta, const char *name, struct meta_account *out,
                   struct meta_access_key *out_key) WARN_UNUSED;
/* Add an access key to an existing account. access_key/secret NULL → generated. */
int account_key_add(struct meta_store *meta, const char *account_id, const char *access_key,
                    const char *secret, struct meta_access_key *out) WARN_UNUSED;
/* On first start, create the root account (keys from the environment variables
 * STOCKTAKE_ROOT_ACCESS_KEY / STOCKTAKE_ROOT_SECRET_KEY when set). *created tells whether it
 * was made now; *out_key receives the root's first key either way. */
int account_ensure_root(struct meta_store *meta, struct meta_access_key *out_key,
                        int *created) WARN_UNUSED;

#endif
