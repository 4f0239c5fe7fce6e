/* test_s3_error.c — internal ERR_* codes become S3 errors in one function. */
#include "core/err.h"
#include "harness.h"
#include "s3/s3_error.h"

TEST(s3_error_from_rc_maps_internal_codes)
{
    CHECK(s3_error_from_rc(ERR_OK) == S3_OK);
    CHECK(s3_error_from_rc(ERR_BUSY) == S3E_SLOW_DOWN);
    CHECK(s3_error_from_rc(ERR_DENIED) == S3E_ACCESS_DENIED);
    CHECK(s3_error_status(S3E_SLOW_DOWN) == 503);
    CHECK_STR(s3_error_code(S3E_SLOW_DOWN), "SlowDown");
    CHECK(s3_error_from_rc(ERR_CONFLICT) == S3E_SERVICE_UNAVAILABLE);
    CHECK(s3_error_from_rc(ERR_BACKEND) == S3E_INTERNAL_ERROR);
    CHECK(s3_error_from_rc(ERR_IO) == S3E_INTERNAL_ERROR);
    CHECK(s3_error_from_rc(ERR_NOMEM) == S3E_INTERNAL_ERROR);
    CHECK(s3_error_from_rc(ERR_NOTFOUND) == S3E_INTERNAL_ERROR);
    CHECK(s3_error_from_err(ERR_NOTFOUND, S3E_NO_SUCH_KEY) == S3E_NO_SUCH_KEY);
    CHECK(s3_error_from_rc(ERR_TOOBIG) == S3E_ENTITY_TOO_LARGE);
    CHECK(s3_error_from_rc(ERR_NOTEMPTY) == S3E_BUCKET_NOT_EMPTY);
    CHECK_STR(err_name(ERR_BUSY), "BUSY");
    CHECK_STR(err_name(ERR_DENIED), "DENIED");
}
