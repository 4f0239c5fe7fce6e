/* xmlw.h — writing XML responses into a buf: escaped text and simple elements. */
#ifndef STOCKTAKE_CORE_XMLW_H
#define STOCKTAKE_CORE_XMLW_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"

/* Append s[0..n) with & < > " ' and control characters escaped as XML references. */
int xmlw_escape(struct buf *b, const char *s, size_t n) WARN_UNUSED;
/* <name>escaped text</name> */
int xmlw_elem(struct buf *b, const char *name, const char *text) WARN_UNUSED;
int xmlw_elem_n(struct buf *b, const char *name, const char *text, size_t n) WARN_UNUSED;
int xmlw_elem_i64(struct buf *b, const char *name, int64_t v) WARN_UNUSED;
int xmlw_elem_bool(struct buf *b, const char *name, int v) WARN_UNUSED;

#endif
