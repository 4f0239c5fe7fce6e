/* cli_aws.h — credentials and region the way the aws CLI finds them, for the commands that
 * talk to a server over the network (`inventory … --endpoint`).
 *
 * Keys: with --profile P, that profile; else AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when
 * both are set (AWS_SESSION_TOKEN is ignored: Stocktake has no temporary credentials); else the
 * profile AWS_PROFILE names, or "default". A profile's keys come from the shared credentials
 * file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials, section [P]), else from the
 * config file (AWS_CONFIG_FILE, default ~/.aws/config, section [profile P], or [default]).
 * Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region in the config file,
 * else us-east-1. */
#ifndef STOCKTAKE_CLI_AWS_H
#define STOCKTAKE_CLI_AWS_H

#include <stddef.h>

#include "core/err.h"

struct cli_aws_creds {
    char access_key[129];
    char secret_key[129];
    char region[64];
    char source[300]; /* where the keys came from, for messages ("environment", a file) */
};

/* profile, region: the command line's (NULL when not given). ERR_NOTFOUND with err_msg()
 * when no keys are found. */
int cli_aws_creds_load(struct cli_aws_creds *out, const char *profile,
                       const char *region) WARN_UNUSED;
/* Wipe the secret. */
void cli_aws_creds_clear(struct cli_aws_creds *c);

/* The value of key in [section] of an INI text (aws CLI files: "key = value" lines, '#' and
 * ';' comments, section and key names compared exactly after trimming). 0 with the value
 * (trimmed) in out, ERR_NOTFOUND when absent, ERR_TOOBIG when it does not fit. */
int cli_aws_ini_get(const char *text, size_t len, const char *section, const char *key, char *out,
                    size_t size) WARN_UNUSED;

#endif
