/* s3_object_stream.h — the GET answer of an object whose stored bytes are not its bytes (SSE):
 * no sendfile; the reader decrypts into the response's blocks. The first block is decrypted
 * (and so authenticated) before the status line is chosen, so a tampered small object answers
 * 500 InternalError; a failure further into a large one aborts the connection — never a wrong
 * byte either way. */
#ifndef STOCKTAKE_S3_OBJECT_STREAM_H
#define STOCKTAKE_S3_OBJECT_STREAM_H

#include <stdint.h>

#include "http/http.h"
#include "object/object.h"

/* A response of status with the len bytes rd has left; head: the length only (HEAD; rd may be
 * NULL then, for a HEAD answered from the row alone). Takes rd (also on failure). NULL on a
 * read or authentication failure, logged with what. */
struct http_response *s3_object_stream_response(struct obj_reader *rd, int status, uint64_t len,
                                                int head, const char *what);

#endif
