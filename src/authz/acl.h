/* acl.h — the S3 access control list model: grants, canned ACLs, x-amz-grant-* headers, and
 * the check "does this ACL give this principal this permission".
 *
 * An ACL is an owner plus up to ACL_MAX_GRANTS grants (AWS's limit). A grantee is a canonical
 * user (64-hex id), one of the three predefined groups, or an e-mail address that the caller
 * resolves to a canonical user before the ACL is stored (acl_email_grants). Permissions are
 * AWS's five; FULL_CONTROL includes the other four. The XML form (AccessControlPolicy) is read
 * and written by s3/s3_acl_xml.c. Pure functions: no I/O, no allocation. */
#ifndef STOCKTAKE_AUTHZ_ACL_H
#define STOCKTAKE_AUTHZ_ACL_H

#include <stddef.h>

#include "authz/authz.h"
#include "core/err.h"

#define ACL_MAX_GRANTS 100
#define ACL_GROUP_URI_ALL_USERS "http://acs.amazonaws.com/groups/global/AllUsers"
#define ACL_GROUP_URI_AUTHENTICATED "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
#define ACL_GROUP_URI_LOG_DELIVERY "http://acs.amazonaws.com/groups/s3/LogDelivery"

enum acl_perm {
    ACL_PERM_READ = 0,
    ACL_PERM_WRITE,
    ACL_PERM_READ_ACP,
    ACL_PERM_WRITE_ACP,
    ACL_PERM_FULL_CONTROL,
    ACL_PERM_COUNT
};

enum acl_grantee_kind {
    ACL_GRANTEE_USER = 0, /* CanonicalUser: id (display_name optional) */
    ACL_GRANTEE_GROUP,    /* Group: group */
    ACL_GRANTEE_EMAIL     /* AmazonCustomerByEmail: email, until resolved */
};

enum acl_group { ACL_GROUP_ALL_USERS = 0, ACL_GROUP_AUTHENTICATED, ACL_GROUP_LOG_DELIVERY };

struct acl_grant {
    enum acl_grantee_kind kind;
    enum acl_perm perm;
    enum acl_group group;
    char id[65];
    char display_name[65];
    char email[129];
};

struct acl {
    char owner_id[65];
    char owner_name[65];
    size_t n;
    struct acl_grant grants[ACL_MAX_GRANTS];
};

/* AWS's permission names ("READ", "FULL_CONTROL"); parse answers ERR_INVALID for others. */
const char *acl_perm_name(enum acl_perm p);
int acl_perm_parse(const char *s, enum acl_perm *out) WARN_UNUSED;
/* Group URIs (ACL_GROUP_URI_*); parse answers ERR_INVALID for others. */
const char *acl_group_uri(enum acl_group g);
int acl_group_parse(const char *uri, enum acl_group *out) WARN_UNUSED;

/* An ACL owned by owner_id with no grants. */
void acl_init(struct acl *acl, const char *owner_id, const char *owner_name);
/* Append a grant; ERR_TOOBIG past ACL_MAX_GRANTS, ERR_INVALID when a string does not fit. */
int acl_add_user(struct acl *acl, const char *id, const char *display_name,
                 enum acl_perm perm) WARN_UNUSED;
int acl_add_group(struct acl *acl, enum acl_group group, enum acl_perm perm) WARN_UNUSED;
int acl_add_email(struct acl *acl, const char *email, enum acl_perm perm) WARN_UNUSED;

/* The ACL a canned name gives (x-amz-acl): owner FULL_CONTROL plus the canned grants.
 * bucket_owner_id is the bucket's owner (bucket-owner-read / -full-control on objects; for a
 * bucket or when the writer owns the bucket those add nothing). ERR_INVALID for an unknown
 * name. acl is (re)initialised. */
int acl_canned(struct acl *acl, const char *name, const char *owner_id, const char *owner_name,
               const char *bucket_owner_id) WARN_UNUSED;
/* Append the grants of one x-amz-grant-* header value with permission perm: a comma-separated
 * list of id="…", uri="…" or emailAddress="…" (quotes optional, as AWS accepts). ERR_INVALID
 * when malformed or an unknown group URI (AWS: InvalidArgument). */
int acl_grant_header(struct acl *acl, enum acl_perm perm, const char *value) WARN_UNUSED;
/* The permission an x-amz-grant-* header names ("x-amz-grant-read-acp" → READ_ACP); ERR_INVALID
 * for other names. */
int acl_grant_header_perm(const char *header, enum acl_perm *out) WARN_UNUSED;

/* Does acl grant principal perm (directly or through FULL_CONTROL)? AllUsers covers everyone,
 * anonymous included; AuthenticatedUsers every signed account; a CanonicalUser grant the
 * account with that canonical id. The owner field alone grants nothing (the owner rule is the
 * caller's). Unresolved e-mail grants grant nothing. */
int acl_allows(const struct acl *acl, const struct authz_principal *principal, enum acl_perm perm);
/* Does the ACL grant anything to anyone but its owner (and bucket_owner_id, when given, with
 * FULL_CONTROL)? BucketOwnerEnforced accepts only ACLs for which this is 0. */
int acl_grants_beyond_owner(const struct acl *acl, const char *bucket_owner_id);
/* Does the ACL grant anything to AllUsers or AuthenticatedUsers (a "public" ACL)? */
int acl_is_public(const struct acl *acl);

#endif
