/* lc_rules.h — the rules of a (validated) LifecycleConfiguration as the worker applies them, and
 * the matcher that decides whether a rule's filter selects an object version: Prefix, Tag, And
 * {Prefix, Tags, ObjectSizeGreaterThan, ObjectSizeLessThan}, the top-level size filters, or the
 * legacy rule-level Prefix. */
#ifndef STOCKTAKE_LC_RULES_H
#define STOCKTAKE_LC_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define LC_RULE_TAGS_MAX 10
/* Transitions of one kind a rule keeps (one per storage class is all AWS allows to make sense) */
#define LC_RULE_TRANSITIONS_MAX 16

struct lc_tag {
    char *key;
    char *value;
};

/* A Transition (days or date_ms) or a NoncurrentVersionTransition (days = NoncurrentDays,
 * newer = NewerNoncurrentVersions, 0: none). */
struct lc_transition {
    char storage_class[32];
    int64_t days;    /* -1: none (a Date) */
    int64_t date_ms; /* 0: none */
    int64_t newer;
};

struct lc_rule {
    char *id;
    int enabled;
    /* filter */
    char *prefix; /* "" matches every key */
    struct lc_tag tags[LC_RULE_TAGS_MAX];
    size_t ntags;
    int64_t size_gt; /* -1: none */
    int64_t size_lt; /* -1: none */
    /* actions; 0 / -1 when absent */
    int64_t exp_days;
    int64_t exp_date_ms; /* 0: none */
    int exp_delete_marker;
    int64_t noncurrent_days;
    int64_t newer_noncurrent; /* 0: none */
    int64_t abort_days;
    struct lc_transition transitions[LC_RULE_TRANSITIONS_MAX];
    size_t ntransitions;
    struct lc_transition nc_transitions[LC_RULE_TRANSITIONS_MAX];
    size_t nnc_transitions;
};

struct lc_rules {
    struct lc_rule *rules;
    size_t count;
};

struct meta_store;
/* The rules stored on bucket (lc_load.c): ERR_NOTFOUND when it has no lifecycle
 * configuration, ERR_INVALID when the stored document does not parse. */
int lc_rules_load(struct meta_store *m, const char *bucket, struct lc_rules *out) WARN_UNUSED;
/* Parse a document lc_config_validate accepted; ERR_INVALID when it does not parse. */
int lc_rules_parse(const char *data, size_t len, struct lc_rules *out) WARN_UNUSED;
void lc_rules_dispose(struct lc_rules *r);
/* 1 when r's filter selects a version of key with tags (x-amz-tagging form, NULL: none) and
 * size; size -1 (a delete marker) passes the size filters. Status is not looked at. */
int lc_rule_matches(const struct lc_rule *r, const char *key, const char *tags, int64_t size);
/* 1 when the filter has tag or size conditions (ExpiredObjectDeleteMarker cannot apply). */
int lc_rule_has_tags_or_size(const struct lc_rule *r);

#endif
