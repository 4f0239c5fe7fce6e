/* s3_ownership.c — Object Ownership names and the stored per-bucket setting. */
#include "s3/s3_ownership.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"};

const char *s3_ownership_name(enum s3_ownership o)
{
    return (unsigned)o <= S3_OWNERSHIP_OBJECT_WRITER ? names[o] : "";
}

int s3_ownership_parse(const char *s, enum s3_ownership *out)
{
    for (int i = 0; s && i <= S3_OWNERSHIP_OBJECT_WRITER; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum s3_ownership)i;
            return 0;
        }
    err_set("unknown object ownership");
    return ERR_INVALID;
}

int s3_ownership_get(struct meta_store *meta, const char *bucket, enum s3_ownership *out,
                     int *stored)
{
    char *doc = NULL;
    int rc = meta_bucket_config_get(meta, bucket, META_CONFIG_OWNERSHIP, &doc);
    if (stored)
        *stored = rc == 0;
    if (rc == ERR_NOTFOUND) {
        *out = S3_OWNERSHIP_OBJECT_WRITER;
        return 0;
    }
    if (rc)
        return rc;
    rc = s3_ownership_parse(doc, out);
    free(doc);
    return rc;
}

/* The setting per (bucket id, configuration generation): every request of a bucket whose ACLs
 * matter asks, and the generation (meta_bucket.config_gen, bumped by every configuration
 * change) says when the stored document may have changed, here or on another node. */
#define S3_OWNERSHIP_SLOTS 64

struct s3_ownership_slot {
    char bucket_id[33];
    int64_t config_gen;
    enum s3_ownership o;
};

static pthread_mutex_t ownership_mu = PTHREAD_MUTEX_INITIALIZER;
static struct s3_ownership_slot ownership_cache[S3_OWNERSHIP_SLOTS];

static struct s3_ownership_slot *s3_ownership_slot_of(const char *bucket_id)
{
    size_t h = 5381;
    for (const char *p = bucket_id; *p; p++)
        h = h * 33 + (unsigned char)*p;
    return &ownership_cache[h % S3_OWNERSHIP_SLOTS];
}

int s3_ownership_of(struct meta_store *meta, const struct meta_bucket *b, enum s3_ownership *out)
{
    struct s3_ownership_slot *slot = s3_ownership_slot_of(b->id);
    int hit = 0;
    pthread_mutex_lock(&ownership_mu);
    if (b->id[0] && strcmp(slot->bucket_id, b->id) == 0 && slot->config_gen == b->config_gen) {
        *out = slot->o;
        hit = 1;
    }
    pthread_mutex_unlock(&ownership_mu);
    if (hit)
        return 0;
    int rc = s3_ownership_get(meta, b->name, out, NULL);
    if (rc || !b->id[0])
        return rc;
    pthread_mutex_lock(&ownership_mu);
    memcpy(slot->bucket_id, b->id, sizeof(slot->bucket_id));
    slot->config_gen = b->config_gen;
    slot->o = *out;
    pthread_mutex_unlock(&ownership_mu);
    return 0;
}
