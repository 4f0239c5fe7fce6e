/* test_inv_map_columns.c — the map columns (Tags, UserMetadata) through the ORC and Parquet
 * writers, straight through the format table into a real blob store: more map entries in one
 * stripe / row group than rows (the ORC children grow past the stripe's row bound), null and
 * empty maps beside full ones; the files are whole (magic at both ends) and Parquet's footer
 * names the MAP group, its key_value group and the leaf paths. Readers check the values
 * (tests/integration/test_inventory_columns.py: DuckDB, hyparquet, orc_reader.py). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "inventory/inv_format.h"

#define MAP_ROWS 30000 /* in one stripe / row group; 3 entries each: 90,000 > 65,536 */

static char *write_file(const struct inv_format_ops *fmt, size_t *len)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/stocktake-map-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    struct blob_store *bs = NULL;
    CHECK(blob_store_open(&bs, dir, 1) == 0);
    struct inv_columns cols = {4,
                               {INV_COL_KEY, INV_COL_FIELD0 + INV_FIELD_TAGS,
                                INV_COL_FIELD0 + INV_FIELD_USER_METADATA,
                                INV_COL_FIELD0 + INV_FIELD_CONTENT_TYPE}};
    struct inv_file *f = NULL;
    void *state = NULL;
    CHECK(inv_file_open(&f, bs, 0, OBJ_SSE_NONE) == 0);
    CHECK(fmt->open(&state, &cols, 0) == 0);
    struct inv_pair pairs[3] = {{"a", "1"}, {"b", ""}, {"c", "three"}};
    struct inv_row row;
    memset(&row, 0, sizeof(row));
    int rc = 0;
    for (int i = 0; i < MAP_ROWS && !rc; i++) {
        char key[32];
        snprintf(key, sizeof(key), "k%06d", i);
        row.v[0] = (struct inv_value){INV_STRING, key, 0, NULL, 0};
        row.v[1] = (struct inv_value){INV_MAP, NULL, 0, pairs, 3};
        /* user metadata: null (a delete marker), empty or one pair, in turn */
        if (i % 3 == 0)
            row.v[2] = (struct inv_value){INV_NULL, NULL, 0, NULL, 0};
        else
            row.v[2] = (struct inv_value){INV_MAP, NULL, 0, pairs + 2, (size_t)(i % 3 - 1)};
        row.v[3] = (struct inv_value){INV_STRING, "text/plain", 0, NULL, 0};
        rc = fmt->write_row(state, f, &cols, &row);
    }
    CHECK(rc == 0);
    CHECK(fmt->finish(state, f) == 0);
    fmt->free(state);
    struct inv_file_result res;
    CHECK(inv_file_close(f, &res) == 0);
    int fd = -1;
    CHECK(blob_open_read(bs, res.blob_id, &fd) == 0);
    char *data = malloc(res.size);
    CHECK(data != NULL);
    CHECK(read(fd, data, res.size) == (ssize_t)res.size);
    close(fd);
    *len = res.size;
    CHECK(blob_remove(bs, res.blob_id) == 0);
    blob_store_close(bs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    return data;
}

static int contains(const char *data, size_t len, const char *what)
{
    size_t n = strlen(what);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, what, n) == 0)
            return 1;
    return 0;
}

TEST(inv_map_columns_orc_writer)
{
    size_t len = 0;
    char *data = write_file(&inv_format_orc, &len);
    CHECK(len > 100);
    CHECK(memcmp(data, "ORC", 3) == 0);
    size_t ps = (unsigned char)data[len - 1]; /* the PostScript ends with its magic */
    CHECK(ps < len && memcmp(data + len - 4, "ORC", 3) == 0);
    free(data);
}

TEST(inv_map_columns_parquet_writer)
{
    size_t len = 0;
    char *data = write_file(&inv_format_parquet, &len);
    CHECK(len > 100);
    CHECK(memcmp(data, "PAR1", 4) == 0 && memcmp(data + len - 4, "PAR1", 4) == 0);
    uint32_t footer =
        (uint32_t)(unsigned char)data[len - 8] | (uint32_t)(unsigned char)data[len - 7] << 8 |
        (uint32_t)(unsigned char)data[len - 6] << 16 | (uint32_t)(unsigned char)data[len - 5] << 24;
    CHECK(footer + 8 < len);
    const char *meta = data + len - 8 - footer; /* the footer is not compressed */
    CHECK(contains(meta, footer, "user_metadata"));
    CHECK(contains(meta, footer, "key_value"));
    CHECK(contains(meta, footer, "content_type"));
    free(data);
}
