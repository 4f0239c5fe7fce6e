/* inv_rows.c — bench helper for bench/inventory_bench.py (built by it: not part of the server).
 *
 *   inv_rows fill DB BUCKET N SEED OWNER VERSIONED   N realistic objects into DB's objects table
 *   inv_rows scan DB BUCKET ALL                      the report's own query, every column read
 *   inv_rows deflate ENGINE FILE                     ENGINE isal1|isal2|isal3|zlib6: bytes, s
 *
 * The distribution (documented in bench/README.md): keys in D = N/1000 directories made from
 * five templates (logs by date and host, user media, partitioned datasets, dated backups, static
 * assets), sorted, each holding a run of files "NNNNNNNNN-<word>[ copy|-é]<ext>" (2% with a
 * space or a UTF-8 letter, so URL encoding is exercised); sizes log-normal (median 256 KiB,
 * sigma 2.0, 1% empty, cap 5 TiB); random MD5 ETags, "-N" (N = size / 8 MiB) for the 70% of
 * objects over 16 MiB that are multipart; LastModified uniform over three years; storage
 * classes STANDARD 72%, STANDARD_IA 12%, INTELLIGENT_TIERING 8%, GLACIER 5%, DEEP_ARCHIVE 3%;
 * checksums CRC64NVME 40%, CRC32 10%, SHA256 5%, none 45%; replication COMPLETED 10%;
 * GOVERNANCE lock 2%; Content-Type by extension; private ACL, no SSE; last access now (so a
 * server's tiering worker leaves Intelligent-Tiering objects alone during the bench).
 * VERSIONED 1: version ids random; per key 80% one current version, 15% a noncurrent version
 * under the current one, 5% a delete marker over a noncurrent version (about 21% of rows are
 * noncurrent versions or delete markers). */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double unif(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}

static double normal(void)
{
    double u = unif(), v = unif();
    return sqrt(-2.0 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const WORDS[] = {"alpha",    "report", "invoice", "sensor", "frame",   "thumb",
                                    "orders",   "events", "export",  "chunk",  "summary", "clip",
                                    "customer", "ledger", "metrics", "archive"};
#define NWORDS (sizeof(WORDS) / sizeof(WORDS[0]))

static void hexs(char *out, size_t n)
{
    static const char h[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++)
        out[i] = h[rnd() & 15];
    out[n] = '\0';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* one directory name by template; *kind says which (for the file extension) */
static char *dir_name(int *kind)
{
    char buf[160], hx[9];
    double t = unif();
    int y = 2023 + (int)(rnd() % 4), m = 1 + (int)(rnd() % 12), d = 1 + (int)(rnd() % 28);
    if (t < 0.35) {
        *kind = 0;
        snprintf(buf, sizeof(buf), "logs/%04d/%02d/%02d/web-%02d/", y, m, d, (int)(rnd() % 64));
    } else if (t < 0.60) {
        *kind = 1;
        hexs(hx, 8);
        snprintf(buf, sizeof(buf), "media/users/%s/photos/", hx);
    } else if (t < 0.75) {
        *kind = 2;
        snprintf(buf, sizeof(buf), "datasets/%s/part=%04d/", WORDS[rnd() % NWORDS],
                 (int)(rnd() % 10000));
    } else if (t < 0.90) {
        *kind = 3;
        snprintf(buf, sizeof(buf), "backups/%s-db/%04d-%02d-%02d/", WORDS[rnd() % NWORDS], y, m, d);
    } else {
        *kind = 4;
        snprintf(buf, sizeof(buf), "static/v%d.%d/assets/", (int)(rnd() % 10), (int)(rnd() % 30));
    }
    size_t n = strlen(buf);
    char *s = malloc(n + 2);
    memcpy(s, buf, n + 1);
    s[n + 1] = (char)('0' + *kind); /* the kind rides after the terminator through the sort */
    return s;
}

static const char *const EXT[] = {".log.gz", ".jpg", ".parquet", ".tar.zst", ".js"};
static const char *const CTYPE[] = {"application/gzip", "image/jpeg", "application/octet-stream",
                                    "application/zstd", "text/javascript"};

static const char *pick_class(void)
{
    double t = unif();
    return t < 0.72   ? "STANDARD"
           : t < 0.84 ? "STANDARD_IA"
           : t < 0.92 ? "INTELLIGENT_TIERING"
           : t < 0.97 ? "GLACIER"
                      : "DEEP_ARCHIVE";
}

static void version_id(char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    for (int i = 0; i < 32; i++)
        out[i] = a[rnd() & 63];
    out[32] = '\0';
}

static sqlite3_stmt *ins;

static int put_row(const char *bucket, const char *key, const char *vid, int latest, int dm,
                   const char *owner, const char *ctype, int64_t now_ms)
{
    char etag[48], hx[33], sum[64], headers[96];
    int64_t size = 0;
    int multipart = 0;
    const char *alg = "", *ctyp = "";
    if (!dm) {
        size = unif() < 0.01 ? 0 : (int64_t)exp(log(256.0 * 1024) + 2.0 * normal());
        if (size > (5LL << 40))
            size = 5LL << 40;
        multipart = size > (16LL << 20) && unif() < 0.7;
        hexs(hx, 32);
        if (multipart)
            snprintf(etag, sizeof(etag), "\"%s-%lld\"", hx,
                     (long long)(size / (8LL << 20) > 10000 ? 10000 : size / (8LL << 20) + 1));
        else
            snprintf(etag, sizeof(etag), "\"%s\"", hx);
        double t = unif();
        alg = t < 0.40 ? "CRC64NVME" : t < 0.50 ? "CRC32" : t < 0.55 ? "SHA256" : "";
        if (*alg) {
            hexs(sum, 12); /* a base64-looking value of the right shape */
            ctyp = multipart && strcmp(alg, "CRC64NVME") != 0 ? "COMPOSITE" : "FULL_OBJECT";
        } else {
            sum[0] = '\0';
        }
        snprintf(headers, sizeof(headers), "[[\"Content-Type\",\"%s\"]]", ctype);
    } else {
        etag[0] = sum[0] = '\0';
        snprintf(headers, sizeof(headers), "[]");
    }
    int64_t lm = now_ms - (int64_t)(unif() * 3 * 365.25 * 86400e3);
    int lock = !dm && unif() < 0.02;
    sqlite3_reset(ins);
    int c = 1;
    sqlite3_bind_text(ins, c++, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, c++, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, c++, vid, -1, SQLITE_STATIC);
    sqlite3_bind_int(ins, c++, latest);
    sqlite3_bind_int(ins, c++, dm);
    sqlite3_bind_int64(ins, c++, size);
    sqlite3_bind_int64(ins, c++, lm);
    sqlite3_bind_text(ins, c++, etag, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, c++, dm ? "STANDARD" : pick_class(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, c++, owner, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, c++, headers, -1, SQLITE_STATIC);
    sqlite3_bind_int(ins, c++, multipart);
    sqlite3_bind_text(ins, c++, alg, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, c++, sum, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, c++, ctyp, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, c++, lock ? "GOVERNANCE" : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, c++, lock ? now_ms + 86400000LL * (int64_t)(rnd() % 3650) : 0);
    sqlite3_bind_text(ins, c++, !dm && unif() < 0.10 ? "COMPLETED" : "", -1, SQLITE_STATIC);
    return sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
}

static int fill(const char *path, const char *bucket, long long n, uint64_t seed, const char *owner,
                int versioned)
{
    rng_state = seed;
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return 1;
    sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144",
                 NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO objects(bucket, key, version_id, is_latest,"
                           " is_delete_marker, size, last_modified_ms, etag, storage_class,"
                           " owner_id, headers, blob_id, multipart, checksum_algorithm,"
                           " checksum_value, checksum_type, parts, lock_mode, lock_until_ms,"
                           " replication_status, last_access_ms) VALUES (?1,?2,?3,?4,?5,?6,?7,"
                           "?8,?9,?10,?11,'',?12,?13,?14,?15,NULL,?16,?17,?18,"
                           " unixepoch() * 1000)",
                           -1, &ins, NULL) != SQLITE_OK) {
        fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    long long ndirs = n / 1000 + 1;
    char **dirs = malloc((size_t)ndirs * sizeof(*dirs));
    int kind;
    for (long long d = 0; d < ndirs; d++)
        dirs[d] = dir_name(&kind);
    qsort(dirs, (size_t)ndirs, sizeof(*dirs), cmp_str);
    int64_t now_ms = (int64_t)time(NULL) * 1000;
    double t0 = now_s();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (long long i = 0; i < n; i++) {
        const char *dir = dirs[i * ndirs / n];
        int k = dir[strlen(dir) + 1] - '0';
        char key[256], vid[40] = "null", old[40];
        double t = unif();
        snprintf(key, sizeof(key), "%s%09lld-%s%s%s", dir, i, WORDS[rnd() % NWORDS],
                 t < 0.01   ? " copy"
                 : t < 0.02 ? "-\xc3\xa9t\xc3\xa9"
                            : "",
                 EXT[k]);
        int rc = 0;
        if (versioned) {
            double v = unif();
            version_id(vid);
            if (v >= 0.80) { /* an older version first: rows of a key, oldest first */
                version_id(old);
                rc = put_row(bucket, key, old, 0, 0, owner, CTYPE[k], now_ms);
            }
            if (!rc)
                rc = put_row(bucket, key, vid, 1, v >= 0.95, owner, CTYPE[k], now_ms);
        } else {
            rc = put_row(bucket, key, vid, 1, 0, owner, CTYPE[k], now_ms);
        }
        if (rc) {
            fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        if (i % 1000000 == 999999) {
            sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL, NULL);
            fprintf(stderr, "\rfill: %lld rows, %.0f/s", i + 1, (double)(i + 1) / (now_s() - t0));
        }
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(ins);
    for (long long d = 0; d < ndirs; d++)
        free(dirs[d]);
    free(dirs);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    sqlite3_close(db);
    fprintf(stderr, "\n");
    return 0;
}

/* The report's query (meta_sqlite_inventory_scan), every column read as the backend reads it. */
static int scan(const char *path, const char *bucket, int all)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 1;
    const char *cols = "key, version_id, is_latest, is_delete_marker, size, last_modified_ms,"
                       " etag, storage_class, owner_id, multipart, checksum_algorithm, id, acl,"
                       " lock_mode, lock_until_ms, legal_hold, sse, tier, tags, headers,"
                       " replication_status";
    char sql[1024];
    snprintf(sql, sizeof(sql),
             all ? "SELECT %s FROM objects WHERE bucket=?1 AND key>=''"
                   " ORDER BY key, id DESC"
                 : "SELECT %s FROM objects WHERE bucket=?1 AND is_latest=1 AND"
                   " is_delete_marker=0 AND key>='' ORDER BY key",
             cols);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return 1;
    sqlite3_bind_text(st, 1, bucket, -1, SQLITE_STATIC);
    double t0 = now_s();
    clock_t c0 = clock();
    long long rows = 0;
    uint64_t sink = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int n = sqlite3_column_count(st);
        for (int c = 0; c < n; c++) {
            if (sqlite3_column_type(st, c) == SQLITE_INTEGER)
                sink += (uint64_t)sqlite3_column_int64(st, c);
            else
                sink += (uint64_t)sqlite3_column_bytes(st, c);
        }
        rows++;
    }
    double s = now_s() - t0;
    printf("%lld %.3f %.3f %llu\n", rows, s, (double)(clock() - c0) / CLOCKS_PER_SEC,
           (unsigned long long)(sink & 1));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}

static int deflate_file(const char *engine, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1;
    fseek(f, 0, SEEK_END);
    size_t n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *in = malloc(n + 1), *out = malloc(n + n / 10 + 65536);
    if (fread(in, 1, n, f) != n)
        return 1;
    fclose(f);
    double t0 = now_s();
    size_t zn = 0;
    if (strcmp(engine, "zlib6") == 0) {
        z_stream z;
        memset(&z, 0, sizeof(z));
        deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
        z.next_in = in;
        z.avail_in = (uInt)n;
        z.next_out = out;
        z.avail_out = (uInt)(n + n / 10 + 65536);
        deflate(&z, Z_FINISH);
        zn = z.total_out;
        deflateEnd(&z);
#ifdef HAVE_ISAL
    } else if (strncmp(engine, "isal", 4) == 0) {
        int level = engine[4] - '0';
        size_t lb = level == 1   ? ISAL_DEF_LVL1_DEFAULT
                    : level == 2 ? ISAL_DEF_LVL2_DEFAULT
                                 : ISAL_DEF_LVL3_DEFAULT;
        struct isal_zstream z;
        isal_deflate_init(&z);
        z.level = (uint32_t)level;
        z.level_buf = malloc(lb);
        z.level_buf_size = (uint32_t)lb;
        z.gzip_flag = IGZIP_GZIP;
        z.next_in = in;
        z.avail_in = (uint32_t)n;
        z.end_of_stream = 1;
        z.next_out = out;
        z.avail_out = (uint32_t)(n + n / 10 + 65536);
        isal_deflate(&z);
        zn = z.total_out;
        free(z.level_buf);
#endif
    } else {
        return 2;
    }
    printf("%zu %.3f\n", zn, now_s() - t0);
    free(in);
    free(out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 8 && strcmp(argv[1], "fill") == 0)
        return fill(argv[2], argv[3], atoll(argv[4]), strtoull(argv[5], NULL, 10), argv[6],
                    atoi(argv[7]));
    if (argc == 5 && strcmp(argv[1], "scan") == 0)
        return scan(argv[2], argv[3], atoi(argv[4]));
    if (argc == 4 && strcmp(argv[1], "deflate") == 0)
        return deflate_file(argv[2], argv[3]);
    fprintf(stderr, "usage: see bench/inv_rows.c\n");
    return 2;
}
