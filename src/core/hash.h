/* hash.h — digests, HMAC, hex/base64 and random identifiers (OpenSSL libcrypto underneath). */
#ifndef STOCKTAKE_CORE_HASH_H
#define STOCKTAKE_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SHA256_LEN 32
#define MD5_LEN 16

void hash_sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);
void hash_md5(const void *data, size_t len, uint8_t out[MD5_LEN]);
void hash_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                      uint8_t out[SHA256_LEN]);

/* Lowercase hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void hash_hex(const uint8_t *in, size_t n, char *out);
/* Decode 2n hex characters into n bytes; ERR_INVALID on a non-hex digit. */
int hash_unhex(const char *in, size_t n, uint8_t *out) WARN_UNUSED;
/* Standard base64 of n bytes into out (4*ceil(n/3)+1 bytes). Returns the length written. */
size_t hash_base64(const uint8_t *in, size_t n, char *out);
/* Decode standard base64; returns decoded length or ERR_INVALID. out must hold 3*len/4 bytes. */
long hash_unbase64(const char *in, size_t len, uint8_t *out);

/* Constant-time comparison of two equal-length strings; 1 when equal. */
int hash_equal_ct(const char *a, const char *b);

/* n random bytes from the system CSPRNG. */
void hash_random(uint8_t *out, size_t n);
/* A random RFC 4122 version 4 UUID, 36 characters + NUL. */
void hash_uuid(char out[37]);

/* A new S3 version id: 32 random characters of [A-Za-z0-9._] (33 bytes with NUL). */
void hash_version_id(char out[33]);

/* Incremental SHA-256 and MD5 over streamed bodies. */
struct hash_stream;
struct hash_stream *hash_stream_new_sha256(void);
struct hash_stream *hash_stream_new_md5(void);
void hash_stream_update(struct hash_stream *h, const void *data, size_t len);
/* Writes the digest (32 or 16 bytes) and frees the stream. */
void hash_stream_finish(struct hash_stream *h, uint8_t *out);
void hash_stream_free(struct hash_stream *h);

#endif
