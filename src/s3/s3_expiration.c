/* s3_expiration.c — x-amz-expiration (s3_expiration.h). */
#include "s3/s3_expiration.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/uri.h"
#include "lifecycle/lc_decide.h"

#define S3_EXPIRATION_SLOTS 64

/* A bucket's rules as of one configuration generation; has_rules 0: no configuration. */
struct s3_expiration_slot {
    char bucket_id[33];
    int64_t config_gen;
    int has_rules;
    struct lc_rules rules;
};

static pthread_mutex_t expiration_mu = PTHREAD_MUTEX_INITIALIZER;
static struct s3_expiration_slot expiration_cache[S3_EXPIRATION_SLOTS];

static struct s3_expiration_slot *s3_expiration_slot_of(const char *bucket_id)
{
    size_t h = 5381;
    for (const char *p = bucket_id; *p; p++)
        h = h * 33 + (unsigned char)*p;
    return &expiration_cache[h % S3_EXPIRATION_SLOTS];
}

/* The bucket's rules from the store into slot (replacing what it held). */
static int s3_expiration_load(struct s3_req *r, struct s3_expiration_slot *fresh)
{
    memset(fresh, 0, sizeof(*fresh));
    memcpy(fresh->bucket_id, r->bucket_info.id, sizeof(fresh->bucket_id));
    fresh->config_gen = r->bucket_info.config_gen;
    int rc = lc_rules_load(r->srv->meta, r->bucket_info.name, &fresh->rules);
    fresh->has_rules = rc == 0;
    return rc == ERR_NOTFOUND ? 0 : rc;
}

/* Under the lock: the expiry of o by slot's rules, formatted into value. */
static int s3_expiration_value(const struct s3_expiration_slot *slot, const struct meta_object *o,
                               struct buf *value)
{
    int64_t at = 0;
    const struct lc_rule *rule =
        slot->has_rules
            ? lc_decide_expiry(&slot->rules, o->key, o->tags, o->size, o->last_modified_ms, &at)
            : NULL;
    if (!rule)
        return 0;
    char date[40];
    clock_format_http(date, sizeof(date), at);
    const char *id = rule->id ? rule->id : "";
    int rc = buf_printf(value, "expiry-date=\"%s\", rule-id=\"", date);
    if (!rc)
        rc = uri_encode(value, id, strlen(id), 0);
    if (!rc)
        rc = buf_puts(value, "\"");
    return rc ? rc : 1;
}

void s3_expiration_header(struct s3_req *r, struct http_response *resp, const struct meta_object *o)
{
    if (o->is_delete_marker || !o->is_latest || !r->bucket_info.id[0])
        return;
    struct s3_expiration_slot *slot = s3_expiration_slot_of(r->bucket_info.id);
    struct buf value;
    buf_init(&value, BUF_UNLIMITED);
    int got = -1;
    pthread_mutex_lock(&expiration_mu);
    if (strcmp(slot->bucket_id, r->bucket_info.id) == 0 &&
        slot->config_gen == r->bucket_info.config_gen)
        got = s3_expiration_value(slot, o, &value);
    pthread_mutex_unlock(&expiration_mu);
    if (got < 0) {
        struct s3_expiration_slot fresh;
        if (s3_expiration_load(r, &fresh) != 0)
            return;
        pthread_mutex_lock(&expiration_mu);
        if (slot->has_rules)
            lc_rules_dispose(&slot->rules);
        *slot = fresh;
        got = s3_expiration_value(slot, o, &value);
        pthread_mutex_unlock(&expiration_mu);
    }
    if (got > 0)
        http_response_header(resp, "x-amz-expiration", value.data);
    buf_dispose(&value);
}
