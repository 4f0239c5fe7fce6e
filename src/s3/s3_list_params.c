/* s3_list_params.c — the query parameters listings share (see s3_list_params.h). */
#include "s3/s3_list_params.h"

#include <stdio.h>
#include <string.h>

#include "core/str.h"

static enum s3_error s3_list_params_bad(struct s3_req *r, const char *name, const char *value)
{
    s3_req_error_elem(r, "ArgumentName", name);
    s3_req_error_elem(r, "ArgumentValue", value);
    return S3E_INVALID_ARGUMENT;
}

enum s3_error s3_list_params_read(struct s3_req *r, const char *max_name, long cap,
                                  struct s3_list_params *out)
{
    out->prefix = s3_req_param(r, "prefix");
    if (!out->prefix)
        out->prefix = "";
    out->delimiter = s3_req_param(r, "delimiter");
    out->max = cap;
    const char *m = s3_req_param(r, max_name);
    if (m) {
        int64_t v = 0;
        if (str_parse_i64(m, 0, INT32_MAX, &v)) {
            s3_req_set_message(r, "Provided %s not an integer or within integer range", max_name);
            return s3_list_params_bad(r, max_name, m);
        }
        out->max = v < cap ? (long)v : cap;
    }
    const char *enc = s3_req_param(r, "encoding-type");
    if (enc && strcmp(enc, "url") != 0) {
        s3_req_set_message(r, "Invalid Encoding Method specified in Request");
        return s3_list_params_bad(r, "encoding-type", enc);
    }
    out->url = enc != NULL;
    return S3_OK;
}
