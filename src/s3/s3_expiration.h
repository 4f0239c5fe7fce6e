/* s3_expiration.h — private to src/s3: the x-amz-expiration header of a current version that
 * an Expiration rule (Days or Date) of its bucket's lifecycle configuration will expire:
 *   x-amz-expiration: expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="<url-encoded id>"
 * on PutObject, CopyObject, CompleteMultipartUpload, GetObject and HeadObject, as AWS answers.
 * The bucket's parsed rules are kept per (bucket id, configuration generation). */
#ifndef STOCKTAKE_S3_EXPIRATION_H
#define STOCKTAKE_S3_EXPIRATION_H

#include "http/http.h"
#include "meta/meta.h"
#include "s3/s3_req.h"

/* Add the header for version o of the loaded bucket when a rule expires it; nothing for a
 * delete marker, a noncurrent version, or when the configuration cannot be read (the header
 * is advice: the answer goes out without it). */
void s3_expiration_header(struct s3_req *r, struct http_response *resp,
                          const struct meta_object *o);

#endif
