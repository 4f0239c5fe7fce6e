/* s3_post_auth.h — private to src/s3: who signed a browser-upload form (POST Object) and
 * whether its policy admits the form. */
#ifndef STOCKTAKE_S3_POST_AUTH_H
#define STOCKTAKE_S3_POST_AUTH_H

#include "core/kv.h"
#include "s3/s3_req.h"

/* The form's fields (everything before the file) as sent. A SigV4-signed form (x-amz-algorithm,
 * x-amz-credential, x-amz-date, x-amz-signature over the policy) sets r->account; a form with
 * no signature stays anonymous. The policy is then checked (expiration, conditions, covered
 * fields) and its content-length-range returned (*has_range). */
enum s3_error s3_post_authenticate(struct s3_req *r, const struct kv_pair *fields, size_t n,
                                   int *has_range, uint64_t *min, uint64_t *max);
/* The form field's value by name, case-insensitive, or NULL. */
const char *s3_post_field(const struct kv_pair *fields, size_t n, const char *name);

#endif
