/* inv_format.c — the registry of report formats. */
#include "inventory/inv_format.h"

#include <string.h>

static const struct inv_format_ops *const inv_formats[] = {&inv_format_csv, &inv_format_parquet,
                                                           &inv_format_orc, &inv_format_json};

const struct inv_format_ops *inv_format_find(const char *name)
{
    for (size_t i = 0; i < sizeof(inv_formats) / sizeof(inv_formats[0]); i++) {
        if (strcmp(inv_formats[i]->name, name) == 0)
            return inv_formats[i];
    }
    return NULL;
}
