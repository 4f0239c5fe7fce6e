/* test_http_tls.c — the serve TLS options: the minimum version and its priority string. */
#include <string.h>

#include "http/http_tls.h"
#include "harness.h"

TEST(http_tls_min_version_parses)
{
    enum http_tls_version v = HTTP_TLS_1_2;
    CHECK(http_tls_parse_min_version("1.3", &v) == 0 && v == HTTP_TLS_1_3);
    CHECK(http_tls_parse_min_version("1.2", &v) == 0 && v == HTTP_TLS_1_2);
    const char *bad[] = {"", "1.1", "1.0", "13", "1.3 ", "tls1.3"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(http_tls_parse_min_version(bad[i], &v) == ERR_INVALID);
    CHECK(http_tls_parse_min_version(NULL, &v) == ERR_INVALID);
    CHECK(v == HTTP_TLS_1_2);
}

TEST(http_tls_priorities_exclude_old_versions)
{
    CHECK(strstr(http_tls_priorities(HTTP_TLS_1_3), "TLS1.2") == NULL);
    CHECK(strstr(http_tls_priorities(HTTP_TLS_1_2), "+VERS-TLS1.2") != NULL);
    CHECK(strstr(http_tls_priorities(HTTP_TLS_1_2), "TLS1.1") == NULL);
}
