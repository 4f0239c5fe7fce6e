/* lc_config.h — validating a LifecycleConfiguration document (PutBucketLifecycleConfiguration)
 * as AWS does. */
#ifndef STOCKTAKE_LC_CONFIG_H
#define STOCKTAKE_LC_CONFIG_H

#include <stddef.h>

#define LC_RULES_MAX 1000
#define LC_ID_MAX 255

enum lc_config_error {
    LC_CONFIG_OK = 0,
    LC_CONFIG_MALFORMED,        /* MalformedXML */
    LC_CONFIG_INVALID_ARGUMENT, /* InvalidArgument */
    LC_CONFIG_INVALID_REQUEST,  /* InvalidRequest */
};

/* Validate the document; on error msg holds AWS's message ("" for the code's default). */
enum lc_config_error lc_config_validate(const char *data, size_t len, char *msg, size_t msg_len);

#endif
