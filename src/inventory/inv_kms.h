/* inv_kms.h — SSE-KMS encryption of inventory report objects (issue 11).
 *
 * The configuration's <Encryption><SSE-KMS><KeyId> (or a destination whose default encryption
 * is aws:kms) encrypts every report object under a data key of its own from the built-in KMS,
 * asked for by the service principal s3.amazonaws.com acting for the source bucket
 * (aws:SourceAccount: its owner, aws:SourceArn: its ARN), as AWS's delivery does: the key
 * policy must grant that principal kms:GenerateDataKey (the inventory set-up's statement), and
 * a disabled, pending-deletion or missing key fails the run. The context is AWS's default,
 * {"aws:s3:arn": "arn:aws:s3:::DEST/KEY"}; the record is an SSE-KMS version's
 * (s3/s3_sse_kms.h), so reading a report back over S3 is an ordinary SSE-KMS GET. */
#ifndef STOCKTAKE_INVENTORY_INV_KMS_H
#define STOCKTAKE_INVENTORY_INV_KMS_H

#include <stddef.h>
#include <stdint.h>

#include "kms/kms.h"
#include "meta/meta.h"

struct inv_kms {
    struct kms_caller caller;
    char region[64];
    char source_account[13];
    char source_arn[96];
    char dest[64];
    char key_ref[2048];
};

/* Set up k for reports of src into dest (its region names the keys) under key_ref. */
void inv_kms_init(struct inv_kms *k, struct meta_store *meta, const char *key_ref,
                  const struct meta_bucket *src, const struct meta_bucket *dest);
/* A data key and the record (malloc'd) for the report object key; else the KMS error, with
 * the reason ("DisabledException: …") in why. */
enum kms_error inv_kms_data_key(struct inv_kms *k, const char *key, uint8_t dk[32], char **record,
                                char *why, size_t why_size);

#endif
