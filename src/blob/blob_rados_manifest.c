/* blob_rados_manifest.c — the chunk list of a RADOS blob (blob_rados_int.h). */
#include "blob/blob_rados_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

void blob_rados_chunk_name(char out[BLOB_RADOS_NAME_MAX], const char *id, uint64_t k)
{
    if (k == 0)
        snprintf(out, BLOB_RADOS_NAME_MAX, "%s", id);
    else
        snprintf(out, BLOB_RADOS_NAME_MAX, "%s.%llu", id, (unsigned long long)k);
}

void blob_rados_manifest_add(struct blob_rados_manifest *m, const char *owner, uint64_t first,
                             uint64_t count, uint64_t size)
{
    if (count == 0 || size == 0)
        return;
    struct blob_rados_run *last = m->n ? &m->runs[m->n - 1] : NULL;
    if (last && strcmp(last->owner, owner) == 0 && last->first + last->count == first &&
        last->size == size) {
        last->count += count;
    } else {
        if (m->n == m->cap) {
            m->cap = m->cap ? m->cap * 2 : 4;
            m->runs = xrealloc(m->runs, m->cap * sizeof(*m->runs));
        }
        struct blob_rados_run *r = &m->runs[m->n++];
        snprintf(r->owner, sizeof(r->owner), "%s", owner);
        r->first = first;
        r->count = count;
        r->size = size;
        r->start = m->size;
    }
    m->size += count * size;
}

char *blob_rados_manifest_format(const struct blob_rados_manifest *m, size_t *len)
{
    size_t cap = 4 + m->n * (BLOB_ID_LEN + 64), at = 0;
    char *s = xmalloc(cap);
    at += (size_t)snprintf(s, cap, "v1\n");
    for (size_t i = 0; i < m->n; i++) {
        const struct blob_rados_run *r = &m->runs[i];
        at += (size_t)snprintf(s + at, cap - at, "%s %llu %llu %llu\n",
                               r->owner[0] ? r->owner : "-", (unsigned long long)r->first,
                               (unsigned long long)r->count, (unsigned long long)r->size);
    }
    *len = at;
    return s;
}

/* A decimal number at *p ended by `end`; advances past the terminator. */
static int blob_rados_manifest_num(const char **p, const char *lim, char end, uint64_t *out)
{
    uint64_t v = 0;
    const char *s = *p;
    if (s >= lim || *s < '0' || *s > '9')
        return -1;
    while (s < lim && *s >= '0' && *s <= '9') {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
        s++;
    }
    if (s >= lim || *s != end)
        return -1;
    *p = s + 1;
    *out = v;
    return 0;
}

int blob_rados_manifest_parse(const char *text, size_t len, struct blob_rados_manifest *out)
{
    memset(out, 0, sizeof(*out));
    const char *p = text, *lim = text + len;
    if (len < 3 || memcmp(p, "v1\n", 3) != 0)
        goto bad;
    p += 3;
    while (p < lim) {
        char owner[BLOB_ID_LEN + 1] = "";
        if (*p == '-' && p + 1 < lim && p[1] == ' ') {
            p += 2;
        } else {
            if (lim - p < BLOB_ID_LEN + 1 || p[BLOB_ID_LEN] != ' ')
                goto bad;
            memcpy(owner, p, BLOB_ID_LEN);
            if (!blob_id_valid(owner))
                goto bad;
            p += BLOB_ID_LEN + 1;
        }
        uint64_t first, count, size;
        if (blob_rados_manifest_num(&p, lim, ' ', &first) ||
            blob_rados_manifest_num(&p, lim, ' ', &count) ||
            blob_rados_manifest_num(&p, lim, '\n', &size))
            goto bad;
        /* chunks of at most a chunk's size, indexes and offsets that cannot overflow */
        if (count == 0 || size == 0 || size > BLOB_RADOS_CHUNK || first > UINT32_MAX ||
            count > UINT32_MAX || first + count > UINT32_MAX ||
            count * size > UINT64_MAX / 2 - out->size || out->n >= BLOB_RADOS_RUNS_MAX)
            goto bad;
        blob_rados_manifest_add(out, owner, first, count, size);
    }
    return 0;
bad:
    blob_rados_manifest_free(out);
    err_set("malformed RADOS blob manifest");
    return ERR_INVALID;
}

const struct blob_rados_run *blob_rados_manifest_find(const struct blob_rados_manifest *m,
                                                      uint64_t at)
{
    size_t lo = 0, hi = m->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->runs[mid].start <= at)
            lo = mid;
        else
            hi = mid;
    }
    return m->n ? &m->runs[lo] : NULL;
}

void blob_rados_manifest_free(struct blob_rados_manifest *m)
{
    free(m->runs);
    memset(m, 0, sizeof(*m));
}
