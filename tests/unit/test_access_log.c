/* test_access_log.c — access log lines (core/access_log.h): the text line's fields and
 * escaping, the JSON line's members, and no signature or security token in either. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/access_log.h"
#include "harness.h"

static struct access_log_entry entry(void)
{
    struct access_log_entry e = {
        .time_ms = 1764772659123, /* 2025-12-03T14:37:39.123Z */
        .remote = "127.0.0.1",
        .request_id = "0123456789ABCDEF",
        .operation = "GetObject",
        .method = "GET",
        .path = "/b/a%20key",
        .query = "X-Amz-Credential=AK%2F20251203&X-Amz-Signature=deadbeef&x-amz-security-token=tok"
                 "&partNumber=1",
        .bucket = "b",
        .key = "a \"key\"\n",
        .status = 200,
        .bytes_in = 0,
        .bytes_out = 1234,
        .duration_ms = 1.5,
        .user_agent = "agent \"x\"",
        .access_key = "AKIDEXAMPLE",
    };
    return e;
}

TEST(access_log_text_line)
{
    struct access_log_entry e = entry();
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(access_log_render(&out, ACCESS_LOG_TEXT, &e) == 0);
    CHECK_STR(out.data, "127.0.0.1 - AKIDEXAMPLE [03/Dec/2025:14:37:39 +0000] \"GET "
                        "/b/a%20key?X-Amz-Credential=AK%2F20251203&X-Amz-Signature=REDACTED&"
                        "x-amz-security-token=REDACTED&partNumber=1\" 200 0 1234 1.500 "
                        "\"agent \\x22x\\x22\" 0123456789ABCDEF GetObject\n");
    buf_dispose(&out);
    e.access_key = NULL;
    e.query = "";
    e.user_agent = NULL;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(access_log_render(&out, ACCESS_LOG_TEXT, &e) == 0);
    CHECK_STR(out.data, "127.0.0.1 - - [03/Dec/2025:14:37:39 +0000] \"GET /b/a%20key\" 200 0 "
                        "1234 1.500 \"\" 0123456789ABCDEF GetObject\n");
    buf_dispose(&out);
}

TEST(access_log_json_line)
{
    struct access_log_entry e = entry();
    struct buf out;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(access_log_render(&out, ACCESS_LOG_JSON, &e) == 0);
    CHECK(out.len > 0 && out.data[out.len - 1] == '\n');
    CHECK(memchr(out.data, '\n', out.len - 1) == NULL); /* one line, the key's newline escaped */
    CHECK(strstr(out.data, "deadbeef") == NULL && strstr(out.data, "tok") == NULL);
    json_error_t err;
    json_t *o = json_loads(out.data, 0, &err);
    CHECK(o != NULL);
    CHECK_STR(json_string_value(json_object_get(o, "time")), "2025-12-03T14:37:39.123Z");
    CHECK_STR(json_string_value(json_object_get(o, "key")), "a \"key\"\n");
    CHECK_STR(json_string_value(json_object_get(o, "accessKeyId")), "AKIDEXAMPLE");
    CHECK_STR(json_string_value(json_object_get(o, "operation")), "GetObject");
    CHECK(json_integer_value(json_object_get(o, "status")) == 200);
    CHECK(json_integer_value(json_object_get(o, "bytesOut")) == 1234);
    CHECK(json_real_value(json_object_get(o, "durationMs")) == 1.5);
    json_decref(o);
    buf_dispose(&out);
    e.key = "\xff\xfe"; /* not UTF-8: null, never raw bytes */
    e.access_key = NULL;
    buf_init(&out, BUF_UNLIMITED);
    CHECK(access_log_render(&out, ACCESS_LOG_JSON, &e) == 0);
    o = json_loads(out.data, 0, &err);
    CHECK(o && json_is_null(json_object_get(o, "key")) &&
          json_is_null(json_object_get(o, "accessKeyId")));
    json_decref(o);
    buf_dispose(&out);
}

TEST(access_log_format_names)
{
    enum access_log_format f = ACCESS_LOG_TEXT;
    CHECK(access_log_format_parse("json", &f) == 0 && f == ACCESS_LOG_JSON);
    CHECK(access_log_format_parse("text", &f) == 0 && f == ACCESS_LOG_TEXT);
    CHECK(access_log_format_parse("xml", &f) == ERR_INVALID);
}
