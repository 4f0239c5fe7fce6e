/* test_inv_json.c — the exact bytes of the extension JSON report format (one object a line,
 * typed values, keys JSON-escaped and not URL-encoded) and of the CSV header row
 * (<CsvHeader>true</CsvHeader>), written through the format table into a real blob store. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "inventory/inv_format.h"

/* Write rows through fmt (no gzip) with configuration c; returns the file's bytes. */
static char *write_rows(const struct inv_format_ops *fmt, const struct inv_config *c,
                        const struct inv_columns *cols, const struct inv_row *rows, size_t n)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/stocktake-json-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    struct blob_store *bs = NULL;
    CHECK(blob_store_open(&bs, dir, 1) == 0);
    struct inv_file *f = NULL;
    void *state = NULL;
    CHECK(inv_file_open(&f, bs, 0, OBJ_SSE_NONE) == 0);
    if (fmt->open)
        CHECK(fmt->open(&state, cols, 0) == 0);
    if (fmt->start)
        CHECK(fmt->start(state, f, c, cols) == 0);
    for (size_t i = 0; i < n; i++)
        CHECK(fmt->write_row(state, f, cols, &rows[i]) == 0);
    if (fmt->finish)
        CHECK(fmt->finish(state, f) == 0);
    if (fmt->free)
        fmt->free(state);
    struct inv_file_result res;
    CHECK(inv_file_close(f, &res) == 0);
    int fd = -1;
    CHECK(blob_open_read(bs, res.blob_id, &fd) == 0);
    char *out = calloc(1, res.size + 1);
    CHECK(out && read(fd, out, res.size) == (ssize_t)res.size);
    close(fd);
    CHECK(blob_remove(bs, res.blob_id) == 0);
    blob_store_close(bs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    return out;
}

static struct inv_value val(enum inv_kind k, const char *s, int64_t i)
{
    struct inv_value v = {k, s, i, NULL, 0};
    return v;
}

TEST(inv_json_rows_typed_and_escaped)
{
    struct inv_config c;
    memset(&c, 0, sizeof(c));
    c.csv_header = -1;
    struct inv_columns cols = {6,
                               {INV_COL_BUCKET, INV_COL_KEY, INV_COL_IS_LATEST,
                                INV_COL_FIELD0 + INV_FIELD_SIZE,
                                INV_COL_FIELD0 + INV_FIELD_LAST_MODIFIED_DATE,
                                INV_COL_FIELD0 + INV_FIELD_REPLICATION_STATUS}};
    struct inv_row rows[2];
    memset(rows, 0, sizeof(rows));
    rows[0].v[0] = val(INV_STRING, "b", 0);
    rows[0].v[1] = val(INV_STRING, "dir/q\"uote\\ new\nline tab\t \xc3\xbc+%", 0);
    rows[0].v[2] = val(INV_BOOL, NULL, 1);
    rows[0].v[3] = val(INV_INT, NULL, 9007199254740993LL);
    rows[0].v[4] = val(INV_TIMESTAMP, NULL, 1764547200123LL);
    rows[0].v[5] = val(INV_NULL, NULL, 0);
    rows[1] = rows[0];
    rows[1].v[1] = val(INV_STRING, "k", 0);
    rows[1].v[2] = val(INV_BOOL, NULL, 0);
    rows[1].v[3] = val(INV_NULL, NULL, 0);
    char *got = write_rows(&inv_format_json, &c, &cols, rows, 2);
    CHECK_STR(got,
              "{\"Bucket\":\"b\",\"Key\":\"dir/q\\\"uote\\\\ new\\nline tab\\t \xc3\xbc+%\","
              "\"IsLatest\":true,\"Size\":9007199254740993,"
              "\"LastModifiedDate\":\"2025-12-01T00:00:00.123Z\",\"ReplicationStatus\":null}\n"
              "{\"Bucket\":\"b\",\"Key\":\"k\",\"IsLatest\":false,\"Size\":null,"
              "\"LastModifiedDate\":\"2025-12-01T00:00:00.123Z\",\"ReplicationStatus\":null}\n");
    free(got);
    struct buf b;
    buf_init(&b, BUF_UNLIMITED);
    CHECK(inv_format_json.schema(&cols, &b) == 0);
    CHECK_STR(b.data, "Bucket, Key, IsLatest, Size, LastModifiedDate, ReplicationStatus");
    buf_dispose(&b);
}

TEST(inv_csv_header_row_only_when_asked)
{
    struct inv_config c;
    memset(&c, 0, sizeof(c));
    struct inv_columns cols = {3, {INV_COL_BUCKET, INV_COL_KEY, INV_COL_FIELD0 + INV_FIELD_SIZE}};
    struct inv_row row;
    memset(&row, 0, sizeof(row));
    row.v[0] = val(INV_STRING, "b", 0);
    row.v[1] = val(INV_STRING, "a b", 0);
    row.v[2] = val(INV_INT, NULL, 5);
    c.csv_header = 1;
    char *got = write_rows(&inv_format_csv, &c, &cols, &row, 1);
    CHECK_STR(got, "\"Bucket\",\"Key\",\"Size\"\n\"b\",\"a+b\",\"5\"\n");
    free(got);
    for (int h = -1; h <= 0; h++) { /* absent (as AWS) and false: no header */
        c.csv_header = h;
        got = write_rows(&inv_format_csv, &c, &cols, &row, 1);
        CHECK_STR(got, "\"b\",\"a+b\",\"5\"\n");
        free(got);
    }
}
