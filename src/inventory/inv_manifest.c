/* inv_manifest.c — manifest.json and manifest.checksum (see inv_manifest.h). */
#include "inventory/inv_manifest.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/hash.h"

/* A JSON string as Jackson writes it: '"' and '\' escaped, control characters \uXXXX. */
static int inv_json_string(struct buf *out, const char *s)
{
    int rc = buf_append(out, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
        if (*p == '"' || *p == '\\')
            rc = buf_printf(out, "\\%c", *p);
        else if (*p < 0x20)
            rc = buf_printf(out, "\\u%04X", *p);
        else
            rc = buf_append(out, p, 1);
    }
    return rc ? rc : buf_append(out, "\"", 1);
}

static int inv_json_member(struct buf *out, const char *name, const char *value)
{
    int rc = buf_printf(out, "  \"%s\" : ", name);
    if (!rc)
        rc = inv_json_string(out, value);
    return rc ? rc : buf_puts(out, ",\n");
}

static int inv_manifest_files(const struct inv_manifest *m, struct buf *out)
{
    if (m->n_files == 0)
        return buf_puts(out, "  \"files\" : [ ]\n");
    int rc = buf_puts(out, "  \"files\" : [ ");
    for (size_t i = 0; i < m->n_files && !rc; i++) {
        const struct inv_manifest_file *f = &m->files[i];
        rc = buf_puts(out, i ? ", {\n    \"key\" : " : "{\n    \"key\" : ");
        if (!rc)
            rc = inv_json_string(out, f->key);
        if (!rc)
            rc =
                buf_printf(out, ",\n    \"size\" : %" PRIu64 ",\n    \"MD5checksum\" : \"%s\"\n  }",
                           f->size, f->md5_hex);
    }
    return rc ? rc : buf_puts(out, " ]\n");
}

int inv_manifest_render(const struct inv_manifest *m, struct buf *out)
{
    char created[24];
    snprintf(created, sizeof(created), "%" PRId64, m->creation_ms);
    int rc = buf_puts(out, "{\n");
    if (!rc)
        rc = inv_json_member(out, "sourceBucket", m->source_bucket);
    if (!rc)
        rc = inv_json_member(out, "destinationBucket", m->destination_arn);
    if (!rc)
        rc = inv_json_member(out, "version", "2016-11-30");
    if (!rc)
        rc = inv_json_member(out, "creationTimestamp", created);
    if (!rc)
        rc = inv_json_member(out, "fileFormat", m->file_format);
    if (!rc)
        rc = inv_json_member(out, "fileSchema", m->file_schema);
    if (!rc)
        rc = inv_manifest_files(m, out);
    return rc ? rc : buf_puts(out, "}");
}

void inv_manifest_checksum(const char *manifest, size_t len, char out[34])
{
    uint8_t digest[MD5_LEN];
    hash_md5(manifest, len, digest);
    hash_hex(digest, MD5_LEN, out);
    out[32] = '\n';
    out[33] = '\0';
}
