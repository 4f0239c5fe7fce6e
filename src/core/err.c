/* err.c — per-thread error messages (see err.h). */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char err_text[512];

void err_set(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err_text, sizeof(err_text), fmt, ap);
    va_end(ap);
}

const char *err_msg(void)
{
    return err_text;
}

const char *err_name(int code)
{
    switch (code) {
    case ERR_OK:
        return "OK";
    case ERR_NOMEM:
        return "NOMEM";
    case ERR_IO:
        return "IO";
    case ERR_NOTFOUND:
        return "NOTFOUND";
    case ERR_EXISTS:
        return "EXISTS";
    case ERR_INVALID:
        return "INVALID";
    case ERR_TOOBIG:
        return "TOOBIG";
    case ERR_ITEROVER:
        return "ITEROVER";
    case ERR_BACKEND:
        return "BACKEND";
    case ERR_NOTEMPTY:
        return "NOTEMPTY";
    case ERR_CONFLICT:
        return "CONFLICT";
    case ERR_BUSY:
        return "BUSY";
    case ERR_DENIED:
        return "DENIED";
    }
    return "UNKNOWN";
}
