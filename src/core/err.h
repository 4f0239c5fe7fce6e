/* err.h — the one error contract of Stocktake.
 *
 * Functions that can fail return int: 0 on success or a negative ERR_* code. The lowest layer
 * that sees the failure records a one-line message with err_set(); callers pass the code up
 * unchanged. The message is kept per thread. A function returning void cannot fail. */
#ifndef STOCKTAKE_CORE_ERR_H
#define STOCKTAKE_CORE_ERR_H

enum {
    ERR_OK = 0,
    ERR_NOMEM = -1,     /* allocation failed */
    ERR_IO = -2,        /* file system or socket error */
    ERR_NOTFOUND = -3,  /* the thing asked for does not exist */
    ERR_EXISTS = -4,    /* the thing to create exists already */
    ERR_INVALID = -5,   /* malformed input */
    ERR_TOOBIG = -6,    /* over a hard limit */
    ERR_ITEROVER = -7,  /* an iterator has no more items (not an error) */
    ERR_BACKEND = -8,   /* the metadata backend failed */
    ERR_NOTEMPTY = -9,  /* a container still holds items */
    ERR_CONFLICT = -10, /* a concurrent change won */
    ERR_BUSY = -11,     /* the backend stayed busy (locked) past its timeout: retry later */
    ERR_DENIED = -12    /* the authorization step refused the principal */
};

#if defined(__GNUC__)
#define WARN_UNUSED __attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define WARN_UNUSED
#define PRINTF_LIKE(f, a)
#endif

/* Record the message for the current thread's last error. */
void err_set(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* The current thread's last message; "" when none. Borrowed until the next err_set. */
const char *err_msg(void);

/* A short fixed name for an ERR_* code ("NOTFOUND"). */
const char *err_name(int code);

#endif
