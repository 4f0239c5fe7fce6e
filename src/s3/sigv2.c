/* sigv2.c — AWS Signature Version 2 (sigv2.h).
 *
 * The rules are those of AWS's "Signing and authenticating REST requests" page; where it is
 * silent we do what the SDKs that still sign with SigV2 do (botocore's HmacV1Auth): header
 * values trimmed, the sub-resource values decoded, an empty value signed as the bare name. */
#include "s3/sigv2.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/hash.h"

int sigv2_is_subresource(const char *name)
{
    static const char *const names[] = {
        "accelerate",
        "acl",
        "analytics",
        "cors",
        "defaultObjectAcl",
        "delete",
        "inventory",
        "lifecycle",
        "location",
        "logging",
        "metrics",
        "notification",
        "object-lock",
        "partNumber",
        "policy",
        "replication",
        "requestPayment",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "response-content-language",
        "response-content-type",
        "response-expires",
        "restore",
        "select",
        "select-type",
        "storageClass",
        "tagging",
        "torrent",
        "uploadId",
        "uploads",
        "versionId",
        "versioning",
        "versions",
        "website",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i]) == 0)
            return 1;
    }
    return 0;
}

static int sigv2_copy(char *dst, size_t size, const char *src, size_t n)
{
    if (n == 0 || n >= size)
        return ERR_INVALID;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

int sigv2_parse_authorization(struct sigv2_auth *out, const char *header)
{
    memset(out, 0, sizeof(*out));
    if (strncmp(header, "AWS ", 4) != 0) {
        err_set("the scheme is not AWS");
        return ERR_INVALID;
    }
    const char *p = header + 4;
    while (*p == ' ')
        p++;
    const char *colon = strchr(p, ':');
    if (!colon) {
        err_set("no ':' between the access key id and the signature");
        return ERR_INVALID;
    }
    const char *sig = colon + 1;
    size_t slen = strlen(sig);
    while (slen > 0 && (sig[slen - 1] == ' ' || sig[slen - 1] == '\t'))
        slen--;
    if (sigv2_copy(out->access_key, sizeof(out->access_key), p, (size_t)(colon - p)) ||
        sigv2_copy(out->signature, sizeof(out->signature), sig, slen)) {
        err_set("the access key id or the signature is empty or too long");
        return ERR_INVALID;
    }
    return 0;
}

int sigv2_set_query(struct sigv2_auth *out, const char *access_key, const char *signature)
{
    memset(out, 0, sizeof(*out));
    if (sigv2_copy(out->access_key, sizeof(out->access_key), access_key, strlen(access_key)) ||
        sigv2_copy(out->signature, sizeof(out->signature), signature, strlen(signature))) {
        err_set("AWSAccessKeyId or Signature is empty or too long");
        return ERR_INVALID;
    }
    for (char *c = out->signature; *c; c++) {
        if (*c == ' ')
            *c = '+'; /* an unencoded '+' that the query decoder took for a space */
    }
    return 0;
}

static const char *sigv2_header(const struct sigv2_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value ? req->headers[i].value : "";
    }
    return NULL;
}

static int sigv2_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A header value trimmed, with folding whitespace (a run holding a line break) made one space. */
static int sigv2_put_value(struct buf *out, const char *v)
{
    size_t n = strlen(v);
    while (n > 0 && sigv2_is_space(v[n - 1]))
        n--;
    size_t i = 0;
    while (i < n && sigv2_is_space(v[i]))
        i++;
    int rc = 0;
    while (!rc && i < n) {
        size_t j = i;
        int folded = 0;
        while (j < n && sigv2_is_space(v[j])) {
            folded |= v[j] == '\r' || v[j] == '\n';
            j++;
        }
        if (j > i) {
            rc = folded ? buf_append(out, " ", 1) : buf_append(out, v + i, j - i);
            i = j;
            continue;
        }
        while (j < n && !sigv2_is_space(v[j]))
            j++;
        rc = buf_append(out, v + i, j - i);
        i = j;
    }
    return rc;
}

static int sigv2_put_line(struct buf *out, const struct sigv2_request *req, const char *name)
{
    const char *v = sigv2_header(req, name);
    int rc = v ? sigv2_put_value(out, v) : 0;
    return rc ? rc : buf_append(out, "\n", 1);
}

struct sigv2_amz {
    char *name; /* lower-cased (owned) */
    const char *value;
    size_t order; /* position in the request: repeated headers keep the order sent */
};

static int sigv2_amz_cmp(const void *a, const void *b)
{
    const struct sigv2_amz *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int sigv2_put_amz_headers(struct buf *out, const struct sigv2_request *req)
{
    struct sigv2_amz *h = xcalloc(req->n_headers + 1, sizeof(*h));
    size_t n = 0;
    for (size_t i = 0; i < req->n_headers; i++) {
        if (strncasecmp(req->headers[i].name, "x-amz-", 6) != 0)
            continue;
        h[n].name = xstrdup(req->headers[i].name);
        for (char *c = h[n].name; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        h[n].value = req->headers[i].value ? req->headers[i].value : "";
        h[n].order = i;
        n++;
    }
    qsort(h, n, sizeof(*h), sigv2_amz_cmp);
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        int first = i == 0 || strcmp(h[i - 1].name, h[i].name) != 0;
        int last = i + 1 == n || strcmp(h[i + 1].name, h[i].name) != 0;
        if (first)
            rc = buf_printf(out, "%s:", h[i].name);
        if (!rc)
            rc = sigv2_put_value(out, h[i].value);
        if (!rc)
            rc = buf_append(out, last ? "\n" : ",", 1);
    }
    for (size_t i = 0; i < n; i++)
        free(h[i].name);
    free(h);
    return rc;
}

static int sigv2_param_cmp(const void *a, const void *b)
{
    const struct kv_pair *const *x = a, *const *y = b;
    int c = strcmp((*x)->name, (*y)->name);
    if (c)
        return c;
    return *x < *y ? -1 : *x > *y; /* the order sent, for a repeated name */
}

static int sigv2_put_resource(struct buf *out, const struct sigv2_request *req)
{
    int rc = 0;
    if (req->host_bucket)
        rc = buf_printf(out, "/%s", req->host_bucket);
    if (!rc)
        rc = buf_puts(out, req->raw_path);
    if (!rc && req->slash)
        rc = buf_puts(out, "/");
    const struct kv_pair **sub = xcalloc(req->n_params + 1, sizeof(*sub));
    size_t n = 0;
    for (size_t i = 0; i < req->n_params; i++) {
        if (sigv2_is_subresource(req->params[i].name))
            sub[n++] = &req->params[i];
    }
    qsort(sub, n, sizeof(*sub), sigv2_param_cmp);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = buf_printf(out, "%c%s", i == 0 ? '?' : '&', sub[i]->name);
        if (!rc && sub[i]->value && sub[i]->value[0])
            rc = buf_printf(out, "=%s", sub[i]->value);
    }
    free(sub);
    return rc;
}

int sigv2_string_to_sign(struct buf *out, const struct sigv2_request *req)
{
    int rc = buf_printf(out, "%s\n", req->method);
    if (!rc)
        rc = sigv2_put_line(out, req, "Content-MD5");
    if (!rc)
        rc = sigv2_put_line(out, req, "Content-Type");
    if (rc)
        return rc;
    if (req->expires)
        rc = buf_printf(out, "%s\n", req->expires);
    else if (sigv2_header(req, "x-amz-date"))
        rc = buf_append(out, "\n", 1); /* x-amz-date is signed below and overrides Date */
    else
        rc = sigv2_put_line(out, req, "Date");
    if (!rc)
        rc = sigv2_put_amz_headers(out, req);
    if (!rc)
        rc = sigv2_put_resource(out, req);
    if (rc)
        err_set("the string to sign is too long");
    return rc;
}

void sigv2_sign(const char *secret, const char *data, size_t len, char out[SIGV2_SIGNATURE_SIZE])
{
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha1(), secret, (int)strlen(secret), (const uint8_t *)data, len, mac, &mac_len);
    out[hash_base64(mac, mac_len, out)] = '\0';
}

int sigv2_signature_equal(const char *computed, const char *given)
{
    return hash_equal_ct(computed, given);
}

int sigv2_hex_bytes(struct buf *out, const char *s, size_t len)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < len; i++)
        rc = buf_printf(out, i ? " %02x" : "%02x", (unsigned char)s[i]);
    return rc;
}
