/* hash.c — digests and encodings over OpenSSL (see hash.h). */
#include "core/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hash_sha256(const void *data, size_t len, uint8_t out[SHA256_LEN])
{
    EVP_Digest(data, len, out, NULL, EVP_sha256(), NULL);
}

void hash_md5(const void *data, size_t len, uint8_t out[MD5_LEN])
{
    EVP_Digest(data, len, out, NULL, EVP_md5(), NULL);
}

void hash_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                      uint8_t out[SHA256_LEN])
{
    unsigned int out_len = SHA256_LEN;
    HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &out_len);
}

void hash_hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int hash_unhex(const char *in, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(in[2 * i]), lo = hex_value(in[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return ERR_INVALID;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

size_t hash_base64(const uint8_t *in, size_t n, char *out)
{
    return (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

long hash_unbase64(const char *in, size_t len, uint8_t *out)
{
    if (len % 4 != 0)
        return ERR_INVALID;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '+' || c == '/' || (c == '=' && i >= len - 2);
        if (!ok)
            return ERR_INVALID;
    }
    int n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
    if (n < 0)
        return ERR_INVALID;
    if (len >= 1 && in[len - 1] == '=')
        n--;
    if (len >= 2 && in[len - 2] == '=')
        n--;
    return n;
}

int hash_equal_ct(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = la != lb;
    size_t n = la < lb ? la : lb;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

void hash_random(uint8_t *out, size_t n)
{
    if (RAND_bytes(out, (int)n) != 1) {
        fprintf(stderr, "stocktake: the system random source failed\n");
        abort();
    }
}

void hash_uuid(char out[37])
{
    uint8_t b[16];
    hash_random(b, sizeof(b));
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

void hash_version_id(char out[33])
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    uint8_t raw[32];
    hash_random(raw, sizeof(raw));
    for (int i = 0; i < 32; i++)
        out[i] = alphabet[raw[i] & 63];
    out[32] = '\0';
}

struct hash_stream {
    EVP_MD_CTX *ctx;
};

static struct hash_stream *hash_stream_new(const EVP_MD *md)
{
    struct hash_stream *h = malloc(sizeof(*h));
    if (!h)
        abort();
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, md, NULL) != 1)
        abort();
    return h;
}

struct hash_stream *hash_stream_new_sha256(void)
{
    return hash_stream_new(EVP_sha256());
}

struct hash_stream *hash_stream_new_md5(void)
{
    return hash_stream_new(EVP_md5());
}

void hash_stream_update(struct hash_stream *h, const void *data, size_t len)
{
    EVP_DigestUpdate(h->ctx, data, len);
}

void hash_stream_finish(struct hash_stream *h, uint8_t *out)
{
    unsigned int n = 0;
    EVP_DigestFinal_ex(h->ctx, out, &n);
    hash_stream_free(h);
}

void hash_stream_free(struct hash_stream *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}
