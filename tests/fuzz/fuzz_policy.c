/* fuzz_policy.c — bucket policy documents (PutBucketPolicy bodies) through the parser, and
 * every policy that parses evaluated for each kind of principal against a request context
 * taken from the input too. The input is the policy JSON, optionally followed by "\n\n" and
 * context lines "name=value" (ip, referer, agent, acl, prefix, max-keys, arn, action, key). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authz/pab.h"
#include "authz/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_ctx {
    char *names[16];
    char *values[16];
    size_t n;
};

static const char *fuzz_get(const struct fuzz_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->names[i], name) == 0)
            return c->values[i];
    return NULL;
}

static const char *fuzz_header(void *ctx, const char *name)
{
    return strncmp(name, "x-amz-", 6) == 0 ? fuzz_get(ctx, name + 6) : NULL;
}

static const char *fuzz_param(void *ctx, const char *name)
{
    return fuzz_get(ctx, name);
}

/* Split "name=value\n…" (in place) into c. */
static void fuzz_ctx_parse(struct fuzz_ctx *c, char *s)
{
    while (s && *s && c->n < 16) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        char *eq = strchr(s, '=');
        if (eq) {
            *eq = '\0';
            c->names[c->n] = s;
            c->values[c->n++] = eq + 1;
        }
        s = nl ? nl + 1 : NULL;
    }
}

static void fuzz_eval(const struct policy *p, struct fuzz_ctx *fc)
{
    struct authz_context ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.source_ip = fuzz_get(fc, "ip");
    ctx.referer = fuzz_get(fc, "referer");
    ctx.user_agent = fuzz_get(fc, "agent");
    ctx.source_arn = fuzz_get(fc, "arn");
    ctx.source_account = "111111111111";
    ctx.header = fuzz_header;
    ctx.header_ctx = fc;
    ctx.param = fuzz_param;
    ctx.param_ctx = fc;
    ctx.now = 1700000000;
    ctx.bucket_policy = p;
    struct pab pab = {1, 1, 1, 1};
    const char *action = fuzz_get(fc, "action");
    const char *key = fuzz_get(fc, "key");
    struct authz_principal who[4];
    authz_principal_anonymous(&who[0]);
    authz_principal_account(&who[1], "111111111111", "");
    authz_principal_account(&who[2], "222222222222", "");
    authz_principal_service(&who[3], AUTHZ_SERVICE_S3);
    struct authz_resource res = {"bkt", key ? key : "k", "111111111111"};
    for (int i = 0; i < 4; i++) {
        const char *why;
        (void)policy_eval(p, &who[i], action ? action : "s3:GetObject", "arn:aws:s3:::bkt/k", &ctx);
        (void)authz_decide(&who[i], action ? action : "s3:ListBucket", &res, &ctx, &why);
        ctx.public_access_block = &pab;
        (void)authz_decide(&who[i], "s3:GetObject", &res, &ctx, &why);
        ctx.public_access_block = NULL;
    }
    (void)policy_is_public(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    struct fuzz_ctx fc;
    memset(&fc, 0, sizeof(fc));
    size_t json_len = size;
    char *sep = strstr(s, "\n\n");
    if (sep) {
        json_len = (size_t)(sep - s);
        fuzz_ctx_parse(&fc, sep + 2);
    }
    struct policy *p = NULL;
    if (policy_parse(&p, s, json_len, "bkt", NULL, NULL) == 0) {
        if (!p || p->n == 0)
            abort();
        fuzz_eval(p, &fc);
    }
    policy_free(p);
    free(s);
    return 0;
}
