/* repl.h — replication as the rest of the server sees it (issue 13).
 *
 * repl_install: the metadata store's replication hook (meta_repl_hook_set) becomes this
 * module's (repl_hook.c): every change of an object version is matched, inside its
 * transaction, against the bucket's ReplicationConfiguration; a matching rule queues a task in
 * that transaction and the version becomes PENDING. Every process that writes objects installs
 * it (serve, inventory run).
 *
 * repl_worker: the worker inside serve (repl_worker.c) — the queue's due tasks, first of their
 * (bucket, key) line, each applied to its destination bucket on this server (repl_copy.c):
 * the source version becomes COMPLETED, or FAILED after REPL_MAX_ATTEMPTS attempts with a
 * backoff doubling from retry_ms up to REPL_RETRY_CAP_MS. */
#ifndef STOCKTAKE_REPL_H
#define STOCKTAKE_REPL_H

#include <stddef.h>
#include <stdint.h>

#include "blob/blob.h"
#include "core/err.h"
#include "meta/meta.h"

#define REPL_RETRY_CAP_MS 60000
#define REPL_MAX_ATTEMPTS 5

void repl_install(void);

/* Apply task t (its source version src) to its destination: 0 when the destination holds it
 * (already did, too); else an ERR_* code, with why (size bytes) saying what refused it.
 * legacy: the server's --legacy-bucket-defaults (whether a destination without an encryption
 * configuration blocks SSE-C). */
int repl_apply(struct meta_store *meta, struct blob_store *bs, int legacy,
               const struct meta_repl_task *t, struct meta_object *src, char *why,
               size_t size) WARN_UNUSED;

/* The same for a task whose destination is a registered remote endpoint (t->remote,
 * repl_remote.c); storage_class: the rule's Destination/StorageClass or ""; kms_key: the
 * rule's ReplicaKmsKeyID (a key of the remote's KMS) or "" (an SSE-KMS source needs one). */
int repl_apply_remote(struct meta_store *meta, struct blob_store *bs,
                      const struct meta_repl_task *t, const struct meta_object *src,
                      const char *storage_class, const char *kms_key, char *why,
                      size_t size) WARN_UNUSED;

/* An SSE-KMS version o re-encrypted for bucket dest under replica_key (repl_kms.c): its
 * bytes copied into a new blob; o->blob_id, o->sse become the copy's. */
int repl_kms_copy(struct meta_store *meta, struct blob_store *bs, const struct meta_bucket *src,
                  const char *dest, struct meta_object *o, const char *replica_key, char *why,
                  size_t size) WARN_UNUSED;

/* The plain data key (32 bytes) of SSE-KMS version o of bucket src, decrypted by the KMS for
 * src's owner account (SrcKmsKeyInvalidState in why when refused). */
int repl_kms_source_key(struct meta_store *meta, const struct meta_bucket *src,
                        const struct meta_object *o, uint8_t dk[32], char *why,
                        size_t size) WARN_UNUSED;

struct repl_worker;
int repl_worker_start(struct repl_worker **out, struct meta_store *meta, struct blob_store *bs,
                      int64_t retry_ms, int legacy) WARN_UNUSED;
void repl_worker_stop(struct repl_worker *w);

#endif
