/* lc_config.c — LifecycleConfiguration validation, with AWS's codes and messages: at most 1000
 * rules, rule IDs at most 255 characters and unique, Status Enabled|Disabled, one of Filter or
 * the legacy Prefix, at least one action, positive day counts, Expiration with exactly one of
 * Days, Date (midnight UTC) or ExpiredObjectDeleteMarker, and known storage classes. */
#include "lifecycle/lc_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3/s3_xml.h"

static enum lc_config_error lc_config_fail(enum lc_config_error e, char *msg, size_t msg_len,
                                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msg_len, fmt, ap);
    va_end(ap);
    return e;
}

/* 1 when the text of node is a positive decimal integer that fits an int. */
static int lc_config_positive(const xmlNode *node)
{
    char *t = s3_xml_text(node);
    if (!t)
        return 0;
    size_t n = strlen(t);
    int ok = n > 0 && n <= 9 && strspn(t, "0123456789") == n && strspn(t, "0") != n;
    free(t);
    return ok;
}

/* 1 when node holds an ISO 8601 date at midnight UTC (2026-01-01 or 2026-01-01T00:00:00[.000]Z). */
static int lc_config_midnight(const xmlNode *node)
{
    char *t = s3_xml_text(node);
    if (!t)
        return 0;
    int y, mo, d, consumed = 0;
    int ok = sscanf(t, "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) == 3 && consumed == 10 && mo >= 1 &&
             mo <= 12 && d >= 1 && d <= 31;
    const char *rest = t + (ok ? 10 : 0);
    if (ok && *rest)
        ok = strcmp(rest, "T00:00:00Z") == 0 || strcmp(rest, "T00:00:00.000Z") == 0 ||
             strcmp(rest, "T00:00:00+00:00") == 0 || strcmp(rest, "T00:00:00.000+00:00") == 0;
    free(t);
    return ok;
}

static int lc_config_storage_class_ok(const xmlNode *node)
{
    static const char *const classes[] = {"STANDARD_IA", "ONEZONE_IA",   "INTELLIGENT_TIERING",
                                          "GLACIER",     "DEEP_ARCHIVE", "GLACIER_IR"};
    char *t = s3_xml_text(node);
    int ok = 0;
    for (size_t i = 0; t && i < sizeof(classes) / sizeof(classes[0]); i++)
        ok |= strcmp(t, classes[i]) == 0;
    free(t);
    return ok;
}

static enum lc_config_error lc_config_expiration(const xmlNode *x, char *msg, size_t msg_len)
{
    const xmlNode *days = s3_xml_child(x, "Days");
    const xmlNode *date = s3_xml_child(x, "Date");
    const xmlNode *marker = s3_xml_child(x, "ExpiredObjectDeleteMarker");
    if ((days != NULL) + (date != NULL) + (marker != NULL) != 1)
        return lc_config_fail(LC_CONFIG_MALFORMED, msg, msg_len, "%s", "");
    if (days && !lc_config_positive(days))
        return lc_config_fail(LC_CONFIG_INVALID_ARGUMENT, msg, msg_len,
                              "'Days' for Expiration action must be a positive integer");
    if (date && !lc_config_midnight(date))
        return lc_config_fail(LC_CONFIG_INVALID_ARGUMENT, msg, msg_len,
                              "'Date' must be at midnight GMT");
    if (marker) {
        char *t = s3_xml_text(marker);
        int ok = t && (strcmp(t, "true") == 0 || strcmp(t, "false") == 0);
        free(t);
        if (!ok)
            return lc_config_fail(LC_CONFIG_MALFORMED, msg, msg_len, "%s", "");
    }
    return LC_CONFIG_OK;
}

/* A child named name of x whose text must be a positive integer. */
static enum lc_config_error lc_config_days(const xmlNode *x, const char *name, const char *action,
                                           char *msg, size_t msg_len)
{
    const xmlNode *n = s3_xml_child(x, name);
    if (!n)
        return lc_config_fail(LC_CONFIG_MALFORMED, msg, msg_len, "%s", "");
    if (!lc_config_positive(n))
        return lc_config_fail(LC_CONFIG_INVALID_ARGUMENT, msg, msg_len,
                              "'%s' for %s action must be a positive integer", name, action);
    return LC_CONFIG_OK;
}

static enum lc_config_error lc_config_transition(const xmlNode *x, int noncurrent, char *msg,
                                                 size_t msg_len)
{
    const xmlNode *sc = s3_xml_child(x, "StorageClass");
    if (!sc || !lc_config_storage_class_ok(sc))
        return lc_config_fail(LC_CONFIG_MALFORMED, msg, msg_len, "%s", "");
    if (noncurrent)
        return lc_config_days(x, "NoncurrentDays", "NoncurrentVersionTransition", msg, msg_len);
    const xmlNode *days = s3_xml_child(x, "Days");
    const xmlNode *date = s3_xml_child(x, "Date");
    if ((days != NULL) == (date != NULL))
        return lc_config_fail(LC_CONFIG_MALFORMED, msg, msg_len, "%s", "");
    if (date && !lc_config_midnight(date))
        return lc_config_fail(LC_CONFIG_INVALID_ARGUMENT, msg, msg_len,
                              "'Date' must be at midnight GMT");
    if (days) {
        char *t = s3_xml_text(days);
        size_t n = t ? strlen(t) : 0;
        int ok = t && n > 0 && n <= 9 && strspn(t, "0123456789") == n;
        free(t);
        if (!ok)
            return lc_config_fail(LC_CONFIG_INVALID_ARGUMENT, msg, msg_len,
                                  "'Days' for Transition action must be a nonnegative integer");
    }
    return LC_CONFIG_OK;
}

/* The rule's actions; at least one must be present. */
static enum lc_config_error lc_config_actions(const xmlNode *rule, char *msg, size_t msg_len)
{
    enum lc_config_error e = LC_CONFIG_OK;
    int actions = 0;
    const xmlNode *x;
    if ((x = s3_xml_child(rule, "Expiration")) && ++actions)
        e = lc_config_expiration(x, msg, msg_len);
    if (!e && (x = s3_xml_child(rule, "NoncurrentVersionExpiration")) && ++actions)
        e = lc_config_days(x, "NoncurrentDays", "NoncurrentVersionExpiration", msg, msg_len);
    if (!e && (x = s3_xml_child(rule, "AbortIncompleteMultipartUpload")) && ++actions)
        e = lc_config_days(x, "DaysAfterInitiation", "AbortIncompleteMultipartUpload", msg,
                           msg_len);
    for (x = s3_xml_child(rule, "Transition"); !e && x; x = s3_xml_next(x, "Transition"), actions++)
        e = lc_config_transition(x, 0, msg, msg_len);
    for (x = s3_xml_child(rule, "NoncurrentVersionTransition"); !e && x;
         x = s3_xml_next(x, "NoncurrentVersionTransition"), actions++)
        e = lc_config_transition(x, 1, msg, msg_len);
    if (!e && !actions)
        return lc_config_fail(LC_CONFIG_INVALID_REQUEST, msg, msg_len,
                              "At least one action needs to be specified in a rule");
    return e;
}

static enum lc_config_error lc_config_rule(const xmlNode *rule, char *msg, size_t msg_len)
{
    const xmlNode *status = s3_xml_child(rule, "Status");
    char *t = status ? s3_xml_text(status) : NULL;
    int ok = t && (strcmp(t, "Enabled") == 0 || strcmp(t, "Disabled") == 0);
    free(t);
    if (!ok)
        return lc_config_fail(LC_CONFIG_MALFORMED, msg, msg_len, "%s", "");
    const xmlNode *filter = s3_xml_child(rule, "Filter");
    const xmlNode *prefix = s3_xml_child(rule, "Prefix");
    if (filter && prefix)
        return lc_config_fail(LC_CONFIG_MALFORMED, msg, msg_len, "%s", "");
    if (filter && s3_xml_count_children(filter) > 1)
        return lc_config_fail(LC_CONFIG_MALFORMED, msg, msg_len, "%s", "");
    return lc_config_actions(rule, msg, msg_len);
}

/* The rule's ID (may be absent): at most 255 characters, unique among earlier rules. */
static enum lc_config_error lc_config_rule_id(const xmlNode *root, const xmlNode *rule, char *msg,
                                              size_t msg_len)
{
    const xmlNode *idn = s3_xml_child(rule, "ID");
    if (!idn)
        return LC_CONFIG_OK;
    char *id = s3_xml_text(idn);
    if (!id)
        return lc_config_fail(LC_CONFIG_MALFORMED, msg, msg_len, "%s", "");
    enum lc_config_error e = LC_CONFIG_OK;
    if (strlen(id) > LC_ID_MAX)
        e = lc_config_fail(LC_CONFIG_INVALID_ARGUMENT, msg, msg_len,
                           "ID length should not exceed allowed limit of 255");
    for (const xmlNode *o = s3_xml_child(root, "Rule"); !e && o && o != rule;
         o = s3_xml_next(o, "Rule")) {
        const xmlNode *oid = s3_xml_child(o, "ID");
        char *other = oid ? s3_xml_text(oid) : NULL;
        if (other && strcmp(other, id) == 0)
            e = lc_config_fail(LC_CONFIG_INVALID_ARGUMENT, msg, msg_len,
                               "Rule ID must be unique. Found same ID for more than one rule");
        free(other);
    }
    free(id);
    return e;
}

enum lc_config_error lc_config_validate(const char *data, size_t len, char *msg, size_t msg_len)
{
    msg[0] = '\0';
    xmlDoc *doc = NULL;
    if (s3_xml_parse(&doc, data, len, "LifecycleConfiguration"))
        return LC_CONFIG_MALFORMED;
    const xmlNode *root = xmlDocGetRootElement(doc);
    enum lc_config_error e = LC_CONFIG_OK;
    size_t rules = 0;
    for (const xmlNode *r = s3_xml_child(root, "Rule"); !e && r; r = s3_xml_next(r, "Rule")) {
        if (++rules > LC_RULES_MAX)
            e = lc_config_fail(LC_CONFIG_MALFORMED, msg, msg_len, "%s", "");
        if (!e)
            e = lc_config_rule_id(root, r, msg, msg_len);
        if (!e)
            e = lc_config_rule(r, msg, msg_len);
    }
    if (!e && rules == 0)
        e = LC_CONFIG_MALFORMED;
    xmlFreeDoc(doc);
    return e;
}
