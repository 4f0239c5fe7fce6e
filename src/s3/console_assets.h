/* console_assets.h — the web console's files, embedded in the binary.
 *
 * The table is generated at build time (scripts/console_embed.sh writes build/gen/
 * console_assets.c from the bundle scripts/console_build.sh makes of console/). A build
 * without Node.js embeds no files: the console then answers 501 NotImplemented. */
#ifndef STOCKTAKE_S3_CONSOLE_ASSETS_H
#define STOCKTAKE_S3_CONSOLE_ASSETS_H

#include <stddef.h>

struct console_asset {
    const char *path;         /* below /_stocktake/console/: "index.html", "app.js" */
    const char *content_type; /* "text/html; charset=utf-8" */
    const unsigned char *data;
    size_t len;
};

extern const struct console_asset console_assets[];
extern const size_t console_assets_count;

#endif
