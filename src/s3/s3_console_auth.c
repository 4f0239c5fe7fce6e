/* s3_console_auth.c — the console session as an authentication method (CONSOLE.md).
 *
 * A request that carries no signature but the X-Stocktake-Console header authenticates with
 * the session cookie: the token must be well formed, signed with the server's session key for
 * the access key's current secret, and not expired; the key's account is then the principal,
 * and the request goes on to the one authorization step exactly like a signed request. Such a
 * request is refused outright (never served as anonymous) when the cookie is missing, tampered
 * with or expired, or when the browser says it comes from another site (Origin,
 * Sec-Fetch-Site). A cookie without the header is ignored: a cross-site form or simple
 * request cannot send the header, so it is anonymous, as any unsigned request. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "s3/console_token.h"
#include "s3/s3_req.h"

/* Origin "scheme://host[:port]" must be this request's own (Host, TLS or not). */
static int console_same_origin(const struct s3_req *r)
{
    const char *site = s3_req_header(r, "Sec-Fetch-Site");
    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
        return 0;
    const char *origin = s3_req_header(r, "Origin");
    if (!origin)
        return 1;
    const char *host = s3_req_header(r, "Host");
    if (!host)
        return 0;
    char want[512];
    snprintf(want, sizeof(want), "%s://%s", r->secure ? "https" : "http", host);
    return strcasecmp(origin, want) == 0;
}

static enum s3_error console_refuse(struct s3_req *r, const char *why)
{
    s3_req_set_message(r, "%s", why);
    return S3E_ACCESS_DENIED;
}

enum s3_error s3_console_auth(struct s3_req *r, char ak[CONSOLE_TOKEN_AK_MAX], int64_t *expires)
{
    if (!console_same_origin(r))
        return console_refuse(r, "Console requests must come from the console's own origin.");
    const char *cookies = s3_req_header(r, "Cookie");
    char token[CONSOLE_TOKEN_MAX];
    if (!cookies || console_cookie_get(cookies, CONSOLE_COOKIE_NAME, token, sizeof(token)))
        return console_refuse(r, "No console session: sign in first.");
    if (console_token_parse(token, ak, expires))
        return console_refuse(r, "The console session is invalid: sign in again.");
    struct meta_access_key key;
    int rc = meta_key_get(r->srv->meta, ak, &key);
    if (rc == ERR_NOTFOUND)
        return console_refuse(r, "The console session's access key no longer exists.");
    if (rc)
        return s3_error_from_rc(rc);
    int64_t now = clock_now_ms() / 1000;
    rc = console_token_verify(r->srv->console_key, token, key.secret, now);
    OPENSSL_cleanse(key.secret, sizeof(key.secret));
    OPENSSL_cleanse(token, sizeof(token));
    if (rc)
        return console_refuse(r, *expires <= now
                                     ? "The console session has expired: sign in again."
                                     : "The console session is invalid: sign in again.");
    if (meta_account_get(r->srv->meta, key.account_id, &r->account))
        return console_refuse(r, "The console session's account no longer exists.");
    r->anonymous = 0;
    r->console_session = 1;
    r->auth_type = AUTHZ_AUTH_HEADER;
    r->body.payload = S3_PAYLOAD_UNSIGNED;
    return S3_OK;
}
