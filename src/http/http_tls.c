/* http_tls.c — loading the certificate and key for HTTPS, and the protocol floor (http_tls.h). */
#include "http/http_tls.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"

#define HTTP_TLS_MAX_PEM (1024 * 1024)

int http_tls_parse_min_version(const char *s, enum http_tls_version *out)
{
    if (s && strcmp(s, "1.2") == 0)
        *out = HTTP_TLS_1_2;
    else if (s && strcmp(s, "1.3") == 0)
        *out = HTTP_TLS_1_3;
    else
        return ERR_INVALID;
    return 0;
}

const char *http_tls_priorities(enum http_tls_version min)
{
    if (min == HTTP_TLS_1_3)
        return "NORMAL:-VERS-ALL:+VERS-TLS1.3";
    return "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
}

int http_tls_supported(void)
{
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        err_set("this libmicrohttpd was built without TLS support (GnuTLS)");
        return ERR_INVALID;
    }
    return 0;
}

/* The whole file as a NUL-terminated string. */
static int http_tls_read(const char *path, const char *what, int private_key, char **out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err_set("cannot open TLS %s %s: %s", what, path, strerror(errno));
        return ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        st.st_size > HTTP_TLS_MAX_PEM) {
        close(fd);
        err_set("TLS %s %s is not a regular file of 1 byte to 1 MiB", what, path);
        return ERR_INVALID;
    }
    if (private_key && (st.st_mode & 077)) {
        close(fd);
        err_set("TLS key %s is readable by group or others (mode %03o); chmod 600 it", path,
                (unsigned int)(st.st_mode & 0777));
        return ERR_INVALID;
    }
    size_t n = (size_t)st.st_size, got = 0;
    char *buf = xmalloc(n + 1);
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != n) {
        free(buf);
        err_set("cannot read TLS %s %s", what, path);
        return ERR_IO;
    }
    buf[n] = '\0';
    *out = buf;
    return 0;
}

int http_tls_load(struct http_tls *out, const char *cert_file, const char *key_file,
                  enum http_tls_version min)
{
    memset(out, 0, sizeof(*out));
    int rc = http_tls_supported();
    if (!rc)
        rc = http_tls_read(key_file, "key", 1, &out->key_pem);
    if (!rc)
        rc = http_tls_read(cert_file, "certificate", 0, &out->cert_pem);
    if (rc) {
        http_tls_free(out);
        return rc;
    }
    out->min = min;
    return 0;
}

void http_tls_free(struct http_tls *tls)
{
    if (!tls)
        return;
    if (tls->key_pem) {
        explicit_bzero(tls->key_pem, strlen(tls->key_pem));
        free(tls->key_pem);
    }
    free(tls->cert_pem);
    memset(tls, 0, sizeof(*tls));
}
