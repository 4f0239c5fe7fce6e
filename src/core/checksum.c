/* checksum.c — S3 object checksums (see checksum.h). CRC32 is zlib's; CRC32C (Castagnoli,
 * reflected 0x82F63B78) and CRC64NVME (reflected 0x9A6C9329AC4BC9B5) are table-driven here. */
#include "core/checksum.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <zlib.h>

#include "core/alloc.h"
#include "core/hash.h"

static uint32_t crc32c_table[256];
static uint64_t crc64nvme_table[256];
static pthread_once_t checksum_tables_once = PTHREAD_ONCE_INIT;

static void checksum_tables_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        uint64_t d = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
            d = (d & 1) ? (d >> 1) ^ 0x9A6C9329AC4BC9B5ull : d >> 1;
        }
        crc32c_table[i] = c;
        crc64nvme_table[i] = d;
    }
}

uint32_t checksum_crc32c(uint32_t crc, const void *data, size_t n)
{
    pthread_once(&checksum_tables_once, checksum_tables_init);
    const uint8_t *p = data;
    crc = ~crc;
    while (n--)
        crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint64_t checksum_crc64nvme(uint64_t crc, const void *data, size_t n)
{
    pthread_once(&checksum_tables_once, checksum_tables_init);
    const uint8_t *p = data;
    crc = ~crc;
    while (n--)
        crc = crc64nvme_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static const struct {
    const char *name;
    const char *header;
    size_t b64_len;
} checksum_algos[] = {
    [CHECKSUM_NONE] = {"", "", 0},
    [CHECKSUM_CRC32] = {"CRC32", "x-amz-checksum-crc32", 8},
    [CHECKSUM_CRC32C] = {"CRC32C", "x-amz-checksum-crc32c", 8},
    [CHECKSUM_CRC64NVME] = {"CRC64NVME", "x-amz-checksum-crc64nvme", 12},
    [CHECKSUM_SHA1] = {"SHA1", "x-amz-checksum-sha1", 28},
    [CHECKSUM_SHA256] = {"SHA256", "x-amz-checksum-sha256", 44},
};

enum checksum_algo checksum_algo_from_name(const char *name)
{
    for (int a = CHECKSUM_CRC32; name && a <= CHECKSUM_SHA256; a++) {
        if (strcasecmp(name, checksum_algos[a].name) == 0)
            return (enum checksum_algo)a;
    }
    return CHECKSUM_NONE;
}

const char *checksum_algo_name(enum checksum_algo algo)
{
    return checksum_algos[algo].name;
}

const char *checksum_algo_header(enum checksum_algo algo)
{
    return checksum_algos[algo].header;
}

size_t checksum_b64_len(enum checksum_algo algo)
{
    return checksum_algos[algo].b64_len;
}

struct checksum {
    enum checksum_algo algo;
    uint32_t crc32;
    uint64_t crc64;
    EVP_MD_CTX *md;
};

struct checksum *checksum_new(enum checksum_algo algo)
{
    struct checksum *c = xcalloc(1, sizeof(*c));
    c->algo = algo;
    if (algo == CHECKSUM_CRC32)
        c->crc32 = (uint32_t)crc32(0L, Z_NULL, 0);
    if (algo == CHECKSUM_SHA1 || algo == CHECKSUM_SHA256) {
        c->md = EVP_MD_CTX_new();
        if (!c->md ||
            EVP_DigestInit_ex(c->md, algo == CHECKSUM_SHA1 ? EVP_sha1() : EVP_sha256(), NULL) != 1)
            abort();
    }
    return c;
}

void checksum_update(struct checksum *c, const void *data, size_t n)
{
    switch (c->algo) {
    case CHECKSUM_CRC32:
        while (n > 0) {
            uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
            c->crc32 = (uint32_t)crc32(c->crc32, data, k);
            data = (const char *)data + k;
            n -= k;
        }
        break;
    case CHECKSUM_CRC32C:
        c->crc32 = checksum_crc32c(c->crc32, data, n);
        break;
    case CHECKSUM_CRC64NVME:
        c->crc64 = checksum_crc64nvme(c->crc64, data, n);
        break;
    case CHECKSUM_SHA1:
    case CHECKSUM_SHA256:
        EVP_DigestUpdate(c->md, data, n);
        break;
    case CHECKSUM_NONE:
        break;
    }
}

void checksum_finish(struct checksum *c, char *out)
{
    uint8_t raw[32];
    size_t n = 0;
    if (c->algo == CHECKSUM_CRC32 || c->algo == CHECKSUM_CRC32C) {
        for (int i = 0; i < 4; i++)
            raw[i] = (uint8_t)(c->crc32 >> (24 - 8 * i));
        n = 4;
    } else if (c->algo == CHECKSUM_CRC64NVME) {
        for (int i = 0; i < 8; i++)
            raw[i] = (uint8_t)(c->crc64 >> (56 - 8 * i));
        n = 8;
    } else if (c->md) {
        unsigned int len = 0;
        EVP_DigestFinal_ex(c->md, raw, &len);
        n = len;
    }
    out[hash_base64(raw, n, out)] = '\0';
    checksum_free(c);
}

void checksum_free(struct checksum *c)
{
    if (!c)
        return;
    EVP_MD_CTX_free(c->md);
    free(c);
}
