/* inv_token.h — the opaque continuation token of ListBucketInventoryConfigurations: standard
 * base64 of "i" followed by the first configuration id of the next page.
 *
 * Decoding accepts exactly what encoding produces (the canonical base64 of a valid id) and
 * nothing else: any other string, however long or odd, is refused before anything is copied. */
#ifndef STOCKTAKE_INVENTORY_TOKEN_H
#define STOCKTAKE_INVENTORY_TOKEN_H

#include <stddef.h>

#include "core/err.h"
#include "inventory/inv_config.h"

/* Longest token: base64 of 1 + INV_ID_MAX bytes. */
#define INV_TOKEN_MAX (4 * ((INV_ID_MAX + 1 + 2) / 3))

/* The token for id (a valid configuration id) into out (INV_TOKEN_MAX + 1 bytes). */
void inv_token_encode(const char *id, char out[INV_TOKEN_MAX + 1]);
/* The id a token names into out_id (INV_ID_MAX + 1 bytes); ERR_INVALID for anything that
 * inv_token_encode could not have produced. token is len bytes (need not be terminated). */
int inv_token_decode(const char *token, size_t len, char out_id[INV_ID_MAX + 1]) WARN_UNUSED;

#endif
