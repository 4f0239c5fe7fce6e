/* notify_config.c — NotificationConfiguration documents: parse and validate with AWS's codes
 * and messages, render the canonical form, match an event of a key. */
#include "notify/notify_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "core/xmlw.h"
#include "s3/s3_xml.h"

#define NOTIFY_ID_MAX 255
#define NOTIFY_FILTER_VALUE_MAX 1024
#define NOTIFY_ARN_MAX 255

/* Every event type a configuration may name (AWS's list, wildcards included). */
static const char *const notify_events[] = {
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:ReducedRedundancyLostObject",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:Replication:OperationNotTracked",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition",
    "s3:IntelligentTiering",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put",
};

static const struct {
    const char *entry;
    const char *target;
} notify_kinds[] = {
    [NOTIFY_TOPIC] = {"TopicConfiguration", "Topic"},
    [NOTIFY_QUEUE] = {"QueueConfiguration", "Queue"},
    [NOTIFY_FUNCTION] = {"CloudFunctionConfiguration", "CloudFunction"},
};

int notify_event_known(const char *name)
{
    for (size_t i = 0; i < sizeof(notify_events) / sizeof(notify_events[0]); i++) {
        if (strcmp(name, notify_events[i]) == 0)
            return 1;
    }
    return 0;
}

/* Does the configured type t (maybe a wildcard) take the event type e (maybe a wildcard)? */
static int notify_event_covers(const char *t, const char *e)
{
    size_t n = strlen(t);
    if (n >= 2 && strcmp(t + n - 2, ":*") == 0)
        return strncmp(t, e, n - 1) == 0;
    return strcmp(t, e) == 0;
}

int notify_entry_matches(const struct notify_entry *e, const char *event, const char *key)
{
    size_t klen = strlen(key);
    if (e->prefix && strncmp(key, e->prefix, strlen(e->prefix)) != 0)
        return 0;
    if (e->suffix) {
        size_t slen = strlen(e->suffix);
        if (slen > klen || memcmp(key + klen - slen, e->suffix, slen) != 0)
            return 0;
    }
    for (size_t i = 0; i < e->n_events; i++) {
        if (notify_event_covers(e->events[i], event))
            return 1;
    }
    return 0;
}

static void notify_entry_dispose(struct notify_entry *e)
{
    free(e->id);
    free(e->arn);
    for (size_t i = 0; i < e->n_events; i++)
        free(e->events[i]);
    free(e->prefix);
    free(e->suffix);
    memset(e, 0, sizeof(*e));
}

void notify_config_dispose(struct notify_config *c)
{
    for (size_t i = 0; i < c->n; i++)
        notify_entry_dispose(&c->entries[i]);
    free(c->entries);
    memset(c, 0, sizeof(*c));
}

static enum notify_config_error notify_fail(struct notify_config_fail *f, const char *name,
                                            const char *value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
    va_end(ap);
    snprintf(f->arg_name, sizeof(f->arg_name), "%s", name ? name : "");
    snprintf(f->arg_value, sizeof(f->arg_value), "%s", value ? value : "");
    return NOTIFY_CONFIG_INVALID_ARGUMENT;
}

static int notify_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The Filter element: <S3Key> with <FilterRule><Name/><Value/></FilterRule>… */
static enum notify_config_error notify_parse_filter(const xmlNode *filter, struct notify_entry *e,
                                                    struct notify_config_fail *f)
{
    for (const xmlNode *k = filter->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (!notify_is(k, "S3Key"))
            return NOTIFY_CONFIG_MALFORMED;
        for (const xmlNode *rule = k->children; rule; rule = rule->next) {
            if (rule->type != XML_ELEMENT_NODE)
                continue;
            if (!notify_is(rule, "FilterRule"))
                return NOTIFY_CONFIG_MALFORMED;
            xmlNode *nn = s3_xml_child(rule, "Name"), *vn = s3_xml_child(rule, "Value");
            if (!nn || !vn || s3_xml_count_children(rule) != 2)
                return NOTIFY_CONFIG_MALFORMED;
            char *name = s3_xml_text(nn), *value = s3_xml_text(vn);
            char **slot = strcasecmp(name, "prefix") == 0   ? &e->prefix
                          : strcasecmp(name, "suffix") == 0 ? &e->suffix
                                                            : NULL;
            enum notify_config_error err = NOTIFY_CONFIG_OK;
            if (!slot)
                err = notify_fail(f, "FilterRule", name,
                                  "filter rule name must be either prefix or suffix");
            else if (*slot)
                err = notify_fail(f, "FilterRule", name,
                                  "Cannot specify more than one %s rule in a filter.",
                                  slot == &e->prefix ? "prefix" : "suffix");
            else if (strlen(value) > NOTIFY_FILTER_VALUE_MAX)
                err = notify_fail(f, "FilterRule", value,
                                  "The filter rule value is longer than %d characters",
                                  NOTIFY_FILTER_VALUE_MAX);
            free(name);
            if (err) {
                free(value);
                return err;
            }
            *slot = value;
        }
    }
    return NOTIFY_CONFIG_OK;
}

/* An Id AWS would generate: the base64 of a random UUID. */
static char *notify_generate_id(void)
{
    char uuid[37];
    char out[64];
    hash_uuid(uuid);
    out[hash_base64((const uint8_t *)uuid, 36, out)] = '\0';
    return xstrdup(out);
}

static enum notify_config_error notify_parse_entry(const xmlNode *node, enum notify_kind kind,
                                                   struct notify_entry *e,
                                                   struct notify_config_fail *f)
{
    e->kind = kind;
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (notify_is(c, "Id")) {
            if (e->id)
                return NOTIFY_CONFIG_MALFORMED;
            e->id = s3_xml_text(c);
            if (strlen(e->id) > NOTIFY_ID_MAX)
                return notify_fail(f, "Id", e->id, "The ID is longer than %d characters",
                                   NOTIFY_ID_MAX);
        } else if (notify_is(c, notify_kinds[kind].target)) {
            if (e->arn)
                return NOTIFY_CONFIG_MALFORMED;
            e->arn = s3_xml_text(c);
        } else if (notify_is(c, "Event")) {
            if (e->n_events == NOTIFY_CONFIG_MAX_EVENTS)
                return NOTIFY_CONFIG_MALFORMED;
            char *ev = s3_xml_text(c);
            if (!notify_event_known(ev)) {
                enum notify_config_error err =
                    notify_fail(f, "Event", ev, "The event is not supported for notifications");
                free(ev);
                return err;
            }
            e->events[e->n_events++] = ev;
        } else if (notify_is(c, "Filter")) {
            enum notify_config_error err = notify_parse_filter(c, e, f);
            if (err)
                return err;
        } else if (!notify_is(c, "InvocationRole")) {
            return NOTIFY_CONFIG_MALFORMED;
        }
    }
    if (!e->arn || !e->n_events)
        return NOTIFY_CONFIG_MALFORMED;
    if (!e->arn[0] || strlen(e->arn) > NOTIFY_ARN_MAX || strncmp(e->arn, "arn:", 4) != 0)
        return notify_fail(f, notify_kinds[kind].target, e->arn, "Invalid ARN");
    if (!e->id || !e->id[0]) {
        free(e->id);
        e->id = notify_generate_id();
    }
    return NOTIFY_CONFIG_OK;
}

/* Can one key match both a and b (their prefix rules and their suffix rules)? */
static int notify_filters_overlap(const struct notify_entry *a, const struct notify_entry *b)
{
    const char *pa = a->prefix ? a->prefix : "", *pb = b->prefix ? b->prefix : "";
    size_t la = strlen(pa), lb = strlen(pb);
    if (strncmp(pa, pb, la < lb ? la : lb) != 0)
        return 0;
    const char *sa = a->suffix ? a->suffix : "", *sb = b->suffix ? b->suffix : "";
    la = strlen(sa);
    lb = strlen(sb);
    size_t m = la < lb ? la : lb;
    return memcmp(sa + la - m, sb + lb - m, m) == 0;
}

static int notify_events_overlap(const struct notify_entry *a, const struct notify_entry *b)
{
    for (size_t i = 0; i < a->n_events; i++) {
        for (size_t j = 0; j < b->n_events; j++) {
            if (notify_event_covers(a->events[i], b->events[j]) ||
                notify_event_covers(b->events[j], a->events[i]))
                return 1;
        }
    }
    return 0;
}

static enum notify_config_error notify_validate(const struct notify_config *c,
                                                struct notify_config_fail *f)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t j = i + 1; j < c->n; j++) {
            const struct notify_entry *a = &c->entries[i], *b = &c->entries[j];
            if (strcmp(a->id, b->id) == 0)
                return notify_fail(f, "Id", a->id,
                                   "Same ID used for multiple configurations. IDs must be unique");
            if (notify_events_overlap(a, b) && notify_filters_overlap(a, b))
                return notify_fail(f, "Event", a->events[0],
                                   "Configurations overlap. Configurations on the same bucket "
                                   "cannot share a common event type.");
        }
    }
    return NOTIFY_CONFIG_OK;
}

static int notify_entry_kind(const xmlNode *n)
{
    for (int k = 0; k < (int)(sizeof(notify_kinds) / sizeof(notify_kinds[0])); k++) {
        if (notify_is(n, notify_kinds[k].entry))
            return k;
    }
    return -1;
}

enum notify_config_error notify_config_parse(const char *data, size_t len,
                                             struct notify_config *out,
                                             struct notify_config_fail *f)
{
    memset(out, 0, sizeof(*out));
    memset(f, 0, sizeof(*f));
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, data, len, "NotificationConfiguration"))
        return NOTIFY_CONFIG_MALFORMED;
    enum notify_config_error err = NOTIFY_CONFIG_OK;
    const xmlNode *root = xmlDocGetRootElement(doc);
    out->entries = xcalloc(NOTIFY_CONFIG_MAX_ENTRIES, sizeof(*out->entries));
    for (const xmlNode *c = root->children; c && !err; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        int kind = notify_entry_kind(c);
        if (kind < 0) {
            err = notify_is(c, "EventBridgeConfiguration") ? NOTIFY_CONFIG_NOT_IMPLEMENTED
                                                           : NOTIFY_CONFIG_MALFORMED;
        } else if (out->n == NOTIFY_CONFIG_MAX_ENTRIES) {
            err = notify_fail(f, NULL, NULL, "Too many configurations: at most %d",
                              NOTIFY_CONFIG_MAX_ENTRIES);
        } else {
            err = notify_parse_entry(c, (enum notify_kind)kind, &out->entries[out->n++], f);
        }
    }
    xmlFreeDoc(doc);
    if (!err)
        err = notify_validate(out, f);
    return err;
}

static int notify_render_entry(struct buf *b, const struct notify_entry *e)
{
    const char *name = notify_kinds[e->kind].entry;
    int rc = buf_printf(b, "<%s>", name) || xmlw_elem(b, "Id", e->id) ||
             xmlw_elem(b, notify_kinds[e->kind].target, e->arn);
    for (size_t i = 0; !rc && i < e->n_events; i++)
        rc = xmlw_elem(b, "Event", e->events[i]);
    if (!rc && (e->prefix || e->suffix)) {
        rc = buf_puts(b, "<Filter><S3Key>");
        if (!rc && e->prefix)
            rc = buf_puts(b, "<FilterRule><Name>Prefix</Name>") ||
                 xmlw_elem(b, "Value", e->prefix) || buf_puts(b, "</FilterRule>");
        if (!rc && e->suffix)
            rc = buf_puts(b, "<FilterRule><Name>Suffix</Name>") ||
                 xmlw_elem(b, "Value", e->suffix) || buf_puts(b, "</FilterRule>");
        if (!rc)
            rc = buf_puts(b, "</S3Key></Filter>");
    }
    return rc || buf_printf(b, "</%s>", name);
}

int notify_config_render(struct buf *out, const struct notify_config *c)
{
    int rc = buf_puts(out, XML_DECL "<NotificationConfiguration xmlns=\"" S3_XMLNS "\">");
    /* AWS answers topics, then queues, then functions */
    for (int k = NOTIFY_TOPIC; !rc && k <= NOTIFY_FUNCTION; k++) {
        for (size_t i = 0; !rc && i < c->n; i++) {
            if ((int)c->entries[i].kind == k)
                rc = notify_render_entry(out, &c->entries[i]);
        }
    }
    return rc || buf_puts(out, "</NotificationConfiguration>");
}
