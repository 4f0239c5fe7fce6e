/* test_obj_sse.c — the object layer's SSE-S3 seal and unseal: round trips over segment and
 * buffer boundaries written in odd chunks, every kind of range, no plaintext in the blob file,
 * a flipped byte or a truncated blob refused, the wrong master key refused, and parts bound to
 * their part number under their upload's key. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob/blob.h"
#include "crypto/keys.h"
#include "harness.h"
#include "object/object.h"

struct sse_fix {
    char dir[64];
    struct blob_store *bs;
};

static void sse_fix_open(struct sse_fix *f, char fill)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/stocktake-sse-XXXXXX");
    CHECK(mkdtemp(f->dir) != NULL);
    CHECK(blob_store_open(&f->bs, f->dir, 1) == 0);
    char hex[2 * KEYS_LEN + 1];
    memset(hex, fill, 2 * KEYS_LEN);
    hex[2 * KEYS_LEN] = '\0';
    struct keys_master k;
    CHECK(keys_master_from_hex(hex, &k) == 0);
    keys_master_install(&k);
}

static void sse_fix_close(struct sse_fix *f)
{
    blob_store_close(f->bs);
    keys_master_install(NULL);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    CHECK(system(cmd) == 0);
}

static uint8_t *sse_plain(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)((i * 131) ^ (i >> 9));
    return p;
}

/* Write data in chunks of `chunk` bytes, sealed (parent/part as given); fills o. */
static int sse_write(struct sse_fix *f, const uint8_t *data, size_t n, size_t chunk,
                     const char *parent, uint32_t part, struct meta_object *o)
{
    struct obj_write_opts opts = {
        .md5 = 1, .checksum = CHECKSUM_NONE, .sse = OBJ_SSE_S3, .sse_parent = parent, .part = part};
    struct obj_writer *w = NULL;
    struct obj_written res;
    int rc = obj_writer_open(f->bs, &opts, &w);
    for (size_t at = 0; !rc && at < n; at += chunk)
        rc = obj_writer_write(w, data + at, n - at < chunk ? n - at : chunk);
    if (rc) {
        obj_writer_abort(w);
        return rc;
    }
    rc = obj_writer_finish(w, &res);
    memset(o, 0, sizeof(*o));
    o->size = (int64_t)res.size;
    snprintf(o->blob_id, sizeof(o->blob_id), "%s", res.blob_id);
    o->sse = res.sse;
    return rc;
}

static int sse_read(struct sse_fix *f, const struct meta_object *o, uint64_t off, uint64_t len,
                    uint8_t *out)
{
    struct obj_reader *rd = NULL;
    int rc = obj_reader_open(f->bs, o, off, len, &rd);
    if (rc)
        return rc;
    uint64_t fo;
    CHECK(obj_reader_take_fd(rd, &fo) == -1);
    size_t got = 1, at = 0;
    while (!rc && got) {
        rc = obj_reader_read(rd, out + at, 100003, &got);
        at += got;
    }
    obj_reader_close(rd);
    return rc ? rc : (at == len ? 0 : -99);
}

static void sse_blob_path(struct sse_fix *f, const char *id, char *out, size_t size)
{
    snprintf(out, size, "%s/blobs/%.2s/%.2s/%s", f->dir, id, id + 2, id);
}

TEST(obj_sse_round_trip_and_ranges)
{
    static const size_t sizes[] = {0, 1, 65535, 65536, 65537, 1048576, 1048577, 3145733};
    struct sse_fix f;
    sse_fix_open(&f, 'a');
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k];
        uint8_t *p = sse_plain(n), *out = malloc(n + 1);
        struct meta_object o;
        CHECK(sse_write(&f, p, n, 7919 + k * 65536, NULL, 0, &o) == 0);
        CHECK((size_t)o.size == n);
        CHECK(obj_sse_mode_of(o.sse) == OBJ_SSE_S3);
        CHECK(sse_read(&f, &o, 0, n, out) == 0 && memcmp(out, p, n) == 0);
        const uint64_t offs[] = {0, 1, 65535, 65536, 100000, n / 2, n ? n - 1 : 0};
        for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
            uint64_t a = offs[i] > n ? n : offs[i];
            uint64_t lens[] = {0, 1, 65536, n - a};
            for (size_t j = 0; j < 4; j++) {
                uint64_t l = lens[j] > n - a ? n - a : lens[j];
                CHECK(sse_read(&f, &o, a, l, out) == 0 && memcmp(out, p + a, l) == 0);
            }
        }
        free(o.sse);
        free(p);
        free(out);
    }
    sse_fix_close(&f);
}

TEST(obj_sse_no_plaintext_on_disk)
{
    struct sse_fix f;
    sse_fix_open(&f, 'b');
    const char *marker = "MARKER-4f1d-plaintext-must-not-reach-the-disk";
    size_t mlen = strlen(marker), n = mlen * 1000;
    uint8_t *p = malloc(n);
    for (size_t i = 0; i < 1000; i++)
        memcpy(p + i * mlen, marker, mlen);
    struct meta_object o;
    CHECK(sse_write(&f, p, n, n, NULL, 0, &o) == 0);
    char path[256];
    sse_blob_path(&f, o.blob_id, path, sizeof(path));
    FILE *fp = fopen(path, "rb");
    CHECK(fp != NULL);
    uint8_t *disk = malloc(n + 4096);
    size_t got = fp ? fread(disk, 1, n + 4096, fp) : 0;
    if (fp)
        fclose(fp);
    CHECK(got > n);
    CHECK(memmem(disk, got, marker, 8) == NULL);
    free(disk);
    free(p);
    free(o.sse);
    sse_fix_close(&f);
}

static void sse_flip(struct sse_fix *f, const char *id, off_t at)
{
    char path[256];
    sse_blob_path(f, id, path, sizeof(path));
    int fd = open(path, O_RDWR);
    uint8_t b = 0;
    CHECK(fd >= 0 && pread(fd, &b, 1, at) == 1);
    b ^= 0x01;
    CHECK(pwrite(fd, &b, 1, at) == 1);
    close(fd);
}

TEST(obj_sse_tamper_refused)
{
    struct sse_fix f;
    sse_fix_open(&f, 'c');
    size_t n = 200000;
    uint8_t *p = sse_plain(n), *out = malloc(n);
    struct meta_object o;
    CHECK(sse_write(&f, p, n, 4096, NULL, 0, &o) == 0);
    sse_flip(&f, o.blob_id, 70000); /* inside segment 1 */
    CHECK(sse_read(&f, &o, 0, n, out) == ERR_INVALID);
    CHECK(sse_read(&f, &o, 65536, 10, out) == ERR_INVALID);
    /* segments the range does not touch are not read */
    CHECK(sse_read(&f, &o, 0, 1000, out) == 0 && memcmp(out, p, 1000) == 0);
    sse_flip(&f, o.blob_id, 70000);
    CHECK(sse_read(&f, &o, 0, n, out) == 0 && memcmp(out, p, n) == 0);
    /* a truncated blob does not describe the recorded size */
    char path[256];
    sse_blob_path(&f, o.blob_id, path, sizeof(path));
    CHECK(truncate(path, 100000) == 0);
    CHECK(sse_read(&f, &o, 0, 10, out) == ERR_INVALID);
    /* a record wrapped for another blob is refused */
    struct meta_object o2;
    CHECK(sse_write(&f, p, 100, 100, NULL, 0, &o2) == 0);
    char *keep = o2.sse;
    o2.sse = o.sse;
    CHECK(sse_read(&f, &o2, 0, 100, out) == ERR_INVALID);
    o2.sse = keep;
    free(o.sse);
    free(o2.sse);
    free(p);
    free(out);
    sse_fix_close(&f);
}

TEST(obj_sse_wrong_master_key)
{
    struct sse_fix f;
    sse_fix_open(&f, 'd');
    uint8_t *p = sse_plain(1000), out[1000];
    struct meta_object o;
    CHECK(sse_write(&f, p, 1000, 1000, NULL, 0, &o) == 0);
    struct keys_master other;
    CHECK(keys_master_from_hex("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                               &other) == 0);
    keys_master_install(&other);
    CHECK(sse_read(&f, &o, 0, 1000, out) == ERR_INVALID);
    keys_master_install(NULL);
    CHECK(sse_read(&f, &o, 0, 1000, out) == ERR_INVALID);
    struct meta_object none;
    CHECK(sse_write(&f, p, 10, 10, NULL, 0, &none) == ERR_INVALID);
    free(o.sse);
    free(p);
    sse_fix_close(&f);
}

TEST(obj_sse_parts_bound_to_number)
{
    struct sse_fix f;
    sse_fix_open(&f, '7');
    char *upload = NULL;
    CHECK(obj_sse_record_new("upload-1", &upload) == 0);
    size_t n = 70000;
    uint8_t *p = sse_plain(n), *out = malloc(n);
    struct meta_object o;
    CHECK(sse_write(&f, p, n, 5000, upload, 3, &o) == 0);
    CHECK(o.sse == NULL); /* the part is under its upload's key */
    struct obj_reader *rd = NULL;
    size_t got = 0;
    CHECK(obj_reader_open_part(f.bs, o.blob_id, n, upload, 3, 0, n, &rd) == 0);
    CHECK(obj_reader_read(rd, out, n, &got) == 0 && got == n && memcmp(out, p, n) == 0);
    obj_reader_close(rd);
    CHECK(obj_reader_open_part(f.bs, o.blob_id, n, upload, 4, 0, n, &rd) == 0);
    CHECK(obj_reader_read(rd, out, n, &got) == ERR_INVALID);
    obj_reader_close(rd);
    free(upload);
    free(p);
    free(out);
    sse_fix_close(&f);
}

TEST(obj_sse_customer_key)
{
    struct sse_fix f;
    sse_fix_open(&f, '5');
    uint8_t ck[32], other[32];
    memset(ck, 0x11, sizeof(ck));
    memset(other, 0x22, sizeof(other));
    size_t n = 90000;
    uint8_t *p = sse_plain(n), *out = malloc(n);
    struct obj_write_opts opts = {
        .md5 = 0, .checksum = CHECKSUM_NONE, .sse = OBJ_SSE_C, .customer_key = ck};
    struct obj_writer *w = NULL;
    struct obj_written res;
    CHECK(obj_writer_open(f.bs, &opts, &w) == 0);
    CHECK(obj_writer_write(w, p, n) == 0);
    CHECK(obj_writer_finish(w, &res) == 0);
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.size = (int64_t)n;
    snprintf(o.blob_id, sizeof(o.blob_id), "%s", res.blob_id);
    o.sse = res.sse;
    CHECK(obj_sse_mode_of(o.sse) == OBJ_SSE_C);
    struct obj_reader *rd = NULL;
    size_t got = 0;
    CHECK(obj_reader_open_key(f.bs, &o, ck, 1000, n - 1000, &rd) == 0);
    CHECK(obj_reader_read(rd, out, n, &got) == 0 && got == n - 1000);
    CHECK(memcmp(out, p + 1000, got) == 0);
    obj_reader_close(rd);
    CHECK(obj_reader_open_key(f.bs, &o, other, 0, n, &rd) == ERR_DENIED);
    CHECK(obj_reader_open(f.bs, &o, 0, n, &rd) == ERR_DENIED);
    keys_master_install(NULL); /* SSE-C needs no master key */
    CHECK(obj_reader_open_key(f.bs, &o, ck, 0, 10, &rd) == 0);
    obj_reader_close(rd);
    free(o.sse);
    free(p);
    free(out);
    sse_fix_close(&f);
}

/* A part of an SSE-C upload: sealed under the upload's record with the customer key. */
static void sse_write_c_part(struct sse_fix *f, const uint8_t *ck, const char *upload,
                             uint32_t number, const uint8_t *p, size_t n, char *blob_id)
{
    struct obj_write_opts opts = {.md5 = 0,
                                  .checksum = CHECKSUM_NONE,
                                  .sse = OBJ_SSE_C,
                                  .sse_parent = upload,
                                  .part = number,
                                  .customer_key = ck};
    struct obj_writer *w = NULL;
    struct obj_written res;
    CHECK(obj_writer_open(f->bs, &opts, &w) == 0);
    CHECK(obj_writer_write(w, p, n) == 0);
    CHECK(obj_writer_finish(w, &res) == 0);
    CHECK(res.sse == NULL);
    snprintf(blob_id, BLOB_ID_LEN + 1, "%s", res.blob_id);
}

TEST(obj_sse_customer_composite)
{
    struct sse_fix f;
    sse_fix_open(&f, '6');
    uint8_t ck[32];
    memset(ck, 0x33, sizeof(ck));
    char *upload = NULL;
    CHECK(obj_sse_record_new_customer("upload-c", ck, &upload) == 0);
    size_t n1 = 200000, n2 = 70001;
    uint8_t *p = sse_plain(n1 + n2), *out = malloc(n1 + n2);
    char b1[BLOB_ID_LEN + 1], b2[BLOB_ID_LEN + 1];
    sse_write_c_part(&f, ck, upload, 1, p, n1, b1);
    sse_write_c_part(&f, ck, upload, 3, p + n1, n2, b2);
    struct obj_write_opts plain = {.md5 = 0, .checksum = CHECKSUM_NONE};
    struct obj_writer *w = NULL;
    struct obj_written res;
    CHECK(obj_writer_open(f.bs, &plain, &w) == 0);
    CHECK(obj_append_sealed_part(f.bs, b1, w) == 0);
    CHECK(obj_append_sealed_part(f.bs, b2, w) == 0);
    CHECK(obj_writer_finish(w, &res) == 0);
    char parts[128];
    snprintf(parts, sizeof(parts), "[[%zu,\"\",1],[%zu,\"\",3]]", n1, n2);
    struct meta_object o;
    memset(&o, 0, sizeof(o));
    o.size = (int64_t)(n1 + n2);
    o.multipart = 1;
    o.parts = parts;
    o.sse = upload;
    snprintf(o.blob_id, sizeof(o.blob_id), "%s", res.blob_id);
    const uint64_t ranges[][2] = {{0, n1 + n2}, {n1 - 5, 10}, {n1, n2}, {65530, 140000}, {1, 1}};
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        struct obj_reader *rd = NULL;
        size_t at = 0, got = 1;
        CHECK(obj_reader_open_key(f.bs, &o, ck, ranges[i][0], ranges[i][1], &rd) == 0);
        while (rd && got && obj_reader_read(rd, out + at, 50000, &got) == 0)
            at += got;
        CHECK(at == ranges[i][1] && memcmp(out, p + ranges[i][0], at) == 0);
        obj_reader_close(rd);
    }
    /* the parts list must name each part's number (bound into its segments) */
    snprintf(parts, sizeof(parts), "[[%zu,\"\",1],[%zu,\"\",2]]", n1, n2);
    struct obj_reader *rd = NULL;
    size_t got = 0;
    CHECK(obj_reader_open_key(f.bs, &o, ck, n1, 10, &rd) == 0);
    CHECK(obj_reader_read(rd, out, 10, &got) == ERR_INVALID);
    obj_reader_close(rd);
    /* sizes that do not fill the file */
    snprintf(parts, sizeof(parts), "[[%zu,\"\",1],[%zu,\"\",3]]", n1, n2 - 1);
    o.size = (int64_t)(n1 + n2 - 1);
    CHECK(obj_reader_open_key(f.bs, &o, ck, 0, 10, &rd) == ERR_INVALID);
    uint8_t other[32];
    memset(other, 0x44, sizeof(other));
    snprintf(parts, sizeof(parts), "[[%zu,\"\",1],[%zu,\"\",3]]", n1, n2);
    o.size = (int64_t)(n1 + n2);
    CHECK(obj_reader_open_key(f.bs, &o, other, 0, 10, &rd) == ERR_DENIED);
    free(upload);
    free(p);
    free(out);
    sse_fix_close(&f);
}
