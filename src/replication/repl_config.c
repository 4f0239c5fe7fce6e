/* repl_config.c — ReplicationConfiguration documents: parse and validate with AWS's codes and
 * messages, render the canonical form, choose the rule of a key. */
#include "replication/repl_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/str.h"
#include "core/tagset.h"
#include "core/xmlw.h"
#include "s3/s3_xml.h"

/* The storage classes a destination may give replicas. */
static const char *const repl_storage_classes[] = {
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER",  "DEEP_ARCHIVE",       "GLACIER_IR",  "OUTPOSTS"};

struct repl_parse {
    char *msg;
    size_t msg_len;
};

static enum repl_config_error repl_fail(struct repl_parse *p, enum repl_config_error e,
                                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->msg, p->msg_len, fmt, ap);
    va_end(ap);
    return e;
}

static enum repl_config_error repl_malformed(struct repl_parse *p)
{
    return repl_fail(p, REPL_CONFIG_MALFORMED, "%s", "");
}

static void repl_rule_dispose(struct repl_rule *r)
{
    free(r->id);
    free(r->prefix);
    for (size_t i = 0; i < r->n_tags; i++) {
        free(r->tags[i].key);
        free(r->tags[i].value);
    }
    free(r->dest_arn);
    free(r->account);
    free(r->storage_class);
    free(r->kms_key);
}

void repl_config_dispose(struct repl_config *c)
{
    for (size_t i = 0; i < c->n; i++)
        repl_rule_dispose(&c->rules[i]);
    free(c->rules);
    free(c->role);
    memset(c, 0, sizeof(*c));
}

/* Is every element child of n named in names (NULL-terminated), each at most once unless
 * repeatable names it too? */
static int repl_children_known(const xmlNode *n, const char *const *names, const char *repeatable)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)c->name;
        size_t i = 0;
        while (names[i] && strcmp(names[i], name))
            i++;
        if (!names[i])
            return 0;
        if (repeatable && strcmp(repeatable, name) == 0)
            continue;
        for (const xmlNode *d = c->next; d; d = d->next)
            if (d->type == XML_ELEMENT_NODE && strcmp((const char *)d->name, name) == 0)
                return 0;
    }
    return 1;
}

/* The Status child of n: Enabled / Disabled, else MalformedXML. */
static enum repl_config_error repl_status(struct repl_parse *p, const xmlNode *n,
                                          enum repl_switch *out)
{
    const xmlNode *s = n ? s3_xml_child(n, "Status") : NULL;
    char *t = s ? s3_xml_text(s) : NULL;
    enum repl_config_error e = REPL_CONFIG_OK;
    if (t && strcmp(t, "Enabled") == 0)
        *out = REPL_ENABLED;
    else if (t && strcmp(t, "Disabled") == 0)
        *out = REPL_DISABLED;
    else
        e = repl_malformed(p);
    free(t);
    return e;
}

/* An optional child name of n holding a Status. */
static enum repl_config_error repl_switch_child(struct repl_parse *p, const xmlNode *n,
                                                const char *name, enum repl_switch *out)
{
    *out = REPL_ABSENT;
    const xmlNode *c = s3_xml_child(n, name);
    if (!c)
        return REPL_CONFIG_OK;
    static const char *const known[] = {"Status", NULL};
    if (!repl_children_known(c, known, NULL))
        return repl_malformed(p);
    return repl_status(p, c, out);
}

static enum repl_config_error repl_tag(struct repl_parse *p, struct repl_rule *r, const xmlNode *t)
{
    static const char *const known[] = {"Key", "Value", NULL};
    const xmlNode *k = s3_xml_child(t, "Key");
    const xmlNode *v = s3_xml_child(t, "Value");
    if (!repl_children_known(t, known, NULL) || !k || !v)
        return repl_malformed(p);
    if (r->n_tags == REPL_TAGS_MAX)
        return repl_fail(p, REPL_CONFIG_INVALID_REQUEST, "%s",
                         "Number of tags in the filter exceeds the allowed limit of 10");
    char *key = s3_xml_text(k);
    char *value = s3_xml_text(v);
    if (!key || !value || !key[0] || strlen(key) > 128 || strlen(value) > 256) {
        free(key);
        free(value);
        return repl_fail(p, REPL_CONFIG_INVALID_ARGUMENT, "%s",
                         "The TagKey you have provided is invalid");
    }
    for (size_t i = 0; i < r->n_tags; i++) {
        if (strcmp(r->tags[i].key, key) == 0) {
            free(key);
            free(value);
            return repl_fail(p, REPL_CONFIG_INVALID_REQUEST, "%s",
                             "Duplicate Tag Keys are not allowed.");
        }
    }
    r->tags[r->n_tags].key = key;
    r->tags[r->n_tags].value = value;
    r->n_tags++;
    return REPL_CONFIG_OK;
}

static enum repl_config_error repl_filter(struct repl_parse *p, struct repl_rule *r,
                                          const xmlNode *f)
{
    static const char *const known[] = {"Prefix", "Tag", "And", NULL};
    if (!repl_children_known(f, known, NULL) || s3_xml_count_children(f) > 1)
        return repl_malformed(p);
    const xmlNode *x;
    if ((x = s3_xml_child(f, "Prefix"))) {
        r->filter = REPL_FILTER_PREFIX;
        r->prefix = s3_xml_text(x);
        return r->prefix ? REPL_CONFIG_OK : repl_malformed(p);
    }
    if ((x = s3_xml_child(f, "Tag"))) {
        r->filter = REPL_FILTER_TAG;
        return repl_tag(p, r, x);
    }
    if ((x = s3_xml_child(f, "And"))) {
        static const char *const and_known[] = {"Prefix", "Tag", NULL};
        if (!repl_children_known(x, and_known, "Tag"))
            return repl_malformed(p);
        r->filter = REPL_FILTER_AND;
        const xmlNode *pre = s3_xml_child(x, "Prefix");
        if (pre && !(r->prefix = s3_xml_text(pre)))
            return repl_malformed(p);
        enum repl_config_error e = REPL_CONFIG_OK;
        for (const xmlNode *t = s3_xml_child(x, "Tag"); !e && t; t = s3_xml_next(t, "Tag"))
            e = repl_tag(p, r, t);
        return e;
    }
    r->filter = REPL_FILTER_NONE;
    return REPL_CONFIG_OK;
}

/* An optional text child, kept as given. */
static enum repl_config_error repl_text_child(struct repl_parse *p, const xmlNode *n,
                                              const char *name, char **out)
{
    const xmlNode *c = s3_xml_child(n, name);
    if (!c)
        return REPL_CONFIG_OK;
    *out = s3_xml_text(c);
    return *out ? REPL_CONFIG_OK : repl_malformed(p);
}

/* ReplicationTime and Metrics: Stocktake offers neither (Disabled is accepted). */
static enum repl_config_error repl_rtc(struct repl_parse *p, const xmlNode *d, const char *name)
{
    const xmlNode *c = s3_xml_child(d, name);
    if (!c)
        return REPL_CONFIG_OK;
    enum repl_switch s;
    enum repl_config_error e = repl_status(p, c, &s);
    if (!e && s == REPL_ENABLED)
        return repl_fail(p, REPL_CONFIG_NOT_IMPLEMENTED,
                         "%s (S3 Replication Time Control) is not implemented by Stocktake.", name);
    return e;
}

static enum repl_config_error repl_destination(struct repl_parse *p, struct repl_rule *r,
                                               const xmlNode *d)
{
    static const char *const known[] = {"Bucket",
                                        "Account",
                                        "StorageClass",
                                        "AccessControlTranslation",
                                        "EncryptionConfiguration",
                                        "ReplicationTime",
                                        "Metrics",
                                        NULL};
    if (!repl_children_known(d, known, NULL))
        return repl_malformed(p);
    enum repl_config_error e = repl_text_child(p, d, "Bucket", &r->dest_arn);
    if (!e && (!r->dest_arn || !r->dest_arn[0]))
        return repl_malformed(p);
    if (!e && (strncmp(r->dest_arn, REPL_ARN_PREFIX, strlen(REPL_ARN_PREFIX)) ||
               !r->dest_arn[strlen(REPL_ARN_PREFIX)] ||
               strchr(r->dest_arn + strlen(REPL_ARN_PREFIX), '/')))
        return repl_fail(p, REPL_CONFIG_INVALID_ARGUMENT, "%s", "Invalid ARN");
    if (!e)
        r->dest_bucket = r->dest_arn + strlen(REPL_ARN_PREFIX);
    if (!e)
        e = repl_text_child(p, d, "Account", &r->account);
    if (!e)
        e = repl_text_child(p, d, "StorageClass", &r->storage_class);
    if (!e && r->storage_class) {
        int ok = 0;
        for (size_t i = 0; i < sizeof(repl_storage_classes) / sizeof(repl_storage_classes[0]); i++)
            ok |= strcmp(r->storage_class, repl_storage_classes[i]) == 0;
        if (!ok)
            return repl_fail(p, REPL_CONFIG_INVALID_STORAGE, "%s",
                             "The storage class you specified is not valid");
    }
    const xmlNode *act = s3_xml_child(d, "AccessControlTranslation");
    if (!e && act) {
        const xmlNode *o = s3_xml_child(act, "Owner");
        char *t = o ? s3_xml_text(o) : NULL;
        int ok = t && strcmp(t, "Destination") == 0;
        free(t);
        if (!ok || s3_xml_count_children(act) != 1)
            return repl_malformed(p);
        r->owner_override = 1;
        if (!r->account)
            return repl_fail(p, REPL_CONFIG_INVALID_REQUEST, "%s",
                             "Account must be specified when AccessControlTranslation is "
                             "specified");
    }
    const xmlNode *enc = s3_xml_child(d, "EncryptionConfiguration");
    if (!e && enc) {
        static const char *const enc_known[] = {"ReplicaKmsKeyID", NULL};
        if (!repl_children_known(enc, enc_known, NULL))
            return repl_malformed(p);
        r->has_encryption = 1;
        e = repl_text_child(p, enc, "ReplicaKmsKeyID", &r->kms_key);
    }
    if (!e)
        e = repl_rtc(p, d, "ReplicationTime");
    if (!e)
        e = repl_rtc(p, d, "Metrics");
    return e;
}

static enum repl_config_error repl_selection(struct repl_parse *p, struct repl_rule *r,
                                             const xmlNode *rule)
{
    r->sse_kms_objects = r->replica_mods = REPL_ABSENT;
    const xmlNode *s = s3_xml_child(rule, "SourceSelectionCriteria");
    if (!s)
        return REPL_CONFIG_OK;
    static const char *const known[] = {"SseKmsEncryptedObjects", "ReplicaModifications", NULL};
    if (!repl_children_known(s, known, NULL))
        return repl_malformed(p);
    enum repl_config_error e =
        repl_switch_child(p, s, "SseKmsEncryptedObjects", &r->sse_kms_objects);
    if (!e)
        e = repl_switch_child(p, s, "ReplicaModifications", &r->replica_mods);
    return e;
}

/* A Priority: a decimal integer, zero or more. */
static enum repl_config_error repl_priority(struct repl_parse *p, struct repl_rule *r,
                                            const xmlNode *n)
{
    char *t = s3_xml_text(n);
    size_t len = t ? strlen(t) : 0;
    int digits = t && len > 0 && len <= 9 && strspn(t, "0123456789") == len;
    int negative =
        t && t[0] == '-' && len > 1 && len <= 10 && strspn(t + 1, "0123456789") == len - 1;
    if (digits && str_parse_i64(t, 0, INT64_MAX, &r->priority))
        digits = 0;
    free(t);
    if (negative)
        return repl_fail(p, REPL_CONFIG_INVALID_ARGUMENT, "%s",
                         "Priority must be zero or a positive integer");
    return digits ? REPL_CONFIG_OK : repl_malformed(p);
}

/* An ID AWS would generate: the base64 of a random UUID. */
static char *repl_generate_id(void)
{
    char uuid[37];
    char out[64];
    hash_uuid(uuid);
    out[hash_base64((const uint8_t *)uuid, 36, out)] = '\0';
    return xstrdup(out);
}

static enum repl_config_error repl_rule(struct repl_parse *p, struct repl_rule *r,
                                        const xmlNode *rule)
{
    static const char *const known[] = {"ID",
                                        "Priority",
                                        "Prefix",
                                        "Filter",
                                        "Status",
                                        "SourceSelectionCriteria",
                                        "ExistingObjectReplication",
                                        "Destination",
                                        "DeleteMarkerReplication",
                                        "DeleteReplication",
                                        NULL};
    r->delete_markers = r->existing_objects = r->sse_kms_objects = r->replica_mods = REPL_ABSENT;
    if (!repl_children_known(rule, known, NULL))
        return repl_malformed(p);
    if (s3_xml_child(rule, "DeleteReplication"))
        return repl_fail(p, REPL_CONFIG_NOT_IMPLEMENTED, "%s",
                         "DeleteReplication is not implemented by Stocktake.");
    enum repl_config_error e = repl_text_child(p, rule, "ID", &r->id);
    if (!e && r->id && strlen(r->id) > REPL_ID_MAX)
        return repl_fail(p, REPL_CONFIG_INVALID_ARGUMENT,
                         "ID length should not exceed allowed limit of %d", REPL_ID_MAX);
    if (!e && (!r->id || !r->id[0])) {
        free(r->id);
        r->id = repl_generate_id();
    }
    enum repl_switch status = REPL_ABSENT;
    if (!e)
        e = repl_status(p, rule, &status);
    r->enabled = status == REPL_ENABLED;
    const xmlNode *filter = s3_xml_child(rule, "Filter");
    const xmlNode *prefix = s3_xml_child(rule, "Prefix");
    if (!e && (filter != NULL) == (prefix != NULL))
        return repl_malformed(p);
    r->v2 = filter != NULL;
    if (!e && prefix) {
        r->filter = REPL_FILTER_PREFIX;
        if (!(r->prefix = s3_xml_text(prefix)))
            return repl_malformed(p);
    }
    if (!e && filter)
        e = repl_filter(p, r, filter);
    const xmlNode *prio = s3_xml_child(rule, "Priority");
    if (!e && prio)
        e = repl_priority(p, r, prio);
    if (!e)
        e = repl_switch_child(p, rule, "DeleteMarkerReplication", &r->delete_markers);
    if (!e && r->v2 && (!prio || r->delete_markers == REPL_ABSENT))
        return repl_malformed(p);
    if (!e && !r->v2 && r->delete_markers != REPL_ABSENT)
        return repl_malformed(p);
    if (!e && r->n_tags && r->delete_markers == REPL_ENABLED)
        return repl_fail(p, REPL_CONFIG_INVALID_REQUEST, "%s",
                         "Delete marker replication is not supported if any Tag filter is "
                         "specified. Please refer to S3 Developer Guide for more information.");
    if (!e)
        e = repl_switch_child(p, rule, "ExistingObjectReplication", &r->existing_objects);
    if (!e)
        e = repl_selection(p, r, rule);
    const xmlNode *dest = s3_xml_child(rule, "Destination");
    if (!e && !dest)
        return repl_malformed(p);
    if (!e)
        e = repl_destination(p, r, dest);
    if (!e && r->sse_kms_objects == REPL_ENABLED && !r->kms_key)
        return repl_fail(p, REPL_CONFIG_INVALID_REQUEST, "%s",
                         "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is "
                         "present.");
    return e;
}

enum repl_config_error repl_config_parse(const char *data, size_t len, struct repl_config *out,
                                         char *msg, size_t msg_len)
{
    memset(out, 0, sizeof(*out));
    struct repl_parse p = {msg, msg_len};
    msg[0] = '\0';
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, data, len, "ReplicationConfiguration"))
        return REPL_CONFIG_MALFORMED;
    const xmlNode *root = xmlDocGetRootElement(doc);
    enum repl_config_error e = REPL_CONFIG_OK;
    static const char *const known[] = {"Role", "Rule", NULL};
    size_t n = 0;
    for (const xmlNode *r = s3_xml_child(root, "Rule"); r; r = s3_xml_next(r, "Rule"))
        n++;
    if (!repl_children_known(root, known, "Rule") || n == 0)
        e = repl_malformed(&p);
    else if (n > REPL_RULES_MAX)
        e = repl_fail(&p, REPL_CONFIG_INVALID_REQUEST,
                      "Number of rules in the replication configuration exceeds the allowed "
                      "limit of %d",
                      REPL_RULES_MAX);
    if (!e) {
        e = repl_text_child(&p, root, "Role", &out->role);
        if (!e && !out->role)
            out->role = xstrdup("");
    }
    if (!e)
        out->rules = xcalloc(n, sizeof(*out->rules));
    for (const xmlNode *r = s3_xml_child(root, "Rule"); !e && r; r = s3_xml_next(r, "Rule")) {
        struct repl_rule *rule = &out->rules[out->n++];
        e = repl_rule(&p, rule, r);
        for (size_t i = 0; !e && i + 1 < out->n; i++) {
            const struct repl_rule *o = &out->rules[i];
            if (o->v2 != rule->v2)
                e = repl_malformed(&p);
            else if (strcmp(o->id, rule->id) == 0)
                e = repl_fail(&p, REPL_CONFIG_INVALID_ARGUMENT, "%s", "Rule Id must be unique");
            else if (rule->v2 && o->priority == rule->priority)
                e = repl_fail(&p, REPL_CONFIG_INVALID_REQUEST, "%s",
                              "Found duplicate priority. Rule priorities must be unique");
        }
    }
    xmlFreeDoc(doc);
    return e;
}

static int repl_render_switch(struct buf *b, const char *name, enum repl_switch s)
{
    if (s == REPL_ABSENT)
        return 0;
    const char *v = s == REPL_ENABLED ? "Enabled" : "Disabled";
    return buf_printf(b, "<%s>", name) || xmlw_elem(b, "Status", v) || buf_printf(b, "</%s>", name);
}

static int repl_render_tag(struct buf *b, const struct repl_tag *t)
{
    return buf_puts(b, "<Tag>") || xmlw_elem(b, "Key", t->key) || xmlw_elem(b, "Value", t->value) ||
           buf_puts(b, "</Tag>");
}

static int repl_render_filter(struct buf *b, const struct repl_rule *r)
{
    int rc = buf_puts(b, "<Filter>");
    switch (r->filter) {
    case REPL_FILTER_NONE:
        break;
    case REPL_FILTER_PREFIX:
        rc = rc || xmlw_elem(b, "Prefix", r->prefix);
        break;
    case REPL_FILTER_TAG:
        rc = rc || repl_render_tag(b, &r->tags[0]);
        break;
    case REPL_FILTER_AND:
        rc = rc || buf_puts(b, "<And>");
        if (r->prefix)
            rc = rc || xmlw_elem(b, "Prefix", r->prefix);
        for (size_t i = 0; i < r->n_tags; i++)
            rc = rc || repl_render_tag(b, &r->tags[i]);
        rc = rc || buf_puts(b, "</And>");
        break;
    }
    return rc || buf_puts(b, "</Filter>");
}

static int repl_render_destination(struct buf *b, const struct repl_rule *r)
{
    int rc = buf_puts(b, "<Destination>") || xmlw_elem(b, "Bucket", r->dest_arn);
    if (r->account)
        rc = rc || xmlw_elem(b, "Account", r->account);
    if (r->storage_class)
        rc = rc || xmlw_elem(b, "StorageClass", r->storage_class);
    if (r->owner_override)
        rc = rc || buf_puts(b, "<AccessControlTranslation><Owner>Destination</Owner>"
                               "</AccessControlTranslation>");
    if (r->has_encryption) {
        rc = rc || buf_puts(b, "<EncryptionConfiguration>");
        if (r->kms_key)
            rc = rc || xmlw_elem(b, "ReplicaKmsKeyID", r->kms_key);
        rc = rc || buf_puts(b, "</EncryptionConfiguration>");
    }
    return rc || buf_puts(b, "</Destination>");
}

static int repl_render_rule(struct buf *b, const struct repl_rule *r)
{
    int rc = buf_puts(b, "<Rule>") || xmlw_elem(b, "ID", r->id);
    if (r->v2)
        rc = rc || xmlw_elem_i64(b, "Priority", r->priority) || repl_render_filter(b, r);
    else
        rc = rc || xmlw_elem(b, "Prefix", r->prefix);
    rc = rc || xmlw_elem(b, "Status", r->enabled ? "Enabled" : "Disabled");
    if (r->sse_kms_objects != REPL_ABSENT || r->replica_mods != REPL_ABSENT)
        rc = rc || buf_puts(b, "<SourceSelectionCriteria>") ||
             repl_render_switch(b, "SseKmsEncryptedObjects", r->sse_kms_objects) ||
             repl_render_switch(b, "ReplicaModifications", r->replica_mods) ||
             buf_puts(b, "</SourceSelectionCriteria>");
    rc = rc || repl_render_switch(b, "ExistingObjectReplication", r->existing_objects) ||
         repl_render_destination(b, r) ||
         repl_render_switch(b, "DeleteMarkerReplication", r->delete_markers);
    return rc || buf_puts(b, "</Rule>");
}

int repl_config_render(struct buf *out, const struct repl_config *c)
{
    int rc = buf_puts(out, XML_DECL "<ReplicationConfiguration xmlns=\"" S3_XMLNS "\">");
    if (c->role)
        rc = rc || xmlw_elem(out, "Role", c->role);
    for (size_t i = 0; i < c->n; i++)
        rc = rc || repl_render_rule(out, &c->rules[i]);
    return rc || buf_puts(out, "</ReplicationConfiguration>") ? ERR_NOMEM : 0;
}

static int repl_rule_matches(const struct repl_rule *r, const char *key, const char *tags)
{
    if (!r->enabled)
        return 0;
    if (r->prefix && strncmp(key, r->prefix, strlen(r->prefix)) != 0)
        return 0;
    for (size_t i = 0; i < r->n_tags; i++)
        if (!tagset_has(tags, r->tags[i].key, r->tags[i].value))
            return 0;
    return 1;
}

const struct repl_rule *repl_config_match(const struct repl_config *c, const char *key,
                                          const char *tags)
{
    const struct repl_rule *best = NULL;
    for (size_t i = 0; i < c->n; i++) {
        const struct repl_rule *r = &c->rules[i];
        if (!repl_rule_matches(r, key, tags))
            continue;
        if (!r->v2)
            return r;
        if (!best || r->priority > best->priority)
            best = r;
    }
    return best;
}

const char *repl_rule_remote(const struct repl_rule *r)
{
    const char *a = r->account;
    if (!a || !a[0])
        return NULL;
    size_t n = 0;
    while (a[n] >= '0' && a[n] <= '9')
        n++;
    return n == 12 && a[12] == '\0' ? NULL : a;
}
