/* s3_inventory_store.c — the request-free part of Put and Get BucketInventoryConfiguration
 * (see s3_inventory_store.h). */
#include "s3/s3_inventory_store.h"

#include <stdio.h>
#include <string.h>

#include "inventory/inv_config.h"
#include "inventory/inv_format.h"
#include "inventory/inv_keys.h"
#include "core/xmlw.h"

/* Every key a report of c writes must fit S3's 1,024 bytes: a destination Prefix that makes
 * them longer is refused here, never cut at run time. */
static enum s3_error s3_inventory_check_keys(const char *bucket, const struct inv_config *c,
                                             struct s3_inventory_put_error *err)
{
    const struct inv_format_ops *f = inv_format_find(c->format);
    size_t longest = inv_keys_longest(c->prefix, bucket, c->id, f ? f->extension : ".parquet");
    if (longest <= INV_KEY_MAX)
        return S3_OK;
    snprintf(err->message, sizeof(err->message),
             "The destination prefix is too long: report keys would be %zu bytes, "
             "more than the %d allowed",
             longest, INV_KEY_MAX);
    err->argument_name = "Prefix";
    return S3E_INVALID_ARGUMENT;
}

enum s3_error s3_inventory_put(struct meta_store *meta, const char *bucket, const char *id,
                               const char *xml, size_t len, struct s3_inventory_put_error *err)
{
    err->message[0] = '\0';
    err->argument_name = NULL;
    struct inv_config c;
    if (!id || inv_config_parse(&c, xml, len))
        return S3E_MALFORMED_XML;
    enum s3_error e = S3_OK;
    const char *dest_error = NULL;
    if (strcmp(id, c.id) != 0)
        e = S3E_ID_MISMATCH;
    else if ((dest_error = inv_config_destination_error(&c, NULL)) != NULL) {
        snprintf(err->message, sizeof(err->message), "%s", dest_error);
        e = S3E_INVALID_S3_DESTINATION_BUCKET;
    }
    if (!e)
        e = s3_inventory_check_keys(bucket, &c, err);
    struct buf stored;
    buf_init(&stored, 1u << 20);
    if (!e && inv_config_render(&c, &stored))
        e = S3E_INTERNAL_ERROR;
    if (!e) {
        int rc = meta_inventory_put(meta, bucket, c.id, stored.data, S3_INVENTORY_MAX_CONFIGS);
        e = rc == ERR_TOOBIG ? S3E_TOO_MANY_CONFIGURATIONS : s3_error_from_rc(rc);
    }
    buf_dispose(&stored);
    inv_config_dispose(&c);
    return e;
}

int s3_inventory_document(const char *stored, struct buf *out)
{
    int rc = buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                           "<InventoryConfiguration xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = buf_puts(out, stored);
    return rc ? rc : buf_puts(out, "</InventoryConfiguration>");
}
