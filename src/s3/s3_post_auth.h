/* s3_post_auth.h — private to src/s3: who signed a browser-upload form (POST Object) and
 * whether its policy admits the form. */
#ifndef STOCKTAKE_S3_POST_AUTH_H
#define STOCKTAKE_S3_POST_AUTH_H

#include "core/kv.h"
#include "s3/s3_req.h"

/* The form's fields (everything before the file) as sent. A signed form sets r->account and
 * r->auth_type (POST): SigV4 (x-amz-algorithm, x-amz-credential, x-amz-date, x-amz-signature
 * over the policy) or SigV2 (AWSAccessKeyId, signature over the policy; r->auth_sigv2, refused
 * under serve --require-sigv4). A form with no signature stays anonymous. The policy is then
 * checked (expiration, conditions, covered fields), its conditions seeing the key as r->key
 * holds it (${filename} already replaced) when it is set, and its content-length-range
 * returned (*has_range). */
enum s3_error s3_post_authenticate(struct s3_req *r, const struct kv_pair *fields, size_t n,
                                   int *has_range, uint64_t *min, uint64_t *max);
/* The form field's value by name, case-insensitive, or NULL. */
const char *s3_post_field(const struct kv_pair *fields, size_t n, const char *name);

#endif
