/* test_post_policy.c — POST policy documents: parsing with AWS's InvalidPolicyDocument
 * messages, expiration, eq / starts-with (both forms, case-insensitive names),
 * content-length-range, and the every-field-must-be-covered rule. */
#include <stdlib.h>

#include "core/hash.h"
#include "harness.h"
#include "s3/post_policy.h"

static enum post_policy_result parse(const char *json, struct post_policy **p, char *msg)
{
    char b64[4096];
    b64[hash_base64((const uint8_t *)json, strlen(json), b64)] = '\0';
    return post_policy_parse(b64, p, msg, 256);
}

static const int64_t now_ms = 1764547200000LL; /* 2025-12-01T00:00:00Z */

TEST(post_policy_conditions)
{
    struct post_policy *p;
    char msg[256];
    CHECK(parse("{\"expiration\": \"2025-12-01T00:00:01.000Z\", \"conditions\": ["
                "{\"Bucket\": \"b\"}, [\"starts-with\", \"$key\", \"up/\"],"
                "[\"eq\", \"$Content-Type\", \"text/plain\"], [\"starts-with\", \"$x-amz-meta-a\", "
                "\"\"],"
                "[\"content-length-range\", 1, \"1024\"]]}",
                &p, msg) == POST_POLICY_OK);
    struct kv_pair ok[] = {
        {"bucket", "b"},         {"KEY", "up/x"},   {"content-type", "text/plain"},
        {"x-amz-meta-a", "any"}, {"policy", "..."}, {"x-ignore-me", "1"},
        {"AWSAccessKeyId", "k"}, {"signature", "s"}};
    CHECK(post_policy_check(p, ok, 8, now_ms, msg, sizeof(msg)) == POST_POLICY_OK);
    uint64_t lo, hi;
    CHECK(post_policy_length_range(p, &lo, &hi) == 1 && lo == 1 && hi == 1024);
    CHECK(post_policy_check(p, ok, 8, now_ms + 1000, msg, sizeof(msg)) == POST_POLICY_DENIED);
    CHECK_STR(msg, "Invalid according to Policy: Policy expired.");
    struct kv_pair badkey[] = {
        {"bucket", "b"}, {"key", "down/x"}, {"content-type", "text/plain"}, {"x-amz-meta-a", ""}};
    CHECK(post_policy_check(p, badkey, 4, now_ms, msg, sizeof(msg)) == POST_POLICY_DENIED);
    CHECK_STR(msg, "Invalid according to Policy: Policy Condition failed: [\"starts-with\", "
                   "\"$key\", \"up/\"]");
    struct kv_pair missing[] = {{"bucket", "b"}, {"key", "up/x"}, {"x-amz-meta-a", ""}};
    CHECK(post_policy_check(p, missing, 3, now_ms, msg, sizeof(msg)) == POST_POLICY_DENIED);
    CHECK_STR(msg, "Invalid according to Policy: Policy Condition failed: [\"eq\", "
                   "\"$Content-Type\", \"text/plain\"]");
    struct kv_pair extra[] = {{"bucket", "b"},
                              {"key", "up/x"},
                              {"content-type", "text/plain"},
                              {"x-amz-meta-a", ""},
                              {"acl", "private"}};
    CHECK(post_policy_check(p, extra, 5, now_ms, msg, sizeof(msg)) == POST_POLICY_DENIED);
    CHECK_STR(msg, "Invalid according to Policy: Extra input fields: acl");
    post_policy_free(p);
    CHECK(parse("{\"expiration\": \"2025-12-01T00:00:01Z\", \"conditions\": []}", &p, msg) ==
          POST_POLICY_OK);
    CHECK(post_policy_length_range(p, &lo, &hi) == 0);
    post_policy_free(p);
}

TEST(post_policy_invalid_documents)
{
    static const char *const cases[][2] = {
        {"not json", "Invalid Policy: Invalid JSON."},
        {"[]", "Invalid Policy: Invalid JSON."},
        {"{\"conditions\": []}", "Invalid Policy: Policy missing expiration."},
        {"{\"expiration\": \"tomorrow\", \"conditions\": []}",
         "Invalid Policy: Invalid 'expiration' value: 'tomorrow'"},
        {"{\"expiration\": \"2025-12-01T00:00:01Z\"}",
         "Invalid Policy: Policy missing conditions."},
        {"{\"expiration\": \"2025-12-01T00:00:01Z\", \"conditions\": {}}",
         "Invalid Policy: Invalid 'conditions' value: must be a List."},
        {"{\"expiration\": \"2025-12-01T00:00:01Z\", \"conditions\": [[\"ne\", \"$a\", \"b\"]]}",
         "Invalid Policy: Invalid Condition: unknown operation 'ne'."},
        {"{\"expiration\": \"2025-12-01T00:00:01Z\", \"conditions\": [[\"eq\", \"a\", \"b\"]]}",
         "Invalid Policy: Invalid Simple-Condition: value must be a string."},
        {"{\"expiration\": \"2025-12-01T00:00:01Z\", \"conditions\": [{\"a\": 1}]}",
         "Invalid Policy: Invalid Simple-Condition: value must be a string."},
        {"{\"expiration\": \"2025-12-01T00:00:01Z\", \"conditions\": [[\"content-length-range\", "
         "-1, 5]]}",
         "Invalid Policy: Invalid Simple-Condition: value must be a string."},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct post_policy *p = NULL;
        char msg[256] = "";
        CHECK(parse(cases[i][0], &p, msg) == POST_POLICY_INVALID);
        CHECK(p == NULL);
        CHECK_STR(msg, cases[i][1]);
    }
    struct post_policy *p = NULL;
    char msg[256];
    CHECK(post_policy_parse("!!!", &p, msg, sizeof(msg)) == POST_POLICY_INVALID);
    CHECK_STR(msg, "Invalid Policy: Invalid Base64 Encoding.");
}
