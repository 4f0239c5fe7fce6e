/* inv_config.h — an S3 Inventory configuration: parsed and validated from the XML of
 * PutBucketInventoryConfiguration, rendered back in AWS's element order.
 *
 * Pure functions (no I/O), so the parser is fuzzed directly (tests/fuzz/fuzz_inventory.c).
 * What was sent is what comes back: optional elements are kept only when present, and the
 * OptionalFields keep the order (and any repetition) they were given in. */
#ifndef STOCKTAKE_INVENTORY_CONFIG_H
#define STOCKTAKE_INVENTORY_CONFIG_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

struct inv_filter_ext;

#define INV_ID_MAX 64
#define INV_MAX_FIELDS 64

/* The optional fields, in the API model's order (report columns use AWS's canonical order,
 * see inv_columns_build), then Stocktake's extension fields. */
enum inv_field {
    INV_FIELD_SIZE,
    INV_FIELD_LAST_MODIFIED_DATE,
    INV_FIELD_STORAGE_CLASS,
    INV_FIELD_ETAG,
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
    INV_FIELD_AWS_COUNT, /* the fields above are AWS's; those below Stocktake's extensions
                          * (docs/INVENTORY-EXTENSIONS.md), reported after all of AWS's */
    INV_FIELD_TAGS = INV_FIELD_AWS_COUNT,
    INV_FIELD_USER_METADATA,
    INV_FIELD_CONTENT_TYPE,
    INV_FIELD_COUNT
};

enum inv_encryption { INV_ENC_NONE, INV_ENC_EMPTY, INV_ENC_SSE_S3, INV_ENC_SSE_KMS };

struct inv_config {
    char id[INV_ID_MAX + 1];
    int is_enabled;
    char format[8];   /* CSV, ORC, Parquet; extension JSON */
    char *account_id; /* NULL when not sent */
    char *bucket_arn; /* as sent */
    char *prefix;     /* NULL when not sent */
    enum inv_encryption encryption;
    char *kms_key_id; /* SSE-KMS only */
    /* the extension CsvHeader (CSV only): -1 not sent, else its value (1: a header row) */
    int csv_header;
    char frequency[8]; /* Daily, Weekly; extensions Hourly, Monthly */
    int has_filter;
    char *filter_prefix;               /* NULL when the Filter has none (extensions only) */
    struct inv_filter_ext *filter_ext; /* Stocktake's extension conditions; NULL: none */
    char included_versions[8];         /* All, Current */
    int has_optional_fields;
    size_t n_fields;
    enum inv_field fields[INV_MAX_FIELDS];
    /* Stocktake's extension <ReportType>Full|Changes</ReportType> (docs/INVENTORY-EXTENSIONS.md):
     * has_report_type when it was sent (rendered back only then), report_changes for Changes */
    int has_report_type;
    int report_changes;
};

/* The XML name of a field ("LastModifiedDate"). */
const char *inv_field_name(enum inv_field f);

/* Parse and validate an InventoryConfiguration document (root element InventoryConfiguration,
 * namespace optional, children in any order). ERR_INVALID for anything S3 answers with
 * MalformedXML: not well-formed, unknown or repeated elements, missing required elements,
 * values outside the case-sensitive enums, an Id outside [A-Za-z0-9._-]{1,64}.
 * On success the caller owns *out and releases it with inv_config_dispose. */
int inv_config_parse(struct inv_config *out, const char *xml, size_t len) WARN_UNUSED;
void inv_config_dispose(struct inv_config *c);
/* Parse a configuration as stored: the children inv_config_render wrote, without the root. */
int inv_config_parse_stored(struct inv_config *out, const char *children) WARN_UNUSED;

/* The destination bucket ARN check S3 makes after validation: NULL when it is an S3 bucket
 * ARN (arn:<partition>:s3:::<name>), else AWS's message for InvalidS3DestinationBucket.
 * On success *name points into c->bucket_arn at the bucket name. */
const char *inv_config_destination_error(const struct inv_config *c, const char **name);

/* Append the configuration's children in AWS's element order (no root element). */
int inv_config_render(const struct inv_config *c, struct buf *out) WARN_UNUSED;

/* Is id a syntactically valid configuration id? */
int inv_config_id_valid(const char *id);

#endif
