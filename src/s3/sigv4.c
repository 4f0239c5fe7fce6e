/* sigv4.c — SigV4 canonicalisation and signing (see sigv4.h). */
#include "s3/sigv4.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/uri.h"

#include <openssl/crypto.h>

#define SIGV4_MAX_CANONICAL (1u << 20)

/* Copy s[0..n) into a fixed field; ERR_INVALID when it does not fit or is empty. */
static int sigv4_copy(char *dst, size_t size, const char *s, size_t n)
{
    if (n == 0 || n >= size)
        return ERR_INVALID;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

/* Parse the credential cred[0..len) into out's fields. */
static int sigv4_parse_credential_n(struct sigv4_auth *out, const char *cred, size_t len)
{
    const char *parts[5];
    size_t lens[5];
    const char *p = cred, *end = cred + len;
    for (int i = 0; i < 5; i++) {
        const char *slash = i < 4 ? memchr(p, '/', (size_t)(end - p)) : NULL;
        if (i < 4 && !slash)
            goto bad;
        parts[i] = p;
        lens[i] = slash ? (size_t)(slash - p) : (size_t)(end - p);
        p = slash ? slash + 1 : end;
    }
    if (lens[4] != 12 || memcmp(parts[4], "aws4_request", 12) != 0 || lens[1] != 8)
        goto bad;
    if (sigv4_copy(out->access_key, sizeof(out->access_key), parts[0], lens[0]) ||
        sigv4_copy(out->date, sizeof(out->date), parts[1], lens[1]) ||
        sigv4_copy(out->region, sizeof(out->region), parts[2], lens[2]) ||
        sigv4_copy(out->service, sizeof(out->service), parts[3], lens[3]))
        goto bad;
    return 0;
bad:
    err_set("malformed credential");
    return ERR_INVALID;
}

int sigv4_parse_credential(struct sigv4_auth *out, const char *cred)
{
    return sigv4_parse_credential_n(out, cred, strlen(cred));
}

/* A header name character as RFC 9110 tokens allow. Clients send names lowercase; the list is
 * signed as sent and matched without regard to case, so uppercase is not refused. */
static int sigv4_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

int sigv4_set_signed_headers(struct sigv4_auth *out, const char *list, size_t n)
{
    size_t name_len = 0;
    for (size_t i = 0; i < n; i++) {
        if (list[i] == ';') {
            if (name_len == 0)
                goto bad;
            name_len = 0;
        } else if (sigv4_name_char(list[i])) {
            name_len++;
        } else {
            goto bad;
        }
    }
    if (name_len == 0)
        goto bad;
    free(out->signed_headers);
    out->signed_headers = xstrndup(list, n);
    return 0;
bad:
    err_set("malformed SignedHeaders");
    return ERR_INVALID;
}

void sigv4_auth_dispose(struct sigv4_auth *a)
{
    free(a->signed_headers);
    a->signed_headers = NULL;
}

int sigv4_header_is_signed(const char *signed_headers, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = signed_headers; p && *p;) {
        size_t len = strcspn(p, ";");
        if (len == nl && strncasecmp(p, name, nl) == 0)
            return 1;
        p += len + (p[len] == ';');
    }
    return 0;
}

/* Must this request header be signed (Host, x-amz-* but x-amz-content-sha256)? */
static int sigv4_header_needs_signing(const char *name)
{
    if (strcasecmp(name, "host") == 0)
        return 1;
    return strncasecmp(name, "x-amz-", 6) == 0 && strcasecmp(name, "x-amz-content-sha256") != 0;
}

/* Is name already among the ", "-separated names of list? */
static int sigv4_listed(const struct buf *list, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = list->data; p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == nl && strncasecmp(p, name, nl) == 0)
            return 1;
        p += len;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return 0;
}

static int sigv4_list_add(struct buf *list, const char *name)
{
    if (list->len && buf_append(list, ", ", 2))
        return ERR_TOOBIG;
    for (const char *c = name; *c; c++) {
        char l = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
        if (buf_append(list, &l, 1))
            return ERR_TOOBIG;
    }
    return 0;
}

size_t sigv4_unsigned_headers(struct buf *out, const struct kv_pair *headers, size_t n,
                              const char *signed_headers)
{
    size_t found = 0;
    if (!sigv4_header_is_signed(signed_headers, "host")) {
        found++;
        if (sigv4_list_add(out, "host"))
            return found;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = headers[i].name;
        if (!sigv4_header_needs_signing(name) || sigv4_header_is_signed(signed_headers, name) ||
            sigv4_listed(out, name))
            continue;
        found++;
        if (sigv4_list_add(out, name))
            break;
    }
    return found;
}

/* Find "name=" in the comma-separated list h and return the value slice. */
static int sigv4_auth_field(const char *h, const char *name, const char **val, size_t *len)
{
    size_t nl = strlen(name);
    const char *p = h;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *end = strchr(p, ',');
        size_t seg = end ? (size_t)(end - p) : strlen(p);
        if (seg > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
            *val = p + nl + 1;
            *len = seg - nl - 1;
            while (*len && (*val)[*len - 1] == ' ')
                (*len)--;
            return 0;
        }
        p += seg;
    }
    return ERR_NOTFOUND;
}

int sigv4_parse_authorization(struct sigv4_auth *out, const char *header)
{
    memset(out, 0, sizeof(*out));
    size_t alg = strlen(SIGV4_ALGORITHM);
    if (!header || strncmp(header, SIGV4_ALGORITHM, alg) != 0 || header[alg] != ' ') {
        err_set("unsupported authorization type");
        return ERR_INVALID;
    }
    const char *rest = header + alg + 1;
    const char *v;
    size_t n;
    if (sigv4_auth_field(rest, "Credential", &v, &n))
        goto bad;
    if (sigv4_parse_credential_n(out, v, n))
        return ERR_INVALID;
    if (sigv4_auth_field(rest, "SignedHeaders", &v, &n) || sigv4_set_signed_headers(out, v, n))
        goto bad;
    if (sigv4_auth_field(rest, "Signature", &v, &n) || n != 64 ||
        sigv4_copy(out->signature, sizeof(out->signature), v, n))
        goto bad;
    return 0;
bad:
    err_set("malformed authorization header");
    return ERR_INVALID;
}

/* A query parameter decoded and re-encoded with SigV4's strict rules. */
struct sigv4_qparam {
    char *name;
    char *value;
};

static int sigv4_qparam_cmp(const void *a, const void *b)
{
    const struct sigv4_qparam *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

static int sigv4_reencode(char **out, const char *raw)
{
    char *dec = NULL;
    size_t n = 0;
    struct buf b;
    buf_init(&b, SIGV4_MAX_CANONICAL);
    int rc = uri_decode(&dec, &n, raw ? raw : "", raw ? strlen(raw) : 0, 0);
    if (!rc)
        rc = uri_encode(&b, dec, n, 0);
    free(dec);
    if (rc) {
        buf_dispose(&b);
        return rc;
    }
    *out = buf_detach(&b);
    return 0;
}

static int sigv4_canonical_query(struct buf *out, const struct kv_pair *params, size_t n)
{
    struct sigv4_qparam *q = xcalloc(n, sizeof(*q));
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = sigv4_reencode(&q[i].name, params[i].name);
        if (!rc)
            rc = sigv4_reencode(&q[i].value, params[i].value);
    }
    if (!rc)
        qsort(q, n, sizeof(*q), sigv4_qparam_cmp);
    for (size_t i = 0; i < n && !rc; i++)
        rc = buf_printf(out, "%s%s=%s", i ? "&" : "", q[i].name, q[i].value);
    for (size_t i = 0; i < n; i++) {
        free(q[i].name);
        free(q[i].value);
    }
    free(q);
    return rc;
}

/* Append the header's value trimmed, with runs of spaces folded to one. */
static int sigv4_header_value(struct buf *out, const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    int space = 0, rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (v[i] == ' ' || v[i] == '\t') {
            space = 1;
            continue;
        }
        if (space)
            rc = buf_append(out, " ", 1);
        space = 0;
        if (!rc)
            rc = buf_append(out, &v[i], 1);
    }
    return rc;
}

/* "name:v1,v2\n" for one signed header (all occurrences joined by ','). */
static int sigv4_canonical_header(struct buf *out, const char *name, size_t name_len,
                                  const struct kv_pair *headers, size_t n)
{
    int rc = buf_append(out, name, name_len);
    if (!rc)
        rc = buf_append(out, ":", 1);
    int found = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (strlen(headers[i].name) != name_len ||
            strncasecmp(headers[i].name, name, name_len) != 0)
            continue;
        if (found++)
            rc = buf_append(out, ",", 1);
        if (!rc)
            rc = sigv4_header_value(out, headers[i].value ? headers[i].value : "");
    }
    if (!rc && !found) {
        err_set("signed header %.*s is missing", (int)name_len, name);
        return ERR_INVALID;
    }
    return rc ? rc : buf_append(out, "\n", 1);
}

static int sigv4_canonical_headers(struct buf *out, const struct kv_pair *headers, size_t n,
                                   const char *signed_headers)
{
    const char *p = signed_headers;
    int rc = 0;
    while (*p && !rc) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        if (len == 0) {
            err_set("empty signed header name");
            return ERR_INVALID;
        }
        rc = sigv4_canonical_header(out, p, len, headers, n);
        p += len + (semi ? 1 : 0);
    }
    return rc;
}

int sigv4_canonical_request(struct buf *out, const char *method, const char *raw_path,
                            const struct kv_pair *params, size_t n_params,
                            const struct kv_pair *headers, size_t n_headers,
                            const char *signed_headers, const char *payload_hash)
{
    char *path = NULL;
    size_t path_len = 0;
    int rc = uri_decode(&path, &path_len, raw_path, strlen(raw_path), 0);
    if (rc)
        return rc;
    rc = buf_printf(out, "%s\n", method);
    if (!rc)
        rc = uri_encode(out, path, path_len, 1);
    free(path);
    if (!rc)
        rc = buf_append(out, "\n", 1);
    if (!rc)
        rc = sigv4_canonical_query(out, params, n_params);
    if (!rc)
        rc = buf_append(out, "\n", 1);
    if (!rc)
        rc = sigv4_canonical_headers(out, headers, n_headers, signed_headers);
    if (!rc)
        rc = buf_printf(out, "\n%s\n%s", signed_headers, payload_hash);
    return rc;
}

int sigv4_string_to_sign(struct buf *out, const char *amz_date, const char *scope,
                         const char *canonical_request)
{
    uint8_t digest[SHA256_LEN];
    char hex[2 * SHA256_LEN + 1];
    hash_sha256(canonical_request, strlen(canonical_request), digest);
    hash_hex(digest, SHA256_LEN, hex);
    return buf_printf(out, SIGV4_ALGORITHM "\n%s\n%s\n%s", amz_date, scope, hex);
}

void sigv4_signing_key(const char *secret, const char *date, const char *region,
                       const char *service, uint8_t out[SHA256_LEN])
{
    size_t n = strlen(secret) + 4;
    char *k_secret = xmalloc(n + 1);
    uint8_t k[SHA256_LEN];
    memcpy(k_secret, "AWS4", 4);
    memcpy(k_secret + 4, secret, n - 4 + 1);
    hash_hmac_sha256(k_secret, n, date, strlen(date), k);
    OPENSSL_cleanse(k_secret, n);
    free(k_secret);
    hash_hmac_sha256(k, SHA256_LEN, region, strlen(region), k);
    hash_hmac_sha256(k, SHA256_LEN, service, strlen(service), k);
    hash_hmac_sha256(k, SHA256_LEN, "aws4_request", 12, out);
}

void sigv4_sign(const uint8_t key[SHA256_LEN], const char *sts, size_t len, char out[65])
{
    uint8_t mac[SHA256_LEN];
    hash_hmac_sha256(key, SHA256_LEN, sts, len, mac);
    hash_hex(mac, SHA256_LEN, out);
}

void sigv4_scope(char *out, size_t size, const struct sigv4_auth *auth)
{
    snprintf(out, size, "%s/%s/%s/aws4_request", auth->date, auth->region, auth->service);
}

static void sigv4_sign_payload(const uint8_t key[SHA256_LEN], const char *kind,
                               const char *amz_date, const char *scope, const char *prev,
                               const char *extra, const uint8_t digest[SHA256_LEN], char out[65])
{
    char hex[2 * SHA256_LEN + 1];
    hash_hex(digest, SHA256_LEN, hex);
    const char *parts[] = {kind, "\n", amz_date, "\n", scope, "\n", prev, "\n", extra, hex};
    size_t n = 0;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        n += strlen(parts[i]);
    char *sts = xmalloc(n + 1), *p = sts;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        size_t len = strlen(parts[i]);
        memcpy(p, parts[i], len);
        p += len;
    }
    *p = '\0';
    sigv4_sign(key, sts, n, out);
    free(sts);
}

void sigv4_chunk_signature(const uint8_t key[SHA256_LEN], const char *amz_date, const char *scope,
                           const char *prev_signature, const uint8_t chunk_sha256[SHA256_LEN],
                           char out[65])
{
    sigv4_sign_payload(key, "AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev_signature,
                       SIGV4_EMPTY_SHA256 "\n", chunk_sha256, out);
}

void sigv4_trailer_signature(const uint8_t key[SHA256_LEN], const char *amz_date, const char *scope,
                             const char *prev_signature, const uint8_t trailer_sha256[SHA256_LEN],
                             char out[65])
{
    sigv4_sign_payload(key, "AWS4-HMAC-SHA256-TRAILER", amz_date, scope, prev_signature, "",
                       trailer_sha256, out);
}
