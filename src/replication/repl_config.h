/* repl_config.h — a bucket's ReplicationConfiguration (PutBucketReplication): parsing and
 * validating it as AWS does, rendering the canonical form (what GetBucketReplication answers
 * and what is stored), and choosing the rule that replicates a key.
 *
 * A rule is either the first schema (a top-level Prefix, no Priority, delete markers always
 * replicated) or V2 (a Filter: empty, Prefix, Tag, or And{Prefix?, Tag*}; Priority and
 * DeleteMarkerReplication required). Every rule of a document uses the same schema. What the
 * configuration names on the server (source and destination versioning, destination buckets)
 * is the caller's check (s3_op_replication.c). */
#ifndef STOCKTAKE_REPL_CONFIG_H
#define STOCKTAKE_REPL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define REPL_RULES_MAX 1000
#define REPL_ID_MAX 255
#define REPL_TAGS_MAX 10
#define REPL_ARN_PREFIX "arn:aws:s3:::"

enum repl_filter_kind {
    REPL_FILTER_NONE = 0,
    REPL_FILTER_PREFIX,
    REPL_FILTER_TAG,
    REPL_FILTER_AND
};

/* An optional switch: absent, Disabled or Enabled. */
enum repl_switch { REPL_ABSENT = -1, REPL_DISABLED = 0, REPL_ENABLED = 1 };

struct repl_tag {
    char *key;
    char *value;
};

struct repl_rule {
    char *id;
    int v2;           /* a Filter (V2) rather than the legacy top-level Prefix */
    int64_t priority; /* V2 only */
    int enabled;      /* Status */
    enum repl_filter_kind filter;
    char *prefix; /* the legacy Prefix, Filter/Prefix or And/Prefix; NULL: none */
    struct repl_tag tags[REPL_TAGS_MAX];
    size_t n_tags;
    enum repl_switch delete_markers;   /* DeleteMarkerReplication/Status */
    enum repl_switch existing_objects; /* ExistingObjectReplication/Status */
    enum repl_switch sse_kms_objects;  /* SourceSelectionCriteria/SseKmsEncryptedObjects */
    enum repl_switch replica_mods;     /* SourceSelectionCriteria/ReplicaModifications */
    char *dest_arn;                    /* Destination/Bucket as given */
    const char *dest_bucket;           /* the bucket name inside dest_arn */
    char *account;                     /* Destination/Account; NULL: none */
    char *storage_class;               /* NULL: the source's */
    int owner_override;                /* AccessControlTranslation/Owner = Destination */
    int has_encryption;                /* EncryptionConfiguration present */
    char *kms_key;                     /* EncryptionConfiguration/ReplicaKmsKeyID; NULL: none */
};

struct repl_config {
    char *role; /* as given ("" when empty) */
    struct repl_rule *rules;
    size_t n;
};

enum repl_config_error {
    REPL_CONFIG_OK = 0,
    REPL_CONFIG_MALFORMED,        /* MalformedXML */
    REPL_CONFIG_INVALID_ARGUMENT, /* InvalidArgument */
    REPL_CONFIG_INVALID_REQUEST,  /* InvalidRequest */
    REPL_CONFIG_INVALID_STORAGE,  /* InvalidStorageClass */
    REPL_CONFIG_NOT_IMPLEMENTED   /* ReplicationTime / Metrics enabled: not offered */
};

/* Parse and validate data into *out (caller disposes, also on error). A rule without an ID
 * gets a generated one. On error msg holds AWS's message ("" for the code's default). */
enum repl_config_error repl_config_parse(const char *data, size_t len, struct repl_config *out,
                                         char *msg, size_t msg_len);
void repl_config_dispose(struct repl_config *c);
/* The canonical document of c. */
int repl_config_render(struct buf *out, const struct repl_config *c) WARN_UNUSED;
/* The enabled rule that replicates a version of key with tags (as stored, meta_object.tags:
 * "k1=v1&k2=v2", NULL or "" for none): among the matching enabled rules the one with the
 * highest Priority (V2), or the first (legacy). NULL when none. */
const struct repl_rule *repl_config_match(const struct repl_config *c, const char *key,
                                          const char *tags);

/* The remote endpoint rule r replicates to: its Destination/Account when that is not an
 * account id (12 digits) — the name of a remote registered with `admin remote add`; NULL: a
 * bucket on this server. */
const char *repl_rule_remote(const struct repl_rule *r);

#endif
