/* http_tls_names.c — the negotiated protocol and cipher suite of a TLS connection, named as
 * S3's server access logs name them (see http_tls.h). */
#include <gnutls/gnutls.h>
#include <openssl/ssl.h>
#include <stdio.h>

#include "http/http_tls.h"

int http_tls_describe(void *session, char *version, size_t vsize, char *cipher, size_t csize)
{
    gnutls_session_t s = session;
    if (!s)
        return ERR_INVALID;
    switch (gnutls_protocol_get_version(s)) {
    case GNUTLS_TLS1_0:
        snprintf(version, vsize, "TLSv1");
        break;
    case GNUTLS_TLS1_1:
        snprintf(version, vsize, "TLSv1.1");
        break;
    case GNUTLS_TLS1_2:
        snprintf(version, vsize, "TLSv1.2");
        break;
    case GNUTLS_TLS1_3:
        snprintf(version, vsize, "TLSv1.3");
        break;
    default:
        snprintf(version, vsize, "%s", "");
        break;
    }
    /* the IANA name ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") in OpenSSL's spelling
     * ("ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256"), which AWS logs */
    const char *iana = gnutls_ciphersuite_get(s);
    const char *name = iana ? OPENSSL_cipher_name(iana) : NULL;
    snprintf(cipher, csize, "%s", name && name[0] && name[0] != '(' ? name : iana ? iana : "");
    return 0;
}
