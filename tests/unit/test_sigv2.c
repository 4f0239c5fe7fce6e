/* test_sigv2.c — SigV2 against the worked examples of AWS's "Signing and authenticating REST
 * requests" page (Object GET, Object PUT, List, Fetch, Delete, Upload, List all my buckets,
 * Unicode keys, and the query string example), all with AKIAIOSFODNN7EXAMPLE's secret. The
 * bucket is "johnsmith" as in the page's original examples: their signatures are the ones
 * printed there. */
#include <stdlib.h>

#include "harness.h"
#include "s3/sigv2.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

static void check_sts(const struct sigv2_request *req, const char *sts, const char *signature)
{
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(sigv2_string_to_sign(&out, req) == 0);
    CHECK_STR(out.data, sts);
    char sig[SIGV2_SIGNATURE_SIZE];
    sigv2_sign(SECRET, out.data, out.len, sig);
    CHECK_STR(sig, signature);
    CHECK(sigv2_signature_equal(sig, signature));
    buf_dispose(&out);
}

TEST(sigv2_object_get_virtual_host)
{
    struct kv_pair h[] = {{"Host", "johnsmith.s3.amazonaws.com"},
                          {"Date", "Tue, 27 Mar 2007 19:36:42 +0000"}};
    struct sigv2_request req = {"GET", h, 2, NULL, "johnsmith", "/photos/puppy.jpg", NULL, 0, 0};
    check_sts(&req, "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg",
              "bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
}

TEST(sigv2_object_put_content_type)
{
    struct kv_pair h[] = {{"Content-Type", "image/jpeg"},
                          {"Content-Length", "94328"},
                          {"Host", "johnsmith.s3.amazonaws.com"},
                          {"Date", "Tue, 27 Mar 2007 21:15:45 +0000"}};
    struct sigv2_request req = {"PUT", h, 4, NULL, "johnsmith", "/photos/puppy.jpg", NULL, 0, 0};
    check_sts(&req,
              "PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/johnsmith/photos/puppy.jpg",
              "MyyxeRY7whkBe+bq8fHCL/2kKUg=");
}

TEST(sigv2_list_ignores_other_params)
{
    struct kv_pair h[] = {{"User-Agent", "Mozilla/5.0"},
                          {"Host", "johnsmith.s3.amazonaws.com"},
                          {"Date", "Tue, 27 Mar 2007 19:42:41 +0000"}};
    struct kv_pair q[] = {{"prefix", "photos"}, {"max-keys", "50"}, {"marker", "puppy"}};
    struct sigv2_request req = {"GET", h, 3, NULL, "johnsmith", "/", q, 3, 0};
    check_sts(&req, "GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/johnsmith/",
              "htDYFYduRNen8P9ZfE/s9SuKy0U=");
}

TEST(sigv2_fetch_acl_subresource)
{
    struct kv_pair h[] = {{"Host", "johnsmith.s3.amazonaws.com"},
                          {"Date", "Tue, 27 Mar 2007 19:44:46 +0000"}};
    struct kv_pair q[] = {{"acl", NULL}};
    struct sigv2_request req = {"GET", h, 2, NULL, "johnsmith", "/", q, 1, 0};
    check_sts(&req, "GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/johnsmith/?acl",
              "c2WLPFtWHVgbEmeEG93a4cG37dM=");
}

TEST(sigv2_delete_x_amz_date_overrides_date)
{
    struct kv_pair h[] = {{"User-Agent", "dotnet"},
                          {"Host", "s3.amazonaws.com"},
                          {"Date", "Tue, 27 Mar 2007 21:20:27 +0000"},
                          {"x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000"}};
    struct sigv2_request req = {"DELETE", h, 4, NULL, NULL, "/johnsmith/photos/puppy.jpg",
                                NULL,     0, 0};
    check_sts(&req,
              "DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n"
              "/johnsmith/photos/puppy.jpg",
              "R4dJ53KECjStyBO5iTBJZ4XVOaI=");
}

TEST(sigv2_upload_amz_headers_sorted_joined)
{
    struct kv_pair h[] = {
        {"Host", "static.johnsmith.net:8080"},
        {"Date", "Tue, 27 Mar 2007 21:06:08 +0000"},
        {"User-Agent", "curl/7.15.5"},
        {"x-amz-acl", "public-read"},
        {"content-type", "application/x-download"},
        {"Content-MD5", "4gJE4saaMU4BqNR0kLY+lw=="},
        {"X-Amz-Meta-ReviewedBy", "joe@johnsmith.net"},
        {"X-Amz-Meta-ReviewedBy", "jane@johnsmith.net"},
        {"X-Amz-Meta-FileChecksum", "0x02661779"},
        {"X-Amz-Meta-ChecksumAlgorithm", "crc32"},
        {"Content-Disposition", "attachment; filename=database.dat"},
        {"Content-Encoding", "gzip"},
        {"Content-Length", "5913339"},
    };
    struct sigv2_request req = {"PUT", h, 13, NULL, "static.johnsmith.net", "/db-backup.dat.gz",
                                NULL,  0, 0};
    check_sts(&req,
              "PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\n"
              "Tue, 27 Mar 2007 21:06:08 +0000\n"
              "x-amz-acl:public-read\n"
              "x-amz-meta-checksumalgorithm:crc32\n"
              "x-amz-meta-filechecksum:0x02661779\n"
              "x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n"
              "/static.johnsmith.net/db-backup.dat.gz",
              "ilyl83RwaSoYIEdixDQcA4OnAnc=");
}

TEST(sigv2_list_all_buckets)
{
    struct kv_pair h[] = {{"Host", "s3.amazonaws.com"},
                          {"Date", "Wed, 28 Mar 2007 01:29:59 +0000"}};
    struct sigv2_request req = {"GET", h, 2, NULL, NULL, "/", NULL, 0, 0};
    check_sts(&req, "GET\n\n\nWed, 28 Mar 2007 01:29:59 +0000\n/", "qGdzdERIC03wnaRNKh6OqZehG9s=");
}

TEST(sigv2_unicode_keys_path_as_sent)
{
    struct kv_pair h[] = {{"Host", "s3.amazonaws.com"},
                          {"Date", "Wed, 28 Mar 2007 01:49:49 +0000"}};
    struct sigv2_request req = {
        "GET", h, 2, NULL, NULL, "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re", NULL, 0, 0};
    check_sts(&req,
              "GET\n\n\nWed, 28 Mar 2007 01:49:49 +0000\n"
              "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re",
              "DNEZGsoieTZ92F3bUfSPQcbGmlM=");
}

TEST(sigv2_query_string_expires)
{
    struct kv_pair h[] = {{"Host", "johnsmith.s3.amazonaws.com"},
                          {"Date", "Mon, 26 Mar 2007 19:37:58 +0000"}};
    struct kv_pair q[] = {{"AWSAccessKeyId", "AKIAIOSFODNN7EXAMPLE"},
                          {"Expires", "1175139620"},
                          {"Signature", "NpgCjnDzrM+WFzoENXmpNDUsSn8="}};
    struct sigv2_request req = {"GET", h, 2, "1175139620", "johnsmith", "/photos/puppy.jpg",
                                q,     3, 0};
    check_sts(&req, "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg",
              "NpgCjnDzrM+WFzoENXmpNDUsSn8=");
}

TEST(sigv2_subresources_sorted_with_values)
{
    struct kv_pair h[] = {{"Date", "Wed, 28 Mar 2007 01:29:59 GMT"}};
    struct kv_pair q[] = {{"versionId", "v1"},
                          {"response-content-disposition", "inline; filename=a b"},
                          {"max-keys", "3"},
                          {"uploadId", ""},
                          {"Acl", NULL}};
    struct sigv2_request req = {"GET", h, 1, NULL, NULL, "/b/k", q, 5, 0};
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(sigv2_string_to_sign(&out, &req) == 0);
    CHECK_STR(out.data,
              "GET\n\n\nWed, 28 Mar 2007 01:29:59 GMT\n"
              "/b/k?response-content-disposition=inline; filename=a b&uploadId&versionId=v1");
    buf_dispose(&out);
}

TEST(sigv2_header_values_trimmed_and_unfolded)
{
    struct kv_pair h[] = {{"Date", " Wed, 28 Mar 2007 01:29:59 GMT "},
                          {"X-AMZ-META-B", "  two\r\n   lines  here "},
                          {"x-amz-meta-a", "1"}};
    struct sigv2_request req = {"PUT", h, 3, NULL, NULL, "/b/k", NULL, 0, 0};
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(sigv2_string_to_sign(&out, &req) == 0);
    CHECK_STR(out.data, "PUT\n\n\nWed, 28 Mar 2007 01:29:59 GMT\n"
                        "x-amz-meta-a:1\nx-amz-meta-b:two lines  here\n/b/k");
    buf_dispose(&out);
}

TEST(sigv2_string_to_sign_bounded)
{
    struct kv_pair h[] = {{"x-amz-meta-a", "0123456789012345678901234567890123456789"}};
    struct sigv2_request req = {"PUT", h, 1, NULL, NULL, "/b/k", NULL, 0, 0};
    struct buf out;
    buf_init(&out, 32);
    CHECK(sigv2_string_to_sign(&out, &req) != 0);
    buf_dispose(&out);
}

TEST(sigv2_parse_authorization_header)
{
    struct sigv2_auth a;
    CHECK(sigv2_parse_authorization(&a, "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=") ==
          0);
    CHECK_STR(a.access_key, "AKIAIOSFODNN7EXAMPLE");
    CHECK_STR(a.signature, "frJIUN8DYpKDtOLCwo//yllqDzg=");
    CHECK(sigv2_parse_authorization(&a, "AWS AKIAIOSFODNN7EXAMPLE") != 0);
    CHECK(sigv2_parse_authorization(&a, "AWS :sig") != 0);
    CHECK(sigv2_parse_authorization(&a, "AWS key:") != 0);
    CHECK(sigv2_parse_authorization(&a, "AWS4-HMAC-SHA256 Credential=x") != 0);
    char longsig[300];
    memset(longsig, 'A', sizeof(longsig) - 1);
    longsig[sizeof(longsig) - 1] = '\0';
    memcpy(longsig, "AWS k:", 6);
    CHECK(sigv2_parse_authorization(&a, longsig) != 0);
}

TEST(sigv2_query_signature_plus_restored)
{
    struct sigv2_auth a;
    CHECK(sigv2_set_query(&a, "AKIAIOSFODNN7EXAMPLE", "NpgCjnDzrM WFzoENXmpNDUsSn8=") == 0);
    CHECK_STR(a.signature, "NpgCjnDzrM+WFzoENXmpNDUsSn8=");
    CHECK(sigv2_set_query(&a, "", "x") != 0);
}

TEST(sigv2_signature_mismatch_and_bytes)
{
    char sig[SIGV2_SIGNATURE_SIZE];
    sigv2_sign(SECRET, "GET\n", 4, sig);
    CHECK(!sigv2_signature_equal(sig, "bWq2s1WEIj+Ydj0vQ697zp+IXMU="));
    CHECK(!sigv2_signature_equal(sig, ""));
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(sigv2_hex_bytes(&out, "GET\n", 4) == 0);
    CHECK_STR(out.data, "47 45 54 0a");
    buf_dispose(&out);
}
