/* s3_error.c — the S3 error table and its XML body (see s3_error.h). */
#include "s3/s3_error.h"

#include "core/err.h"
#include "core/xmlw.h"

struct s3_error_info {
    const char *code;
    int status;
    const char *message;
};

static const struct s3_error_info s3_errors[S3E_COUNT] = {
    [S3_OK] = {"OK", 200, ""},
#define S3_ERROR(name, code, status, msg) [S3E_##name] = {code, status, msg},
#include "s3/s3_errors.def"
#undef S3_ERROR
};

const char *s3_error_code(enum s3_error e)
{
    return s3_errors[e].code;
}

int s3_error_status(enum s3_error e)
{
    return s3_errors[e].status;
}

const char *s3_error_message(enum s3_error e)
{
    return s3_errors[e].message;
}

enum s3_error s3_error_from_err(int err, enum s3_error not_found)
{
    switch (err) {
    case ERR_OK:
        return S3_OK;
    case ERR_NOTFOUND:
        return not_found;
    case ERR_INVALID:
        return S3E_INVALID_ARGUMENT;
    case ERR_TOOBIG:
        return S3E_ENTITY_TOO_LARGE;
    case ERR_NOTEMPTY:
        return S3E_BUCKET_NOT_EMPTY;
    case ERR_CONFLICT:
        return S3E_SERVICE_UNAVAILABLE;
    case ERR_BUSY:
        return S3E_SLOW_DOWN;
    case ERR_DENIED:
        return S3E_ACCESS_DENIED;
    default:
        return S3E_INTERNAL_ERROR;
    }
}

enum s3_error s3_error_from_rc(int rc)
{
    return s3_error_from_err(rc, S3E_INTERNAL_ERROR);
}

int s3_error_body(struct buf *out, enum s3_error e, const char *message, const char *extra,
                  const char *request_id, const char *host_id)
{
    int rc = buf_puts(out, XML_DECL "<Error>");
    if (!rc)
        rc = xmlw_elem(out, "Code", s3_error_code(e));
    if (!rc)
        rc = xmlw_elem(out, "Message", message ? message : s3_error_message(e));
    if (!rc && extra)
        rc = buf_puts(out, extra);
    if (!rc)
        rc = xmlw_elem(out, "RequestId", request_id);
    if (!rc)
        rc = xmlw_elem(out, "HostId", host_id);
    if (!rc)
        rc = buf_puts(out, "</Error>");
    return rc;
}
