/* s3_acl_xml.h — the AccessControlPolicy document of Put/Get{Bucket,Object}Acl, read and
 * written as AWS does:
 *
 *   <AccessControlPolicy><Owner><ID/><DisplayName/></Owner><AccessControlList>
 *     <Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 *                     xsi:type="CanonicalUser|Group|AmazonCustomerByEmail">
 *       <ID/><DisplayName/> | <URI/> | <EmailAddress/></Grantee>
 *       <Permission>READ|WRITE|READ_ACP|WRITE_ACP|FULL_CONTROL</Permission></Grant>…
 *   </AccessControlList></AccessControlPolicy>
 *
 * The rendered form is also how ACLs are stored (bucket config documents, object rows). */
#ifndef STOCKTAKE_S3_ACL_XML_H
#define STOCKTAKE_S3_ACL_XML_H

#include <stddef.h>

#include "authz/acl.h"
#include "core/buf.h"

/* Parse a document into acl. ERR_INVALID (AWS: MalformedACLError) when it is not well-formed,
 * lacks Owner/ID or AccessControlList, or a grant has an unknown grantee type, a missing
 * grantee field, an unknown group URI or permission; ERR_TOOBIG past ACL_MAX_GRANTS. The
 * message says which. */
int s3_acl_xml_parse(struct acl *acl, const char *data, size_t len) WARN_UNUSED;
/* Append the document for acl (with the XML declaration and S3 namespace). */
int s3_acl_xml_render(struct buf *b, const struct acl *acl) WARN_UNUSED;

#endif
