/* fuzz_inv_token.c — the inventory list's continuation-token decoder: whatever it accepts must
 * be exactly what the encoder writes for the id it returns. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inv_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char id[INV_ID_MAX + 1];
    if (inv_token_decode((const char *)data, size, id) != 0)
        return 0;
    char again[INV_TOKEN_MAX + 1];
    inv_token_encode(id, again);
    if (strlen(again) != size || memcmp(again, data, size) != 0)
        abort();
    return 0;
}
