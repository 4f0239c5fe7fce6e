/* pab.c — Block Public Access as the authorization step applies it (see pab.h). */
#include "authz/pab.h"

#include <string.h>

int pab_acl_allows(const struct pab *pab, const struct acl *acl,
                   const struct authz_principal *principal, enum acl_perm perm)
{
    if (!acl)
        return 0;
    if (!pab || !pab->ignore_public_acls)
        return acl_allows(acl, principal, perm);
    if (principal->kind != AUTHZ_PRINCIPAL_ACCOUNT || !principal->canonical_id[0])
        return 0;
    for (size_t i = 0; i < acl->n; i++) {
        const struct acl_grant *g = &acl->grants[i];
        if (g->kind == ACL_GRANTEE_USER && strcmp(g->id, principal->canonical_id) == 0 &&
            (g->perm == perm || g->perm == ACL_PERM_FULL_CONTROL))
            return 1;
    }
    return 0;
}
