/* notify_ctx.h — who and what causes the object changes of the current thread, for the events
 * they notify: the S3 operation's kind (PutObject, CopyObject, …, or a worker of S3 itself),
 * the principal, its address and the request ids. The S3 router sets it around an
 * operation's handlers; the lifecycle worker and inventory delivery set their own. A change
 * made while none is set notifies nothing (the collectors, tier moves). */
#ifndef STOCKTAKE_NOTIFY_CTX_H
#define STOCKTAKE_NOTIFY_CTX_H

enum notify_source {
    NOTIFY_SRC_NONE = 0,
    NOTIFY_SRC_PUT,            /* PutObject */
    NOTIFY_SRC_POST,           /* POST Object (browser form) */
    NOTIFY_SRC_COPY,           /* CopyObject */
    NOTIFY_SRC_COMPLETE,       /* CompleteMultipartUpload */
    NOTIFY_SRC_DELETE,         /* DeleteObject, DeleteObjects */
    NOTIFY_SRC_TAGGING_PUT,    /* PutObjectTagging */
    NOTIFY_SRC_TAGGING_DELETE, /* DeleteObjectTagging */
    NOTIFY_SRC_ACL_PUT,        /* PutObjectAcl */
    NOTIFY_SRC_RESTORE,        /* RestoreObject */
    NOTIFY_SRC_LIFECYCLE,      /* the lifecycle worker's expirations */
    NOTIFY_SRC_SERVICE_PUT,    /* S3 itself writes an object (inventory reports) */
    NOTIFY_SRC_REPLICATION,    /* the replication worker */
    NOTIFY_SRC_RESTORE_SWEEP   /* the tiering worker: restores completed, restored copies expired */
};

struct notify_ctx {
    enum notify_source source;
    char principal[80]; /* userIdentity.principalId */
    char source_ip[64]; /* requestParameters.sourceIPAddress */
    char request_id[40];
    char host_id[80];
};

/* The thread's context becomes c (borrowed until notify_ctx_leave), or none with NULL. */
void notify_ctx_enter(const struct notify_ctx *c);
void notify_ctx_leave(void);
/* The thread's context, or NULL. */
const struct notify_ctx *notify_ctx_current(void);
/* A context for S3's own writes (source, principal s3.amazonaws.com, fresh request ids). */
void notify_ctx_service(struct notify_ctx *out, enum notify_source source);

#endif
