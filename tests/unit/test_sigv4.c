/* test_sigv4.c — SigV4 against the examples AWS publishes for S3 ("Signature Calculations for
 * the Authorization Header: Transferring Payload in a Single Chunk", "…Multiple Chunks", and
 * "Query String Authentication"), all with AKIAIOSFODNN7EXAMPLE on 2013-05-24, us-east-1. */
#include <stdlib.h>

#include "harness.h"
#include "s3/sigv4.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define AMZ_DATE "20130524T000000Z"
#define SCOPE "20130524/us-east-1/s3/aws4_request"

static void sign_and_check(const char *method, const char *path, const struct kv_pair *q, size_t nq,
                           const struct kv_pair *h, size_t nh, const char *signed_h,
                           const char *payload, const char *expected)
{
    struct buf creq, sts;
    buf_init(&creq, BUF_UNLIMITED);
    buf_init(&sts, BUF_UNLIMITED);
    CHECK(sigv4_canonical_request(&creq, method, path, q, nq, h, nh, signed_h, payload) == 0);
    CHECK(sigv4_string_to_sign(&sts, AMZ_DATE, SCOPE, creq.data) == 0);
    uint8_t key[SHA256_LEN];
    char sig[65];
    sigv4_signing_key(SECRET, "20130524", "us-east-1", "s3", key);
    sigv4_sign(key, sts.data, sts.len, sig);
    CHECK_STR(sig, expected);
    buf_dispose(&creq);
    buf_dispose(&sts);
}

TEST(sigv4_get_object_range)
{
    struct kv_pair h[] = {
        {"Host", "examplebucket.s3.amazonaws.com"},
        {"Range", "bytes=0-9"},
        {"x-amz-content-sha256", SIGV4_EMPTY_SHA256},
        {"x-amz-date", AMZ_DATE},
    };
    sign_and_check("GET", "/test.txt", NULL, 0, h, 4, "host;range;x-amz-content-sha256;x-amz-date",
                   SIGV4_EMPTY_SHA256,
                   "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(sigv4_put_object)
{
    const char *payload = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
    struct kv_pair h[] = {
        {"Host", "examplebucket.s3.amazonaws.com"},
        {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
        {"x-amz-date", AMZ_DATE},
        {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
        {"x-amz-content-sha256", payload},
    };
    sign_and_check("PUT", "/test%24file.text", NULL, 0, h, 5,
                   "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class", payload,
                   "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(sigv4_get_bucket_lifecycle)
{
    struct kv_pair q[] = {{"lifecycle", NULL}};
    struct kv_pair h[] = {
        {"Host", "examplebucket.s3.amazonaws.com"},
        {"x-amz-date", AMZ_DATE},
        {"x-amz-content-sha256", SIGV4_EMPTY_SHA256},
    };
    sign_and_check("GET", "/", q, 1, h, 3, "host;x-amz-content-sha256;x-amz-date",
                   SIGV4_EMPTY_SHA256,
                   "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(sigv4_list_objects_query_sorted)
{
    struct kv_pair q[] = {{"prefix", "J"}, {"max-keys", "2"}};
    struct kv_pair h[] = {
        {"Host", "examplebucket.s3.amazonaws.com"},
        {"x-amz-date", AMZ_DATE},
        {"x-amz-content-sha256", SIGV4_EMPTY_SHA256},
    };
    sign_and_check("GET", "/", q, 2, h, 3, "host;x-amz-content-sha256;x-amz-date",
                   SIGV4_EMPTY_SHA256,
                   "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(sigv4_presigned_get)
{
    struct kv_pair q[] = {
        {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
        {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"},
        {"X-Amz-Date", AMZ_DATE},
        {"X-Amz-Expires", "86400"},
        {"X-Amz-SignedHeaders", "host"},
    };
    struct kv_pair h[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
    sign_and_check("GET", "/test.txt", q, 5, h, 1, "host", "UNSIGNED-PAYLOAD",
                   "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(sigv4_streaming_chunks)
{
    struct kv_pair h[] = {
        {"Host", "s3.amazonaws.com"},
        {"x-amz-date", AMZ_DATE},
        {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
        {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
        {"Content-Encoding", "aws-chunked"},
        {"x-amz-decoded-content-length", "66560"},
        {"Content-Length", "66824"},
    };
    const char *seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    sign_and_check("PUT", "/examplebucket/chunkObject.txt", NULL, 0, h, 7,
                   "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                   "x-amz-decoded-content-length;x-amz-storage-class",
                   "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", seed);

    uint8_t key[SHA256_LEN], digest[SHA256_LEN];
    sigv4_signing_key(SECRET, "20130524", "us-east-1", "s3", key);
    char *data = malloc(65536);
    memset(data, 'a', 65536);
    char sig1[65], sig2[65], sig3[65];
    hash_sha256(data, 65536, digest);
    sigv4_chunk_signature(key, AMZ_DATE, SCOPE, seed, digest, sig1);
    CHECK_STR(sig1, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
    hash_sha256(data, 1024, digest);
    sigv4_chunk_signature(key, AMZ_DATE, SCOPE, sig1, digest, sig2);
    CHECK_STR(sig2, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497");
    hash_sha256("", 0, digest);
    sigv4_chunk_signature(key, AMZ_DATE, SCOPE, sig2, digest, sig3);
    CHECK_STR(sig3, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
    free(data);
}

TEST(sigv4_parse_authorization_header)
{
    struct sigv4_auth a;
    CHECK(sigv4_parse_authorization(
              &a, "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                  "aws4_request,SignedHeaders=host;range;x-amz-date,Signature="
                  "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024") == 0);
    CHECK_STR(a.access_key, "AKIAIOSFODNN7EXAMPLE");
    CHECK_STR(a.date, "20130524");
    CHECK_STR(a.region, "us-east-1");
    CHECK_STR(a.service, "s3");
    CHECK_STR(a.signed_headers, "host;range;x-amz-date");
    sigv4_auth_dispose(&a);
    CHECK(sigv4_parse_authorization(&a, "AWS4-HMAC-SHA256 Credential=AK/2013/us/s3/aws4_request,"
                                        "SignedHeaders=host,Signature=00") != 0);
    sigv4_auth_dispose(&a);
    CHECK(sigv4_parse_authorization(&a, "AWS AKID:sig") != 0);
    CHECK(sigv4_parse_authorization(&a, "AWS4-HMAC-SHA256 ") != 0);
    CHECK(sigv4_parse_authorization(&a, NULL) != 0);
    const char *bad_lists[] = {"host;;x-amz-date", "host;", ";host", "ho st", "host,x", ""};
    for (size_t i = 0; i < sizeof(bad_lists) / sizeof(bad_lists[0]); i++)
        CHECK(sigv4_set_signed_headers(&a, bad_lists[i], strlen(bad_lists[i])) != 0);
    sigv4_auth_dispose(&a);
}

/* 50 signed headers (what a client sending many x-amz-meta-* headers signs) make a list far
 * longer than the 1 KiB field it once was copied into. */
TEST(sigv4_long_signed_headers_list)
{
    struct buf list, authz, creq;
    struct kv_pair h[51];
    char names[51][64];
    buf_init(&list, BUF_UNLIMITED);
    buf_init(&authz, BUF_UNLIMITED);
    buf_init(&creq, BUF_UNLIMITED);
    snprintf(names[0], sizeof(names[0]), "host");
    h[0].name = names[0];
    h[0].value = "examplebucket.s3.amazonaws.com";
    CHECK(buf_puts(&list, "host") == 0);
    for (int i = 1; i < 51; i++) {
        snprintf(names[i], sizeof(names[i]), "x-amz-meta-a-rather-long-header-name-%02d", i);
        h[i].name = names[i];
        h[i].value = "v";
        CHECK(buf_printf(&list, ";%s", names[i]) == 0);
    }
    CHECK(list.len > 2000);
    CHECK(buf_printf(&authz,
                     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                     "aws4_request, SignedHeaders=%s, Signature=%064d",
                     list.data, 0) == 0);
    struct sigv4_auth a;
    CHECK(sigv4_parse_authorization(&a, authz.data) == 0);
    CHECK_STR(a.signed_headers, list.data);
    CHECK(sigv4_canonical_request(&creq, "GET", "/", NULL, 0, h, 51, a.signed_headers,
                                  "UNSIGNED-PAYLOAD") == 0);
    CHECK(strstr(creq.data, "x-amz-meta-a-rather-long-header-name-50:v\n") != NULL);
    struct buf missing;
    buf_init(&missing, BUF_UNLIMITED);
    CHECK(sigv4_unsigned_headers(&missing, h, 51, a.signed_headers) == 0);
    buf_dispose(&missing);
    sigv4_auth_dispose(&a);
    buf_dispose(&list);
    buf_dispose(&authz);
    buf_dispose(&creq);
}

TEST(sigv4_unsigned_headers_listed)
{
    const struct kv_pair h[] = {{"Host", "b.example"},
                                {"X-Amz-Date", "20130524T000000Z"},
                                {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"},
                                {"X-Amz-Copy-Source", "/other/secret"},
                                {"x-amz-meta-a", "1"},
                                {"x-amz-meta-a", "2"},
                                {"x-amzn-trace-id", "Root=1"},
                                {"Content-Type", "text/plain"}};
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(sigv4_unsigned_headers(&out, h, 8, "host;x-amz-date") == 2);
    CHECK_STR(out.data, "x-amz-copy-source, x-amz-meta-a");
    buf_reset(&out);
    CHECK(sigv4_unsigned_headers(&out, h, 8, "x-amz-copy-source;x-amz-date;x-amz-meta-a") == 1);
    CHECK_STR(out.data, "host");
    buf_reset(&out);
    CHECK(sigv4_unsigned_headers(&out, h, 8, "host;x-amz-copy-source;x-amz-date;x-amz-meta-a") ==
          0);
    buf_dispose(&out);
}

/* The signing key uses the whole secret, however long (it was cut at 251 characters). */
TEST(sigv4_signing_key_long_secret)
{
    char secret[301];
    memset(secret, 'k', 300);
    secret[300] = '\0';
    uint8_t full[SHA256_LEN], cut[SHA256_LEN], expect[SHA256_LEN];
    sigv4_signing_key(secret, "20130524", "us-east-1", "s3", full);
    secret[251] = '\0';
    sigv4_signing_key(secret, "20130524", "us-east-1", "s3", cut);
    CHECK(memcmp(full, cut, SHA256_LEN) != 0);
    char k_secret[305];
    memset(k_secret, 'k', sizeof(k_secret));
    memcpy(k_secret, "AWS4", 4);
    hash_hmac_sha256(k_secret, 304, "20130524", 8, expect);
    hash_hmac_sha256(expect, SHA256_LEN, "us-east-1", 9, expect);
    hash_hmac_sha256(expect, SHA256_LEN, "s3", 2, expect);
    hash_hmac_sha256(expect, SHA256_LEN, "aws4_request", 12, expect);
    CHECK(memcmp(full, expect, SHA256_LEN) == 0);
}

TEST(sigv4_header_value_trimmed_and_folded)
{
    struct kv_pair h[] = {{"My-Header1", "  a   b   c  "}, {"my-header1", "d"}};
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(sigv4_canonical_request(&b, "GET", "/", NULL, 0, h, 2, "my-header1", "x") == 0);
    CHECK_STR(b.data, "GET\n/\n\nmy-header1:a b c,d\n\nmy-header1\nx");
    buf_dispose(&b);
}
