/* http_sigv4.c — libcurl's SigV4 signing set up one way for every client (see http_sigv4.h). */
#include "core/http_sigv4.h"

#include <openssl/crypto.h>
#include <stdio.h>

void http_sigv4_setup(CURL *c, struct http_sigv4 *s, const char *region, const char *access_key,
                      const char *secret_key, struct curl_slist **headers)
{
    snprintf(s->provider, sizeof(s->provider), "aws:amz:%s:s3", region);
    snprintf(s->userpwd, sizeof(s->userpwd), "%s:%s", access_key, secret_key);
    *headers = curl_slist_append(*headers, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, s->provider);
    curl_easy_setopt(c, CURLOPT_USERPWD, s->userpwd);
}

void http_sigv4_clear(struct http_sigv4 *s)
{
    OPENSSL_cleanse(s->userpwd, sizeof(s->userpwd));
}

void http_sigv4_request(CURL *c, const char *url, struct curl_slist *headers, long timeout_ms,
                        long connect_timeout_ms, const char *user_agent)
{
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent);
}

CURLcode http_sigv4_perform(CURL *c, struct http_sigv4 *s, long *status)
{
    *status = 0;
    CURLcode cc = curl_easy_perform(c);
    http_sigv4_clear(s);
    if (cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    return cc;
}
