/* test_orc_stats.c — ORC column statistics (issue 9 defect 9): timestamp statistics are
 * min/max milliseconds with no sum (summing epoch milliseconds overflowed int64 after ~5.2
 * million rows and UBSan aborted); bigint sums are left out once they overflow, as Apache ORC
 * does; and the ORC writer itself takes more than 5.2 million timestamped rows in one file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "inventory/inv_format.h"
#include "inventory/orc_encode.h"
#include "inventory/orc_stats.h"

#define T0 1764547200000LL /* 2025-12-01T00:00:00Z in ms */
#define ROWS 5300000       /* past INT64_MAX / T0 ≈ 5.24 million */

/* The bytes orc_stats_message should write for a timestamp column. */
static void expect_timestamp_message(struct buf *want, uint64_t count, int64_t min, int64_t max)
{
    struct buf inner;
    buf_init(&inner, BUF_UNLIMITED);
    CHECK(orc_pb_uint(want, 1, count) == 0);
    CHECK(orc_pb_sint(&inner, 1, min) == 0);
    CHECK(orc_pb_sint(&inner, 2, max) == 0);
    CHECK(orc_pb_sint(&inner, 3, min) == 0);
    CHECK(orc_pb_sint(&inner, 4, max) == 0);
    CHECK(orc_pb_bytes(want, 9, inner.data, inner.len) == 0);
    CHECK(orc_pb_uint(want, 10, 0) == 0);
    buf_dispose(&inner);
}

TEST(orc_stats_timestamps_millions_of_rows)
{
    struct orc_stats stripe, file;
    orc_stats_init(&stripe);
    orc_stats_init(&file);
    for (int64_t i = 0; i < ROWS; i++) {
        orc_stats_add(&stripe, ORC_TIMESTAMP, T0 + i * 7, NULL, 0);
        if (i % 65536 == 65535) {
            orc_stats_merge(&file, &stripe, ORC_TIMESTAMP);
            orc_stats_dispose(&stripe);
            orc_stats_init(&stripe);
        }
    }
    orc_stats_merge(&file, &stripe, ORC_TIMESTAMP);
    CHECK(file.count == ROWS);
    CHECK(file.min == T0 && file.max == T0 + (ROWS - 1) * 7LL);
    struct buf got, want;
    buf_init(&got, BUF_UNLIMITED);
    buf_init(&want, BUF_UNLIMITED);
    CHECK(orc_stats_message(&got, &file, ORC_TIMESTAMP) == 0);
    expect_timestamp_message(&want, ROWS, T0, T0 + (ROWS - 1) * 7LL);
    CHECK(got.len == want.len && memcmp(got.data, want.data, got.len) == 0);
    buf_dispose(&got);
    buf_dispose(&want);
    orc_stats_dispose(&stripe);
    orc_stats_dispose(&file);
}

TEST(orc_stats_integer_sum_dropped_on_overflow)
{
    struct orc_stats a, b, file;
    orc_stats_init(&a);
    orc_stats_init(&b);
    orc_stats_init(&file);
    orc_stats_add(&a, ORC_LONG, 5, NULL, 0);
    orc_stats_add(&a, ORC_LONG, -2, NULL, 0);
    CHECK(!a.sum_overflow && a.sum == 3 && a.min == -2 && a.max == 5);
    orc_stats_add(&b, ORC_LONG, INT64_MAX, NULL, 0);
    orc_stats_merge(&file, &a, ORC_LONG);
    orc_stats_merge(&file, &b, ORC_LONG); /* 3 + INT64_MAX */
    CHECK(file.sum_overflow && file.min == -2 && file.max == INT64_MAX && file.count == 3);
    orc_stats_add(&b, ORC_LONG, 1, NULL, 0); /* inside one stripe */
    CHECK(b.sum_overflow);
    /* the message has minimum and maximum but no sum (field 3) */
    struct buf got, want, inner;
    buf_init(&got, BUF_UNLIMITED);
    buf_init(&want, BUF_UNLIMITED);
    buf_init(&inner, BUF_UNLIMITED);
    CHECK(orc_stats_message(&got, &file, ORC_LONG) == 0);
    CHECK(orc_pb_uint(&want, 1, 3) == 0);
    CHECK(orc_pb_sint(&inner, 1, -2) == 0);
    CHECK(orc_pb_sint(&inner, 2, INT64_MAX) == 0);
    CHECK(orc_pb_bytes(&want, 2, inner.data, inner.len) == 0);
    CHECK(orc_pb_uint(&want, 10, 0) == 0);
    CHECK(got.len == want.len && memcmp(got.data, want.data, got.len) == 0);
    /* without overflow the sum is there */
    buf_reset(&got);
    CHECK(orc_stats_message(&got, &a, ORC_LONG) == 0);
    buf_reset(&want);
    buf_reset(&inner);
    CHECK(orc_pb_uint(&want, 1, 2) == 0);
    CHECK(orc_pb_sint(&inner, 1, -2) == 0);
    CHECK(orc_pb_sint(&inner, 2, 5) == 0);
    CHECK(orc_pb_sint(&inner, 3, 3) == 0);
    CHECK(orc_pb_bytes(&want, 2, inner.data, inner.len) == 0);
    CHECK(orc_pb_uint(&want, 10, 0) == 0);
    CHECK(got.len == want.len && memcmp(got.data, want.data, got.len) == 0);
    buf_dispose(&got);
    buf_dispose(&want);
    buf_dispose(&inner);
    orc_stats_dispose(&a);
    orc_stats_dispose(&b);
    orc_stats_dispose(&file);
}

/* The writer, straight through the format table: one file of ROWS rows (Size and
 * LastModifiedDate, as a report with those fields), into a real blob store. */
TEST(orc_writer_more_than_5_2_million_rows_in_one_file)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/stocktake-orc-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    struct blob_store *bs = NULL;
    CHECK(blob_store_open(&bs, dir, 1) == 0);
    struct inv_columns cols = {
        2, {INV_COL_FIELD0 + INV_FIELD_SIZE, INV_COL_FIELD0 + INV_FIELD_LAST_MODIFIED_DATE}};
    struct inv_file *f = NULL;
    void *state = NULL;
    CHECK(inv_file_open(&f, bs, 0, OBJ_SSE_NONE) == 0);
    CHECK(inv_format_orc.open(&state, &cols, 0) == 0);
    struct inv_row row;
    memset(&row, 0, sizeof(row));
    row.v[0].kind = INV_INT;
    row.v[1].kind = INV_TIMESTAMP;
    int rc = 0;
    for (int64_t i = 0; i < ROWS && !rc; i++) {
        row.v[0].i = 1000000000000LL + i; /* a size sum past int64 too, after 9.2 million… */
        row.v[1].i = T0 + i;
        rc = inv_format_orc.write_row(state, f, &cols, &row);
    }
    CHECK(rc == 0);
    CHECK(inv_format_orc.finish(state, f) == 0);
    inv_format_orc.free(state);
    struct inv_file_result res;
    CHECK(inv_file_close(f, &res) == 0);
    CHECK(res.size > 1000);
    int fd = -1;
    CHECK(blob_open_read(bs, res.blob_id, &fd) == 0);
    char magic[3] = {0};
    CHECK(read(fd, magic, 3) == 3 && memcmp(magic, "ORC", 3) == 0);
    close(fd);
    CHECK(blob_remove(bs, res.blob_id) == 0);
    blob_store_close(bs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}
