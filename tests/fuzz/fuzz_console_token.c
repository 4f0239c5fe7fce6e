/* fuzz_console_token.c — the console's Cookie header and session token parsing on hostile
 * input: the input is a Cookie header; the session cookie found in it is parsed and verified
 * (it must never verify: the fuzzer cannot know the key). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s3/console_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile int fuzz_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    static const uint8_t key[CONSOLE_TOKEN_KEY_LEN] = {0x5a};
    char token[CONSOLE_TOKEN_MAX], ak[CONSOLE_TOKEN_AK_MAX];
    int64_t exp;
    if (console_cookie_get(text, CONSOLE_COOKIE_NAME, token, sizeof(token)) == 0) {
        fuzz_sink += console_token_parse(token, ak, &exp) == 0;
        if (console_token_verify(key, token, "secret", 0) == 0)
            abort();
    }
    fuzz_sink += console_token_parse(text, ak, &exp) == 0;
    free(text);
    return 0;
}
