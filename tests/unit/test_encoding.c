/* test_encoding.c — percent-encoding, XML escaping, base64/hex and the S3 checksums against
 * their standard check values ("123456789"). */
#include <stdlib.h>

#include "core/buf.h"
#include "core/checksum.h"
#include "core/hash.h"
#include "core/str.h"
#include "core/uri.h"
#include "core/xmlw.h"
#include "harness.h"

TEST(uri_encode_rules)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    const char *s = "a b+c/d~e_f.g-h%é*";
    CHECK(uri_encode(&b, s, strlen(s), 1) == 0);
    CHECK_STR(b.data, "a%20b%2Bc/d~e_f.g-h%25%C3%A9%2A");
    buf_reset(&b);
    CHECK(uri_encode(&b, s, strlen(s), 0) == 0);
    CHECK_STR(b.data, "a%20b%2Bc%2Fd~e_f.g-h%25%C3%A9%2A");
    buf_dispose(&b);
}

TEST(uri_decode_rules)
{
    char *out = NULL;
    size_t n = 0;
    CHECK(uri_decode(&out, &n, "a%20b+c%2f", 10, 0) == 0);
    CHECK_STR(out, "a b+c/");
    free(out);
    CHECK(uri_decode(&out, &n, "a+b", 3, 1) == 0);
    CHECK_STR(out, "a b");
    free(out);
    CHECK(uri_decode(&out, &n, "%zz", 3, 0) == ERR_INVALID);
    CHECK(uri_decode(&out, &n, "abc%2", 5, 0) == ERR_INVALID);
    CHECK(uri_decode(&out, &n, "%", 1, 0) == ERR_INVALID);
}

TEST(xml_escape_all_specials)
{
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    const char *s = "<a href=\"x\">'&'</a>\n\t\r";
    CHECK(xmlw_escape(&b, s, strlen(s)) == 0);
    CHECK_STR(b.data, "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;&#x0A;&#x09;&#x0D;");
    buf_dispose(&b);
}

TEST(buf_limit_is_hard)
{
    struct buf b;
    buf_init(&b, 8);
    CHECK(buf_puts(&b, "12345678") == 0);
    CHECK(buf_puts(&b, "9") == ERR_TOOBIG);
    CHECK(b.len == 8);
    buf_dispose(&b);
}

TEST(base64_round_trip_and_rejects)
{
    uint8_t raw[16], back[16];
    char enc[32];
    for (int i = 0; i < 16; i++)
        raw[i] = (uint8_t)(i * 17);
    size_t n = hash_base64(raw, 16, enc);
    enc[n] = '\0';
    CHECK(hash_unbase64(enc, n, back) == 16);
    CHECK(memcmp(raw, back, 16) == 0);
    CHECK(hash_unbase64("abc", 3, back) == ERR_INVALID);
    CHECK(hash_unbase64("ab!d", 4, back) == ERR_INVALID);
    CHECK(hash_unbase64("a=bc", 4, back) == ERR_INVALID);
}

TEST(checksum_check_values)
{
    CHECK(checksum_crc32c(0, "123456789", 9) == 0xE3069283u);
    CHECK(checksum_crc64nvme(0, "123456789", 9) == 0xAE8B14860A799888ull);
    char out[CHECKSUM_B64_MAX];
    struct checksum *c = checksum_new(CHECKSUM_CRC32);
    checksum_update(c, "1234", 4);
    checksum_update(c, "56789", 5);
    checksum_finish(c, out);
    CHECK_STR(out, "y/Q5Jg=="); /* 0xCBF43926 */
    c = checksum_new(CHECKSUM_SHA256);
    checksum_update(c, "abc", 3);
    checksum_finish(c, out);
    CHECK_STR(out, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    CHECK(checksum_algo_from_name("crc64nvme") == CHECKSUM_CRC64NVME);
    CHECK(checksum_algo_from_name("md5") == CHECKSUM_NONE);
}

TEST(str_list_tokens_and_prefix_successor)
{
    const char *p = " a, ,bb ,  c c,";
    const char *tok;
    size_t len;
    char got[64] = "";
    while (str_list_next(&p, &tok, &len))
        strncat(strncat(got, tok, len), "|", 2);
    CHECK_STR(got, "a|bb|c c|");
    CHECK(str_list_has("ETag, ObjectSize", "objectsize"));
    CHECK(!str_list_has("ETag", "ETa"));
    char *s = str_prefix_successor("ab/");
    CHECK_STR(s, "ab0");
    free(s);
    s = str_prefix_successor("a\xff\xff");
    CHECK_STR(s, "b");
    free(s);
    CHECK(str_prefix_successor("") == NULL);
    CHECK(str_prefix_successor("\xff") == NULL);
}
