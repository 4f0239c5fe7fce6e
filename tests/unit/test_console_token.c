/* test_console_token.c — the console's session token and cookie parsing (console_token.h). */
#include <string.h>

#include "harness.h"
#include "s3/console_token.h"

static const uint8_t KEY[CONSOLE_TOKEN_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};

TEST(console_token_round_trip)
{
    char t[CONSOLE_TOKEN_MAX], ak[CONSOLE_TOKEN_AK_MAX];
    int64_t exp = 0;
    CHECK(console_token_make(KEY, "STKKEY1", "secret", 2000, t) == 0);
    CHECK(strncmp(t, "v1.STKKEY1.2000.", 16) == 0);
    CHECK(strstr(t, "secret") == NULL);
    CHECK(console_token_parse(t, ak, &exp) == 0);
    CHECK_STR(ak, "STKKEY1");
    CHECK(exp == 2000);
    CHECK(console_token_verify(KEY, t, "secret", 1999) == 0);
    CHECK(console_token_verify(KEY, t, "secret", 2000) != 0); /* expired at that instant */
    CHECK(console_token_verify(KEY, t, "other", 1000) != 0);  /* the secret was rotated */
    uint8_t other[CONSOLE_TOKEN_KEY_LEN] = {9};
    CHECK(console_token_verify(other, t, "secret", 1000) != 0);
}

TEST(console_token_tampered)
{
    char t[CONSOLE_TOKEN_MAX], ak[CONSOLE_TOKEN_AK_MAX];
    int64_t exp;
    CHECK(console_token_make(KEY, "STKKEY1", "secret", 2000, t) == 0);
    char u[CONSOLE_TOKEN_MAX];
    memcpy(u, t, sizeof(u));
    u[8] = '3'; /* the expiry: 2000 → 3000 */
    CHECK(console_token_verify(KEY, u, "secret", 1000) != 0);
    memcpy(u, t, sizeof(u));
    u[strlen(u) - 1] = u[strlen(u) - 1] == '0' ? '1' : '0';
    CHECK(console_token_verify(KEY, u, "secret", 1000) != 0);
    const char *bad[] = {"",
                         "v1.",
                         "v1..1.00",
                         "v2.K.1.ab",
                         "v1.K.x.ab",
                         "v1.K.1.ab",
                         "v1.K/.1.0000000000000000000000000000000000000000000000000000000000000000",
                         "v1.K.99999999999999999999."
                         "0000000000000000000000000000000000000000000000000000000000000000"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(console_token_parse(bad[i], ak, &exp) != 0);
    CHECK(console_token_make(KEY, "bad.key", "s", 1, t) != 0);
    CHECK(console_token_make(KEY, "", "s", 1, t) != 0);
}

TEST(console_cookie_get_finds_the_cookie)
{
    char v[64];
    CHECK(console_cookie_get("a=1; stocktake_console=v1.x; b=2", "stocktake_console", v,
                             sizeof(v)) == 0);
    CHECK_STR(v, "v1.x");
    CHECK(console_cookie_get("stocktake_console=\"q\"", "stocktake_console", v, sizeof(v)) == 0);
    CHECK_STR(v, "q");
    CHECK(console_cookie_get("xstocktake_console=1", "stocktake_console", v, sizeof(v)) != 0);
    CHECK(console_cookie_get("stocktake_console", "stocktake_console", v, sizeof(v)) != 0);
    CHECK(console_cookie_get("", "stocktake_console", v, sizeof(v)) != 0);
    CHECK(console_cookie_get("stocktake_console=0123456789", "stocktake_console", v, 4) != 0);
}

TEST(console_server_key_derivation)
{
    uint8_t a[CONSOLE_TOKEN_KEY_LEN], b[CONSOLE_TOKEN_KEY_LEN], c[CONSOLE_TOKEN_KEY_LEN];
    uint8_t master[32] = {7};
    console_token_server_key(master, sizeof(master), a);
    console_token_server_key(master, sizeof(master), b);
    CHECK(memcmp(a, b, sizeof(a)) == 0);
    CHECK(memcmp(a, master, sizeof(a)) != 0);
    console_token_server_key(NULL, 0, b);
    console_token_server_key(NULL, 0, c);
    CHECK(memcmp(b, c, sizeof(b)) == 0); /* one random key per process */
}
