/* s3_list_params.h — the query parameters every listing shares (ListObjects v1/v2,
 * ListObjectVersions, ListMultipartUploads): prefix, delimiter, a max-* count and
 * encoding-type, read and checked once, with AWS's InvalidArgument details. */
#ifndef STOCKTAKE_S3_LIST_PARAMS_H
#define STOCKTAKE_S3_LIST_PARAMS_H

#include "s3/s3_req.h"

struct s3_list_params {
    const char *prefix;    /* "" when absent; borrowed from the request */
    const char *delimiter; /* NULL when absent */
    long max;              /* the max-* parameter, at most cap; cap when absent */
    int url;               /* encoding-type=url */
};

/* max_name is the count's parameter ("max-keys", "max-uploads"), cap its upper bound. */
enum s3_error s3_list_params_read(struct s3_req *r, const char *max_name, long cap,
                                  struct s3_list_params *out);

#endif
