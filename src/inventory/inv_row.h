/* inv_row.h — the columns of a report and one row of typed values.
 *
 * Columns are Bucket, Key, the version trio for All, then the requested optional fields in
 * AWS's canonical order (never the request order; repeats collapse). Values are typed
 * (string, integer, boolean, timestamp in ms, or null) so every format renders them its own
 * way; the fields whose feature Stocktake does not have yet carry what AWS writes for an
 * object without it (research/inventory-format.md §3.3). Stocktake's extension fields (Tags,
 * UserMetadata, ContentType) come after all of AWS's columns, in that order. */
#ifndef STOCKTAKE_INVENTORY_ROW_H
#define STOCKTAKE_INVENTORY_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "authz/acl_json.h"
#include "inventory/inv_config.h"
#include "inventory/inv_map.h"
#include "meta/meta.h"

#define INV_COLUMN_MAX (6 + INV_FIELD_COUNT)

enum inv_column {
    INV_COL_BUCKET,
    INV_COL_KEY,
    INV_COL_VERSION_ID,
    INV_COL_IS_LATEST,
    INV_COL_IS_DELETE_MARKER,
    INV_COL_FIELD0 /* + enum inv_field */
};
/* A change report's last column (EventType, event_type; docs/INVENTORY-EXTENSIONS.md) */
#define INV_COL_EVENT_TYPE (INV_COL_FIELD0 + INV_FIELD_COUNT)

struct inv_columns {
    size_t n;
    int cols[INV_COLUMN_MAX]; /* enum inv_column, or INV_COL_FIELD0 + enum inv_field */
};

enum inv_kind { INV_NULL, INV_STRING, INV_INT, INV_BOOL, INV_TIMESTAMP, INV_MAP };

struct inv_value {
    enum inv_kind kind;
    const char *s; /* INV_STRING: borrowed from the object, the row or a constant */
    int64_t i;     /* INV_INT, INV_BOOL (0/1), INV_TIMESTAMP (ms since epoch) */
    /* INV_MAP: n_pairs pairs sorted by key, keys unique; borrowed from the row (its maps) */
    const struct inv_pair *pairs;
    size_t n_pairs;
};

/* The map columns a row can carry (Tags, UserMetadata). */
#define INV_ROW_MAPS 2

struct inv_row {
    struct inv_value v[INV_COLUMN_MAX];
    char etag[80];
    char acl[(ACL_JSON_MAX + 2) / 3 * 4 + 1]; /* base64 of the ACL JSON (authz/acl_json.h) */
    char acl_default_of[72]; /* acl holds this owner's default ACL (most rows: kept) */
    /* LifecycleExpirationDate, set by the caller before inv_row_fill (inv_expiry.h); 0: none */
    int64_t lifecycle_expiration_ms;
    /* Owned by the row, valid until the next inv_row_fill or inv_row_dispose: the decoded
     * tag set and user metadata, the Content-Type. The values of the row borrow them. */
    struct inv_map maps[INV_ROW_MAPS];
    char *content_type;
    /* EventType of a change report's row, set by the caller before inv_row_fill */
    const char *event;
};

void inv_columns_build(const struct inv_config *c, struct inv_columns *out);
/* The CSV/fileSchema name of a column ("LastModifiedDate"). */
const char *inv_column_name(int col);
/* The ORC/Parquet/Athena name of a column ("last_modified_date"). */
const char *inv_column_snake_name(int col);
/* A row before its first fill (all zero also is), and the release of what it owns. */
void inv_row_init(struct inv_row *row);
void inv_row_dispose(struct inv_row *row);
/* Fill row for object version o of bucket; owner_canonical_id is the owner's canonical id.
 * Releases what the previous fill owned. ERR_INVALID when o's stored tags or headers do not
 * decode (err_msg says which). */
int inv_row_fill(struct inv_row *row, const struct inv_columns *cols, const char *bucket,
                 const struct meta_object *o, const char *owner_canonical_id) WARN_UNUSED;

#endif
