/* s3_tiering.h — private to src/s3: archives and Intelligent-Tiering on the object paths
 * (issue 12). Reads of an archived version (GLACIER, DEEP_ARCHIVE, an IT archive tier) need a
 * finished restore; HEAD/GET show x-amz-restore and x-amz-archive-status; a GET of an
 * INTELLIGENT_TIERING version is an access that brings it back to FREQUENT_ACCESS. The rules
 * are tiering/tier.h's. RestoreObject is s3_op_restore.c; the configurations s3_op_tiering.c. */
#ifndef STOCKTAKE_S3_TIERING_H
#define STOCKTAKE_S3_TIERING_H

#include "s3/s3_req.h"

/* A new version's tier: FREQUENT_ACCESS, accessed now, for INTELLIGENT_TIERING. */
void s3_tiering_new_version(struct meta_object *o);
/* InvalidObjectState (with StorageClass / AccessTier) when o's bytes cannot be read now;
 * copy_source: the message for a copy (AWS words it for the source). */
enum s3_error s3_tiering_check_readable(struct s3_req *r, const struct meta_object *o,
                                        int copy_source);
/* x-amz-restore and (HEAD) x-amz-archive-status of o. */
void s3_tiering_response_headers(struct s3_req *r, struct http_response *resp,
                                 const struct meta_object *o);
/* Record a read of o (GET): an INTELLIGENT_TIERING version returns to FREQUENT_ACCESS. A
 * failure only logs: the read itself succeeded. */
void s3_tiering_note_access(struct s3_req *r, const struct meta_object *o);

#endif
