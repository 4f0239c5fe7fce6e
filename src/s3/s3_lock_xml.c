/* s3_lock_xml.c — Object Lock's XML documents: ObjectLockConfiguration, Retention and
 * LegalHold, read with AWS's validation and written in the form S3 answers (s3_lock.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"
#include "core/xmlw.h"
#include "s3/s3_lock.h"
#include "s3/s3_xml.h"

static int s3_lock_mode_valid(const char *m)
{
    return strcmp(m, "GOVERNANCE") == 0 || strcmp(m, "COMPLIANCE") == 0;
}

/* The text of parent's child name (NULL when absent); caller frees. */
static char *s3_lock_child_text(const xmlNode *parent, const char *name)
{
    xmlNode *n = parent ? s3_xml_child(parent, name) : NULL;
    return n ? s3_xml_text(n) : NULL;
}

/* Days or Years of a DefaultRetention: an integer (else MalformedXML) that is positive and
 * at most max (else InvalidRetentionPeriod). */
static enum s3_error s3_lock_period(const char *text, int64_t max, int64_t *out, const char **msg)
{
    int64_t v;
    if (str_parse_i64(text, INT64_MIN, INT64_MAX, &v))
        return S3E_MALFORMED_XML;
    if (v <= 0) {
        *msg = "Default retention period must be a positive integer value.";
        return S3E_INVALID_RETENTION_PERIOD;
    }
    if (v > max) {
        *msg = "Default retention period is too large.";
        return S3E_INVALID_RETENTION_PERIOD;
    }
    *out = v;
    return S3_OK;
}

static enum s3_error s3_lock_default_parse(const xmlNode *dr, struct s3_lock_config *out,
                                           const char **msg)
{
    char *mode = s3_lock_child_text(dr, "Mode");
    char *days = s3_lock_child_text(dr, "Days");
    char *years = s3_lock_child_text(dr, "Years");
    enum s3_error e = S3_OK;
    if (!mode || !s3_lock_mode_valid(mode) || !days == !years)
        e = S3E_MALFORMED_XML;
    else if (days)
        e = s3_lock_period(days, S3_LOCK_MAX_DAYS, &out->days, msg);
    else
        e = s3_lock_period(years, S3_LOCK_MAX_YEARS, &out->years, msg);
    if (!e)
        snprintf(out->mode, sizeof(out->mode), "%s", mode);
    free(mode);
    free(days);
    free(years);
    return e;
}

enum s3_error s3_lock_config_parse(const char *data, size_t len, struct s3_lock_config *out,
                                   const char **msg)
{
    memset(out, 0, sizeof(*out));
    *msg = NULL;
    xmlDoc *doc = NULL;
    if (len == 0 || s3_xml_parse(&doc, data, len, "ObjectLockConfiguration"))
        return S3E_MALFORMED_XML;
    xmlNode *root = xmlDocGetRootElement(doc);
    char *enabled = s3_lock_child_text(root, "ObjectLockEnabled");
    enum s3_error e = enabled && strcmp(enabled, "Enabled") == 0 ? S3_OK : S3E_MALFORMED_XML;
    free(enabled);
    xmlNode *rule = s3_xml_child(root, "Rule");
    if (!e && rule) {
        xmlNode *dr = s3_xml_child(rule, "DefaultRetention");
        e = dr ? s3_lock_default_parse(dr, out, msg) : S3E_MALFORMED_XML;
    }
    xmlFreeDoc(doc);
    if (e)
        memset(out, 0, sizeof(*out));
    return e;
}

int s3_lock_config_render(struct buf *xml, const struct s3_lock_config *c)
{
    int rc = buf_puts(xml, XML_DECL "<ObjectLockConfiguration xmlns=\"" S3_XMLNS "\">"
                                    "<ObjectLockEnabled>Enabled</ObjectLockEnabled>");
    if (!rc && c->mode[0]) {
        char n[24];
        snprintf(n, sizeof(n), "%lld", (long long)(c->days ? c->days : c->years));
        rc = buf_puts(xml, "<Rule><DefaultRetention>");
        if (!rc)
            rc = xmlw_elem(xml, "Mode", c->mode);
        if (!rc)
            rc = xmlw_elem(xml, c->days ? "Days" : "Years", n);
        if (!rc)
            rc = buf_puts(xml, "</DefaultRetention></Rule>");
    }
    return rc ? rc : buf_puts(xml, "</ObjectLockConfiguration>");
}

enum s3_error s3_retention_parse(const char *data, size_t len, char mode[16], int64_t *until_ms)
{
    mode[0] = '\0';
    *until_ms = 0;
    xmlDoc *doc = NULL;
    if (len == 0 || s3_xml_parse(&doc, data, len, "Retention"))
        return S3E_MALFORMED_XML;
    xmlNode *root = xmlDocGetRootElement(doc);
    char *m = s3_lock_child_text(root, "Mode");
    char *date = s3_lock_child_text(root, "RetainUntilDate");
    xmlFreeDoc(doc);
    enum s3_error e = S3_OK;
    if (!m != !date || (m && !s3_lock_mode_valid(m)))
        e = S3E_MALFORMED_XML;
    else if (date && clock_parse_iso8601_ms(date, until_ms))
        e = S3E_MALFORMED_XML;
    if (!e && m)
        snprintf(mode, 16, "%s", m);
    if (e)
        *until_ms = 0;
    free(m);
    free(date);
    return e;
}

int s3_retention_render(struct buf *xml, const char *mode, int64_t until_ms)
{
    char date[32];
    clock_format_iso8601(date, sizeof(date), until_ms);
    int rc = buf_puts(xml, XML_DECL "<Retention xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = xmlw_elem(xml, "Mode", mode);
    if (!rc)
        rc = xmlw_elem(xml, "RetainUntilDate", date);
    return rc ? rc : buf_puts(xml, "</Retention>");
}

enum s3_error s3_legal_hold_parse(const char *data, size_t len, int *on)
{
    *on = 0;
    xmlDoc *doc = NULL;
    if (len == 0 || s3_xml_parse(&doc, data, len, "LegalHold"))
        return S3E_MALFORMED_XML;
    char *status = s3_lock_child_text(xmlDocGetRootElement(doc), "Status");
    xmlFreeDoc(doc);
    enum s3_error e = S3_OK;
    if (status && strcmp(status, "ON") == 0)
        *on = 1;
    else if (!status || strcmp(status, "OFF") != 0)
        e = S3E_MALFORMED_XML;
    free(status);
    return e;
}

int s3_legal_hold_render(struct buf *xml, int on)
{
    int rc = buf_puts(xml, XML_DECL "<LegalHold xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = xmlw_elem(xml, "Status", on ? "ON" : "OFF");
    return rc ? rc : buf_puts(xml, "</LegalHold>");
}
