/* s3_pab.h — a bucket's Block Public Access settings (PublicAccessBlockConfiguration) as
 * stored (META_CONFIG_PUBLIC_ACCESS_BLOCK: the configuration XML as GetPublicAccessBlock
 * answers it), and the checks PUT requests go through.
 *
 * New buckets get all four settings on, AWS's default since April 2023, unless the server runs
 * with --legacy-bucket-defaults (then none is stored: all off). authz/pab.h says what each
 * setting does. */
#ifndef STOCKTAKE_S3_PAB_H
#define STOCKTAKE_S3_PAB_H

#include "authz/acl.h"
#include "authz/pab.h"
#include "core/buf.h"
#include "meta/meta.h"
#include "s3/s3_error.h"

/* The bucket's settings into out (all off when none is stored). *stored (optional) says
 * whether a configuration exists. */
int s3_pab_load(struct meta_store *meta, const char *bucket, struct pab *out,
                int *stored) WARN_UNUSED;

/* A PublicAccessBlockConfiguration body. Absent elements are false; anything but "true" or
 * "false" (or another element) is ERR_INVALID (MalformedXML). */
int s3_pab_parse(const char *xml, size_t len, struct pab *out) WARN_UNUSED;
/* The configuration XML (with declaration and namespace). */
int s3_pab_render(struct buf *out, const struct pab *p) WARN_UNUSED;

struct s3_req;
/* BlockPublicAcls: a request that would set acl (public: grants to AllUsers or
 * AuthenticatedUsers) on bucket b or an object in it is AccessDenied while b blocks public
 * ACLs. S3_OK otherwise. For PutBucketAcl and (after merge) PutObjectAcl / x-amz-acl on
 * object writes. */
enum s3_error s3_pab_check_acl(struct s3_req *r, const struct meta_bucket *b,
                               const struct acl *acl);

/* CreateBucket: the settings the new bucket will get (all on, or none with
 * --legacy-bucket-defaults), and the check of its ACL against them (a public ACL is
 * InvalidBucketAclWithBlockPublicAccessError, as AWS answers). acl may be NULL. */
enum s3_error s3_pab_new_bucket_check(struct s3_req *r, const struct acl *acl);
/* Store the new bucket's settings (nothing with --legacy-bucket-defaults). */
int s3_pab_new_bucket_store(struct s3_req *r) WARN_UNUSED;

#endif
