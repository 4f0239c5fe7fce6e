/* test_inv_token.c — continuation tokens of ListBucketInventoryConfigurations: round trips,
 * and refusal of everything encoding could not have produced (issue 9 defect 1: a token
 * decoding to more than 64 bytes overflowed a stack buffer). */
#include <stdint.h>
#include <stdlib.h>

#include "core/hash.h"
#include "harness.h"
#include "inventory/inv_token.h"

static int decode(const char *token, char *id)
{
    return inv_token_decode(token, strlen(token), id);
}

/* base64 of n raw bytes */
static void b64(const char *raw, size_t n, char *out)
{
    out[hash_base64((const uint8_t *)raw, n, out)] = '\0';
}

TEST(inv_token_round_trip)
{
    const char *ids[] = {
        "a",        "ab",      "abc",
        "report-1", "A.b_c-9", "0123456789012345678901234567890123456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        char tok[INV_TOKEN_MAX + 1], id[INV_ID_MAX + 1];
        inv_token_encode(ids[i], tok);
        CHECK(strlen(tok) <= INV_TOKEN_MAX);
        CHECK(decode(tok, id) == 0);
        CHECK_STR(id, ids[i]);
    }
}

TEST(inv_token_refuses_long_tokens)
{
    /* "i" + 65..200 id characters: decodes past the id buffer */
    char raw[256], tok[512], id[INV_ID_MAX + 1];
    raw[0] = 'i';
    memset(raw + 1, 'x', sizeof(raw) - 1);
    for (size_t n = INV_ID_MAX + 2; n < sizeof(raw); n++) {
        b64(raw, n, tok);
        CHECK(decode(tok, id) == ERR_INVALID);
    }
    /* a long run of valid base64 characters, and one far longer */
    char big[4097];
    memset(big, 'Q', sizeof(big) - 1);
    big[4096] = '\0';
    CHECK(decode(big, id) == ERR_INVALID);
    big[96] = '\0';
    CHECK(decode(big, id) == ERR_INVALID);
}

TEST(inv_token_refuses_odd_tokens)
{
    char id[INV_ID_MAX + 1], tok[128];
    const char *bad[] = {"",     "a",    "aQ",  "aQ=",    "aQ==",  "====",     "aWE=x",
                         "aW=E", "a$E=", "aWE", "aWFi\n", " aWFi", "aWFi====", "aWE==="};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(decode(bad[i], id) == ERR_INVALID);
    b64("xabc", 4, tok); /* wrong tag */
    CHECK(decode(tok, id) == ERR_INVALID);
    b64("i", 1, tok); /* empty id */
    CHECK(decode(tok, id) == ERR_INVALID);
    b64("ia/b", 4, tok); /* a character ids may not have */
    CHECK(decode(tok, id) == ERR_INVALID);
    b64("ia\0b", 4, tok); /* NUL inside */
    CHECK(decode(tok, id) == ERR_INVALID);
    /* non-canonical spellings of a valid token: stray bits past the last byte */
    b64("iab", 3, tok); /* "aWFi" */
    CHECK(decode(tok, id) == 0);
    b64("ia", 2, tok); /* "aWE=" */
    CHECK_STR(tok, "aWE=");
    CHECK(decode("aWF=", id) == ERR_INVALID); /* same bytes, low bits set */
    /* a NUL inside the token's own bytes */
    CHECK(inv_token_decode("aWE=\0\0\0\0", 8, id) == ERR_INVALID);
}

TEST(inv_token_random_inputs_never_overflow)
{
    srand(9);
    for (int round = 0; round < 20000; round++) {
        char tok[200], id[INV_ID_MAX + 1];
        size_t n = (size_t)(rand() % 199);
        for (size_t k = 0; k < n; k++)
            tok[k] = (char)(rand() % 256);
        tok[n] = '\0';
        if (inv_token_decode(tok, n, id) == 0) {
            char again[INV_TOKEN_MAX + 1];
            inv_token_encode(id, again);
            CHECK(strlen(again) == n && memcmp(again, tok, n) == 0);
        }
    }
}
