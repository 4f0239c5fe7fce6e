/* fuzz_tagging.c — tag sets from untrusted bytes: the input as an x-amz-tagging header (the
 * URL-encoded form) and as a Tagging document (PutObjectTagging, PutBucketTagging, the POST
 * form's tagging field). A set within AWS's limits is encoded to the stored form, which must
 * parse back to the same tags, in key order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s3/s3_tagging.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(struct s3_tags *t, size_t max)
{
    if (s3_tags_check(t, max))
        return;
    char *stored = NULL;
    if (s3_tags_encode(t, &stored))
        abort();
    struct s3_tags again;
    if (!stored) {
        if (t->n)
            abort();
        return;
    }
    if (s3_tags_parse_query(&again, stored, strlen(stored)) || again.n != t->n)
        abort();
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(again.v[i].key, t->v[i].key) || strcmp(again.v[i].value, t->v[i].value))
            abort();
        if (i && strcmp(t->v[i - 1].key, t->v[i].key) >= 0)
            abort();
        if (s3_tags_get(&again, t->v[i].key) == NULL)
            abort();
    }
    struct buf xml;
    buf_init(&xml, BUF_UNLIMITED);
    if (s3_tags_render(&xml, &again))
        abort();
    buf_dispose(&xml);
    s3_tags_dispose(&again);
    free(stored);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct s3_tags t;
    if (s3_tags_parse_query(&t, (const char *)data, size) == 0) {
        round_trip(&t, S3_TAGS_OBJECT_MAX);
        s3_tags_dispose(&t);
    }
    if (s3_tags_parse_xml(&t, (const char *)data, size) == 0) {
        round_trip(&t, S3_TAGS_BUCKET_MAX);
        s3_tags_dispose(&t);
    }
    return 0;
}
