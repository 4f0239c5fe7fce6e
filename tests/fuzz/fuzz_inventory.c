/* fuzz_inventory.c — the InventoryConfiguration parser, and rendering and the destination check
 * of whatever it accepts. */
#include <stdint.h>

#include "inventory/inv_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct inv_config c;
    if (inv_config_parse(&c, (const char *)data, size))
        return 0;
    struct buf b;
    buf_init(&b, 1u << 20);
    if (inv_config_render(&c, &b) == 0) {
        struct inv_config again;
        if (inv_config_parse(&again, b.data, b.len) == 0) /* what we render must parse */
            inv_config_dispose(&again);
    }
    const char *name = NULL;
    (void)inv_config_destination_error(&c, &name);
    buf_dispose(&b);
    inv_config_dispose(&c);
    return 0;
}
