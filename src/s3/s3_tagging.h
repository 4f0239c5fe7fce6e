/* s3_tagging.h — tag sets of objects and buckets: the two forms S3 takes them in (the
 * URL-encoded query form of x-amz-tagging and the Tagging XML document), AWS's limits, and the
 * form a version keeps them in (meta_object.tags).
 *
 * Nothing here knows a request: the parsers take untrusted bytes and are fuzzed
 * (tests/fuzz/fuzz_tagging.c). */
#ifndef STOCKTAKE_S3_TAGGING_H
#define STOCKTAKE_S3_TAGGING_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "s3/s3_error.h"

#define S3_TAGS_OBJECT_MAX 10 /* tags per object version */
#define S3_TAGS_BUCKET_MAX 50 /* tags per bucket */
#define S3_TAG_KEY_MAX 128    /* Unicode characters */
#define S3_TAG_VALUE_MAX 256  /* Unicode characters */

struct s3_tag {
    char *key;
    char *value;
};

/* Tags (in the order given, until sorted by s3_tags_encode); owned, released with s3_tags_dispose.
 */
struct s3_tags {
    struct s3_tag *v;
    size_t n;
};

void s3_tags_dispose(struct s3_tags *t);

/* The URL-encoded form "k1=v1&k2=v2" of s[0..n) ('+' is a space; a key without '=' has the
 * value ""; empty pairs are skipped). ERR_INVALID (err_msg says why) on a bad %-escape or
 * bytes that are not UTF-8; limits are s3_tags_check's. */
int s3_tags_parse_query(struct s3_tags *out, const char *s, size_t n) WARN_UNUSED;

/* A <Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging> document. ERR_INVALID when
 * malformed (S3's MalformedXML): another root, no TagSet, a Tag without a Key or Value. */
int s3_tags_parse_xml(struct s3_tags *out, const char *data, size_t len) WARN_UNUSED;

/* AWS's limits for a set of at most max tags: NULL when t is acceptable, else the message of
 * S3's InvalidTag error ("Object tags cannot be greater than 10", …). */
const char *s3_tags_check(const struct s3_tags *t, size_t max);

/* Does t name one key twice? */
int s3_tags_have_duplicate(const struct s3_tags *t);

/* The stored form: keys and values percent-encoded (RFC 3986), in key order (t is sorted:
 * S3 answers a tag set sorted by key, whatever order it was given in); NULL for no tags. */
int s3_tags_encode(struct s3_tags *t, char **out) WARN_UNUSED;

/* <TagSet><Tag><Key>…</Key><Value>…</Value></Tag>…</TagSet> */
int s3_tags_render(struct buf *b, const struct s3_tags *t) WARN_UNUSED;

/* The value of key in t, or NULL. */
const char *s3_tags_get(const struct s3_tags *t, const char *key);

/* ---- What object writes share (s3_op_tagging.c) ---- */
struct s3_req;
struct http_response;

/* The tag set x-amz-tagging gives (PutObject, CopyObject with REPLACE,
 * CreateMultipartUpload) or the POST form's tagging field (an XML Tagging document, form
 * non-zero), in the stored form: *out NULL when none is given. InvalidArgument for a header
 * that does not decode or names a key twice, MalformedXML for a bad form field, InvalidTag
 * past AWS's limits. */
enum s3_error s3_tagging_from_request(struct s3_req *r, const char *form_field, char **out);

/* x-amz-tagging-count on GetObject / HeadObject answers, when the version has tags. */
void s3_tagging_count_header(struct http_response *resp, const char *stored);

#endif
