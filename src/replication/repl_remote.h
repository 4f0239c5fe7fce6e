/* repl_remote.h — the remote endpoint client shared by repl_remote.c (PUT, DELETE, tagging)
 * and repl_remote_mpu.c (a multipart version sent as a multipart upload). Internal to
 * src/replication. */
#ifndef STOCKTAKE_REPL_REMOTE_H
#define STOCKTAKE_REPL_REMOTE_H

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

#include "blob/blob.h"
#include "meta/meta.h"
#include "object/object.h"

#define REPL_MARKER_HEADER "x-amz-meta-stocktake-replica-of"

struct repl_answer {
    long status;
    char version_id[128];
    char replica_of[128];
    char etag[80];
    int delete_marker;
    char code[64];     /* the error answer's <Code> */
    char message[256]; /* and <Message> */
    char body[8192];   /* the start of the body (error documents, InitiateMultipartUpload) */
    size_t body_len;
};

struct repl_body {
    struct obj_reader *rd; /* streamed (PUT object, UploadPart), or */
    const char *data;      /* a small document (tagging, CompleteMultipartUpload) */
    uint64_t size;
};

/* Format why (size bytes) and return rc. */
int repl_rwhy(char *why, size_t size, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* One request to the remote: method on bucket/key?query with headers h (consumed), body (NULL:
 * none); 0 with a->status (any HTTP status), or an error when no answer came. */
int repl_remote_call(const struct meta_remote *rem, const char *method, const char *bucket,
                     const char *key, const char *query, struct curl_slist *h,
                     const struct repl_body *body, struct repl_answer *a, char *why,
                     size_t size) WARN_UNUSED;
/* A failed answer a to request `what`, as the failure reason AWS names (the return value:
 * ERR_DENIED for 403, else ERR_BACKEND). */
int repl_status_fail(const struct meta_remote *rem, const char *what, const struct repl_answer *a,
                     char *why, size_t size);
/* h plus the header "name: value" (values with CR/LF are left out). */
struct curl_slist *repl_hdr(struct curl_slist *h, const char *name, const char *value);
/* What a version is sent as: o itself, its plain data key when it is SSE-KMS (else NULL), the
 * rule's storage class and ReplicaKmsKeyID ("" when none). */
struct repl_remote_src {
    const struct meta_object *o;
    const uint8_t *data_key;
    const char *storage_class;
    const char *kms_key;
};

/* The headers a PUT (or CreateMultipartUpload) of s carries. */
struct curl_slist *repl_put_headers(const struct repl_remote_src *s);
/* Open bytes [start, start+len) of s's version (decrypted). */
int repl_remote_open(struct blob_store *bs, const struct repl_remote_src *s, uint64_t start,
                     uint64_t len, struct obj_reader **out) WARN_UNUSED;
/* The text between open and close in body, into out ("" stays when absent or too long). */
void repl_xml_text(const char *body, const char *open, const char *close, char *out, size_t size);

/* Version o (multipart, with its parts list) sent as a multipart upload with the same parts,
 * so the remote's ETag ("…-N") and composite checksum are the source's (repl_remote_mpu.c).
 * A failed attempt aborts its upload. */
int repl_remote_put_multipart(struct blob_store *bs, const struct meta_remote *rem,
                              const struct meta_repl_task *t, const struct repl_remote_src *s,
                              char *why, size_t size) WARN_UNUSED;

#endif
