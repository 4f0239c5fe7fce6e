/* http_sigv4.h — SigV4-signed requests from this process to an S3 endpoint with libcurl
 * (CURLOPT_AWS_SIGV4 "aws:amz:REGION:s3", unsigned payload): replication to a remote endpoint
 * (repl_remote.c) and `stocktake inventory … --endpoint` (cmd_inventory_remote.c). */
#ifndef STOCKTAKE_CORE_HTTP_SIGV4_H
#define STOCKTAKE_CORE_HTTP_SIGV4_H

#include <curl/curl.h>

/* The signing state a handle borrows until its transfer is done (the key pair is in it). */
struct http_sigv4 {
    char provider[96];
    char userpwd[400];
};

/* Make c sign its request with SigV4 for region with the key pair; *headers gets the
 * x-amz-content-sha256: UNSIGNED-PAYLOAD header appended (the caller sets CURLOPT_HTTPHEADER
 * with it and frees it). */
void http_sigv4_setup(CURL *c, struct http_sigv4 *s, const char *region, const char *access_key,
                      const char *secret_key, struct curl_slist **headers);
/* The options every such request sets alike: url, the headers (kept by the caller until the
 * transfer is done), total and connect timeouts, no signals (threads), http/https only, and
 * user_agent. */
void http_sigv4_request(CURL *c, const char *url, struct curl_slist *headers, long timeout_ms,
                        long connect_timeout_ms, const char *user_agent);
/* Run the transfer, wipe s's key pair, and set *status to the HTTP status (0 when the transfer
 * failed); returns libcurl's result. */
CURLcode http_sigv4_perform(CURL *c, struct http_sigv4 *s, long *status);
/* Wipe the key pair once the transfer is done. */
void http_sigv4_clear(struct http_sigv4 *s);

#endif
