/* s3_req.h — private to src/s3: the state of one S3 request and the operation handler types.
 *
 * A request is built in s3_router.c when the headers are complete, authenticated in
 * s3_auth.c, its body decoded and checked in s3_body.c, and answered by one operation handler
 * (s3_ops.def). Everything in it is freed by s3_req_free when the HTTP request ends. */
#ifndef STOCKTAKE_S3_REQ_H
#define STOCKTAKE_S3_REQ_H

#include <stdint.h>

#include "authz/authz.h"
#include "core/buf.h"
#include "core/checksum.h"
#include "core/hash.h"
#include "notify/notify_ctx.h"
#include "s3/aws_chunked.h"
#include "s3/s3.h"
#include "s3/s3_error.h"

enum s3_level { S3_LEVEL_SERVICE, S3_LEVEL_BUCKET, S3_LEVEL_OBJECT };
enum s3_body_kind { S3_BODY_NONE, S3_BODY_XML, S3_BODY_STREAM };
/* What an operation's IAM action is on (s3_ops.def). */
enum s3_resource_kind {
    S3_RES_ALL,
    S3_RES_BUCKET,
    S3_RES_NEW_BUCKET,
    S3_RES_OBJECT,
    S3_RES_OBJECTS,
    S3_RES_FORM,
    S3_RES_OBJECT_BODY, /* S3_RES_OBJECT, decided once the body is read (its tags) */
    S3_RES_NONE
};

struct s3_req;
typedef enum s3_error s3_handler_fn(struct s3_req *r);

enum s3_op {
#define S3_OP(name, opname, method, level, sub, hdr, body, begin, finish, action, vaction, res)    \
    S3_OP_##name,
#include "s3/s3_ops.def"
#undef S3_OP
    S3_OP_COUNT
};

struct s3_op_info {
    const char *name;
    const char *method;
    enum s3_level level;
    const char *selector;
    const char *header_selector;
    enum s3_body_kind body;
    s3_handler_fn *begin;
    s3_handler_fn *finish;
    const char *action;         /* IAM action: "s3:GetObject" */
    const char *version_action; /* with a versionId: "s3:GetObjectVersion"; NULL: action */
    enum s3_resource_kind resource;
};

#define S3_XML_BODY_MAX (4u * 1024 * 1024)
#define S3_MAX_OBJECT_SIZE (5ull * 1024 * 1024 * 1024)
#define S3_MAX_KEY_BYTES 1024

enum s3_payload {
    S3_PAYLOAD_SHA256,   /* hex digest in x-amz-content-sha256, checked at the end */
    S3_PAYLOAD_UNSIGNED, /* UNSIGNED-PAYLOAD */
    S3_PAYLOAD_CHUNKED   /* aws-chunked, signed or not, maybe with a trailer */
};

/* The body pipeline: raw bytes → [aws-chunked] → hashes → sink. */
struct s3_body {
    enum s3_payload payload;
    struct hash_stream *sha256; /* over the raw body, for S3_PAYLOAD_SHA256 */
    char expected_sha256[65];
    struct aws_chunked *chunked;
    int chunked_signed;  /* chunk signatures to check, from signing */
    int chunked_trailer; /* trailing headers follow the last chunk */
    struct aws_chunked_signing signing;
    struct hash_stream *md5; /* over the decoded body */
    uint8_t md5_digest[MD5_LEN];
    int have_content_md5;
    uint8_t content_md5[MD5_LEN];
    enum checksum_algo checksum_algo;
    struct checksum *checksum;
    char checksum_expected[CHECKSUM_B64_MAX]; /* from the header; "" when it is in the trailer */
    int checksum_computed_only;               /* computed for the server's own use, not sent */
    char checksum_value[CHECKSUM_B64_MAX];    /* computed, after s3_body_finish */
    int64_t decoded_length;                   /* x-amz-decoded-content-length, or -1 */
    uint64_t received;                        /* decoded bytes so far */
    struct buf xml;                           /* S3_BODY_XML bodies */
};

struct s3_req {
    struct http_request *http;
    struct s3_server *srv;
    const struct s3_op_info *op;
    char request_id[17];
    char host_id[64];
    int is_head;
    /* what the path named (decoded) */
    char *bucket;
    char *key;
    /* decoded query parameters */
    struct kv_pair *params;
    size_t n_params;
    /* who is asking: the signer's account, or anonymous (unsigned; account all zero) */
    struct meta_account account;
    int anonymous;
    /* the access key id the request was signed with ("" unsigned), for the access log */
    char access_key[129];
    /* the operation it is counted and logged as (s3_admin.h); -1: r->op's, or none */
    int metric_op;
    /* a key service request signed without x-amz-content-sha256 (botocore signs non-S3
     * services' bodies without sending it): verified once its body is read
     * (s3_auth_check_body, s3_op_kms.c); until then r->account is not set */
    int auth_deferred;
    /* how the signer authenticated (s3_auth.c, s3_post_auth.c), for s3:authType and
     * s3:signatureversion: header, presigned query or POST form; SigV2 or SigV4 */
    enum authz_auth_type auth_type;
    int auth_sigv2;
    /* the bucket came from a virtual-hosted-style Host header (SigV2 signs "/bucket" + path) */
    int host_style;
    /* a web console request (s3_console.c): the session endpoints, not an S3 operation */
    int console;
    /* authenticated by a console session cookie (s3_console_auth.c), not a signature */
    int console_session;
    /* the connection is TLS (aws:SecureTransport) */
    int secure;
    /* the bucket, once an operation has loaded it */
    struct meta_bucket bucket_info;
    /* the authorization step let an object read through only to answer that the object does
     * not exist (the caller may list the bucket): finding it after all is AccessDenied */
    int authz_missing_only;
    /* the tags the request sets, stored form (s3/s3_tagging.h), when they come from a body
     * (PutObjectTagging, the POST form's tagging field) rather than x-amz-tagging: the
     * decision's s3:RequestObjectTag keys (borrowed; NULL: x-amz-tagging or none) */
    const char *authz_request_tags;
    /* a POST form's fields (borrowed; NULL otherwise): what the object's x-amz-* headers are for
     * the decision's s3:x-amz-* condition keys (the form's acl field is s3:x-amz-acl) */
    const struct kv_pair *authz_form;
    size_t authz_form_n;
    /* who causes the object changes the operation makes, for their event notifications
     * (the router sets it as the thread's around the handlers) */
    struct notify_ctx notify;
    /* body */
    struct s3_body body;
    enum s3_error body_error;
    char *body_error_message;
    /* operation state, freed by op_free */
    void *op_state;
    void (*op_free)(struct s3_req *r);
    int (*op_data)(struct s3_req *r, const char *data, size_t n);
    /* detail for an error answer */
    char *error_message;
    struct buf error_extra;
    char *error_headers[4][2]; /* extra headers on the error answer (owned) */
    size_t n_error_headers;
    /* for the server access log record (s3_log_hook.c): when the request came and when its
     * answer was ready (clock_now_ms), and the error code answered (NULL: none) */
    int64_t log_start_ms;
    int64_t log_complete_ms; /* the body was read */
    int64_t log_answer_ms;
    const char *log_error_code;
    /* the keys a DeleteObjects removed, each NUL-terminated (BATCH.DELETE.OBJECT records),
     * and a copy's source (REST.COPY.OBJECT_GET in the source bucket's log; owned) */
    struct buf log_deleted;
    char *log_copy_bucket, *log_copy_key, *log_copy_version;
};

/* Operation handlers (s3_op_*.c), as named in s3_ops.def. */
#define S3_OP(name, opname, method, level, sub, hdr, body, begin, finish, action, vaction, res)    \
    s3_handler_fn finish;
#include "s3/s3_ops.def"
#undef S3_OP
s3_handler_fn s3_op_put_object_begin;
s3_handler_fn s3_op_upload_part_begin;
s3_handler_fn s3_op_post_object_begin;

/* Query parameter by name (decoded), or NULL; *present tells a key without value apart. */
const char *s3_req_param(const struct s3_req *r, const char *name);
int s3_req_has_param(const struct s3_req *r, const char *name);
const char *s3_req_header(const struct s3_req *r, const char *name);
/* Add <name>value</name> to the error body about to be returned (after Code and Message). */
void s3_req_error_elem(struct s3_req *r, const char *name, const char *value);
/* Add a header to the error answer about to be returned (x-amz-delete-marker, Allow, …). */
void s3_req_error_header(struct s3_req *r, const char *name, const char *value);
/* Record a detail message for the error about to be returned. */
void s3_req_set_message(struct s3_req *r, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Load r->bucket into r->bucket_info and check the caller may use it: NoSuchBucket (for
 * anyone, signed or not), AccessDenied (x-amz-expected-bucket-owner differs, or the
 * authorization step denies the operation's action). Done once by the router before the
 * operation runs; later calls return S3_OK at once. */
enum s3_error s3_req_load_bucket(struct s3_req *r);

/* Authorization (s3_authz.c): the one step after routing, and the same decision for the other
 * resources an operation touches. */
/* Decide r->op's action on its resource (s3_ops.def), loading the bucket first where the
 * resource is in one: S3_OK, NoSuchBucket, AccessDenied. */
enum s3_error s3_req_authorize(struct s3_req *r);
/* Decide action on bucket/key (key NULL: the bucket) owned as b says, for the requester:
 * S3_OK or AccessDenied. For copy sources: s3:GetObject (s3:GetObjectVersion with a
 * versionId) on the source object. */
enum s3_error s3_req_authorize_on(struct s3_req *r, const char *action, const struct meta_bucket *b,
                                  const char *key);
/* The answer for a key that does not exist in bucket: 404 NoSuchKey when the requester may
 * list the bucket (s3:ListBucket), else 403 AccessDenied, as AWS answers so that a caller who
 * may read objects but not list them cannot probe for keys. */
enum s3_error s3_req_missing_key(struct s3_req *r, const char *bucket);
/* A sub-resource the request's query names that selects an operation but that SigV2's string
 * to sign leaves out (publicAccessBlock, policyStatus, …), or NULL: a SigV2 signature cannot
 * say which operation was meant, so such requests need SigV4 (s3_auth.c). */
const char *s3_req_subresource_unsigned_v2(const struct s3_req *r);
/* The same for one version of the object (NULL: the latest), whose ACL the decision uses. */
enum s3_error s3_req_authorize_version(struct s3_req *r, const char *action,
                                       const struct meta_bucket *b, const char *key,
                                       const char *version);

/* Responses (s3_response.c). Each adds x-amz-request-id, x-amz-id-2, Server and the CORS
 * headers (s3_response_headers). */
struct http_response *s3_response_new(struct s3_req *r, int status, char *body, size_t len);
/* 200 with an XML body (takes the buffer's data); _xml returns it for more headers. */
struct http_response *s3_response_xml(struct s3_req *r, struct buf *xml);
void s3_respond_xml(struct s3_req *r, struct buf *xml);

/* The headers every response carries, for a response not made by s3_response_new. */
void s3_response_headers(struct s3_req *r, struct http_response *resp);
/* The Access-Control-* headers a cross-origin request gets from the bucket's CORS rules
 * (s3_op_cors.c); nothing for a request without Origin. */
void s3_cors_response_headers(struct s3_req *r, struct http_response *resp);

/* XML pieces several answers share (s3_response.c). */
/* <elem>v</elem>, v percent-encoded when url (encoding-type=url). */
int s3_xml_name(struct buf *xml, const char *elem, const char *v, int url) WARN_UNUSED;
/* <elem><ID>canonical id</ID><DisplayName>name</DisplayName></elem> for an account. */
int s3_xml_person(struct buf *xml, const char *elem, const struct meta_account *a) WARN_UNUSED;
/* <Checksum{ALGO}>value</Checksum{ALGO}><ChecksumType>type</ChecksumType>; nothing when algo
 * is "". */
int s3_xml_checksum(struct buf *xml, const char *algo, const char *value,
                    const char *type) WARN_UNUSED;
void s3_respond_empty(struct s3_req *r, int status);
void s3_respond_error(struct s3_req *r, enum s3_error e);

/* Authentication (s3_auth.c): check the signature or presigned query, set r->account and set
 * up r->body for the payload mode. */
enum s3_error s3_auth_check(struct s3_req *r);
/* A deferred request (auth_deferred): verify its SigV4 signature over the body now read. */
enum s3_error s3_auth_check_body(struct s3_req *r);
/* The key service's JSON API (s3_op_kms.c): is r such a request (POST / with X-Amz-Target
 * TrentService.<Op>), and its error answer in AWS JSON form. */
int s3_req_is_kms(const struct s3_req *r);
void s3_kms_respond_error(struct s3_req *r, enum s3_error e);

/* Server access logging (s3_log_hook.c): one record of r, when its bucket has logging
 * enabled, into the spool; called once, when the request is done. */
void s3_log_request(struct s3_req *r);
/* The web console (s3_console.c, s3_console_auth.c; docs/internals/CONSOLE.md). */
/* Is r for /_stocktake/console[/...] (path-style)? */
int s3_console_is_path(const struct s3_req *r);
/* Serve the console file or session endpoint r names (a response, or an error to answer). */
enum s3_error s3_console_begin(struct s3_req *r);
/* Authenticate r by its console session cookie: S3_OK with r->account set, or AccessDenied
 * (missing, tampered, expired session; cross-site request). ak (128 bytes) and *expires get the
 * session's access key id and expiry. */
enum s3_error s3_console_auth(struct s3_req *r, char ak[128], int64_t *expires);

/* Body pipeline (s3_body.c). */
void s3_body_init(struct s3_body *b);
/* Prepare after authentication: content length limits, Content-MD5, checksum headers. */
enum s3_error s3_body_begin(struct s3_req *r);
enum s3_error s3_body_feed(struct s3_req *r, const char *data, size_t n);
/* After the last byte: framing complete, digests and lengths match. */
enum s3_error s3_body_finish(struct s3_req *r);
/* What AWS asks of the XML body of DeleteObjects and PutBucketCors: present
 * (MissingRequestBodyError), with Content-MD5 or an x-amz-checksum-* header (InvalidRequest). */
enum s3_error s3_body_require_integrity(struct s3_req *r);
void s3_body_dispose(struct s3_body *b);

#endif
