/* s3_error.h — the S3 errors Stocktake answers, and the one place internal errors become them.
 *
 * The table is data (s3_errors.def). Handlers return an enum s3_error (S3_OK on success) and
 * may attach a detail message and extra XML elements; s3_error_body() renders AWS's XML. */
#ifndef STOCKTAKE_S3_ERROR_H
#define STOCKTAKE_S3_ERROR_H

#include "core/buf.h"

enum s3_error {
    S3_OK = 0,
#define S3_ERROR(name, code, status, msg) S3E_##name,
#include "s3/s3_errors.def"
#undef S3_ERROR
    S3E_COUNT
};

const char *s3_error_code(enum s3_error e);
int s3_error_status(enum s3_error e);
const char *s3_error_message(enum s3_error e);

/* The one mapping of an internal ERR_* code to an S3 error. ERR_NOTFOUND means something
 * different to each caller (NoSuchKey, NoSuchUpload, …), so the caller names it: not_found.
 * ERR_BUSY (the metadata store stayed locked past its timeout) is 503 SlowDown, ERR_CONFLICT
 * (a concurrent change won) 503 ServiceUnavailable, ERR_NOMEM/IO/BACKEND 500 InternalError. */
enum s3_error s3_error_from_err(int err, enum s3_error not_found);
/* The same with no not-found meaning in the caller's context: ERR_NOTFOUND is InternalError
 * (something the request relied on vanished). */
enum s3_error s3_error_from_rc(int rc);

/* Render <Error><Code/><Message/>extra<RequestId/><HostId/></Error>. message NULL → table text;
 * extra is already-escaped XML (may be NULL). */
int s3_error_body(struct buf *out, enum s3_error e, const char *message, const char *extra,
                  const char *request_id, const char *host_id) WARN_UNUSED;

#endif
