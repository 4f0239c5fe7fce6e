/* s3_policy.c — load, cache and parse bucket policies for the S3 layer (see s3_policy.h).
 *
 * The cache is a small fixed table indexed by a hash of the bucket id, shared by the request
 * threads under one mutex. Entries are reference counted: a request keeps the policy it was
 * given even if another request replaces the entry meanwhile; the replaced entry is freed by
 * its last user. */
#include "s3/s3_policy.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"

#define S3_POLICY_SLOTS 64

struct s3_policy_ref {
    char bucket_id[33];
    int64_t config_gen;    /* the bucket's meta_bucket.config_gen when the entry was made */
    struct policy *policy; /* NULL: the bucket has no policy */
    unsigned refs;         /* users, plus one while the entry is in the table */
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct s3_policy_ref *cache[S3_POLICY_SLOTS];

static size_t s3_policy_slot(const char *bucket_id)
{
    size_t h = 5381;
    for (const char *p = bucket_id; *p; p++)
        h = h * 33 + (unsigned char)*p;
    return h % S3_POLICY_SLOTS;
}

static void s3_policy_unref_locked(struct s3_policy_ref *e)
{
    if (--e->refs > 0)
        return;
    policy_free(e->policy);
    free(e);
}

void s3_policy_release(struct s3_policy_ref *ref)
{
    if (!ref)
        return;
    pthread_mutex_lock(&cache_mu);
    s3_policy_unref_locked(ref);
    pthread_mutex_unlock(&cache_mu);
}

/* The cached entry for (bucket id, configuration generation), with a reference taken; NULL
 * on a miss. */
static struct s3_policy_ref *s3_policy_cache_get(const char *bucket_id, int64_t config_gen)
{
    pthread_mutex_lock(&cache_mu);
    struct s3_policy_ref *e = cache[s3_policy_slot(bucket_id)];
    if (e && strcmp(e->bucket_id, bucket_id) == 0 && e->config_gen == config_gen)
        e->refs++;
    else
        e = NULL;
    pthread_mutex_unlock(&cache_mu);
    return e;
}

/* Put a new entry (one reference for the caller) in its slot, replacing what was there. */
static void s3_policy_cache_put(struct s3_policy_ref *e)
{
    pthread_mutex_lock(&cache_mu);
    size_t slot = s3_policy_slot(e->bucket_id);
    if (cache[slot])
        s3_policy_unref_locked(cache[slot]);
    cache[slot] = e;
    e->refs++;
    pthread_mutex_unlock(&cache_mu);
}

int s3_policy_load(struct meta_store *meta, const struct meta_bucket *b, const struct policy **out,
                   struct s3_policy_ref **ref)
{
    struct s3_policy_ref *e = s3_policy_cache_get(b->id, b->config_gen);
    if (e) { /* no document changed since: neither read nor parse */
        *out = e->policy;
        *ref = e;
        return 0;
    }
    *out = NULL;
    *ref = NULL;
    char *doc = NULL;
    struct policy *p = NULL;
    int rc = meta_bucket_config_get(meta, b->name, META_CONFIG_POLICY, &doc);
    if (rc == ERR_NOTFOUND) /* cached too: most buckets have none */
        rc = 0;
    else if (!rc)
        /* principals, actions and resources were checked when the policy was stored; an
         * account deleted since simply matches nobody */
        rc = policy_parse_stored(&p, doc, strlen(doc));
    if (rc && doc)
        log_warn("bucket %s: the stored policy does not parse: %s", b->name, err_msg());
    free(doc);
    if (rc)
        return rc;
    e = xcalloc(1, sizeof(*e));
    memcpy(e->bucket_id, b->id, sizeof(e->bucket_id));
    e->config_gen = b->config_gen;
    e->policy = p;
    e->refs = 1;
    s3_policy_cache_put(e);
    *out = p;
    *ref = e;
    return 0;
}

struct s3_policy_find {
    const char *canonical_id;
    int hit;
};

static int s3_policy_find_cb(void *payload, const struct meta_account *a)
{
    struct s3_policy_find *f = payload;
    if (strcmp(a->canonical_id, f->canonical_id) == 0)
        f->hit = 1;
    return 0;
}

/* AWS refuses a policy that names a principal it does not know. */
static int s3_policy_principal_known(void *ctx, const char *account_id, const char *canonical_id)
{
    struct meta_store *meta = ctx;
    if (account_id) {
        struct meta_account a;
        return meta_account_get(meta, account_id, &a) == 0;
    }
    struct s3_policy_find f = {canonical_id, 0};
    if (meta_account_list(meta, s3_policy_find_cb, &f))
        return 0;
    return f.hit;
}

int s3_policy_parse(struct meta_store *meta, const char *bucket, const char *json, size_t len,
                    struct policy **out)
{
    return policy_parse(out, json, len, bucket, s3_policy_principal_known, meta);
}
