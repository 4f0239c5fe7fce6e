/* acl_json.h — the compact JSON form of an ACL's grants: how object ACLs are stored (each
 * object version's meta_object.acl) and, base64-encoded, what S3 Inventory reports in its
 * ObjectAccessControlList field (research/inventory-format.md §5):
 *
 *   {"version":"2022-11-10","status":"AVAILABLE","grants":[
 *     {"permission":"FULL_CONTROL","type":"CanonicalUser","canonicalId":"<64 hex>"},
 *     {"permission":"READ","type":"Group","uri":"http://acs.amazonaws.com/groups/global/AllUsers"}]}
 *
 * One form for both keeps a report row a copy of the stored bytes. The owner is not part of
 * it (an object's owner is its owner_id); display names are not either (they belong to the
 * accounts and are looked up when an ACL is shown). E-mail grantees are resolved to canonical
 * users before an ACL is stored, so the form has no e-mail grants. */
#ifndef STOCKTAKE_AUTHZ_ACL_JSON_H
#define STOCKTAKE_AUTHZ_ACL_JSON_H

#include <stddef.h>

#include "authz/acl.h"

#define ACL_JSON_VERSION "2022-11-10"
/* The longest document: the head plus ACL_MAX_GRANTS of the longest grant (a Group grant with
 * the AuthenticatedUsers URI and FULL_CONTROL is 120 bytes, a CanonicalUser one 116). */
#define ACL_JSON_MAX (64 + ACL_MAX_GRANTS * 128)

/* Render acl's grants into out (NUL-terminated). ERR_TOOBIG when size is too small,
 * ERR_INVALID for an e-mail grant (unresolved). */
int acl_json_render(const struct acl *acl, char *out, size_t size) WARN_UNUSED;
/* Append the grants of a document to acl (whose owner the caller set with acl_init).
 * ERR_INVALID (message says why) when it is not this form, ERR_TOOBIG past ACL_MAX_GRANTS. */
int acl_json_parse(struct acl *acl, const char *doc, size_t len) WARN_UNUSED;
/* Is acl the default ACL of its owner: one FULL_CONTROL grant to owner_id? Such ACLs are
 * stored as "" (none). */
int acl_is_default(const struct acl *acl);

#endif
