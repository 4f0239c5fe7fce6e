/* it_config.h — a bucket's Intelligent-Tiering configurations (Put/Get/List/
 * DeleteBucketIntelligentTieringConfiguration): the XML document of one configuration, read with
 * AWS's validation, and the bucket's set of them, stored as one META_CONFIG_INTELLIGENT_TIERING
 * document (<IntelligentTieringConfigurations> holding each rendered configuration, by id).
 *
 * A configuration opts the INTELLIGENT_TIERING versions its Filter selects (Prefix, Tag, And) into
 * the archive tiers after its Days without access: ARCHIVE_ACCESS 90..730, DEEP_ARCHIVE_ACCESS
 * 180..730. */
#ifndef STOCKTAKE_TIERING_IT_CONFIG_H
#define STOCKTAKE_TIERING_IT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "lifecycle/lc_rules.h"
#include "tiering/tier.h"

#define IT_CONFIG_ID_MAX 64
#define IT_CONFIGS_MAX 1000

struct it_config {
    char id[IT_CONFIG_ID_MAX + 1];
    int enabled;
    struct lc_rule filter; /* only prefix and tags are used; sizes -1 */
    int64_t archive_days;  /* 0: not configured */
    int64_t deep_days;
};

struct it_configs {
    struct it_config *v; /* by id, in byte order */
    size_t n;
};

enum it_config_error {
    IT_CONFIG_OK = 0,
    IT_CONFIG_MALFORMED,        /* MalformedXML */
    IT_CONFIG_INVALID_ARGUMENT, /* InvalidArgument, with a message */
};

/* Parse one IntelligentTieringConfiguration body; msg gets InvalidArgument's message. */
enum it_config_error it_config_parse(const char *data, size_t len, struct it_config *out, char *msg,
                                     size_t msg_size);
void it_config_dispose(struct it_config *c);
/* <IntelligentTieringConfiguration>… (no XML declaration; with S3's namespace when
 * with_xmlns, as a document's root) */
int it_config_render(struct buf *xml, const struct it_config *c, int with_xmlns) WARN_UNUSED;

/* The stored set (NULL or "": none); ERR_INVALID when it does not parse. */
int it_configs_parse(const char *doc, struct it_configs *out) WARN_UNUSED;
int it_configs_render(struct buf *xml, const struct it_configs *l) WARN_UNUSED;
void it_configs_dispose(struct it_configs *l);
/* Insert c, or replace the one with its id; takes c (zeroed on return). ERR_TOOBIG past
 * IT_CONFIGS_MAX. */
int it_configs_put(struct it_configs *l, struct it_config *c) WARN_UNUSED;
/* The configuration with this id, or NULL. */
const struct it_config *it_configs_find(const struct it_configs *l, const char *id);
/* Remove the one with this id; ERR_NOTFOUND when there is none. */
int it_configs_remove(struct it_configs *l, const char *id) WARN_UNUSED;
/* The archive days of the enabled configurations that select key with tags (the smallest
 * of each tier; 0 when none applies). */
void it_configs_archive_days(const struct it_configs *l, const char *key, const char *tags,
                             struct tier_archive_days *out);

#endif
