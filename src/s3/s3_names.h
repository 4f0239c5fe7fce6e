/* s3_names.h — what S3 accepts as a bucket name and as a storage class. */
#ifndef STOCKTAKE_S3_NAMES_H
#define STOCKTAKE_S3_NAMES_H

/* General purpose bucket naming rules: 3–63 of [a-z0-9.-], starting and ending with a letter
 * or digit, no "..", not an IPv4 address, none of the reserved prefixes or suffixes
 * (except amzn-s3-demo-, see s3_names.c). */
int s3_bucket_name_valid(const char *name);
/* One of the storage class names S3 defines (case-sensitive). */
int s3_storage_class_valid(const char *name);

#endif
