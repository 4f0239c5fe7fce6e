/* test_blob.c — the blob API over the file-system backend (writer, reader at offsets,
 * compose, removal, sendfile's fd) and the RADOS manifest's text form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob/blob.h"
#include "blob/blob_rados_int.h"
#include "harness.h"

static int blob_put(struct blob_store *bs, const char *data, size_t n, char *id)
{
    struct blob_writer *w = NULL;
    if (blob_writer_open(bs, &w) || blob_writer_write(w, data, n))
        return -1;
    return blob_writer_commit(w, id);
}

TEST(blob_fs_write_read_compose_remove)
{
    char dir[] = "/tmp/stocktake-blob-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct blob_store *bs = NULL;
    struct blob_config cfg = {.spec = NULL, .data_dir = dir, .clear_tmp = 1};
    CHECK(blob_store_open_config(&bs, &cfg) == 0);
    CHECK_STR(blob_store_kind(bs), "fs");
    char a[BLOB_ID_LEN + 1], b[BLOB_ID_LEN + 1], c[BLOB_ID_LEN + 1];
    CHECK(blob_put(bs, "hello ", 6, a) == 0);
    CHECK(blob_put(bs, "world", 5, b) == 0);
    struct blob_writer *w = NULL;
    CHECK(blob_writer_open(bs, &w) == 0);
    CHECK(blob_writer_append_blob(w, a) == 0 && blob_writer_write(w, "| ", 2) == 0);
    CHECK(blob_writer_append_blob(w, b) == 0 && blob_writer_size(w) == 13);
    CHECK(blob_writer_append_blob(w, "not-an-id") == ERR_INVALID);
    CHECK(blob_writer_commit(w, c) == 0);
    CHECK(blob_remove(bs, a) == 0 && blob_remove(bs, b) == 0); /* c keeps its bytes */
    struct blob_reader *rd = NULL;
    CHECK(blob_reader_open(bs, c, &rd) == 0 && blob_reader_size(rd) == 13);
    char buf[32];
    size_t got = 0;
    CHECK(blob_reader_pread(rd, buf, sizeof(buf), 0, &got) == 0 && got == 13);
    CHECK(memcmp(buf, "hello | world", 13) == 0);
    CHECK(blob_reader_pread(rd, buf, 4, 7, &got) == 0 && got == 4 && memcmp(buf, " wor", 4) == 0);
    CHECK(blob_reader_pread(rd, buf, 4, 13, &got) == 0 && got == 0);
    int fd = blob_reader_take_fd(rd);
    CHECK(fd >= 0 && blob_reader_take_fd(rd) == -1);
    close(fd);
    blob_reader_close(rd);
    CHECK(blob_reader_open(bs, a, &rd) == ERR_NOTFOUND);
    CHECK(blob_reader_open(bs, "../../etc/passwd", &rd) == ERR_INVALID);
    CHECK(blob_remove(bs, c) == 0 && blob_remove(bs, c) == 0);
    blob_store_close(bs);
    cfg.spec = "s3:elsewhere";
    CHECK(blob_store_open_config(&bs, &cfg) == ERR_INVALID);
    cfg.spec = "rados:";
    CHECK(blob_store_open_config(&bs, &cfg) == ERR_INVALID);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

TEST(blob_rados_manifest_round_trip_and_lookup)
{
    struct blob_rados_manifest m = {0}, back;
    const char *part = "0d64757c-8c33-402b-8861-dddeb0a82020";
    blob_rados_manifest_add(&m, "", 1, 1, BLOB_RADOS_CHUNK);
    blob_rados_manifest_add(&m, "", 2, 1, BLOB_RADOS_CHUNK); /* merged into the run */
    blob_rados_manifest_add(&m, part, 1, 2, 1000);
    blob_rados_manifest_add(&m, "", 3, 1, 7);
    CHECK(m.n == 3 && m.size == 2ull * BLOB_RADOS_CHUNK + 2007);
    size_t len = 0;
    char *text = blob_rados_manifest_format(&m, &len);
    CHECK(blob_rados_manifest_parse(text, len, &back) == 0 && back.n == 3 && back.size == m.size);
    CHECK(blob_rados_manifest_find(&back, 0) == &back.runs[0]);
    CHECK(blob_rados_manifest_find(&back, 2ull * BLOB_RADOS_CHUNK + 999) == &back.runs[1]);
    CHECK(blob_rados_manifest_find(&back, m.size - 1) == &back.runs[2]);
    CHECK_STR(back.runs[1].owner, part);
    free(text);
    blob_rados_manifest_free(&back);
    blob_rados_manifest_free(&m);
    const char *bad[] = {"",
                         "v2\n",
                         "v1\n- 1 1 0\n",
                         "v1\n- 1 0 5\n",
                         "v1\n- 1 1 4194305\n",
                         "v1\nzz 1 1 5\n",
                         "v1\n- 1 1 5",
                         "v1\n- 1 1 -5\n",
                         "v1\n- 99999999999999999999 1 5\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(blob_rados_manifest_parse(bad[i], strlen(bad[i]), &back) == ERR_INVALID);
    CHECK(blob_rados_manifest_parse("v1\n", 3, &back) == 0 && back.size == 0);
    blob_rados_manifest_free(&back);
}
