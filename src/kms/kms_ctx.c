/* kms_ctx.c — the canonical encryption context (kms.h, kms_ctx_canon): the AAD a ciphertext
 * blob is bound to, the same whatever order the caller wrote the pairs in. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "kms/kms.h"

int kms_ctx_canon(const char *json, size_t len, char **out)
{
    *out = NULL;
    if (!json || !len) {
        *out = strdup("");
        return *out ? 0 : ERR_NOMEM;
    }
    json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    int rc = o && json_is_object(o) ? 0 : ERR_INVALID;
    const char *k;
    json_t *v;
    if (!rc) {
        json_object_foreach(o, k, v)
        {
            if (!json_is_string(v) || !*k)
                rc = ERR_INVALID;
        }
    }
    if (!rc && json_object_size(o) == 0)
        *out = strdup("");
    else if (!rc)
        *out = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    if (rc) {
        err_set("the encryption context is not an object of strings");
        return rc;
    }
    return *out ? 0 : ERR_NOMEM;
}
