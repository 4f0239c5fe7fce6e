/* console_token.h — the web console's session token and the cookie that carries it.
 *
 * A session is stateless: the token names the access key and the expiry and is signed with
 * the server's session key (HMAC-SHA256), the key's current secret mixed in so that deleting
 * or rotating the key ends its sessions:
 *
 *     v1.<access key id>.<expiry, unix seconds>.<hex HMAC-SHA256(session key,
 *                                                  "v1.<access key id>.<expiry>.<secret>")>
 *
 * The server's session key is HMAC-SHA256(master key, "stocktake console session v1"), so
 * sessions survive a restart; without a master key, a random per-process key. Nothing here
 * logs a token, a secret or a key. docs/internals/CONSOLE.md tells the whole design. */
#ifndef STOCKTAKE_S3_CONSOLE_TOKEN_H
#define STOCKTAKE_S3_CONSOLE_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define CONSOLE_TOKEN_KEY_LEN 32
#define CONSOLE_TOKEN_MAX 256
#define CONSOLE_TOKEN_AK_MAX 128
#define CONSOLE_COOKIE_NAME "stocktake_console"
/* the header every console request carries (a cross-site form or simple request cannot) */
#define CONSOLE_HEADER "X-Stocktake-Console"

/* The token for access_key (with its secret), valid until expires (unix seconds), into out
 * (CONSOLE_TOKEN_MAX bytes). ERR_INVALID for an access key the format cannot carry. */
int console_token_make(const uint8_t key[CONSOLE_TOKEN_KEY_LEN], const char *access_key,
                       const char *secret, int64_t expires,
                       char out[CONSOLE_TOKEN_MAX]) WARN_UNUSED;

/* Split a token into its access key id (ak, CONSOLE_TOKEN_AK_MAX bytes) and expiry, without
 * checking its MAC (the secret is needed for that). ERR_INVALID when malformed. */
int console_token_parse(const char *token, char ak[CONSOLE_TOKEN_AK_MAX],
                        int64_t *expires) WARN_UNUSED;

/* 0 when token is well formed, signed by key for that access key's secret and not expired at
 * now (unix seconds); ERR_INVALID otherwise (constant-time MAC comparison). */
int console_token_verify(const uint8_t key[CONSOLE_TOKEN_KEY_LEN], const char *token,
                         const char *secret, int64_t now) WARN_UNUSED;

/* The value of cookie name in a Cookie header ("a=1; b=2") into out (cap bytes); 0, or
 * ERR_NOTFOUND (absent, or too long for out). */
int console_cookie_get(const char *header, const char *name, char *out, size_t cap) WARN_UNUSED;

/* The server's session key, derived from master (NULL: random, once per process). */
void console_token_server_key(const uint8_t *master, size_t master_len,
                              uint8_t out[CONSOLE_TOKEN_KEY_LEN]);

#endif
