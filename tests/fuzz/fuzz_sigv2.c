/* fuzz_sigv2.c — SigV2 parsing and canonicalisation on hostile input. The input is split at
 * newlines: an Authorization header, an Expires value (or empty), a raw path, a raw query
 * "name=value&…" and header lines "name:value"; each goes through the parser or the string
 * to sign that would see it, in header and presigned form, path-style and virtual-hosted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "s3/sigv2.h"

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

static void fuzz_string_to_sign(struct sigv2_request *req)
{
    struct buf sts;
    buf_init(&sts, 1u << 16);
    if (sigv2_string_to_sign(&sts, req) == 0) {
        char sig[SIGV2_SIGNATURE_SIZE];
        sigv2_sign("secret", sts.data, sts.len, sig);
        fuzz_sink = sigv2_signature_equal(sig, sts.data);
        struct buf bytes;
        buf_init(&bytes, 3 * sts.len + 1);
        fuzz_sink = sigv2_hex_bytes(&bytes, sts.data, sts.len);
        buf_dispose(&bytes);
    }
    buf_dispose(&sts);
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
    struct sigv2_auth auth;
    fuzz_sink = sigv2_parse_authorization(&auth, lines[0]);
    char *colon = strchr(lines[0], ':');
    if (colon) {
        *colon = '\0';
        fuzz_sink = sigv2_set_query(&auth, lines[0], colon + 1);
    }
    struct kv_pair params[FUZZ_MAX_PAIRS], headers[FUZZ_MAX_PAIRS];
    size_t np = split_pairs(lines[3], '&', '=', params);
    size_t nh = split_pairs(lines[4], '\n', ':', headers);
    for (size_t i = 0; i < np; i++)
        fuzz_sink = sigv2_is_subresource(params[i].name);
    struct sigv2_request req = {"PUT", headers, nh, NULL, NULL, lines[2], params, np, 0};
    fuzz_string_to_sign(&req);
    req.expires = lines[1];
    req.host_bucket = lines[1];
    req.slash = 1;
    fuzz_string_to_sign(&req);
    free(text);
    return 0;
}
