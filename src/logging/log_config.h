/* log_config.h — a bucket's server access logging configuration (BucketLoggingStatus), as
 * PutBucketLogging / GetBucketLogging speak it and AWS validates it:
 *
 *   <BucketLoggingStatus>                       empty: logging disabled
 *     <LoggingEnabled>
 *       <TargetBucket>b</TargetBucket>          required
 *       <TargetPrefix>p</TargetPrefix>          required (may be empty)
 *       <TargetGrants><Grant><Grantee xsi:type=CanonicalUser|AmazonCustomerByEmail|Group>
 *         <ID>|<EmailAddress>|<URI></Grantee><Permission>FULL_CONTROL|READ|WRITE</Permission>
 *       </Grant>…</TargetGrants>                optional
 *       <TargetObjectKeyFormat>                 optional: exactly one of
 *         <SimplePrefix/> | <PartitionedPrefix><PartitionDateSource>EventTime|DeliveryTime
 *       </TargetObjectKeyFormat>
 *
 * Anything else (unknown elements, a second LoggingEnabled, a bad permission or date source,
 * RGW's LoggingType / ObjectRollTime extensions, which AWS's schema does not have) is
 * MalformedXML. The stored document (META_CONFIG_LOGGING) is log_config_render's output, which
 * GetBucketLogging answers as is. Pure: no I/O. */
#ifndef STOCKTAKE_LOGGING_LOG_CONFIG_H
#define STOCKTAKE_LOGGING_LOG_CONFIG_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

#define LOG_MAX_GRANTS 100
#define LOG_PREFIX_MAX 1024 /* a key's length: the prefix cannot be longer */

enum log_key_format { LOG_KEY_NONE = 0, LOG_KEY_SIMPLE, LOG_KEY_PARTITIONED };
enum log_date_source { LOG_DATE_DELIVERY = 0, LOG_DATE_EVENT };

struct log_grant {
    char type[24];   /* CanonicalUser, AmazonCustomerByEmail, Group */
    char value[257]; /* the ID, the e-mail address or the group URI */
    char permission[16];
};

struct log_config {
    int enabled;
    char target_bucket[64];
    char target_prefix[LOG_PREFIX_MAX + 1];
    enum log_key_format key_format; /* LOG_KEY_NONE: not given (SimplePrefix's keys) */
    enum log_date_source date_source;
    size_t n_grants;
    struct log_grant grants[LOG_MAX_GRANTS];
};

/* Parse a body (len bytes, not NUL-terminated). 0 or ERR_INVALID (MalformedXML), with msg
 * (size bytes) saying what is wrong. */
int log_config_parse(struct log_config *out, const char *xml, size_t len, char *msg,
                     size_t size) WARN_UNUSED;
/* The BucketLoggingStatus document of c (stored, and answered by GetBucketLogging). */
int log_config_render(struct buf *out, const struct log_config *c) WARN_UNUSED;

#endif
