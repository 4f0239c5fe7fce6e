/* inv_token.c — continuation tokens of the inventory configuration list (see inv_token.h). */
#include "inventory/inv_token.h"

#include <stdint.h>
#include <string.h>

#include "core/hash.h"

void inv_token_encode(const char *id, char out[INV_TOKEN_MAX + 1])
{
    uint8_t raw[INV_ID_MAX + 1];
    size_t n = strnlen(id, INV_ID_MAX);
    raw[0] = 'i';
    memcpy(raw + 1, id, n);
    out[hash_base64(raw, n + 1, out)] = '\0';
}

int inv_token_decode(const char *token, size_t len, char out_id[INV_ID_MAX + 1])
{
    uint8_t raw[3 * INV_TOKEN_MAX / 4 + 3];
    out_id[0] = '\0';
    if (len < 4 || len > INV_TOKEN_MAX || memchr(token, '\0', len))
        return ERR_INVALID;
    long n = hash_unbase64(token, len, raw);
    if (n < 2 || n > INV_ID_MAX + 1 || raw[0] != 'i' || memchr(raw + 1, '\0', (size_t)n - 1))
        return ERR_INVALID;
    char id[INV_ID_MAX + 1];
    memcpy(id, raw + 1, (size_t)n - 1);
    id[n - 1] = '\0';
    if (!inv_config_id_valid(id))
        return ERR_INVALID;
    /* only the canonical spelling: no stray padding, no bits past the last byte */
    char again[INV_TOKEN_MAX + 1];
    inv_token_encode(id, again);
    if (strlen(again) != len || memcmp(again, token, len) != 0)
        return ERR_INVALID;
    memcpy(out_id, id, (size_t)n);
    return 0;
}
