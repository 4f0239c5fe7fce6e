/* post_policy.h — the POST policy of a browser upload: the base64 JSON document with its
 * expiration and conditions, and the check of a form against it, with AWS's messages.
 *
 * Conditions: {"field": "value"} and ["eq", "$field", "value"] (exact match),
 * ["starts-with", "$field", "prefix"] (an empty prefix allows anything), and
 * ["content-length-range", min, max]. Field names are case-insensitive. Every form field must be
 * named by a condition, except x-amz-signature, awsaccesskeyid, signature, policy, file and
 * x-ignore-* (AWS's rule). */
#ifndef STOCKTAKE_S3_POST_POLICY_H
#define STOCKTAKE_S3_POST_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/kv.h"

#define POST_POLICY_MAX (20 * 1024)

enum post_policy_result {
    POST_POLICY_OK,
    POST_POLICY_INVALID, /* InvalidPolicyDocument */
    POST_POLICY_DENIED   /* AccessDenied: expired, a condition failed, an extra field */
};

struct post_policy;

/* Decode and parse the form's base64 policy; on POST_POLICY_INVALID msg says why (AWS's
 * message). */
enum post_policy_result post_policy_parse(const char *b64, struct post_policy **out, char *msg,
                                          size_t size);
/* Check the form's fields (as sent, plus "bucket" for the URL's bucket) at now_ms. */
enum post_policy_result post_policy_check(const struct post_policy *p, const struct kv_pair *fields,
                                          size_t n, int64_t now_ms, char *msg, size_t size);
/* The content-length-range, if the policy has one: 1 with *min and *max set, else 0. */
int post_policy_length_range(const struct post_policy *p, uint64_t *min, uint64_t *max);
/* Is this form field exempt from the policy's conditions? */
int post_policy_field_exempt(const char *name);
void post_policy_free(struct post_policy *p);

#endif
