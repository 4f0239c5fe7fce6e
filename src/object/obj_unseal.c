/* obj_unseal.c — the read path's decryption stage (obj_unseal.h). */
#include "object/obj_unseal.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "crypto/keys.h"
#include "crypto/seg.h"
#include "object/object.h"

#define OBJ_SPAN_MAX (4u << 20) /* plaintext bytes decrypted per read at most */

struct obj_unseal_part {
    uint64_t plain_start, plain_size;
    uint64_t base; /* where its sealed stream (header first) starts in the file */
    uint32_t number;
    uint32_t seg_size;
    char blob_id[BLOB_ID_LEN + 1];
    uint8_t hdr[SEG_HEADER_LEN];
};

struct obj_unseal {
    struct blob_reader *blob;
    uint8_t dk[KEYS_LEN];
    struct obj_unseal_part *parts;
    size_t n, cur; /* cur: the part ctx is set up for (n: none) */
    struct seg_ctx ctx;
    uint8_t *span; /* sealed bytes of the segments of one read */
    size_t span_cap;
    /* the whole blob mapped read-only (blob_reader_map, owned by the blob reader): segments
     * decrypt straight from the page cache, with no copy into span */
    const uint8_t *map;
    size_t map_len;
};

static int obj_unseal_pread(struct blob_reader *blob, void *buf, size_t n, uint64_t at)
{
    size_t got = 0;
    int rc = blob_reader_pread(blob, buf, n, at, &got);
    if (rc)
        return rc;
    if (got < n) {
        err_set("short read of an encrypted blob: end of blob");
        return ERR_INVALID;
    }
    return 0;
}

static int obj_unseal_key(const struct obj_unseal_source *src, uint8_t dk[KEYS_LEN])
{
    enum obj_sse_mode m = obj_sse_mode_of(src->sse);
    if (m == OBJ_SSE_KMS && src->ck) {
        memcpy(dk, src->ck, KEYS_LEN);
        return 0;
    }
    if (m == OBJ_SSE_KMS) {
        err_set("the object is encrypted with a KMS key (SSE-KMS): no data key given");
        return ERR_DENIED;
    }
    if (m != OBJ_SSE_C)
        return keys_unwrap(keys_master_current(), src->sse, src->bind, dk);
    if (src->ck)
        return keys_unwrap_customer(src->ck, src->sse, src->bind, dk);
    err_set("the object is encrypted with a customer key (SSE-C): none given");
    return ERR_DENIED;
}

/* Read part p's header at p->base and the sealed size it implies; *end past its stream. */
static int obj_unseal_part_header(struct obj_unseal *u, struct obj_unseal_part *p, uint64_t *end)
{
    int rc = obj_unseal_pread(u->blob, p->hdr, SEG_HEADER_LEN, p->base);
    if (rc)
        return rc;
    if (seg_header_parse(p->hdr, &p->seg_size) != SEG_OK)
        return ERR_INVALID;
    *end = p->base + seg_sealed_size((size_t)p->plain_size, p->seg_size);
    return 0;
}

/* The parts of a composite from its parts list: [[size, checksum, number], …]. */
static int obj_unseal_layout_composite(struct obj_unseal *u, const char *list, uint64_t *end)
{
    json_t *arr = json_loads(list, 0, NULL);
    size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
    int rc = n ? 0 : ERR_INVALID;
    u->parts = xcalloc(n ? n : 1, sizeof(*u->parts));
    uint64_t at = 0, plain = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *e = json_array_get(arr, i);
        json_int_t size = json_integer_value(json_array_get(e, 0));
        json_int_t number = json_integer_value(json_array_get(e, 2));
        struct obj_unseal_part *p = &u->parts[i];
        if (size < 0 || number < 1 || number > 10000) {
            rc = ERR_INVALID;
            break;
        }
        p->plain_start = plain;
        p->plain_size = (uint64_t)size;
        p->number = (uint32_t)number;
        rc = obj_unseal_pread(u->blob, p->blob_id, BLOB_ID_LEN, at);
        p->base = at + BLOB_ID_LEN;
        if (!rc)
            rc = obj_unseal_part_header(u, p, &at);
        plain += (uint64_t)size;
        u->n++;
    }
    json_decref(arr);
    *end = at;
    return rc;
}

/* The parts and their sealed streams must fill the file exactly and add up to src->size. */
static int obj_unseal_layout(struct obj_unseal *u, const struct obj_unseal_source *src)
{
    uint64_t blob_size = blob_reader_size(src->blob);
    uint64_t end = 0;
    int rc;
    if (src->composite) {
        rc = obj_unseal_layout_composite(u, src->composite, &end);
    } else {
        u->parts = xcalloc(1, sizeof(*u->parts));
        u->n = 1;
        u->parts[0].plain_size = src->size;
        u->parts[0].number = src->part;
        snprintf(u->parts[0].blob_id, sizeof(u->parts[0].blob_id), "%s",
                 src->seal_id ? src->seal_id : src->blob_id);
        rc = obj_unseal_part_header(u, &u->parts[0], &end);
    }
    if (rc == ERR_IO)
        return rc;
    uint64_t total = u->n ? u->parts[u->n - 1].plain_start + u->parts[u->n - 1].plain_size : 0;
    if (rc || end != blob_size || total != src->size) {
        err_set("encrypted blob %s is malformed or truncated", src->blob_id);
        return ERR_INVALID;
    }
    return 0;
}

int obj_unseal_open(const struct obj_unseal_source *src, struct obj_unseal **out)
{
    struct obj_unseal *u = xcalloc(1, sizeof(*u));
    u->blob = src->blob;
    int rc = obj_unseal_key(src, u->dk);
    if (!rc)
        rc = obj_unseal_layout(u, src);
    u->cur = u->n;
    if (rc) {
        obj_unseal_free(u);
        return rc;
    }
    if (blob_reader_map(u->blob, &u->map, &u->map_len)) { /* else pread, as before */
        u->map = NULL;
        u->map_len = 0;
    }
    *out = u;
    return 0;
}

/* The part holding plaintext offset off, with the cipher context set up for it. */
static struct obj_unseal_part *obj_unseal_part_at(struct obj_unseal *u, uint64_t off)
{
    size_t i = u->cur < u->n ? u->cur : 0;
    if (off < u->parts[i].plain_start)
        i = 0;
    while (i + 1 < u->n && off >= u->parts[i].plain_start + u->parts[i].plain_size)
        i++;
    struct obj_unseal_part *p = &u->parts[i];
    if (u->cur != i) {
        keys_blob_key(u->dk, p->blob_id, u->ctx.key);
        u->ctx.object_id = p->blob_id;
        u->ctx.part = p->number;
        u->cur = i;
    }
    return p;
}

long obj_unseal_read(struct obj_unseal *u, uint64_t off, void *buf, size_t want)
{
    struct obj_unseal_part *p = obj_unseal_part_at(u, off);
    uint64_t local = off - p->plain_start;
    if (want > OBJ_SPAN_MAX)
        want = OBJ_SPAN_MAX;
    if (want > p->plain_size - local)
        want = (size_t)(p->plain_size - local);
    if (want == 0) {
        err_set("read past the end of an encrypted object");
        return ERR_INVALID;
    }
    size_t first, soff, slen;
    seg_span((size_t)p->plain_size, p->seg_size, (size_t)local, want, &first, &soff, &slen);
    const uint8_t *span;
    if (u->map && p->base + soff + slen <= u->map_len) {
        span = u->map + p->base + soff;
    } else {
        if (slen > u->span_cap) {
            free(u->span);
            u->span = xmalloc(slen);
            u->span_cap = slen;
        }
        int rc = obj_unseal_pread(u->blob, u->span, slen, p->base + soff);
        if (rc)
            return rc;
        span = u->span;
    }
    enum seg_result r = seg_open_span(&u->ctx, p->hdr, (size_t)p->plain_size, span, first,
                                      (size_t)local, want, buf);
    if (r != SEG_OK) {
        memset(buf, 0, want);
        err_set("blob %s part %u: %s", p->blob_id, p->number, seg_result_str(r));
        return ERR_INVALID;
    }
    return (long)want;
}

void obj_unseal_free(struct obj_unseal *u)
{
    if (!u)
        return;
    OPENSSL_cleanse(u->dk, sizeof(u->dk));
    OPENSSL_cleanse(&u->ctx, sizeof(u->ctx));
    free(u->parts);
    free(u->span);
    free(u);
}

/* Append blob_id's bytes, as stored, to w. */
static int obj_blob_append(struct blob_store *bs, const char *blob_id, struct obj_writer *w)
{
    (void)bs; /* the writer's store: the blob is composed in, not copied through here */
    return obj_writer_append_blob(w, blob_id);
}

int obj_append_sealed_part(struct blob_store *bs, const char *blob_id, struct obj_writer *w)
{
    int rc = obj_writer_write(w, blob_id, BLOB_ID_LEN);
    return rc ? rc : obj_blob_append(bs, blob_id, w);
}

int obj_copy_sealed(struct blob_store *bs, const struct meta_object *src, struct obj_writer *w)
{
    if (obj_sse_mode_of(src->sse) != OBJ_SSE_C) {
        err_set("only SSE-C versions are copied sealed");
        return ERR_INVALID;
    }
    return obj_blob_append(bs, src->blob_id, w);
}
