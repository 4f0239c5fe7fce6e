/* s3_console.c — the web console's endpoints under /_stocktake/console/ (CONSOLE.md).
 *
 *   GET  /_stocktake/console/[file]  the embedded files (console_assets.h), with a strict
 *                                    Content-Security-Policy; "" is index.html
 *   POST /_stocktake/console/session {"accessKeyId","secretAccessKey"} → a session cookie
 *   GET  /_stocktake/console/session who the session is (needs the session)
 *   DELETE /_stocktake/console/session  clears the cookie
 *
 * Every session endpoint needs the X-Stocktake-Console header, which no cross-site form or
 * simple request can send; S3 requests then authenticate with the cookie (s3_console_auth.c)
 * and go through the one authorization step like signed ones. Errors of the session endpoints
 * are JSON {"error":"Code","message":"..."}, as the admin API's. */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/log.h"
#include "s3/console_assets.h"
#include "s3/console_token.h"
#include "s3/s3_req.h"

#define CONSOLE_PREFIX "console"

static const char console_csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self' blob:; font-src 'self'; form-action 'none'; "
    "base-uri 'none'; frame-ancestors 'none'";

static enum s3_error console_session_finish(struct s3_req *r);

static const struct s3_op_info console_session_op = {
    "ConsoleSession", "POST", S3_LEVEL_OBJECT,        NULL, NULL,
    S3_BODY_XML,      NULL,   console_session_finish, NULL, NULL,
    S3_RES_NONE};

int s3_console_is_path(const struct s3_req *r)
{
    if (!r->bucket || strcmp(r->bucket, "_stocktake") != 0 || !r->key || r->host_style)
        return 0;
    size_t n = strlen(CONSOLE_PREFIX);
    return strncmp(r->key, CONSOLE_PREFIX, n) == 0 && (r->key[n] == '\0' || r->key[n] == '/');
}

static void console_security_headers(struct http_response *resp)
{
    http_response_header(resp, "Content-Security-Policy", console_csp);
    http_response_header(resp, "X-Content-Type-Options", "nosniff");
    http_response_header(resp, "X-Frame-Options", "DENY");
    http_response_header(resp, "Referrer-Policy", "no-referrer");
    http_response_header(resp, "Cache-Control", "no-store");
    http_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    http_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
}

static void console_respond_json(struct s3_req *r, int status, json_t *body, const char *cookie)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        text = xstrdup("{}");
    struct http_response *resp = s3_response_new(r, status, text, strlen(text));
    http_response_header(resp, "Content-Type", "application/json");
    if (cookie)
        http_response_header(resp, "Set-Cookie", cookie);
    console_security_headers(resp);
    http_req_respond(r->http, resp);
}

static void console_respond_error(struct s3_req *r, enum s3_error e, const char *message)
{
    json_t *o = json_object();
    json_object_set_new(o, "error", json_string(s3_error_code(e)));
    json_object_set_new(o, "message", json_string(message ? message : s3_error_message(e)));
    console_respond_json(r, s3_error_status(e), o, NULL);
}

static enum s3_error console_serve_asset(struct s3_req *r, const char *path)
{
    if (!*path)
        path = "index.html";
    if (console_assets_count == 0) {
        s3_req_set_message(r, "The web console was not built into this binary (it needs Node.js "
                              "and npm at build time: scripts/install-deps.sh).");
        return S3E_NOT_IMPLEMENTED;
    }
    for (size_t i = 0; i < console_assets_count; i++) {
        const struct console_asset *a = &console_assets[i];
        if (strcmp(a->path, path) != 0)
            continue;
        char *copy = xmalloc(a->len ? a->len : 1);
        memcpy(copy, a->data, a->len);
        struct http_response *resp = s3_response_new(r, 200, copy, a->len);
        http_response_header(resp, "Content-Type", a->content_type);
        console_security_headers(resp);
        http_req_respond(r->http, resp);
        return S3_OK;
    }
    s3_req_set_message(r, "The console has no such file.");
    return S3E_NO_SUCH_KEY;
}

static void console_cookie(struct s3_req *r, char *out, size_t cap, const char *value,
                           int64_t max_age)
{
    snprintf(out, cap, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
             CONSOLE_COOKIE_NAME, value, (long long)max_age, r->secure ? "; Secure" : "");
}

static json_t *console_session_json(const struct s3_req *r, const char *access_key, int64_t expires)
{
    char when[32];
    clock_format_iso8601(when, sizeof(when), expires * 1000);
    json_t *o = json_object();
    json_object_set_new(o, "accessKeyId", json_string(access_key));
    json_object_set_new(o, "accountId", json_string(r->account.id));
    json_object_set_new(o, "accountName", json_string(r->account.name));
    json_object_set_new(o, "region", json_string(r->srv->region));
    json_object_set_new(o, "expiresAt", json_string(when));
    return o;
}

/* POST /_stocktake/console/session, once its body is read: check the key and its secret
 * (constant time, the same work for an unknown key), then set the cookie. */
static enum s3_error console_session_finish(struct s3_req *r)
{
    json_error_t jerr;
    json_t *doc = json_loadb(r->body.xml.data ? r->body.xml.data : "", r->body.xml.len, 0, &jerr);
    const char *ak = doc ? json_string_value(json_object_get(doc, "accessKeyId")) : NULL;
    const char *sk = doc ? json_string_value(json_object_get(doc, "secretAccessKey")) : NULL;
    if (!ak || !sk || !*ak || !*sk) {
        json_decref(doc);
        console_respond_error(r, S3E_INVALID_ARGUMENT,
                              "The body must be JSON {\"accessKeyId\":…,\"secretAccessKey\":…}");
        return S3_OK;
    }
    struct meta_access_key key;
    int rc = meta_key_get(r->srv->meta, ak, &key);
    if (rc && rc != ERR_NOTFOUND) {
        json_decref(doc);
        return s3_error_from_rc(rc);
    }
    if (rc == ERR_NOTFOUND) {
        memset(&key, 0, sizeof(key));
        snprintf(key.secret, sizeof(key.secret), "%s", "-no-such-key-");
    }
    int match = hash_equal_ct(key.secret, sk) && rc == 0;
    char token[CONSOLE_TOKEN_MAX];
    int64_t expires = clock_now_ms() / 1000 + r->srv->console_session_ttl_s;
    if (match &&
        (meta_account_get(r->srv->meta, key.account_id, &r->account) ||
         console_token_make(r->srv->console_key, key.access_key, key.secret, expires, token)))
        match = 0;
    OPENSSL_cleanse(key.secret, sizeof(key.secret));
    if (!match) {
        json_decref(doc);
        log_info("console: sign-in refused for a wrong access key or secret");
        console_respond_error(r, S3E_ACCESS_DENIED, "The access key id or secret key is wrong.");
        return S3_OK;
    }
    char cookie[CONSOLE_TOKEN_MAX + 128];
    console_cookie(r, cookie, sizeof(cookie), token, r->srv->console_session_ttl_s);
    OPENSSL_cleanse(token, sizeof(token));
    json_t *out = console_session_json(r, key.access_key, expires);
    json_decref(doc);
    console_respond_json(r, 200, out, cookie);
    OPENSSL_cleanse(cookie, sizeof(cookie));
    return S3_OK;
}

static enum s3_error console_session(struct s3_req *r, const char *method)
{
    if (!s3_req_header(r, CONSOLE_HEADER)) {
        console_respond_error(r, S3E_ACCESS_DENIED,
                              "Console requests must carry the " CONSOLE_HEADER " header.");
        return S3_OK;
    }
    if (strcmp(method, "POST") == 0) {
        r->op = &console_session_op;
        r->console = 1;
        r->anonymous = 1;
        r->body.payload = S3_PAYLOAD_UNSIGNED;
        return s3_body_begin(r);
    }
    if (strcmp(method, "DELETE") == 0) {
        char cookie[256];
        console_cookie(r, cookie, sizeof(cookie), "", 0);
        console_respond_json(r, 200, json_object(), cookie);
        return S3_OK;
    }
    if (strcmp(method, "GET") != 0)
        return S3E_METHOD_NOT_ALLOWED;
    char ak[CONSOLE_TOKEN_AK_MAX];
    int64_t expires = 0;
    enum s3_error e = s3_console_auth(r, ak, &expires);
    if (e) {
        console_respond_error(r, e, r->error_message);
        return S3_OK;
    }
    console_respond_json(r, 200, console_session_json(r, ak, expires), NULL);
    return S3_OK;
}

enum s3_error s3_console_begin(struct s3_req *r)
{
    const char *method = http_req_method(r->http);
    const char *rest = r->key + strlen(CONSOLE_PREFIX);
    if (*rest == '\0') {
        struct http_response *resp = s3_response_new(r, 302, NULL, 0);
        http_response_header(resp, "Location", "/_stocktake/console/");
        console_security_headers(resp);
        http_req_respond(r->http, resp);
        return S3_OK;
    }
    rest++;
    if (strcmp(rest, "session") == 0)
        return console_session(r, method);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return S3E_METHOD_NOT_ALLOWED;
    return console_serve_asset(r, rest);
}
