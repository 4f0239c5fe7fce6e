/* fuzz_sigv4.c — request header and SigV4 parsing on hostile input. The input is split at
 * newlines: an Authorization header, a credential, a raw path, a raw query and header lines
 * "name:value"; each goes through the parser or canonicaliser that would see it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "s3/sigv4.h"

#define FUZZ_MAX_PAIRS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* results are kept so the calls cannot be optimised away or ignored */
static volatile int fuzz_sink;

static size_t split_pairs(char *s, char sep_pair, char sep_kv, struct kv_pair *out)
{
    size_t n = 0;
    while (s && *s && n < FUZZ_MAX_PAIRS) {
        char *next = strchr(s, sep_pair);
        if (next)
            *next++ = '\0';
        char *eq = strchr(s, sep_kv);
        if (eq)
            *eq++ = '\0';
        out[n].name = s;
        out[n].value = eq;
        n++;
        s = next;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char *lines[5] = {text, "", "/", "", ""};
    for (int i = 1; i < 5; i++) {
        char *nl = strchr(lines[i - 1], '\n');
        if (!nl)
            break;
        *nl = '\0';
        lines[i] = nl + 1;
    }
    struct sigv4_auth auth;
    fuzz_sink = sigv4_parse_authorization(&auth, lines[0]);
    fuzz_sink = sigv4_parse_credential(&auth, lines[1]);
    fuzz_sink = sigv4_set_signed_headers(&auth, lines[2], strlen(lines[2]));
    int64_t t;
    fuzz_sink = clock_parse_amz(lines[1], &t);
    fuzz_sink = clock_parse_http(lines[1], &t);
    struct kv_pair params[FUZZ_MAX_PAIRS], headers[FUZZ_MAX_PAIRS];
    size_t np = split_pairs(lines[3], '&', '=', params);
    size_t nh = split_pairs(lines[4], '\n', ':', headers);
    for (size_t i = 0; i < nh; i++) {
        if (!headers[i].value)
            headers[i].value = "";
    }
    const char *signed_headers = nh ? headers[0].name : "host";
    struct buf creq;
    buf_init(&creq, 1u << 20);
    fuzz_sink = sigv4_canonical_request(&creq, "GET", lines[2], params, np, headers, nh,
                                        signed_headers, "UNSIGNED-PAYLOAD");
    buf_dispose(&creq);
    struct buf unsigned_names;
    buf_init(&unsigned_names, 1u << 16);
    fuzz_sink = (int)sigv4_unsigned_headers(&unsigned_names, headers, nh,
                                            auth.signed_headers ? auth.signed_headers : "");
    buf_dispose(&unsigned_names);
    sigv4_auth_dispose(&auth);
    free(text);
    return 0;
}
