/* kms_policy.c — key policies: the default one, validation (PutKeyPolicy, CreateKey's Policy)
 * and evaluation with the IAM policy engine (authz/policy.h). A key policy is the only source
 * of permissions here (there are no IAM identity policies): the default policy gives the
 * key's account root kms:*; another account or a service principal needs a statement of its
 * own. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authz/policy.h"
#include "kms/kms.h"

/* AWS: a key policy is at most 32 KB. */
#define KMS_POLICY_MAX (32 * 1024)

char *kms_policy_default(const char *account)
{
    char buf[512];
    snprintf(buf, sizeof(buf),
             "{\"Version\":\"2012-10-17\",\"Id\":\"key-default-1\",\"Statement\":[{\"Sid\":"
             "\"Enable IAM User Permissions\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
             "\"arn:aws:iam::%s:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}",
             account);
    return strdup(buf);
}

/* Every action names the kms service (kms:Encrypt, kms:*, or "*"). */
static int kms_policy_actions_ok(const struct policy *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct policy_list *l = &p->stmts[i].actions;
        for (size_t j = 0; j < l->n; j++) {
            if (strcmp(l->v[j], "*") != 0 && strncasecmp(l->v[j], "kms:", 4) != 0)
                return 0;
        }
    }
    return 1;
}

enum kms_error kms_policy_check(const char *json, char *msg, size_t msg_size)
{
    size_t len = strlen(json);
    if (len > KMS_POLICY_MAX) {
        snprintf(msg, msg_size, "Policy exceeds the maximum size of 32768 bytes");
        return KMS_E_MALFORMED_POLICY;
    }
    struct policy *p = NULL;
    if (policy_parse_stored(&p, json, len)) {
        snprintf(msg, msg_size, "The policy document is malformed: %s", err_msg());
        return KMS_E_MALFORMED_POLICY;
    }
    int ok = p->n > 0 && kms_policy_actions_ok(p);
    policy_free(p);
    if (!ok) {
        snprintf(msg, msg_size, "The policy document is malformed: every action must be kms:");
        return KMS_E_MALFORMED_POLICY;
    }
    return KMS_OK;
}

int kms_policy_doc_allows(const struct kms_caller *c, const char *policy, const char *arn,
                          const char *action)
{
    if (c->who.kind == AUTHZ_PRINCIPAL_ANONYMOUS || !policy)
        return 0;
    struct policy *p = NULL;
    if (policy_parse_stored(&p, policy, strlen(policy)))
        return 0;
    struct authz_context ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.source_ip = c->source_ip;
    ctx.secure_transport = c->secure_transport;
    ctx.signature_version = "AWS4-HMAC-SHA256";
    ctx.auth_type = c->who.kind == AUTHZ_PRINCIPAL_SERVICE ? AUTHZ_AUTH_NONE : AUTHZ_AUTH_HEADER;
    ctx.source_account = c->source_account;
    ctx.source_arn = c->source_arn;
    enum policy_effect e = policy_eval(p, &c->who, action, arn, &ctx);
    policy_free(p);
    return e == POLICY_ALLOWS;
}

int kms_policy_allows(const struct kms_caller *c, const struct meta_kms_key *k, const char *action)
{
    return kms_policy_doc_allows(c, k->policy, k->arn, action);
}

enum kms_error kms_policy_lockout_check(const struct kms_caller *c, const char *policy,
                                        const char *arn, char *msg, size_t msg_size)
{
    if (kms_policy_doc_allows(c, policy, arn, "kms:PutKeyPolicy"))
        return KMS_OK;
    snprintf(msg, msg_size,
             "The new key policy will not allow you to update the key policy in the future.");
    return KMS_E_MALFORMED_POLICY;
}
