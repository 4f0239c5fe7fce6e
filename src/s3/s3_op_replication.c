/* s3_op_replication.c — Put/Get/DeleteBucketReplication (`?replication`).
 *
 * PUT parses and validates the document as AWS does (repl_config.c), then what it names on
 * this server: versioning Enabled on the bucket, and every destination an existing bucket
 * with versioning Enabled (InvalidRequest with AWS's messages), and stores the canonical
 * document (META_CONFIG_REPLICATION). GET answers it, or ReplicationConfigurationNotFoundError;
 * DELETE removes it (204). */
#include <stdlib.h>
#include <string.h>

#include "replication/repl_config.h"
#include "s3/s3_bucket_doc.h"
#include "s3/s3_req.h"

static enum s3_error s3_replication_error(enum repl_config_error e)
{
    switch (e) {
    case REPL_CONFIG_OK:
        return S3_OK;
    case REPL_CONFIG_INVALID_ARGUMENT:
        return S3E_INVALID_ARGUMENT;
    case REPL_CONFIG_INVALID_REQUEST:
        return S3E_INVALID_REQUEST;
    case REPL_CONFIG_INVALID_STORAGE:
        return S3E_INVALID_STORAGE_CLASS;
    case REPL_CONFIG_NOT_IMPLEMENTED:
        return S3E_NOT_IMPLEMENTED;
    case REPL_CONFIG_MALFORMED:
        break;
    }
    return S3E_MALFORMED_XML;
}

/* What the configuration names on this server, checked as AWS checks it. */
static enum s3_error s3_replication_check(struct s3_req *r, const struct repl_config *c)
{
    if (r->bucket_info.versioning != META_VERSIONING_ENABLED) {
        s3_req_set_message(
            r, "Versioning must be 'Enabled' on the bucket to apply a replication configuration");
        return S3E_INVALID_REQUEST;
    }
    for (size_t i = 0; i < c->n; i++) {
        const char *dest = c->rules[i].dest_bucket;
        if (strcmp(dest, r->bucket) == 0) {
            s3_req_set_message(r, "Destination bucket cannot be the same as the source bucket.");
            return S3E_INVALID_REQUEST;
        }
        const char *remote = repl_rule_remote(&c->rules[i]);
        if (remote) { /* a bucket on a registered remote endpoint: not visible here */
            struct meta_remote rem;
            int rc = meta_remote_get(r->srv->meta, remote, &rem);
            memset(rem.secret_key, 0, sizeof(rem.secret_key));
            if (rc == ERR_NOTFOUND) {
                s3_req_set_message(r, "Invalid destination: the Account is neither an account id "
                                      "nor a registered remote endpoint");
                return S3E_INVALID_ARGUMENT;
            }
            if (rc)
                return s3_error_from_rc(rc);
            continue;
        }
        struct meta_bucket b;
        int rc = meta_bucket_get(r->srv->meta, dest, &b);
        if (rc == ERR_NOTFOUND) {
            s3_req_set_message(r, "Destination bucket must exist.");
            return S3E_INVALID_REQUEST;
        }
        if (rc)
            return s3_error_from_rc(rc);
        if (b.versioning != META_VERSIONING_ENABLED) {
            s3_req_set_message(r, "Destination bucket must have versioning enabled.");
            return S3E_INVALID_REQUEST;
        }
    }
    return S3_OK;
}

enum s3_error s3_op_put_bucket_replication(struct s3_req *r)
{
    enum s3_error e = s3_bucket_doc_put_begin(r, META_CONFIG_DOC_MAX - 1);
    if (e)
        return e;
    struct repl_config c;
    char msg[256];
    e = s3_replication_error(
        repl_config_parse(r->body.xml.data, r->body.xml.len, &c, msg, sizeof(msg)));
    if (e && msg[0])
        s3_req_set_message(r, "%s", msg);
    if (!e)
        e = s3_replication_check(r, &c);
    /* stored in its canonical form, with generated IDs; the change hook queues what it
     * replicates (src/replication/repl_hook.c) and the worker in serve carries it out */
    struct buf doc;
    buf_init(&doc, BUF_UNLIMITED);
    if (!e && repl_config_render(&doc, &c))
        e = S3E_INTERNAL_ERROR;
    if (!e) {
        int rc = meta_bucket_config_put(r->srv->meta, r->bucket, META_CONFIG_REPLICATION, doc.data);
        if (rc)
            e = s3_error_from_rc(rc);
    }
    buf_dispose(&doc);
    repl_config_dispose(&c);
    if (!e)
        s3_respond_empty(r, 200);
    return e;
}

enum s3_error s3_op_get_bucket_replication(struct s3_req *r)
{
    return s3_bucket_doc_get(r, META_CONFIG_REPLICATION, S3E_REPLICATION_CONFIGURATION_NOT_FOUND);
}

enum s3_error s3_op_delete_bucket_replication(struct s3_req *r)
{
    return s3_bucket_doc_delete(r, META_CONFIG_REPLICATION);
}
