/* inv_row.c — report columns and row mapping (see inv_row.h). */
#include "inventory/inv_row.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/hash.h"
#include "crypto/keys.h"
#include "object/object.h"
#include "tiering/tier.h"

void inv_columns_build(const struct inv_config *c, struct inv_columns *out)
{
    int wanted[INV_FIELD_COUNT] = {0};
    out->n = 0;
    out->cols[out->n++] = INV_COL_BUCKET;
    out->cols[out->n++] = INV_COL_KEY;
    if (strcmp(c->included_versions, "All") == 0) {
        out->cols[out->n++] = INV_COL_VERSION_ID;
        out->cols[out->n++] = INV_COL_IS_LATEST;
        out->cols[out->n++] = INV_COL_IS_DELETE_MARKER;
    }
    /* AWS's report column order (research/inventory-format.md §2): not the API enum's order,
     * which puts StorageClass before ETag */
    static const enum inv_field canonical[INV_FIELD_COUNT] = {
        INV_FIELD_SIZE,
        INV_FIELD_LAST_MODIFIED_DATE,
        INV_FIELD_ETAG,
        INV_FIELD_STORAGE_CLASS,
        INV_FIELD_IS_MULTIPART_UPLOADED,
        INV_FIELD_REPLICATION_STATUS,
        INV_FIELD_ENCRYPTION_STATUS,
        INV_FIELD_OBJECT_LOCK_RETAIN_UNTIL_DATE,
        INV_FIELD_OBJECT_LOCK_MODE,
        INV_FIELD_OBJECT_LOCK_LEGAL_HOLD_STATUS,
        INV_FIELD_INTELLIGENT_TIERING_ACCESS_TIER,
        INV_FIELD_BUCKET_KEY_STATUS,
        INV_FIELD_CHECKSUM_ALGORITHM,
        INV_FIELD_OBJECT_ACCESS_CONTROL_LIST,
        INV_FIELD_OBJECT_OWNER,
        INV_FIELD_LIFECYCLE_EXPIRATION_DATE,
        /* Stocktake's extensions: after all of AWS's columns (docs/INVENTORY-EXTENSIONS.md) */
        INV_FIELD_TAGS,
        INV_FIELD_USER_METADATA,
        INV_FIELD_CONTENT_TYPE,
    };
    for (size_t i = 0; i < c->n_fields; i++)
        wanted[c->fields[i]] = 1;
    for (int i = 0; i < INV_FIELD_COUNT; i++) {
        if (wanted[canonical[i]])
            out->cols[out->n++] = INV_COL_FIELD0 + (int)canonical[i];
    }
    if (c->report_changes) /* after every other column: AWS-shaped readers keep working */
        out->cols[out->n++] = INV_COL_EVENT_TYPE;
}

const char *inv_column_name(int col)
{
    static const char *const fixed[] = {"Bucket", "Key", "VersionId", "IsLatest", "IsDeleteMarker"};
    if (col == INV_COL_EVENT_TYPE)
        return "EventType";
    return col < INV_COL_FIELD0 ? fixed[col]
                                : inv_field_name((enum inv_field)(col - INV_COL_FIELD0));
}

const char *inv_column_snake_name(int col)
{
    static const char *const names[] = {"bucket",
                                        "key",
                                        "version_id",
                                        "is_latest",
                                        "is_delete_marker",
                                        "size",
                                        "last_modified_date",
                                        "storage_class",
                                        "e_tag",
                                        "is_multipart_uploaded",
                                        "replication_status",
                                        "encryption_status",
                                        "object_lock_retain_until_date",
                                        "object_lock_mode",
                                        "object_lock_legal_hold_status",
                                        "intelligent_tiering_access_tier",
                                        "bucket_key_status",
                                        "checksum_algorithm",
                                        "object_access_control_list",
                                        "object_owner",
                                        "lifecycle_expiration_date",
                                        "tags",
                                        "user_metadata",
                                        "content_type"};
    return col == INV_COL_EVENT_TYPE ? "event_type" : names[col];
}

static struct inv_value inv_str(const char *s)
{
    struct inv_value v = {INV_STRING, s, 0, NULL, 0};
    return v;
}

static struct inv_value inv_int(enum inv_kind kind, int64_t i)
{
    struct inv_value v = {kind, NULL, i, NULL, 0};
    return v;
}

static const struct inv_value inv_null = {INV_NULL, NULL, 0, NULL, 0};

static struct inv_value inv_map(const struct inv_map *m)
{
    struct inv_value v = {INV_MAP, NULL, 0, m->pairs, m->n};
    return v;
}

/* The ACL as AWS reports it (research §5): the stored document (the form is the same), or
 * for the default ACL the owner's FULL_CONTROL grant. */
static void inv_row_acl(struct inv_row *row, const struct meta_object *o,
                        const char *owner_canonical_id)
{
    char json[320];
    const char *doc = o->acl;
    size_t n = doc ? strlen(doc) : 0;
    if (!doc || !n || n > ACL_JSON_MAX) {
        if (owner_canonical_id[0] && strcmp(row->acl_default_of, owner_canonical_id) == 0)
            return; /* the same owner's default ACL as the row before */
        int k = snprintf(json, sizeof(json),
                         "{\"version\":\"" ACL_JSON_VERSION "\",\"status\":\"AVAILABLE\","
                         "\"grants\":[{\"permission\":\"FULL_CONTROL\",\"type\":\"CanonicalUser\","
                         "\"canonicalId\":\"%s\"}]}",
                         owner_canonical_id);
        n = k < 0 || (size_t)k >= sizeof(json) ? 0 : (size_t)k;
        doc = json;
        row->acl[hash_base64((const uint8_t *)doc, n, row->acl)] = '\0';
        snprintf(row->acl_default_of, sizeof(row->acl_default_of), "%s", owner_canonical_id);
        return;
    }
    row->acl[hash_base64((const uint8_t *)doc, n, row->acl)] = '\0';
    row->acl_default_of[0] = '\0';
}

/* EncryptionStatus of a version whose encryption record is sse (object.h). */
static const char *inv_row_encryption(const char *sse)
{
    switch (obj_sse_mode_of(sse)) {
    case OBJ_SSE_S3:
        return "SSE-S3";
    case OBJ_SSE_C:
        return "SSE-C";
    case OBJ_SSE_KMS:
        return strncmp(sse, "1;" KEYS_MODE_DSSE ";", 2 + strlen(KEYS_MODE_DSSE) + 1) == 0
                   ? "DSSE-KMS"
                   : "SSE-KMS";
    case OBJ_SSE_NONE:
        break;
    }
    return "NOT-SSE";
}

/* BucketKeyStatus: an SSE-KMS record's fourth field ("1;mode;arn;1;…": ENABLED). */
static const char *inv_row_bucket_key(const char *sse)
{
    if (obj_sse_mode_of(sse) != OBJ_SSE_KMS)
        return "DISABLED";
    const char *p = sse;
    for (int i = 0; i < 3 && p; i++) {
        p = strchr(p, ';');
        p = p ? p + 1 : NULL;
    }
    return p && strncmp(p, "1;", 2) == 0 ? "ENABLED" : "DISABLED";
}

/* An optional field's value; delete markers carry only dates and the owner. */
static struct inv_value inv_row_field(struct inv_row *row, enum inv_field f,
                                      const struct meta_object *o, const char *owner)
{
    int dm = o->is_delete_marker;
    switch (f) {
    case INV_FIELD_SIZE:
        return dm ? inv_null : inv_int(INV_INT, o->size);
    case INV_FIELD_LAST_MODIFIED_DATE:
        return inv_int(INV_TIMESTAMP, o->last_modified_ms);
    case INV_FIELD_STORAGE_CLASS:
        return dm ? inv_null : inv_str(o->storage_class);
    case INV_FIELD_ETAG:
        return dm ? inv_null : inv_str(row->etag);
    case INV_FIELD_IS_MULTIPART_UPLOADED:
        return dm ? inv_null : inv_int(INV_BOOL, o->multipart != 0);
    case INV_FIELD_ENCRYPTION_STATUS: /* the version's encryption record (object.h) */
        return dm ? inv_null : inv_str(inv_row_encryption(o->sse));
    case INV_FIELD_INTELLIGENT_TIERING_ACCESS_TIER: /* the report spelling (tiering/tier.h) */
        return tier_is_intelligent(o) ? inv_str(tier_report_name(o->tier)) : inv_null;
    case INV_FIELD_BUCKET_KEY_STATUS: /* SSE-KMS records say (s3/s3_sse_kms.h) */
        return dm ? inv_null : inv_str(inv_row_bucket_key(o->sse));
    case INV_FIELD_CHECKSUM_ALGORITHM:
        return dm || !o->checksum_algorithm[0] ? inv_null : inv_str(o->checksum_algorithm);
    case INV_FIELD_OBJECT_ACCESS_CONTROL_LIST:
        if (dm)
            return inv_null;
        inv_row_acl(row, o, owner);
        return inv_str(row->acl);
    case INV_FIELD_OBJECT_OWNER:
        return inv_str(owner);
    case INV_FIELD_LIFECYCLE_EXPIRATION_DATE:
        return dm || row->lifecycle_expiration_ms <= 0
                   ? inv_null
                   : inv_int(INV_TIMESTAMP, row->lifecycle_expiration_ms);
    case INV_FIELD_OBJECT_LOCK_RETAIN_UNTIL_DATE:
        return dm || !o->lock_mode[0] ? inv_null : inv_int(INV_TIMESTAMP, o->lock_until_ms);
    case INV_FIELD_OBJECT_LOCK_MODE:
        return dm || !o->lock_mode[0] ? inv_null : inv_str(o->lock_mode);
    case INV_FIELD_OBJECT_LOCK_LEGAL_HOLD_STATUS: /* the report spelling (inventory-format §3.3) */
        return dm || o->legal_hold == META_LEGAL_HOLD_NONE
                   ? inv_null
                   : inv_str(o->legal_hold == META_LEGAL_HOLD_ON ? "On" : "Off");
    case INV_FIELD_REPLICATION_STATUS: /* COMPLETED, PENDING, FAILED, REPLICA; empty if none */
        return dm || !o->replication_status[0] ? inv_null : inv_str(o->replication_status);
    case INV_FIELD_TAGS: /* filled by inv_row_extension */
    case INV_FIELD_USER_METADATA:
    case INV_FIELD_CONTENT_TYPE:
    case INV_FIELD_COUNT:
        break;
    }
    return inv_null;
}

void inv_row_init(struct inv_row *row)
{
    memset(row, 0, sizeof(*row));
}

void inv_row_dispose(struct inv_row *row)
{
    for (size_t i = 0; i < INV_ROW_MAPS; i++)
        inv_map_reset(&row->maps[i]);
    free(row->content_type);
    row->content_type = NULL;
}

/* An extension field's value (docs/INVENTORY-EXTENSIONS.md): the tag set and user metadata as
 * maps (empty when there are none), the Content-Type as HEAD answers it (binary/octet-stream
 * when none was stored); delete markers have none of them. */
static int inv_row_extension(struct inv_row *row, enum inv_field f, const struct meta_object *o,
                             struct inv_value *v)
{
    *v = inv_null;
    if (o->is_delete_marker)
        return 0;
    int rc = 0;
    if (f == INV_FIELD_TAGS && (rc = inv_map_from_tags(&row->maps[0], o->tags)) == 0)
        *v = inv_map(&row->maps[0]);
    else if (f == INV_FIELD_USER_METADATA &&
             (rc = inv_map_from_headers(&row->maps[1], o->headers)) == 0)
        *v = inv_map(&row->maps[1]);
    else if (f == INV_FIELD_CONTENT_TYPE &&
             (rc = inv_headers_get(o->headers, "Content-Type", &row->content_type)) == 0)
        *v = inv_str(row->content_type ? row->content_type : "binary/octet-stream");
    if (rc) {
        char why[256];
        snprintf(why, sizeof(why), "%s", err_msg());
        err_set("version %s of %s: %s", o->version_id, o->key, why);
    }
    return rc;
}

int inv_row_fill(struct inv_row *row, const struct inv_columns *cols, const char *bucket,
                 const struct meta_object *o, const char *owner_canonical_id)
{
    inv_row_dispose(row);
    int rc = 0;
    size_t n = strnlen(o->etag, sizeof(o->etag));
    const char *e = o->etag;
    if (n >= 2 && e[0] == '"') {
        e++;
        n -= 2;
    }
    if (n >= sizeof(row->etag))
        n = sizeof(row->etag) - 1;
    memcpy(row->etag, e, n);
    row->etag[n] = '\0';
    for (size_t i = 0; i < cols->n; i++) {
        int c = cols->cols[i];
        struct inv_value *v = &row->v[i];
        if (c == INV_COL_BUCKET)
            *v = inv_str(bucket);
        else if (c == INV_COL_KEY)
            *v = inv_str(o->key);
        else if (c == INV_COL_VERSION_ID) /* the null version is an empty id */
            *v = strcmp(o->version_id, "null") == 0 ? inv_str("") : inv_str(o->version_id);
        else if (c == INV_COL_IS_LATEST)
            *v = inv_int(INV_BOOL, o->is_latest);
        else if (c == INV_COL_IS_DELETE_MARKER)
            *v = inv_int(INV_BOOL, o->is_delete_marker);
        else if (c == INV_COL_EVENT_TYPE)
            *v = row->event ? inv_str(row->event) : inv_null;
        else if (c - INV_COL_FIELD0 >= INV_FIELD_AWS_COUNT)
            rc = rc ? rc : inv_row_extension(row, (enum inv_field)(c - INV_COL_FIELD0), o, v);
        else
            *v = inv_row_field(row, (enum inv_field)(c - INV_COL_FIELD0), o, owner_canonical_id);
    }
    return rc;
}
