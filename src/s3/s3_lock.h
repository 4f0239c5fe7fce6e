/* s3_lock.h — private to src/s3: Object Lock's documents and request headers (issue 12).
 *
 * s3_lock_xml.c reads and writes the three XML documents (ObjectLockConfiguration, Retention,
 * LegalHold) with AWS's validation; s3_lock.c turns a write's x-amz-object-lock-* headers and
 * the bucket's default retention into a version's lock fields, and puts them on HEAD/GET.
 * The operations are in s3_op_lock.c; the delete decision in object/obj_lock.h. */
#ifndef STOCKTAKE_S3_LOCK_H
#define STOCKTAKE_S3_LOCK_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "s3/s3_req.h"

#define S3_LOCK_MAX_DAYS 36500
#define S3_LOCK_MAX_YEARS 100

/* A bucket's ObjectLockConfiguration: Object Lock is enabled once one is stored; a default
 * retention (mode "" : none) of days or years (the other 0). */
struct s3_lock_config {
    char mode[16];
    int64_t days;
    int64_t years;
};

/* Parse a PutObjectLockConfiguration body: MalformedXML (not Enabled, a Rule without a
 * DefaultRetention, a mode other than GOVERNANCE/COMPLIANCE, both or neither of Days and
 * Years, a number that is not one), InvalidRetentionPeriod (not positive, or past 36500 days /
 * 100 years). *msg is the message for the answer (static; NULL: the error's own). */
enum s3_error s3_lock_config_parse(const char *data, size_t len, struct s3_lock_config *out,
                                   const char **msg);
/* The stored (and answered) form of c. */
int s3_lock_config_render(struct buf *xml, const struct s3_lock_config *c) WARN_UNUSED;

/* Parse a PutObjectRetention body: Mode and RetainUntilDate, both or neither (neither removes
 * the retention: mode ""). MalformedXML otherwise. */
enum s3_error s3_retention_parse(const char *data, size_t len, char mode[16], int64_t *until_ms);
int s3_retention_render(struct buf *xml, const char *mode, int64_t until_ms) WARN_UNUSED;

/* Parse a PutObjectLegalHold body: Status ON or OFF (*on 1 / 0); MalformedXML otherwise. */
enum s3_error s3_legal_hold_parse(const char *data, size_t len, int *on);
int s3_legal_hold_render(struct buf *xml, int on) WARN_UNUSED;

/* The bucket's Object Lock configuration: S3_OK (*enabled 1, *out filled), S3_OK with
 * *enabled 0 when Object Lock is not enabled on it, or an error. */
enum s3_error s3_lock_bucket_config(struct s3_req *r, const char *bucket, int *enabled,
                                    struct s3_lock_config *out);

/* Store bucket's ObjectLockConfiguration without a default retention (CreateBucket with
 * x-amz-bucket-object-lock-enabled: true). */
enum s3_error s3_lock_bucket_enable(struct s3_req *r, const char *bucket);
/* Store c as bucket's ObjectLockConfiguration. */
enum s3_error s3_lock_bucket_store(struct s3_req *r, const char *bucket,
                                   const struct s3_lock_config *c);

/* The Object Lock fields of a version about to be written. */
struct s3_lock_fields {
    char mode[16];    /* "" : no retention */
    int64_t until_ms; /* with a mode */
    int legal_hold;   /* META_LEGAL_HOLD_* */
};

/* The lock fields a new version of the loaded bucket gets from the write's
 * x-amz-object-lock-mode / -retain-until-date / -legal-hold headers, or else from the bucket's
 * default retention (defaults 0: the caller applies them later, CreateMultipartUpload keeps
 * only what the headers say and the default is taken at Complete): InvalidArgument for bad or
 * half-given headers or a date not in the future, InvalidRequest when the bucket has no Object
 * Lock or when retention headers come without Content-MD5 or a checksum, AccessDenied when the
 * authorization step refuses s3:PutObjectRetention / s3:PutObjectLegalHold for them. */
enum s3_error s3_lock_for_write(struct s3_req *r, int defaults, struct s3_lock_fields *out);
/* The bucket's default retention into f when f has none (the loaded bucket). */
enum s3_error s3_lock_apply_default(struct s3_req *r, struct s3_lock_fields *f);
/* Copy f into a version's (or an upload's) fields. */
void s3_lock_fields_set(const struct s3_lock_fields *f, char mode[16], int64_t *until_ms,
                        int *legal_hold);

/* Is bypassing GOVERNANCE retention asked (x-amz-bypass-governance-retention: true) and granted
 * (s3:BypassGovernanceRetention on bucket/key)? */
int s3_lock_bypass_allowed(struct s3_req *r, const char *key);

/* x-amz-object-lock-mode, -retain-until-date and -legal-hold of version o on a HEAD/GET answer,
 * for a caller granted s3:GetObjectRetention / s3:GetObjectLegalHold, as AWS. */
void s3_lock_response_headers(struct s3_req *r, struct http_response *resp,
                              const struct meta_object *o);

#endif
