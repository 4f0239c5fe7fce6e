/* fuzz_inventory.c — the InventoryConfiguration parser, and rendering, the destination check
 * and the extension filter's matcher of whatever it accepts; what is rendered must parse back
 * as stored. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inv_config.h"
#include "inventory/inv_filter.h"

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
        if (buf_append(&b, "", 1) == 0) {
            if (inv_config_parse_stored(&again, b.data)) /* what we render must parse */
                abort();
            inv_config_dispose(&again);
        }
    }
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.key = (char *)"logs/2026/a.log";
    o.size = 100;
    o.tags = (char *)"env=prod&team=a%20b";
    (void)inv_filter_match(c.filter_ext, &o);
    o.is_delete_marker = 1;
    (void)inv_filter_match(c.filter_ext, &o);
    const char *name = NULL;
    (void)inv_config_destination_error(&c, &name);
    buf_dispose(&b);
    inv_config_dispose(&c);
    return 0;
}
