/* post_form.h — a streaming multipart/form-data parser for browser uploads (POST Object).
 *
 * The body is fed in slices of any size. Each ordinary field is collected (bounded) and handed
 * over whole; the part named "file" is streamed to the caller as it arrives, never buffered.
 * As AWS does, the fields before the file are the form and whatever follows the file is
 * ignored. The input is untrusted: every length is bounded and a broken body is
 * POST_FORM_MALFORMED, never a crash (fuzz target tests/fuzz/fuzz_post_form.c). */
#ifndef STOCKTAKE_S3_POST_FORM_H
#define STOCKTAKE_S3_POST_FORM_H

#include <stddef.h>

#include "core/err.h"

#define POST_FORM_BOUNDARY_MAX 70         /* RFC 2046 */
#define POST_FORM_FIELD_MAX (20 * 1024)   /* one field's value (the policy is at most 20 KB) */
#define POST_FORM_PREDATA_MAX (64 * 1024) /* all fields and part headers before the file */
#define POST_FORM_HEADER_LINE_MAX 2048

enum post_form_result {
    POST_FORM_OK,
    POST_FORM_MALFORMED, /* not multipart/form-data as declared, or it ended early */
    POST_FORM_TOO_LARGE, /* the fields before the file passed the bounds above */
    POST_FORM_STOPPED    /* a callback returned non-zero */
};

/* Callbacks; each returns 0 to go on. name and value are NUL-terminated (value may also hold
 * NUL bytes, len counts them all). */
struct post_form_callbacks {
    int (*field)(void *ctx, const char *name, const char *value, size_t len);
    int (*file_begin)(void *ctx, const char *filename, const char *content_type);
    int (*file_data)(void *ctx, const char *data, size_t n);
    int (*file_end)(void *ctx);
};

struct post_form;

/* The boundary parameter of a multipart/form-data Content-Type (quoted or not) into out
 * (POST_FORM_BOUNDARY_MAX + 1 bytes): 0, or -1 when the type is not multipart/form-data or the
 * boundary is missing or invalid. */
int post_form_boundary(const char *content_type, char *out) WARN_UNUSED;
struct post_form *post_form_new(const char *boundary, const struct post_form_callbacks *cb,
                                void *ctx);
enum post_form_result post_form_feed(struct post_form *f, const char *data, size_t n);
/* After the last byte: POST_FORM_OK when the file part was complete, else MALFORMED. */
enum post_form_result post_form_finish(struct post_form *f);
/* Did the form have a file part at all (so far)? */
int post_form_saw_file(const struct post_form *f);
/* Did the body reach its closing boundary (a form that ended cleanly, maybe without a file)? */
int post_form_closed(const struct post_form *f);
void post_form_free(struct post_form *f);

#endif
