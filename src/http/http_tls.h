/* http_tls.h — HTTPS for the server: the certificate and key loaded into memory for
 * libmicrohttpd's GnuTLS support, and the lowest protocol version it will speak.
 *
 * The key file must not be readable by group or others (mode & 077 == 0): a key anyone on the
 * host can read is refused at start, not merely warned about. */
#ifndef STOCKTAKE_HTTP_TLS_H
#define STOCKTAKE_HTTP_TLS_H

#include <stddef.h>

#include "core/err.h"

enum http_tls_version {
    HTTP_TLS_1_2 = 12,
    HTTP_TLS_1_3 = 13,
};

struct http_tls {
    char *cert_pem;            /* the certificate chain, PEM */
    char *key_pem;             /* the private key, PEM */
    enum http_tls_version min; /* lowest version offered */
};

/* "1.2" or "1.3" → the version; anything else is ERR_INVALID. */
int http_tls_parse_min_version(const char *s, enum http_tls_version *out) WARN_UNUSED;
/* The GnuTLS priority string for that lowest version. */
const char *http_tls_priorities(enum http_tls_version min);
/* 0 when this libmicrohttpd was built with TLS, else ERR_INVALID with a message. */
int http_tls_supported(void) WARN_UNUSED;
/* Read both files (the key's permissions checked first). On failure err_msg() says why. */
int http_tls_load(struct http_tls *out, const char *cert_file, const char *key_file,
                  enum http_tls_version min) WARN_UNUSED;
void http_tls_free(struct http_tls *tls);

/* A connection's negotiated protocol ("TLSv1.3") and cipher suite, in OpenSSL's names
 * ("ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256") as S3's access logs write them;
 * session is libmicrohttpd's GnuTLS session (http_tls_names.c). ERR_INVALID without one. */
int http_tls_describe(void *session, char *version, size_t vsize, char *cipher,
                      size_t csize) WARN_UNUSED;

#endif
