/* test_utf8.c — UTF-8 validation at every boundary of Unicode's table of well-formed byte
 * sequences, and an exhaustive cross-check of all one- to three-byte inputs against a decoder
 * written from the definition. */
#include <stdint.h>

#include "core/utf8.h"
#include "harness.h"

#define V(s) utf8_valid(s, sizeof(s) - 1)

TEST(utf8_valid_sequences)
{
    CHECK(V(""));
    CHECK(V("plain ascii/key.txt"));
    CHECK(V("\x7f"));
    CHECK(V("\xc2\x80"));                      /* U+0080 */
    CHECK(V("\xdf\xbf"));                      /* U+07FF */
    CHECK(V("\xe0\xa0\x80"));                  /* U+0800 */
    CHECK(V("\xed\x9f\xbf"));                  /* U+D7FF */
    CHECK(V("\xee\x80\x80"));                  /* U+E000 */
    CHECK(V("\xef\xbf\xbf"));                  /* U+FFFF */
    CHECK(V("\xf0\x90\x80\x80"));              /* U+10000 */
    CHECK(V("\xf4\x8f\xbf\xbf"));              /* U+10FFFF */
    CHECK(V("p/\xc3\xbc k \xf0\x9f\xa5\xb3")); /* "p/ü k 🥳" */
}

TEST(utf8_invalid_sequences)
{
    CHECK(!V("bad\xff\xfe"));
    CHECK(!V("\x80")); /* stray continuation */
    CHECK(!V("\xbf"));
    CHECK(!V("\xc0\xaf")); /* overlong '/' */
    CHECK(!V("\xc1\xbf"));
    CHECK(!V("\xe0\x80\xaf"));             /* overlong '/' */
    CHECK(!V("\xe0\x9f\xbf"));             /* overlong U+07FF */
    CHECK(!V("\xf0\x80\x80\xaf"));         /* overlong '/' */
    CHECK(!V("\xf0\x8f\xbf\xbf"));         /* overlong U+FFFF */
    CHECK(!V("\xed\xa0\x80"));             /* U+D800 */
    CHECK(!V("\xed\xbf\xbf"));             /* U+DFFF */
    CHECK(!V("\xed\xa0\xbd\xed\xb8\x80")); /* CESU-8 surrogate pair */
    CHECK(!V("\xf4\x90\x80\x80"));         /* U+110000 */
    CHECK(!V("\xf5\x80\x80\x80"));
    CHECK(!V("\xf8\x88\x80\x80\x80")); /* five-byte form */
    CHECK(!V("\xc3"));                 /* truncated */
    CHECK(!V("\xe2\x82"));
    CHECK(!V("\xf0\x9f\xa5"));
    CHECK(!V("\xc3\x28")); /* bad continuation */
    CHECK(!V("\xe2\x28\xa1"));
    CHECK(!V("\xe2\x82\x28"));
}

/* The code point of s[0..n), or -1 when it is not exactly one well-formed sequence: decoded
 * by the bit patterns, then held to the shortest form and the Unicode scalar value range. */
static long reference_decode(const uint8_t *s, size_t n)
{
    static const long min_of_len[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = s[0] < 0x80         ? 1
                 : (s[0] >> 5) == 6  ? 2
                 : (s[0] >> 4) == 14 ? 3
                 : (s[0] >> 3) == 30 ? 4
                                     : 0;
    if (len == 0 || len != n)
        return -1;
    long cp = len == 1 ? s[0] : s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min_of_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    return cp;
}

/* Can s[0..n) be split into well-formed sequences? */
static int reference_valid(const uint8_t *s, size_t n)
{
    if (n == 0)
        return 1;
    for (size_t len = 1; len <= 4 && len <= n; len++) {
        if (reference_decode(s, len) >= 0 && reference_valid(s + len, n - len))
            return 1;
    }
    return 0;
}

TEST(utf8_exhaustive_short_inputs)
{
    uint8_t s[3];
    long mismatches = 0;
    for (long v = 0; v < (1L << 24); v++) {
        s[0] = (uint8_t)(v >> 16);
        s[1] = (uint8_t)(v >> 8);
        s[2] = (uint8_t)v;
        if (utf8_valid((const char *)s, 3) != reference_valid(s, 3))
            mismatches++;
    }
    CHECK(mismatches == 0);
}

/* Four-byte sequences: every lead F0–F4 with every second byte, continuation bytes fixed. */
TEST(utf8_four_byte_boundaries)
{
    uint8_t s[4] = {0, 0, 0x80, 0xbf};
    for (int lead = 0xf0; lead <= 0xff; lead++) {
        for (int second = 0; second < 256; second++) {
            s[0] = (uint8_t)lead;
            s[1] = (uint8_t)second;
            CHECK(utf8_valid((const char *)s, 4) == reference_valid(s, 4));
        }
    }
}
