/* cmd_inventory_config.c — `stocktake inventory put` and `stocktake inventory get`: a bucket's
 * inventory configuration from the command line, through the S3 API's own validation and store
 * (s3/s3_inventory_store.h). put takes the InventoryConfiguration document (--xml FILE, - for
 * stdin) or builds it from flags (every extension of docs/INVENTORY-EXTENSIONS.md); get prints
 * the document GetBucketInventoryConfiguration answers. Errors print AWS's code and message. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/xmlw.h"
#include "inventory/inv_config.h"
#include "inventory/inv_dest.h"
#include "meta/meta.h"
#include "s3/s3_inventory_store.h"

#define CONFIG_XML_MAX (1u << 20)

static void config_usage(void)
{
    fprintf(
        stderr,
        "usage: stocktake inventory put --data DIR --bucket B --id ID (--xml FILE|- | FLAGS)\n"
        "       stocktake inventory get --data DIR --bucket B --id ID\n"
        "FLAGS: --destination BUCKET|ARN [--dest-prefix P] [--format CSV|ORC|Parquet|JSON]\n"
        "       [--frequency Daily|Weekly|Hourly|Monthly] [--versions All|Current]\n"
        "       [--fields F1,F2,...] [--prefix P] [--csv-header] [--disabled]\n"
        "       [--modified-after ISO] [--modified-before ISO] [--size-at-least N]\n"
        "       [--size-at-most N] [--storage-class SC]... [--tag K=V]... [--key-pattern GLOB]\n"
        "       [--report-type Full|Changes]\n"
        "       (defaults: CSV, Daily, Current, enabled)\n");
}

struct config_opts {
    const char *data, *bucket, *id, *xml_file;
    const char *destination, *dest_prefix, *format, *frequency, *versions, *fields, *prefix;
    const char *key_pattern, *modified_after, *modified_before, *size_at_least, *size_at_most;
    const char *report_type;
    int csv_header, disabled, flags; /* flags: how many configuration flags were given */
    struct buf filter;               /* the repeatable filter elements, in the order given */
};

/* --tag K=V → <Tag><Key>K</Key><Value>V</Value></Tag> (no '=': a Key alone). */
static int config_tag(struct buf *out, const char *arg)
{
    const char *eq = strchr(arg, '=');
    int rc = buf_puts(out, "<Tag>");
    if (!rc)
        rc = xmlw_elem_n(out, "Key", arg, eq ? (size_t)(eq - arg) : strlen(arg));
    if (!rc && eq)
        rc = xmlw_elem(out, "Value", eq + 1);
    return rc ? rc : buf_puts(out, "</Tag>");
}

static int config_parse(struct config_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {{"data", required_argument, NULL, 'd'},
                                             {"bucket", required_argument, NULL, 'b'},
                                             {"id", required_argument, NULL, 'i'},
                                             {"xml", required_argument, NULL, 'x'},
                                             {"destination", required_argument, NULL, 'D'},
                                             {"dest-prefix", required_argument, NULL, 'P'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"frequency", required_argument, NULL, 'F'},
                                             {"versions", required_argument, NULL, 'v'},
                                             {"fields", required_argument, NULL, 'o'},
                                             {"prefix", required_argument, NULL, 'p'},
                                             {"csv-header", no_argument, NULL, 'H'},
                                             {"disabled", no_argument, NULL, 'n'},
                                             {"modified-after", required_argument, NULL, 'a'},
                                             {"modified-before", required_argument, NULL, 'B'},
                                             {"size-at-least", required_argument, NULL, 'l'},
                                             {"size-at-most", required_argument, NULL, 'm'},
                                             {"storage-class", required_argument, NULL, 's'},
                                             {"tag", required_argument, NULL, 't'},
                                             {"key-pattern", required_argument, NULL, 'k'},
                                             {"report-type", required_argument, NULL, 'r'},
                                             {NULL, 0, NULL, 0}};
    o->data = "./data";
    int c, rc = 0;
    optind = 1;
    while (!rc && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        o->flags += c != 'd' && c != 'b' && c != 'i' && c != 'x';
        switch (c) {
        case 'd':
            o->data = optarg;
            break;
        case 'b':
            o->bucket = optarg;
            break;
        case 'i':
            o->id = optarg;
            break;
        case 'x':
            o->xml_file = optarg;
            break;
        case 'D':
            o->destination = optarg;
            break;
        case 'P':
            o->dest_prefix = optarg;
            break;
        case 'f':
            o->format = optarg;
            break;
        case 'F':
            o->frequency = optarg;
            break;
        case 'v':
            o->versions = optarg;
            break;
        case 'o':
            o->fields = optarg;
            break;
        case 'p':
            o->prefix = optarg;
            break;
        case 'H':
            o->csv_header = 1;
            break;
        case 'n':
            o->disabled = 1;
            break;
        case 'a':
            o->modified_after = optarg;
            break;
        case 'B':
            o->modified_before = optarg;
            break;
        case 'l':
            o->size_at_least = optarg;
            break;
        case 'm':
            o->size_at_most = optarg;
            break;
        case 'k':
            o->key_pattern = optarg;
            break;
        case 'r':
            o->report_type = optarg;
            break;
        case 's':
            rc = xmlw_elem(&o->filter, "StorageClass", optarg);
            break;
        case 't':
            rc = config_tag(&o->filter, optarg);
            break;
        default:
            return -1;
        }
    }
    return !rc && optind == argc && o->bucket && o->id ? 0 : -1;
}

/* Optional leaf elements: those whose value was given. */
static int config_leaves(struct buf *out, const char *const *names, const char *const *values,
                         size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        if (values[i])
            rc = xmlw_elem(out, names[i], values[i]);
    return rc;
}

static int config_filter(const struct config_opts *o, struct buf *out)
{
    static const char *const names[] = {"Prefix",      "LastModifiedAfter", "LastModifiedBefore",
                                        "SizeAtLeast", "SizeAtMost",        "KeyPattern"};
    const char *values[] = {o->prefix,        o->modified_after, o->modified_before,
                            o->size_at_least, o->size_at_most,   o->key_pattern};
    int any = o->filter.len > 0;
    for (size_t i = 0; i < 6; i++)
        any |= values[i] != NULL;
    if (!any)
        return 0;
    int rc = buf_puts(out, "<Filter>");
    if (!rc)
        rc = config_leaves(out, names, values, 6);
    if (!rc && o->filter.len)
        rc = buf_append(out, o->filter.data, o->filter.len);
    return rc ? rc : buf_puts(out, "</Filter>");
}

static int config_fields(const char *list, struct buf *out)
{
    int rc = buf_puts(out, "<OptionalFields>");
    for (const char *p = list; *p && !rc;) {
        size_t n = strcspn(p, ",");
        if (n)
            rc = xmlw_elem_n(out, "Field", p, n);
        p += n + (p[n] == ',');
    }
    return rc ? rc : buf_puts(out, "</OptionalFields>");
}

/* The document the flags describe; validated by the API's parser like any other. */
static int config_build(const struct config_opts *o, struct buf *out)
{
    int rc = buf_puts(out, "<InventoryConfiguration xmlns=\"" S3_XMLNS "\">");
    if (!rc)
        rc = xmlw_elem(out, "Id", o->id);
    if (!rc)
        rc = xmlw_elem_bool(out, "IsEnabled", !o->disabled);
    if (!rc)
        rc = buf_puts(out, "<Destination><S3BucketDestination><Bucket>");
    if (!rc && strncmp(o->destination, "arn:", 4) != 0)
        rc = buf_puts(out, "arn:aws:s3:::");
    if (!rc)
        rc = xmlw_escape(out, o->destination, strlen(o->destination));
    if (!rc)
        rc = buf_puts(out, "</Bucket>");
    if (!rc)
        rc = xmlw_elem(out, "Format", o->format ? o->format : "CSV");
    if (!rc && o->dest_prefix)
        rc = xmlw_elem(out, "Prefix", o->dest_prefix);
    if (!rc && o->csv_header)
        rc = xmlw_elem(out, "CsvHeader", "true");
    if (!rc)
        rc = buf_puts(out, "</S3BucketDestination></Destination><Schedule>");
    if (!rc)
        rc = xmlw_elem(out, "Frequency", o->frequency ? o->frequency : "Daily");
    if (!rc)
        rc = buf_puts(out, "</Schedule>");
    if (!rc)
        rc = xmlw_elem(out, "IncludedObjectVersions", o->versions ? o->versions : "Current");
    if (!rc)
        rc = config_filter(o, out);
    if (!rc && o->fields)
        rc = config_fields(o->fields, out);
    if (!rc && o->report_type) /* change reports (docs/INVENTORY-EXTENSIONS.md) */
        rc = xmlw_elem(out, "ReportType", o->report_type);
    return rc ? rc : buf_puts(out, "</InventoryConfiguration>");
}

static int config_read(const char *path, struct buf *out)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "stocktake: cannot open %s\n", path);
        return -1;
    }
    char chunk[8192];
    size_t n;
    int rc = 0;
    while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = buf_append(out, chunk, n);
    int failed = ferror(f);
    if (f != stdin)
        fclose(f);
    if (rc || failed) {
        fprintf(stderr, "stocktake: reading %s: %s\n", path,
                rc == ERR_TOOBIG ? "more than 1 MiB" : "read error");
        return -1;
    }
    return 0;
}

static int config_error(enum s3_error e, const char *message)
{
    fprintf(stderr, "stocktake: %s: %s\n", s3_error_code(e),
            message && message[0] ? message : s3_error_message(e));
    return 1;
}

/* What a run would refuse: the destination must exist here and belong to any AccountId.
 * Checked after the API's checks that come first (MalformedXML, IdMismatch). */
static int config_check_destination(struct meta_store *meta, const char *id, const char *xml,
                                    size_t len)
{
    struct inv_config c;
    if (inv_config_parse(&c, xml, len))
        return 0; /* s3_inventory_put answers MalformedXML */
    if (strcmp(c.id, id) != 0) {
        inv_config_dispose(&c);
        return 0; /* IdMismatch */
    }
    struct meta_bucket dest;
    char why[256];
    int rc = inv_dest_load(meta, &c, &dest, why, sizeof(why));
    inv_config_dispose(&c);
    if (rc == ERR_NOTFOUND || rc == ERR_INVALID)
        return config_error(S3E_INVALID_S3_DESTINATION_BUCKET, why);
    return rc ? config_error(s3_error_from_rc(rc), why) : 0;
}

static int config_put(struct meta_store *meta, const struct config_opts *o)
{
    struct buf xml;
    buf_init(&xml, CONFIG_XML_MAX);
    int rc;
    if (o->xml_file)
        rc = config_read(o->xml_file, &xml) ? 1 : 0;
    else if (config_build(o, &xml))
        rc = config_error(S3E_INTERNAL_ERROR, NULL);
    else
        rc = 0;
    if (!rc && xml.len == 0)
        rc = config_error(S3E_MISSING_REQUEST_BODY, NULL);
    struct s3_inventory_put_error err;
    enum s3_error e = S3_OK;
    if (!rc) {
        rc = config_check_destination(meta, o->id, xml.data, xml.len);
        if (!rc)
            e = s3_inventory_put(meta, o->bucket, o->id, xml.data, xml.len, &err);
        if (e)
            rc = config_error(e, err.message);
    }
    buf_dispose(&xml);
    if (!rc)
        printf("stored inventory configuration %s of bucket %s\n", o->id, o->bucket);
    return rc;
}

static int config_get(struct meta_store *meta, const struct config_opts *o)
{
    char *stored = NULL;
    int rc = inv_config_id_valid(o->id) ? meta_inventory_get(meta, o->bucket, o->id, &stored)
                                        : ERR_NOTFOUND;
    if (rc)
        return config_error(s3_error_from_err(rc, S3E_NO_SUCH_CONFIGURATION), NULL);
    struct buf doc;
    buf_init(&doc, BUF_UNLIMITED);
    rc = s3_inventory_document(stored, &doc);
    free(stored);
    if (!rc) {
        fwrite(doc.data, 1, doc.len, stdout);
        fputc('\n', stdout);
    }
    buf_dispose(&doc);
    return rc ? config_error(S3E_INTERNAL_ERROR, NULL) : 0;
}

int cli_inventory_config(int argc, char **argv)
{
    struct config_opts o;
    memset(&o, 0, sizeof(o));
    buf_init(&o.filter, CONFIG_XML_MAX);
    int is_put = strcmp(argv[0], "put") == 0;
    int bad = config_parse(&o, argc, argv) != 0;
    /* put: either a document or flags; get takes neither */
    if (!bad && is_put)
        bad = o.xml_file ? o.flags > 0 : !o.destination;
    if (!bad && !is_put)
        bad = o.xml_file || o.flags > 0;
    if (bad) {
        buf_dispose(&o.filter);
        config_usage();
        return 2;
    }
    struct meta_store *meta = NULL;
    struct meta_config mc = cli_meta_config(o.data, 0);
    int rc = 1;
    struct meta_bucket b;
    if (meta_open(&meta, &mc)) {
        fprintf(stderr, "stocktake: %s\n", err_msg());
    } else if ((rc = meta_bucket_get(meta, o.bucket, &b)) != 0) {
        rc = config_error(s3_error_from_err(rc, S3E_NO_SUCH_BUCKET), NULL);
    } else {
        rc = is_put ? config_put(meta, &o) : config_get(meta, &o);
    }
    meta_close(meta);
    buf_dispose(&o.filter);
    return rc;
}
