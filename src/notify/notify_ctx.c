/* notify_ctx.c — the thread's notification context (notify_ctx.h). */
#include "notify/notify_ctx.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/hash.h"

static _Thread_local const struct notify_ctx *notify_ctx_thread;

void notify_ctx_enter(const struct notify_ctx *c)
{
    notify_ctx_thread = c;
}

void notify_ctx_leave(void)
{
    notify_ctx_thread = NULL;
}

const struct notify_ctx *notify_ctx_current(void)
{
    return notify_ctx_thread;
}

void notify_ctx_service(struct notify_ctx *out, enum notify_source source)
{
    memset(out, 0, sizeof(*out));
    out->source = source;
    snprintf(out->principal, sizeof(out->principal), "s3.amazonaws.com");
    snprintf(out->source_ip, sizeof(out->source_ip), "s3.amazonaws.com");
    uint8_t id[8], host[24];
    hash_random(id, sizeof(id));
    hash_random(host, sizeof(host));
    hash_hex(id, sizeof(id), out->request_id);
    for (char *p = out->request_id; *p; p++) {
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    }
    out->host_id[hash_base64(host, sizeof(host), out->host_id)] = '\0';
}
