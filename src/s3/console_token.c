/* console_token.c — the console's signed session token and its cookie (console_token.h). */
#include "s3/console_token.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/hash.h"

#define CONSOLE_TOKEN_PREFIX "v1."
#define CONSOLE_KEY_LABEL "stocktake console session v1"

static int console_bad(const char *why)
{
    err_set("%s", why);
    return ERR_INVALID;
}

/* An access key id as the token carries it: 1..CONSOLE_TOKEN_AK_MAX-1 of [A-Za-z0-9_-]. */
static int console_ak_valid(const char *s, size_t n)
{
    if (n == 0 || n >= CONSOLE_TOKEN_AK_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static void console_token_mac(const uint8_t key[CONSOLE_TOKEN_KEY_LEN], const char *ak,
                              int64_t expires, const char *secret, char hex[2 * SHA256_LEN + 1])
{
    char msg[CONSOLE_TOKEN_MAX + 512];
    int n = snprintf(msg, sizeof(msg), CONSOLE_TOKEN_PREFIX "%s.%lld.%s", ak, (long long)expires,
                     secret);
    size_t len = n < 0 ? 0 : (size_t)n >= sizeof(msg) ? sizeof(msg) - 1 : (size_t)n;
    uint8_t mac[SHA256_LEN];
    hash_hmac_sha256(key, CONSOLE_TOKEN_KEY_LEN, msg, len, mac);
    hash_hex(mac, sizeof(mac), hex);
    OPENSSL_cleanse(msg, sizeof(msg));
    OPENSSL_cleanse(mac, sizeof(mac));
}

int console_token_make(const uint8_t key[CONSOLE_TOKEN_KEY_LEN], const char *access_key,
                       const char *secret, int64_t expires, char out[CONSOLE_TOKEN_MAX])
{
    if (!console_ak_valid(access_key, strlen(access_key)) || expires < 0)
        return console_bad("access key id cannot be carried in a session token");
    char hex[2 * SHA256_LEN + 1];
    console_token_mac(key, access_key, expires, secret, hex);
    snprintf(out, CONSOLE_TOKEN_MAX, CONSOLE_TOKEN_PREFIX "%s.%lld.%s", access_key,
             (long long)expires, hex);
    return 0;
}

int console_token_parse(const char *token, char ak[CONSOLE_TOKEN_AK_MAX], int64_t *expires)
{
    size_t plen = strlen(CONSOLE_TOKEN_PREFIX);
    if (strncmp(token, CONSOLE_TOKEN_PREFIX, plen) != 0)
        return console_bad("not a session token");
    const char *p = token + plen;
    const char *dot = strchr(p, '.');
    if (!dot || !console_ak_valid(p, (size_t)(dot - p)))
        return console_bad("malformed session token");
    const char *e = dot + 1;
    int64_t v = 0;
    const char *q = e;
    for (; *q >= '0' && *q <= '9'; q++) {
        if (v > (INT64_MAX - 9) / 10)
            return console_bad("malformed session token");
        v = v * 10 + (*q - '0');
    }
    if (q == e || q - e > 18 || *q != '.' || strlen(q + 1) != 2 * SHA256_LEN)
        return console_bad("malformed session token");
    for (const char *h = q + 1; *h; h++) {
        if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
            return console_bad("malformed session token");
    }
    memcpy(ak, p, (size_t)(dot - p));
    ak[dot - p] = '\0';
    *expires = v;
    return 0;
}

int console_token_verify(const uint8_t key[CONSOLE_TOKEN_KEY_LEN], const char *token,
                         const char *secret, int64_t now)
{
    char ak[CONSOLE_TOKEN_AK_MAX];
    int64_t expires;
    if (console_token_parse(token, ak, &expires))
        return ERR_INVALID;
    char hex[2 * SHA256_LEN + 1];
    console_token_mac(key, ak, expires, secret, hex);
    int ok = hash_equal_ct(hex, strrchr(token, '.') + 1);
    OPENSSL_cleanse(hex, sizeof(hex));
    if (!ok)
        return console_bad("session token signature mismatch");
    if (now >= expires)
        return console_bad("session expired");
    return 0;
}

int console_cookie_get(const char *header, const char *name, char *out, size_t cap)
{
    size_t nlen = strlen(name);
    const char *p = header;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            const char *v = p + nlen + 1;
            size_t vlen = len - nlen - 1;
            while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                vlen--;
            if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
                v++;
                vlen -= 2;
            }
            if (vlen >= cap)
                return ERR_NOTFOUND;
            memcpy(out, v, vlen);
            out[vlen] = '\0';
            return 0;
        }
        p = end;
    }
    return ERR_NOTFOUND;
}

static uint8_t console_random_key[CONSOLE_TOKEN_KEY_LEN];
static pthread_once_t console_random_once = PTHREAD_ONCE_INIT;

static void console_random_init(void)
{
    hash_random(console_random_key, sizeof(console_random_key));
}

void console_token_server_key(const uint8_t *master, size_t master_len,
                              uint8_t out[CONSOLE_TOKEN_KEY_LEN])
{
    if (!master) {
        pthread_once(&console_random_once, console_random_init);
        memcpy(out, console_random_key, CONSOLE_TOKEN_KEY_LEN);
        return;
    }
    hash_hmac_sha256(master, master_len, CONSOLE_KEY_LABEL, strlen(CONSOLE_KEY_LABEL), out);
}
